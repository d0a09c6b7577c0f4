"""The front door's core records. Workflow apps add theirs in their own models."""

from __future__ import annotations

from .accounts import AgencyType, Role, Team, User
from .audit import AccessLog, AppendOnly, Event, IdempotencyRecord
from .calendar import ClosureDay, SchoolHoliday
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
    "OPEN_STATES",
    "AccessLog",
    "AgencyType",
    "Alert",
    "AlertLevel",
    "AppendOnly",
    "Channel",
    "ClosureDay",
    "Contact",
    "ContactPerson",
    "Event",
    "Gender",
    "IdempotencyRecord",
    "Kind",
    "MatchProposal",
    "ParentalAwareness",
    "Person",
    "PersonMerge",
    "Rag",
    "Referral",
    "Relationship",
    "RelationshipKind",
    "Role",
    "SchoolHoliday",
    "Source",
    "State",
    "Team",
    "Timed",
    "User",
    "nhs_number_is_valid",
    "normalise_name",
    "normalise_postcode",
]
