"""Demo homeless presentations, one at each stage of the pathway, the last decided: the young
person accommodated under section 20 (looked after)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mach.models import Contact, User
from mach.services import PersonInput

from . import services
from .models import HomelessPresentation

NAMES = (("Jade", "Patel"), ("Tom", "Reid"), ("Nia", "Okafor"), ("Ellis", "Ward"), ("Rhys", "Hall"))


def seed(users: dict[str, User], contacts: list[Contact]) -> None:
    worker = users.get("sam.worker")
    if worker is None or HomelessPresentation.objects.exists():
        return
    today = timezone.localdate()
    born = today - timedelta(days=17 * 365)
    for stage, (first, last) in enumerate(NAMES):
        presentation = services.presentation_create(
            actor=worker,
            young_person=PersonInput(first_name=first, last_name=last, date_of_birth=born),
            presented_to="housing" if stage % 2 else "childrens_services",
            via="seed_demo",
        )
        if stage >= 1:
            presentation = services.account_record(
                actor=worker,
                presentation=presentation,
                account="Mum told me to leave after we argued. I slept at a friend's last night.",
                wishes_and_feelings="I want somewhere safe near my college.",
            )
            presentation = services.rights_and_advocacy_record(
                actor=worker,
                presentation=presentation,
                rights_explained_on=today,
                advocacy_offered_on=today,
                advocacy_taken_up=stage % 2 == 0,
            )
        if stage >= 2:
            presentation = services.accommodation_record(
                actor=worker,
                presentation=presentation,
                type="supported_lodgings",
                under_s20=stage >= 3,
            )
        if stage >= 3:
            presentation = services.joint_assessment_record(
                actor=worker,
                presentation=presentation,
                housing_officer="Pat Lewis (housing options)",
                completed_on=today,
                summary="Cannot return home safely now; mediation offered.",
            )
        if stage >= 4:
            services.decision_record(
                actor=worker,
                presentation=presentation,
                outcome="s20_accommodated",
                reason="Needs care and support a housing placement cannot give.",
            )
