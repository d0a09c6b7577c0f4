"""Every download of a return is attributable: an event (who, when, which return and period)
and an access-log row for each child it contains, as for any read of a child's record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.http import HttpResponse

from ..audit import log_child_access, record_event
from ..models import User
from . import annex_a, census

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def log_download(*, user: User, what: str, period: str, child_ids: Sequence[int], via: str) -> None:
    with transaction.atomic():
        record_event(
            actor=user,
            subject=user,
            action=f"{what}_downloaded",
            reason=period,
            data={"period": period, "children": len(child_ids)},
        )
        log_child_access(user=user, child_ids=child_ids, via=via, reason=period)


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def census_download(user: User, year: int, *, via: str) -> HttpResponse:
    """The census of `year` as a file, its download logged (API and page alike)."""
    found = census.census_of(year)
    xml = census.census_xml(found)
    period = f"CIN census {year}: {found.period.start} to {found.period.end}"
    log_download(user=user, what="cin_census", period=period, child_ids=found.child_ids, via=via)
    return download(xml, "application/xml", f"cin-census-{year}.xml")


def annex_a_download(user: User, start: date, end: date, *, via: str) -> HttpResponse:
    """Annex A lists for `start`..`end` as a workbook, its download logged."""
    lists = annex_a.annex_a(start, end)
    period = f"Annex A: {start} to {end}"
    log_download(user=user, what="annex_a", period=period, child_ids=lists.child_ids, via=via)
    return download(annex_a.annex_a_xlsx(lists), XLSX, f"annex-a-{start}-to-{end}.xlsx")
