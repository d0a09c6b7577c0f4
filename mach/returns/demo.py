"""The demo's census items, recorded as a worker would once the demo's workflows have run:
each demo child's UPN, ethnicity and disabilities, and each open episode's primary need."""

from __future__ import annotations

from ..models import Kind, Person, Referral, User
from ..models.census import upn_check_letter
from ..services import child_census_details_record, referral_primary_need_record

# Middlesbrough (806), Linthorpe Primary's establishment number, issued in 2021.
DEMO_UPN_STEM = "80620012100"


def demo_upn(serial: int) -> str:
    rest = f"{DEMO_UPN_STEM}{serial}"
    return upn_check_letter(rest) + rest


def seed(users: dict[str, User]) -> None:
    worker = users["sam.worker"]
    children = Person.objects.filter(kind=Kind.CHILD, merged_into__isnull=True).order_by("pk")
    for serial, child in enumerate(children, start=1):
        child_census_details_record(
            actor=worker,
            child=child,
            upn=demo_upn(serial % 10),
            ethnicity="WBRI",
            disabilities=["NONE"],
        )
    for referral in Referral.objects.filter(primary_need="", closed_on__isnull=True):
        referral_primary_need_record(actor=worker, referral=referral, primary_need="N1")
