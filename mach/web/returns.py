"""The statutory returns' pages (spec section 13): a manager downloads the CIN census and
Ofsted's Annex A lists, and first sees each record that would fail a DfE rule, with the page
that fixes it; MACH workers record the census items where they know them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from .. import selectors, services
from ..audit import log_child_access
from ..models import (
    ClosureReason,
    Disability,
    Ethnicity,
    Person,
    PrimaryNeed,
    Referral,
    UpnUnknown,
)
from ..permissions import MACH_WORKERS, MANAGERS
from ..returns.downloads import annex_a_download, census_download
from ..returns.inputs import (
    AnnexAQuerySerializer,
    CensusQuerySerializer,
    ChildCensusDetailsSerializer,
    PrimaryNeedSerializer,
    ReferralCloseSerializer,
)
from ..returns.quality import census_year_of, problems
from .forms import Field
from .pages import FormPage, form_page, page, signed_in_user


def _errors(query: serializers.Serializer) -> dict[str, str]:
    return {name: " ".join(str(m) for m in messages) for name, messages in query.errors.items()}


def _returns_page(request: HttpRequest, errors: dict[str, str] | None = None) -> HttpResponse:
    today = timezone.localdate()
    year = census_year_of(today)
    return render(
        request,
        "mach/returns.html",
        {
            "year": request.GET.get("year", year),
            "start": request.GET.get("from", f"{year - 1}-04-01"),
            "end": request.GET.get("to", today.isoformat()),
            "errors": errors or {},
        },
        status=400 if errors else 200,
    )


@page(*MANAGERS)
def returns(request: HttpRequest) -> HttpResponse:
    return _returns_page(request)


@page(*MANAGERS)
def cin_census(request: HttpRequest) -> HttpResponse:
    """The census file (access-logged), or the returns page naming what is wrong (400)."""
    query = CensusQuerySerializer(data=request.GET)
    if not query.is_valid():
        return _returns_page(request, _errors(query))
    return census_download(
        signed_in_user(request), query.validated_data["year"], via=request.get_full_path()
    )


@page(*MANAGERS)
def annex_a(request: HttpRequest) -> HttpResponse:
    query = AnnexAQuerySerializer(data=request.GET)
    if not query.is_valid():
        return _returns_page(request, _errors(query))
    data = query.validated_data
    return annex_a_download(
        signed_in_user(request), data["start"], data["to"], via=request.get_full_path()
    )


@page(*MANAGERS)
def data_quality(request: HttpRequest) -> HttpResponse:
    """Each record of the year's census that would fail a DfE rule, with the page that fixes
    it; the children listed are in the access log."""
    query = CensusQuerySerializer(data=request.GET)
    if not query.is_valid():
        return _returns_page(request, _errors(query))
    year = query.validated_data["year"]
    census, found = problems(year)
    log_child_access(
        user=signed_in_user(request),
        child_ids=[problem.child.pk for problem in found],
        via=request.get_full_path(),
        reason=f"CIN census {year} data quality",
    )
    return render(
        request,
        "mach/returns_quality.html",
        {"census": census, "problems": found, "year": year, "children": len(census.children)},
    )


def _child(request: HttpRequest, child_id: int) -> Person:
    user = signed_in_user(request)
    child = get_object_or_404(selectors.children_visible_to(user), pk=child_id)
    log_child_access(user=user, child_ids=[child.pk], via=request.path)
    return child


def _referral(request: HttpRequest, referral_id: int) -> Referral:
    user = signed_in_user(request)
    visible = selectors.children_visible_to(user)
    referral = get_object_or_404(
        Referral.objects.filter(child__in=visible).select_related("child"), pk=referral_id
    )
    log_child_access(user=user, child_ids=[referral.child_id], via=request.path)
    return referral


@page(*MACH_WORKERS)
def child_census(request: HttpRequest, child_id: int) -> HttpResponse:
    child = _child(request, child_id)
    user = signed_in_user(request)
    form = FormPage(
        title=f"Census details of {child.full_name}",
        caption="Children in Need census",
        questions=(
            Field(
                "upn",
                "Unique pupil number (UPN)",
                value=child.upn,
                hint="13 characters, for example B801200005001",
                width="govuk-input--width-20",
            ),
            Field(
                "upn_unknown_reason",
                "Or why the UPN is not known",
                kind="select",
                value=child.upn_unknown_reason,
                choices=list(UpnUnknown.choices),
            ),
            Field(
                "ethnicity",
                "Ethnicity",
                kind="select",
                value=child.ethnicity,
                choices=[(code, f"{code}: {label}") for code, label in Ethnicity.choices],
            ),
            Field(
                "disabilities",
                "Disabilities",
                kind="checkboxes",
                value=list(child.disabilities),
                choices=list(Disability.choices),
                hint="No disability: choose only that one",
            ),
        ),
        serializer=ChildCensusDetailsSerializer,
        submit="Save the census details",
        done="The census details were saved.",
        back_url=reverse("web:child", args=[child.pk]),
    )
    return form_page(
        request,
        form,
        lambda data: services.child_census_details_record(actor=user, child=child, **data),
    )


def _referral_form(referral: Referral, title: str, **kwargs: Any) -> FormPage:
    return FormPage(
        title=f"{title}: {referral.child.full_name}, referral of {referral.referral_date:%d %B %Y}",
        caption="Children in Need census",
        back_url=reverse("web:child", args=[referral.child_id]),
        **kwargs,
    )


PRIMARY_NEED = Field(
    "primary_need", "Primary need", kind="radios", choices=list(PrimaryNeed.choices)
)


@page(*MACH_WORKERS)
def referral_primary_need(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _referral(request, referral_id)
    user = signed_in_user(request)
    form = _referral_form(
        referral,
        "Primary need",
        questions=(Field(**{**PRIMARY_NEED.__dict__, "value": referral.primary_need}),),
        serializer=PrimaryNeedSerializer,
        submit="Save the primary need",
        done="The primary need was saved.",
    )
    return form_page(
        request,
        form,
        lambda data: services.referral_primary_need_record(actor=user, referral=referral, **data),
    )


@page(*MACH_WORKERS)
def referral_close(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _referral(request, referral_id)
    user = signed_in_user(request)
    form = _referral_form(
        referral,
        "Close the episode",
        questions=(
            Field("closed_on", "Date closed", kind="date", hint="For example 27 3 2027"),
            Field(
                "reason",
                "Reason for closure",
                kind="radios",
                choices=list(ClosureReason.choices),
                noun="a reason for closure",
            ),
            Field(**{**PRIMARY_NEED.__dict__, "value": referral.primary_need}),
        ),
        serializer=ReferralCloseSerializer,
        submit="Close the episode",
        done="The episode was closed.",
    )
    return form_page(
        request,
        form,
        lambda data: services.referral_close(actor=user, referral=referral, **data),
    )
