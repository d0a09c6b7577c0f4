"""Episodes (referrals) of children with what followed each, gathered once for both returns."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from .. import workflows
from ..models import Person, Referral
from ..workflows import CensusAssessment, CensusS47


@dataclass
class Episode:
    referral: Referral
    assessments: list[CensusAssessment] = field(default_factory=list)
    s47s: list[CensusS47] = field(default_factory=list)

    @property
    def closed_on(self) -> date | None:
        if self.referral.closed_on is not None:
            return self.referral.closed_on
        closed = [a.closed_on for a in self.assessments if a.closed_on is not None]
        return max(closed) if closed else None

    @property
    def closure_reason(self) -> str:
        if self.referral.closed_on is not None:
            return self.referral.closure_reason
        reasons = [a.closure_reason for a in self.assessments if a.closed_on is not None]
        return reasons[-1] if reasons else ""

    @property
    def primary_need(self) -> str:
        needs = [a.primary_need for a in self.assessments if a.primary_need]
        return self.referral.primary_need or (needs[-1] if needs else "")

    @property
    def no_further_action(self) -> bool:
        """Closed with nothing after the referral: no assessment and no s47 enquiry."""
        return self.closed_on is not None and not self.assessments and not self.s47s

    def open_during(self, start: date, end: date) -> bool:
        closed_on = self.closed_on
        return self.referral.referral_date <= end and (closed_on is None or closed_on >= start)


def episodes_of(referrals: Sequence[Referral]) -> dict[int, list[Episode]]:
    """Each child's episodes, oldest first, by child id, with each registered source's records
    placed in the episode open on the record's start date (one query per source)."""
    by_child: dict[int, list[Episode]] = {}
    for referral in sorted(referrals, key=lambda r: (r.referral_date, r.pk)):
        by_child.setdefault(referral.child_id, []).append(Episode(referral))
    child_ids = list(by_child)
    for source in workflows.return_sources.values():
        for child_id, items in source.items(child_ids).items():
            episodes = by_child.get(child_id)
            if not episodes:
                continue
            dates = [episode.referral.referral_date for episode in episodes]
            for item in items:
                at = max(bisect.bisect_right(dates, item.started_on) - 1, 0)
                if isinstance(item, CensusAssessment):
                    episodes[at].assessments.append(item)
                else:
                    episodes[at].s47s.append(item)
    for episodes in by_child.values():
        for episode in episodes:
            episode.assessments.sort(key=lambda a: (a.started_on, a.record_id))
            episode.s47s.sort(key=lambda s: (s.started_on, s.record_id))
    return by_child


def referrals_until(end: date) -> Sequence[Referral]:
    """Every referral made on or before `end` of a child whose record is not merged away, with
    its child and contact (one query)."""
    return list(
        Referral.objects.filter(referral_date__lte=end, child__merged_into__isnull=True)
        .select_related("child", "contact")
        .order_by("child_id", "referral_date", "id")
    )


def children_of(by_child: dict[int, list[Episode]]) -> dict[int, Person]:
    return {child_id: episodes[0].referral.child for child_id, episodes in by_child.items()}
