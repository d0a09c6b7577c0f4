"""Safety plans on the web (spec section 9, G11): the list, the editor with live checks, the
plan page with its versions and their checks, the comparison of two versions in words, and the
family version (as a page and as a PDF).

Every form is carried out by the service the API calls, so a page and the API refuse the same
things. The editor's live checks ask the API's `check` endpoint with the page's session (the
script is static: no inline script under the Content-Security-Policy).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework import serializers

from mach.audit import events_for, log_child_access
from mach.models import AccessLog, Contact, Kind, Person
from mach.permissions import CHILD_READERS, MACH_WORKERS
from mach.services import AlreadyDone
from mach.web.forms import flatten
from mach.web.pages import page, signed_in_user
from strategy_meetings.models import Conference, S47Enquiry

from . import family, services
from .checks import CHECK_NAMES, run_checks
from .inputs import AgreeSerializer, PlanPartsSerializer, parts_of
from .models import PlanState, SafetyPlan, SafetyPlanVersion
from .selectors import (
    PART_LABELS,
    agreed_version,
    child_ids_of,
    compare,
    plans_of_children,
    plans_visible_to,
    versions_of,
)

PAGE_SIZE = 25
# Rows of the editor's network and actions: enough for a family's plan; the API takes more.
ROWS = 6
NETWORK_FIELDS = ("name", "relationship", "role", "contact")
ACTION_FIELDS = ("who", "what", "when", "how_we_will_know", "verified_by")


def _log(request: HttpRequest, child_ids: list[int], action: str = AccessLog.Action.VIEW) -> None:
    log_child_access(
        user=signed_in_user(request), child_ids=child_ids, via=request.path, action=action
    )


def _plan(request: HttpRequest, plan_id: int, action: str = AccessLog.Action.VIEW) -> SafetyPlan:
    plan = get_object_or_404(plans_visible_to(signed_in_user(request)), pk=plan_id)
    _log(request, child_ids_of(plan), action)
    return plan


def read_parts(data: QueryDict) -> dict[str, Any]:
    """The editor's fields as the API's body: one worry or goal a line, the filled-in rows."""
    network = []
    actions = []
    for row in range(ROWS):
        member = {name: data.get(f"network-{row}-{name}", "").strip() for name in NETWORK_FIELDS}
        if any(member.values()):
            network.append({**member, "is_parent": data.get(f"network-{row}-is_parent") == "on"})
        action = {name: data.get(f"actions-{row}-{name}", "").strip() for name in ACTION_FIELDS}
        if any(action.values()):
            actions.append(action)
    return {
        "worries": [line.strip() for line in data.get("worries", "").splitlines() if line.strip()],
        "goals": [line.strip() for line in data.get("goals", "").splitlines() if line.strip()],
        "network": network,
        "actions": actions,
        "childs_words": data.get("childs_words", ""),
        "family_version": data.get("family_version", ""),
    }


def _rows(items: list[dict[str, Any]], names: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = [dict(item) for item in items[:ROWS]]
    rows += [dict.fromkeys(names, "") for _ in range(ROWS - len(rows))]
    return [{**row, "index": index} for index, row in enumerate(rows)]


def _checks_by_part(checks: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    parts: dict[str, list[dict[str, Any]]] = {}
    for check in checks:
        parts.setdefault(check["part"], []).append(check)
    return parts


def _editor(
    request: HttpRequest,
    *,
    parts: dict[str, Any],
    children: list[Person],
    plan: SafetyPlan | None = None,
    hidden: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    checks = [check.as_dict() for check in run_checks(parts)]
    errors = errors or {}
    return render(
        request,
        "safety_plans/editor.html",
        {
            "plan": plan,
            "children": children,
            "hidden": hidden or {},
            "worries": "\n".join(parts["worries"]),
            "goals": "\n".join(parts["goals"]),
            "network": _rows(parts["network"], NETWORK_FIELDS),
            "actions": _rows(parts["actions"], ACTION_FIELDS),
            "childs_words": parts["childs_words"],
            "family_version": parts["family_version"],
            "checks": _checks_by_part(checks),
            "passed": sum(1 for check in checks if check["passed"]),
            "total": len(checks),
            "errors": errors,
            "error_summary": list(errors.items()),
        },
        status=status,
    )


def _field_errors(detail: Any) -> dict[str, str]:
    """The API's errors as the editor's field ids (`network.0.name` → `network-0-name`)."""
    return {key.replace(".", "-"): message for key, message in flatten(detail).items()}


def _children_of_query(request: HttpRequest) -> tuple[list[Person], dict[str, Any]]:
    """The child, and the s47 enquiry or conference, a new plan is started from (404 when the
    query names none that exists)."""
    hidden: dict[str, Any] = {}
    source = request.GET if request.method == "GET" else request.POST
    enquiry_id = source.get("s47_enquiry", "")
    conference_id = source.get("conference", "")
    if enquiry_id.isdigit():
        enquiry = get_object_or_404(S47Enquiry, pk=int(enquiry_id))
        hidden["s47_enquiry"] = enquiry.pk
        return [enquiry.child], hidden
    if conference_id.isdigit():
        conference = get_object_or_404(Conference, pk=int(conference_id))
        hidden["conference"] = conference.pk
        return list(conference.children.all()), hidden
    child_id = source.get("child", "")
    if not child_id.isdigit():
        return [], hidden
    child = get_object_or_404(Person, pk=int(child_id), kind=Kind.CHILD)
    hidden["child"] = child.pk
    return [child], hidden


@page(*MACH_WORKERS)
def plan_new(request: HttpRequest) -> HttpResponse:
    """The editor for a new plan (`?child=`, `?s47_enquiry=` or `?conference=`); saving it
    makes version 1."""
    user = signed_in_user(request)
    children, hidden = _children_of_query(request)
    if not children:
        return render(request, "safety_plans/choose_child.html", status=400)
    _log(request, [child.pk for child in children])
    if request.method != "POST":
        return _editor(request, parts=read_parts(QueryDict()), children=children, hidden=hidden)
    parts = read_parts(request.POST)
    payload = PlanPartsSerializer(data=parts)
    try:
        payload.is_valid(raise_exception=True)
        plan = services.plan_create(
            actor=user,
            children=children,
            s47_enquiry=S47Enquiry.objects.filter(pk=hidden.get("s47_enquiry", 0)).first(),
            conference=Conference.objects.filter(pk=hidden.get("conference", 0)).first(),
            parts=parts_of(payload.validated_data),
        )
    except (serializers.ValidationError, ValidationError) as error:
        detail: Any = error.detail if isinstance(error, serializers.ValidationError) else {}
        if isinstance(error, ValidationError):
            detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        return _editor(
            request,
            parts=parts,
            children=children,
            hidden=hidden,
            errors=_field_errors(detail),
            status=400,
        )
    messages.success(request, "The plan was saved as version 1.")
    return redirect("safety_plans:plan", plan.pk)


@page(*MACH_WORKERS)
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The editor for a plan's next version (on an agreed plan, a new draft)."""
    user = signed_in_user(request)
    is_post = request.method == "POST"
    plan = _plan(request, plan_id, AccessLog.Action.CHANGE if is_post else AccessLog.Action.VIEW)
    children = list(plan.children.all())
    if not is_post:
        return _editor(request, parts=plan.current.parts(), children=children, plan=plan)
    parts = read_parts(request.POST)
    payload = PlanPartsSerializer(data=parts)
    if not payload.is_valid():
        return _editor(
            request,
            parts=parts,
            children=children,
            plan=plan,
            errors=_field_errors(payload.errors),
            status=400,
        )
    version = services.plan_save(actor=user, plan=plan, parts=parts_of(payload.validated_data))
    messages.success(request, f"The plan was saved as version {version.number}.")
    return redirect("safety_plans:plan", plan.pk)


@require_POST
@page(*MACH_WORKERS)
def plan_agree(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = signed_in_user(request)
    plan = _plan(request, plan_id, AccessLog.Action.CHANGE)
    payload = AgreeSerializer(data=request.POST)
    error = ""
    if payload.is_valid():
        try:
            services.plan_agree(actor=user, plan=plan, **payload.validated_data)
        except AlreadyDone as refused:
            error = str(refused)
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
    else:
        error = "Say who in the family and network agreed."
    if error:
        return _plan_page(
            request, plan_id, agree_error=error, status=409 if payload.is_valid() else 400
        )
    messages.success(request, "The plan was agreed.")
    return redirect("safety_plans:plan", plan.pk)


@page(*CHILD_READERS)
def plan_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    state = request.GET.get("state", "")
    plans = plans_visible_to(user)
    if state in (PlanState.DRAFT, PlanState.AGREED):
        plans = plans.filter(state=state)
    listing = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    _log(request, [child for plan in listing for child in child_ids_of(plan)])
    return render(
        request,
        "safety_plans/plan_list.html",
        {"listing": listing, "state": state, "states": [PlanState.DRAFT, PlanState.AGREED]},
    )


@page(*CHILD_READERS)
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _plan_page(request, plan_id)


def _plan_page(
    request: HttpRequest, plan_id: int, *, agree_error: str = "", status: int = 200
) -> HttpResponse:
    user = signed_in_user(request)
    plan = _plan(request, plan_id)
    versions = versions_of(plan)
    current = plan.current
    return render(
        request,
        "safety_plans/plan_detail.html",
        {
            "plan": plan,
            "children": list(plan.children.all()),
            "current": current,
            "in_force": agreed_version(plan),
            "versions": list(reversed(versions)),
            "part_labels": PART_LABELS,
            "check_names": CHECK_NAMES,
            "may_change": user.has_role(*MACH_WORKERS),
            "may_agree": user.has_role(*MACH_WORKERS) and plan.state == PlanState.DRAFT,
            "agree_error": agree_error,
            "error_summary": [("agreed_with", agree_error)] if agree_error else [],
            "timeline": [{"event": event} for event in events_for(plan)],
        },
        status=status,
    )


@page(*CHILD_READERS)
def plan_compare(request: HttpRequest, plan_id: int) -> HttpResponse:
    from .api import version_pair

    plan = _plan(request, plan_id)
    versions = versions_of(plan)
    try:
        older, newer = version_pair(plan, request.GET.get("from"), request.GET.get("to"))
    except serializers.ValidationError:
        older, newer = version_pair(plan, None, None)
    return render(
        request,
        "safety_plans/compare.html",
        {
            "plan": plan,
            "older": older,
            "newer": newer,
            "numbers": [version.number for version in versions],
            "rows": compare(older, newer),
        },
    )


def _family_version(
    request: HttpRequest, plan_id: int, respond: Callable[[SafetyPlan, SafetyPlanVersion], Any]
) -> HttpResponse:
    """The family version asked for (`?version=`; by default the one in force, else the
    latest) shown by `respond`; 404 for a version the plan does not have."""
    plan = _plan(request, plan_id)
    try:
        version = family.version_for(plan, request.GET.get("version"))
    except serializers.ValidationError:
        return render(request, "404.html", status=404)
    return respond(plan, version)


@page(*CHILD_READERS)
def family_version(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _family_version(
        request,
        plan_id,
        lambda plan, version: render(
            request, "safety_plans/family_version.html", family.context(plan, version)
        ),
    )


@page(*CHILD_READERS)
def family_version_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    return _family_version(request, plan_id, family.pdf_response)


def contact_panel(request: HttpRequest, contact: Contact) -> dict[str, Any] | None:
    """The plans about the contact's children."""
    child_ids = list(
        contact.contact_people.filter(role=Kind.CHILD).values_list("person_id", flat=True)
    )
    plans = plans_of_children(child_ids)
    if not plans:
        return None
    return {"plans": plans}


def child_panel(request: HttpRequest, child: Person) -> dict[str, Any] | None:
    """The child's plans, and a way to start one for a MACH worker."""
    user = signed_in_user(request)
    plans = plans_of_children([child.pk])
    may_start = user.has_role(*MACH_WORKERS)
    if not plans and not may_start:
        return None
    return {"plans": plans, "child": child, "may_start": may_start}


def enquiry_panel(request: HttpRequest, enquiry: S47Enquiry) -> dict[str, Any]:
    """On an s47 enquiry's page: the plans about its child, and a way to start one on it."""
    return {
        "plans": plans_of_children([enquiry.child_id]),
        "start_query": f"s47_enquiry={enquiry.pk}",
        "may_start": signed_in_user(request).has_role(*MACH_WORKERS),
    }


def conference_panel(request: HttpRequest, conference: Conference) -> dict[str, Any]:
    """On a conference's page: the plans about its children, and a way to start one on it."""
    return {
        "plans": plans_of_children([child.pk for child in conference.children.all()]),
        "start_query": f"conference={conference.pk}",
        "may_start": signed_in_user(request).has_role(*MACH_WORKERS),
    }
