"""Child and family assessments (s17) on the web: the list, and each assessment's page with the
forms its state allows the user (spec section 11, G10).

Every form is checked by the API's own serializer and carried out by the service the API calls,
so a page and the API refuse the same things in the same words: missing findings, factor 21
with others, an action due on a non-working day, closure while actions are open, and a manager
authorising their own submission (a 403 page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework import serializers

from mach import selectors as core_selectors
from mach.audit import events_for, log_child_access
from mach.models import AccessLog, PrimaryNeed, User
from mach.permissions import CHILD_READERS, MACH_WORKERS, MANAGERS
from mach.services import AlreadyDone
from mach.web.forms import Field, bind, place_bound_forms, read_filters, run_form
from mach.web.pages import page, signed_in_user

from . import services
from .inputs import (
    ActionInputSerializer,
    AssessmentRecordSerializer,
    AuthoriseSerializer,
    SubmitSerializer,
)
from .models import (
    Assessment,
    AssessmentAction,
    AssessmentFactor,
    AssessmentOutcome,
    AssessmentState,
    ClosureReason,
    may_authorise,
)
from .selectors import assessments_visible_to

PAGE_SIZE = 25
YES_NO = [("true", "Yes"), ("false", "No")]

# The questions of each form on the assessment page; names are the API's fields, so the
# serializer's and the service's errors land on them.
RECORD_QUESTIONS = (
    Field("child_seen_on", "Date the child was seen", kind="date", hint="For example, 20 11 2026"),
    Field(
        "child_seen_alone",
        "Was the child seen alone?",
        kind="radios",
        choices=YES_NO,
        noun="whether the child was seen alone",
    ),
    Field(
        "childs_voice",
        "The child's voice",
        kind="textarea",
        hint="What the child said about their life, wishes and feelings; if they cannot say, "
        "what you observed of their day-to-day experience.",
    ),
    Field(
        "family_network_involvement",
        "Family network involvement",
        kind="textarea",
        hint="Who in the wider family and network was spoken to, and what they said",
    ),
    Field(
        "analysis",
        "Analysis",
        kind="textarea",
        hint="What the findings mean for the child's safety and needs, and why",
        noun="your analysis",
    ),
    Field(
        "factors",
        "Assessment factors",
        kind="checkboxes",
        choices=[(code, f"{code}: {label}") for code, label in AssessmentFactor.choices],
        hint="The CIN census codes that apply. Choose 21 (no factors identified) only on its own.",
        noun="the assessment factors",
    ),
)
ACTION_QUESTIONS = (
    Field("description", "What needs to be done", kind="textarea", noun="what needs to be done"),
    Field(
        "owner",
        "Who will do it",
        hint="A name and a role or agency, for example Ms Head, Linthorpe Primary",
        noun="who will do it",
    ),
    Field("due_on", "Due date", kind="date", hint="A working day, for example 1 12 2026"),
)
SUBMIT_QUESTIONS = (
    Field(
        "outcome",
        "Outcome",
        kind="radios",
        choices=list(AssessmentOutcome.choices),
        noun="an outcome",
    ),
    Field(
        "closure_reason",
        "Closure reason",
        kind="radios",
        choices=list(ClosureReason.choices),
        hint="Only for closure",
    ),
    Field(
        "primary_need",
        "Primary need (CIN census)",
        kind="radios",
        choices=list(PrimaryNeed.choices),
        hint="The child's main need found by the assessment",
    ),
)
EXCEEDED_QUESTION = Field(
    "exceeded_reason",
    "Why it took longer than 45 working days",
    kind="textarea",
    noun="why it took longer than 45 working days",
)
AUTHORISE_QUESTIONS = (
    Field(
        "authorise",
        "Your decision",
        kind="radios",
        choices=[
            ("true", "Authorise the outcome: the assessment is complete"),
            ("false", "Return it to the worker"),
        ],
        noun="your decision",
    ),
    Field("rationale", "Your rationale", kind="textarea", noun="your rationale"),
)


@page(*CHILD_READERS)
def assessment_list(request: HttpRequest) -> HttpResponse:
    """Assessments not yet completed (or those of the chosen state), soonest due first, so the
    overdue ones lead. An unknown state is shown as an error, not applied."""
    user = signed_in_user(request)
    state = Field(
        "state",
        "State",
        kind="select",
        choices=list(AssessmentState.choices),
        noun="a state",
    )
    chosen = read_filters([state], request.GET)
    assessments = assessments_visible_to(user).prefetch_related(None).select_related("child")
    if chosen:
        assessments = assessments.filter(state=chosen["state"])
    else:
        assessments = assessments.exclude(state=AssessmentState.COMPLETED)
    listing = Paginator(assessments.order_by("due_on", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    log_child_access(
        user=user, child_ids=[assessment.child_id for assessment in listing], via=request.path
    )
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "filters": [state],
            "listing": listing,
            "filter_query": urlencode(chosen),
            "error_summary": [(state.anchor, state.error)] if state.error else [],
        },
    )


@page(*CHILD_READERS)
def assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The assessment, its actions and timeline, with the forms the user may use on it."""
    return _assessment_page(request, assessment_id)


@require_POST
@page(*MACH_WORKERS)
def record(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Record the findings so far; refused unless the assessment is open."""
    return _change(
        request,
        assessment_id,
        "record",
        AssessmentRecordSerializer,
        services.assessment_record,
        lambda _: "The findings were saved.",
    )


@require_POST
@page(*MACH_WORKERS)
def action_add(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Add an action with its owner and a working day it is due by."""
    return _change(
        request,
        assessment_id,
        "action",
        ActionInputSerializer,
        services.assessment_action_add,
        lambda action: f"Action added: {_sentence(action)}",
    )


@require_POST
@page(*MACH_WORKERS)
def action_complete(request: HttpRequest, action_id: int) -> HttpResponse:
    """Mark an action done; one already done is reported, not an error."""
    user = signed_in_user(request)
    action = get_object_or_404(AssessmentAction, pk=action_id)
    _log(request, _visible(user, action.assessment_id), AccessLog.Action.CHANGE)
    try:
        services.assessment_action_complete(actor=user, action=action)
    except AlreadyDone as error:
        messages.info(request, str(error))
    else:
        messages.success(request, f"Action done: {_sentence(action)}")
    return redirect("assessments:assessment", action.assessment_id)


@require_POST
@page(*MACH_WORKERS)
def submit(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Send the outcome for a manager's authorisation. The service names each missing finding,
    which the page shows on the findings form; closure while an action is open is refused."""
    return _change(
        request,
        assessment_id,
        "submit",
        SubmitSerializer,
        services.assessment_submit,
        lambda _: "The outcome was sent to a manager for authorisation.",
        checks=("record",),
    )


@require_POST
@page(*MANAGERS)
def authorise(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """A manager other than the submitter completes the assessment or returns it (the
    submitter gets a 403 page)."""
    return _change(
        request,
        assessment_id,
        "authorise",
        AuthoriseSerializer,
        services.assessment_authorise,
        lambda assessment: (
            "The assessment is complete."
            if assessment.state == AssessmentState.COMPLETED
            else "The assessment was returned to the worker."
        ),
    )


def _sentence(action: AssessmentAction) -> str:
    """The action's description as a sentence in a message, ending in one full stop."""
    return f"{str(action).rstrip('.')}."


def _visible(user: User, assessment_id: int) -> Assessment:
    """The assessment with what its page shows, if the user may see it (else 404)."""
    assessments = assessments_visible_to(user).select_related("child", "team", "referral__contact")
    return get_object_or_404(assessments, pk=assessment_id)


def _log(request: HttpRequest, assessment: Assessment, action: str) -> None:
    """Write the showing (or changing) of the assessment's child to the access log."""
    log_child_access(
        user=signed_in_user(request),
        child_ids=[assessment.child_id],
        via=request.path,
        action=action,
    )


def _change(
    request: HttpRequest,
    assessment_id: int,
    form: str,
    serializer: type[serializers.Serializer],
    service: Callable[..., Any],
    done: Callable[[Any], str],
    *,
    checks: Sequence[str] = (),
) -> HttpResponse:
    """Run one form of the assessment page through the API's serializer and the service.

    On success: `done(result)` as a message and back to the page (302). Otherwise the page again
    (400) with the errors beside the fields, including those of the forms named in `checks`,
    whose answers the service also checks; a refusal in the assessment's current state is shown
    on the form's first field, or over the page (302) once the state no longer offers the form.
    PermissionDenied from the service passes through (403).
    """
    user = signed_in_user(request)
    assessment = _visible(user, assessment_id)
    _log(request, assessment, AccessLog.Action.CHANGE)
    forms = {form: bind(_questions(form, assessment), request.POST)}
    forms.update({name: _questions(name, assessment) for name in checks})

    def act(data: dict[str, Any]) -> None:
        messages.success(request, done(service(actor=user, assessment=assessment, **data)))

    fields = [item for questions in forms.values() for item in questions]
    if not run_form(fields, request.POST, serializer, act):
        return redirect("assessments:assessment", assessment.pk)
    return _assessment_page(request, assessment.pk, bound=forms, status=400)


def _assessment_page(
    request: HttpRequest,
    assessment_id: int,
    *,
    bound: dict[str, list[Field]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The assessment page with the forms the user may use on it as it stands now; `bound`
    replaces blank forms by the ones posted, with their errors.

    A posted form the assessment no longer offers (another user moved it on meanwhile) has no
    place for its errors: they become a message over the page as it now is (302).
    """
    user = signed_in_user(request)
    assessment = _visible(user, assessment_id)
    forms = _forms(user, assessment)
    stale = place_bound_forms(forms, bound)
    if stale:
        messages.info(request, " ".join(stale))
        return redirect("assessments:assessment", assessment.pk)
    _log(request, assessment, AccessLog.Action.VIEW)
    actions = list(assessment.actions.all())
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "forms": forms,
            "error_summary": [
                (item.anchor, item.error)
                for questions in forms.values()
                for item in questions
                if item.error
            ],
            "factors": [(code, AssessmentFactor(code).label) for code in assessment.factors],
            "actions": actions,
            "timeline": _timeline(assessment, actions),
            "may_complete": user.has_role(*MACH_WORKERS),
            "information_contacts": core_selectors.contacts_on_open_case(
                "assessment", assessment.pk
            ),
            "awaiting_another_manager": (
                assessment.state == AssessmentState.AWAITING_AUTHORISATION
                and not may_authorise(assessment, user)
            ),
        },
        status=status,
    )


def _forms(user: User, assessment: Assessment) -> dict[str, list[Field]]:
    """The forms the user may use on the assessment in its state, by name in page order."""
    is_worker = user.has_role(*MACH_WORKERS)
    is_open = assessment.state == AssessmentState.OPEN
    offered = {
        "record": is_worker and is_open,
        "action": is_worker and assessment.state != AssessmentState.COMPLETED,
        "submit": is_worker and is_open,
        # The submitter is told another manager must decide, rather than offered a refusal.
        "authorise": user.has_role(*MANAGERS)
        and assessment.state == AssessmentState.AWAITING_AUTHORISATION
        and may_authorise(assessment, user),
    }
    return {name: _questions(name, assessment) for name, shown in offered.items() if shown}


def _questions(form: str, assessment: Assessment) -> list[Field]:
    """A form's questions holding the assessment's answers so far: its findings, and the
    outcome of a submission returned for more work."""
    if form == "record":
        return _answered(RECORD_QUESTIONS, assessment)
    if form == "submit":
        late = (EXCEEDED_QUESTION,) if assessment.is_overdue else ()
        return _answered((*SUBMIT_QUESTIONS, *late), assessment)
    return list(ACTION_QUESTIONS if form == "action" else AUTHORISE_QUESTIONS)


def _answered(questions: Iterable[Field], assessment: Assessment) -> list[Field]:
    return [
        replace(question, value=_form_value(getattr(assessment, question.name)))
        for question in questions
    ]


def _form_value(value: Any) -> Any:
    """A model value as its form field holds it."""
    if isinstance(value, date):
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def _timeline(assessment: Assessment, actions: list[AssessmentAction]) -> list[dict[str, Any]]:
    """What happened to the assessment and to each of its actions, newest first; an action's
    events name the action."""
    action_type = ContentType.objects.get_for_model(AssessmentAction)
    described = {action.pk: str(action) for action in actions}
    events = reduce(or_, (events_for(item) for item in [assessment, *actions]))
    return [
        {
            "event": event,
            "action": described.get(event.object_id, "")
            if event.content_type_id == action_type.pk
            else "",
        }
        for event in events
    ]
