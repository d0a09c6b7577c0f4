"""Every write: each function checks permission, runs in one transaction, records who did what
and why, and defers side effects until the transaction commits."""

from __future__ import annotations

from .alerts import alert_acknowledge
from .census import (
    child_census_details_record,
    referral_close,
    referral_primary_need_record,
)
from .common import AlreadyDone, action_complete, publish, require_role
from .contacts import (
    contact_create,
    intake_team_for,
    match_people,
    open_case_of,
    parental_awareness_errors,
    route_to_open_case,
)
from .merges import match_proposal_confirm, match_proposal_reject, person_merge, person_merge_undo
from .people import (
    PersonInput,
    PersonMatch,
    person_match_or_create,
    propose_matches,
    relationship_kind,
)
from .referrals import previous_referral, referrals_open
from .users import user_create

__all__ = [
    "AlreadyDone",
    "PersonInput",
    "PersonMatch",
    "action_complete",
    "alert_acknowledge",
    "child_census_details_record",
    "contact_create",
    "intake_team_for",
    "match_people",
    "match_proposal_confirm",
    "match_proposal_reject",
    "open_case_of",
    "parental_awareness_errors",
    "person_match_or_create",
    "person_merge",
    "person_merge_undo",
    "previous_referral",
    "propose_matches",
    "publish",
    "referral_close",
    "referral_primary_need_record",
    "referrals_open",
    "relationship_kind",
    "require_role",
    "route_to_open_case",
    "user_create",
]
