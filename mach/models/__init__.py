"""The front door's core records. Workflow apps add theirs in their own models."""

from __future__ import annotations

from .accounts import AgencyType, Role, Team, User
from .audit import AccessLog, AppendOnly, Event, IdempotencyRecord
from .calendar import ClosureDay, SchoolHoliday
from .case_audits import (
    GOOD_OR_BETTER,
    AuditDomain,
    AuditGrade,
    AuditState,
    CaseAudit,
    Grade,
    GradeChange,
    LearningAction,
    ModerationReason,
)
from .census import CategoryOfAbuse, ClosureReason, Disability, Ethnicity, PrimaryNeed, UpnUnknown
from .contacts import (
    OPEN_STATES,
    Channel,
    Contact,
    ContactPerson,
    ParentalAwareness,
    Rag,
    Source,
    State,
)
from .figures import DailyFigure, FigureSource, SummarisedDay
from .people import (
    Gender,
    Kind,
    MatchProposal,
    Person,
    PersonMerge,
    Relationship,
    RelationshipKind,
    nhs_number_is_valid,
    normalise_name,
    normalise_postcode,
)
from .referrals import Referral
from .timeliness import Alert, AlertLevel, Timed

__all__ = [
    "GOOD_OR_BETTER",
    "OPEN_STATES",
    "AccessLog",
    "AgencyType",
    "Alert",
    "AlertLevel",
    "AppendOnly",
    "AuditDomain",
    "AuditGrade",
    "AuditState",
    "CaseAudit",
    "CategoryOfAbuse",
    "Channel",
    "ClosureDay",
    "ClosureReason",
    "Contact",
    "ContactPerson",
    "DailyFigure",
    "Disability",
    "Ethnicity",
    "Event",
    "FigureSource",
    "Gender",
    "Grade",
    "GradeChange",
    "IdempotencyRecord",
    "Kind",
    "LearningAction",
    "MatchProposal",
    "ModerationReason",
    "ParentalAwareness",
    "Person",
    "PersonMerge",
    "PrimaryNeed",
    "Rag",
    "Referral",
    "Relationship",
    "RelationshipKind",
    "Role",
    "SchoolHoliday",
    "Source",
    "State",
    "SummarisedDay",
    "Team",
    "Timed",
    "UpnUnknown",
    "User",
    "nhs_number_is_valid",
    "normalise_name",
    "normalise_postcode",
]
