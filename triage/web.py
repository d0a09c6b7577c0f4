"""The triage workflow's pages: screening beside the chronology, the managers' oversight queue
and decision (G4, G5), parental consultation and partner requests (G1), pattern reviews (G3),
and feedback to the referrer. Every form is checked by the API's serializer and carried out by
the workflow's service, so a page and the API refuse the same things in the same words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from rest_framework.serializers import Serializer

from mach import selectors as core_selectors
from mach import workflows
from mach.audit import log_child_access, read_contact_and_log_access
from mach.models import AccessLog, Contact, Rag, Role, State, Team
from mach.permissions import MACH_WORKERS, MANAGERS
from mach.web import links
from mach.web.children import chronology_rows
from mach.web.forms import Field, bind, run_form
from mach.web.pages import FormPage, form_page, page, signed_in_user
from mach.web.rows import contact_cells, deadline, url_by_id

from . import selectors, services
from .api.feedback import FeedbackGivenSerializer
from .api.partners import (
    ConsultationAttemptInputSerializer,
    ExceptionDecisionSerializer,
    ExceptionInputSerializer,
    ParentConsultationInputSerializer,
    PartnerRequestInputSerializer,
    ResponseSerializer,
)
from .api.screening import (
    ConclusionSerializer,
    OversightInputSerializer,
    RationaleSerializer,
    ScreeningInputSerializer,
)
from .edt import selectors as edt_selectors
from .models import (
    Agency,
    ConsultationMethod,
    ExceptionGround,
    ExceptionState,
    OversightDecision,
    PartnerRequest,
    PartnerRequestState,
    ReferrerFeedback,
    Screening,
    ScreeningState,
    may_decide_exception,
    may_oversee,
)
from .thresholds import LEVEL_RESPONSES, Outcome, is_consistent, level_name

YES_NO = [("true", "Yes"), ("false", "No")]


def screening_questions() -> tuple[Field, ...]:
    """The screening form, with the level names the settings hold now."""
    return (
        Field(
            "threshold_level",
            "Threshold level",
            kind="radios",
            choices=[
                (str(level), f"{level}: {level_name(level)} ({response})")
                for level, response in LEVEL_RESPONSES.items()
            ],
        ),
        Field(
            "rag",
            "Priority within the decision window (RAG)",
            kind="radios",
            choices=list(Rag.choices),
            noun="the RAG rating",
        ),
        Field(
            "childs_voice",
            "The child's voice",
            kind="textarea",
            hint="The child's own words; if they cannot give them, their lived experience as "
            "observed, and why words are not available.",
        ),
        Field(
            "history_analysis",
            "Analysis of the history",
            kind="textarea",
            hint="What the chronology of the child, siblings and household adults shows, beyond "
            "the latest incident.",
        ),
        Field(
            "parents_consulted",
            "Have the parents been consulted?",
            kind="radios",
            choices=YES_NO,
            noun="whether the parents have been consulted",
        ),
        Field(
            "parents_not_consulted_reason",
            "Why the parents have not been consulted",
            kind="textarea",
            hint="Needed when they have not",
        ),
        Field("analysis", "Analysis", kind="textarea", noun="your analysis"),
        Field(
            "recommended_outcome",
            "Recommended outcome",
            kind="radios",
            choices=list(Outcome.choices),
            noun="the recommended outcome",
        ),
        Field(
            "alternatives_considered",
            "Early help and lower options considered, and why they were rejected",
            kind="textarea",
            hint="Needed for an assessment, a strategy discussion or immediate protection",
            noun="why early help and lower options were rejected",
        ),
    )


OVERSIGHT_QUESTIONS = (
    Field(
        "decision",
        "Your decision",
        kind="radios",
        choices=[
            (OversightDecision.AGREE, "Agree with the recommended outcome"),
            (OversightDecision.CHANGE, "Change the outcome"),
            (OversightDecision.RETURN, "Return the screening to the worker"),
        ],
        noun="your decision",
    ),
    Field(
        "outcome",
        "The outcome you decide instead",
        kind="select",
        choices=list(Outcome.choices),
        hint="Only when you change the outcome",
    ),
    Field(
        "rationale",
        "Your rationale",
        kind="textarea",
        hint="What you considered and, if you challenge the recommendation, what should change",
        noun="your rationale",
    ),
    Field(
        "alternatives_considered",
        "Lower options considered and why they were rejected",
        kind="textarea",
        hint="Only when you change the outcome to an assessment, strategy discussion or "
        "immediate protection",
    ),
)
RATIONALE = (Field("rationale", "Your rationale", kind="textarea", noun="your rationale"),)


def _contact_url(contact_id: int) -> str:
    return reverse("web:contact", args=[contact_id])


def _posted(request: HttpRequest) -> bool:
    return request.method == "POST"


def _access(request: HttpRequest) -> str:
    return AccessLog.Action.CHANGE if _posted(request) else AccessLog.Action.VIEW


@page(*MACH_WORKERS)
def screening(request: HttpRequest, contact_id: int) -> HttpResponse:
    """Screen a received contact with the chronology of its children beside the form."""
    user = signed_in_user(request)
    contact = read_contact_and_log_access(request, contact_id, _access(request))
    if contact.state != State.RECEIVED:
        messages.info(request, f"{contact.reference} is {contact.get_state_display().lower()}.")
        return redirect("web:contact", contact.pk)
    fields = bind(screening_questions(), request.POST if _posted(request) else None)
    summary: list[tuple[str, str]] = []
    if _posted(request):
        summary = run_form(
            fields,
            request.POST,
            ScreeningInputSerializer,
            lambda data: services.screening_submit(actor=user, contact=contact, **data),
        )
        if not summary:
            messages.success(request, f"Screening of {contact.reference} sent for oversight.")
            return redirect("web:contact", contact.pk)
    children = [link.person for link in contact.contact_people.all() if link.role == "child"]
    household = sorted({pk for child in children for pk in core_selectors.household_of(child)})
    return render(
        request,
        "triage/screening.html",
        {
            "contact": contact,
            "fields": fields,
            "error_summary": summary,
            "returned": selectors.current_screening(contact),
            "patterns": [
                (child, selectors.contacts_in_twelve_months(child.pk, contact.received_at))
                for child in children
            ],
            "entries": chronology_rows(household),
        },
        status=400 if summary else 200,
    )


@page(*MANAGERS)
def oversight_queue(request: HttpRequest) -> HttpResponse:
    """Screenings waiting for a manager of the team, soonest due first."""
    user = signed_in_user(request)
    listing = Paginator(selectors.awaiting_oversight(user), 25).get_page(request.GET.get("page"))
    log_child_access(
        user=user,
        child_ids=[
            link.person_id for item in listing for link in item.contact.contact_people.all()
        ],
        via=request.path,
    )
    now = timezone.now()
    url_of = url_by_id("triage:oversight")
    return render(
        request,
        "triage/oversight_queue.html",
        {
            "listing": listing,
            "rows": [_queue_row(item, url_of(item.contact_id), now) for item in listing],
        },
    )


def _queue_row(screening: Screening, url: str, now: datetime) -> dict[str, Any]:
    contact = screening.contact
    return contact_cells(contact, url, now) | {
        "rag": screening.rag,
        "rag_label": screening.get_rag_display(),
        "level": screening.threshold_level,
        "recommendation": screening.get_recommended_outcome_display(),
        "pattern": bool(screening.open_flags),  # type: ignore[attr-defined]
        "outside_threshold": screening.needs_threshold_authorisation
        and not screening.threshold_authorised,
        "screened_by": screening.screened_by.username,
        "oversight_due": deadline(screening.oversight_due_at, now),
    }


def _screening_awaiting(request: HttpRequest, contact: Contact) -> Screening | None:
    """The screening a manager may act on now, or None with a message saying why not."""
    screening = selectors.current_screening(contact)
    if screening is None or screening.state != ScreeningState.SUBMITTED:
        messages.info(request, f"{contact.reference} is not awaiting oversight.")
        return None
    if not may_oversee(screening, signed_in_user(request)):
        messages.info(request, "You screened this contact, so another manager must oversee it.")
        return None
    return screening


@page(*MANAGERS)
def oversight(request: HttpRequest, contact_id: int) -> HttpResponse:
    user = signed_in_user(request)
    contact = read_contact_and_log_access(request, contact_id, _access(request))
    screening = _screening_awaiting(request, contact)
    if screening is None:
        return redirect("web:contact", contact.pk)
    form = FormPage(
        title="Oversee the decision",
        caption=contact.reference,
        questions=OVERSIGHT_QUESTIONS,
        serializer=OversightInputSerializer,
        submit="Record the decision",
        done=f"Oversight of {contact.reference} recorded.",
        back_url=_contact_url(contact.pk),
        intro="triage/oversight_intro.html",
        context={
            "contact": contact,
            "screening": screening,
            "outside_threshold": not is_consistent(
                screening.threshold_level, screening.recommended_outcome
            ),
            "flags": selectors.open_pattern_flags(contact),
        },
    )
    return form_page(
        request,
        form,
        lambda data: services.oversight_decide(
            actor=user,
            contact=contact,
            decision=data["decision"],
            outcome=data.get("outcome", ""),
            rationale=data["rationale"],
            alternatives_considered=data.get("alternatives_considered", ""),
        ),
    )


@page(*MANAGERS)
def threshold_authorisation(request: HttpRequest, contact_id: int) -> HttpResponse:
    user = signed_in_user(request)
    contact = read_contact_and_log_access(request, contact_id, _access(request))
    screening = _screening_awaiting(request, contact)
    if screening is None:
        return redirect("web:contact", contact.pk)
    form = FormPage(
        title="Authorise a decision outside the threshold",
        caption=contact.reference,
        questions=RATIONALE,
        serializer=RationaleSerializer,
        submit="Authorise",
        done="Threshold authorised.",
        back_url=reverse("triage:oversight", args=[contact.pk]),
        intro="triage/screening_summary.html",
        context={"contact": contact, "screening": screening},
    )
    return form_page(
        request,
        form,
        lambda data: services.threshold_authorise(actor=user, contact=contact, **data),
    )


@page(*MANAGERS)
def pattern_flag_review(request: HttpRequest, flag_id: int) -> HttpResponse:
    user = signed_in_user(request)
    flag = get_object_or_404(selectors.pattern_flags_for(user).select_related("child"), pk=flag_id)
    contact = read_contact_and_log_access(request, flag.contact_id, _access(request))
    form = FormPage(
        title=f"Review the pattern of contacts about {flag.child.full_name}",
        caption=contact.reference,
        questions=(
            Field(
                "conclusion",
                "What the pattern shows",
                kind="textarea",
                hint="What the history means for this decision",
                noun="what the pattern shows",
            ),
        ),
        serializer=ConclusionSerializer,
        submit="Record the review",
        done="Pattern reviewed.",
        back_url=reverse("triage:oversight", args=[contact.pk]),
        intro="triage/pattern_intro.html",
        context={
            "flag": flag,
            "entries": chronology_rows(core_selectors.household_of(flag.child)),
        },
    )
    return form_page(
        request,
        form,
        lambda data: services.pattern_flag_review(actor=user, flag=flag, **data),
    )


def _contact_form(
    request: HttpRequest,
    contact_id: int,
    *,
    title: str,
    questions: tuple[Field, ...],
    serializer: type[Serializer],
    submit: str,
    done: str,
    service: Callable[..., object],
    intro: str = "",
    refusal: Callable[[Contact], str] = lambda contact: "",
) -> HttpResponse:
    """A small form about one contact, carried out as `service(actor=, contact=, **answers)`.
    `refusal(contact)` says why the form is not offered now (the user goes back to the
    contact with that message); the service refuses again if the state changes meanwhile."""
    user = signed_in_user(request)
    contact = read_contact_and_log_access(request, contact_id, _access(request))
    reason = refusal(contact)
    if reason:
        messages.info(request, reason)
        return redirect("web:contact", contact.pk)
    form = FormPage(
        title=title,
        caption=contact.reference,
        questions=questions,
        serializer=serializer,
        submit=submit,
        done=done,
        back_url=_contact_url(contact.pk),
        intro=intro,
        context={"contact": contact},
    )
    return form_page(request, form, lambda data: service(actor=user, contact=contact, **data))


@page(*MACH_WORKERS)
def parents_consulted(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _contact_form(
        request,
        contact_id,
        title="Record that the parents were consulted",
        questions=(
            Field("consulted_with", "Who was spoken to", hint="For example, Jo Smith (mother)"),
            _method("How", noun="how they were spoken to"),
            Field("summary", "What the parents said", kind="textarea", noun="what they said"),
        ),
        serializer=ParentConsultationInputSerializer,
        submit="Record the consultation",
        done="Consultation with the parents recorded.",
        service=services.parent_consultation_record,
    )


def _method(label: str, *, noun: str) -> Field:
    return Field(
        "method", label, kind="radios", choices=list(ConsultationMethod.choices), noun=noun
    )


@page(*MACH_WORKERS)
def consultation_attempt(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _contact_form(
        request,
        contact_id,
        title="Record an attempt to reach the parents",
        questions=(
            _method("How you tried to reach them", noun="how you tried"),
            Field("outcome", "What came of it", kind="textarea", noun="what came of it"),
        ),
        serializer=ConsultationAttemptInputSerializer,
        submit="Record the attempt",
        done="Attempt to reach the parents recorded.",
        service=services.consultation_attempt_record,
    )


@page(*MACH_WORKERS)
def consultation_exception(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _contact_form(
        request,
        contact_id,
        title="Ask to contact partners before the parents",
        questions=(
            Field(
                "ground",
                "Why the parents should not be consulted first",
                kind="radios",
                choices=list(ExceptionGround.choices),
                noun="the ground",
            ),
            Field("details", "Details", kind="textarea", noun="the details"),
            Field(
                "attempts",
                "Attempts made to reach the parents",
                kind="textarea",
                hint="Needed when the parents could not be reached",
            ),
        ),
        serializer=ExceptionInputSerializer,
        submit="Ask a manager",
        done="A manager has been asked to authorise the exception.",
        service=services.consultation_exception_request,
    )


@page(*MANAGERS)
def consultation_exception_decision(request: HttpRequest, exception_id: int) -> HttpResponse:
    user = signed_in_user(request)
    exception = get_object_or_404(selectors.consultation_exceptions_for(user), pk=exception_id)
    contact = read_contact_and_log_access(request, exception.contact_id, _access(request))
    if exception.state != ExceptionState.REQUESTED:
        messages.info(request, "That exception has already been decided.")
        return redirect("web:contact", contact.pk)
    if not may_decide_exception(exception, user):
        raise PermissionDenied("A manager cannot authorise an exception they requested.")
    form = FormPage(
        title="Decide the exception",
        caption=contact.reference,
        questions=(
            Field(
                "authorise",
                "Your decision",
                kind="radios",
                choices=[
                    ("true", "Authorise: partners may be asked before the parents"),
                    ("false", "Refuse: the parents must be consulted first"),
                ],
                noun="your decision",
            ),
            *RATIONALE,
        ),
        serializer=ExceptionDecisionSerializer,
        submit="Record the decision",
        done="Exception decided.",
        back_url=_contact_url(contact.pk),
        intro="triage/exception_intro.html",
        context={"exception": exception},
    )
    return form_page(
        request,
        form,
        lambda data: services.consultation_exception_decide(
            actor=user, exception=exception, **data
        ),
    )


def _partner_organisations() -> list[tuple[str, str]]:
    return list(
        Team.objects.filter(members__role=Role.PARTNER_AGENCY)
        .distinct()
        .order_by("name")
        .values_list("slug", "name")
    )


def _why_partners_cannot_be_asked(contact: Contact) -> str:
    if contact.state == State.DECIDED:
        return f"{contact.reference} is already decided."
    if not services.may_ask_partners(contact):
        return (
            "Partners cannot be asked until the parents are consulted, or a manager "
            "authorises an exception."
        )
    return ""


@page(*MACH_WORKERS)
def partner_request_new(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _contact_form(
        request,
        contact_id,
        title="Ask a partner agency for information",
        questions=(
            Field("agency", "Agency", kind="select", choices=list(Agency.choices)),
            Field(
                "organisation",
                "Organisation (if it answers through this service)",
                kind="select",
                choices=_partner_organisations(),
            ),
            Field("question", "Your question", kind="textarea", noun="your question"),
        ),
        serializer=PartnerRequestInputSerializer,
        submit="Send the request",
        done="Request sent.",
        service=services.partner_request_send,
        intro="triage/partner_request_intro.html",
        refusal=_why_partners_cannot_be_asked,
    )


@page(Role.PARTNER_AGENCY, *MACH_WORKERS)
def partner_request_response(request: HttpRequest, request_id: int) -> HttpResponse:
    """The asked organisation's users, or a MACH worker, record the agency's response."""
    user = signed_in_user(request)
    requests = PartnerRequest.objects.select_related("contact")
    is_partner = user.role == Role.PARTNER_AGENCY
    if is_partner:
        requests = requests.filter(organisation_id=user.team_id)
    partner_request = get_object_or_404(requests, pk=request_id)
    if is_partner:
        back = reverse("triage:information-requests")
    else:
        read_contact_and_log_access(request, partner_request.contact_id, _access(request))
        back = _contact_url(partner_request.contact_id)
    if partner_request.state != PartnerRequestState.SENT:
        messages.info(request, "That request has already been answered.")
        return redirect(back)
    form = FormPage(
        title="Record the response",
        caption=partner_request.contact.reference,
        questions=(Field("response", "The response", kind="textarea", noun="the response"),),
        serializer=ResponseSerializer,
        submit="Record the response",
        done="Response recorded.",
        back_url=back,
        intro="triage/partner_response_intro.html",
        context={"partner_request": partner_request},
    )
    return form_page(
        request,
        form,
        lambda data: services.partner_request_answer(actor=user, request=partner_request, **data),
    )


@page(Role.PARTNER_AGENCY)
def information_requests(request: HttpRequest) -> HttpResponse:
    """A partner agency's inbox: requests for information sent to its organisation."""
    requests = selectors.requests_to_organisation(signed_in_user(request))
    listing = Paginator(requests, 25).get_page(request.GET.get("page"))
    return render(request, "triage/information_requests.html", {"listing": listing})


@page(*MACH_WORKERS)
def feedback_given(request: HttpRequest, contact_id: int) -> HttpResponse:
    user = signed_in_user(request)
    contact = read_contact_and_log_access(request, contact_id, _access(request))
    feedback = get_object_or_404(ReferrerFeedback, contact=contact)
    form = FormPage(
        title="Record feedback given to the referrer",
        caption=contact.reference,
        questions=(
            Field(
                "how",
                "How the decision was given to the referrer",
                kind="textarea",
                hint="For example, by phone to PC Jones on 24 December at 14:00",
                noun="how the decision was given",
            ),
        ),
        serializer=FeedbackGivenSerializer,
        submit="Record the feedback",
        done="Feedback recorded.",
        back_url=_contact_url(contact.pk),
        intro="triage/feedback_intro.html",
        context={"feedback": feedback},
    )
    return form_page(
        request,
        form,
        lambda data: services.feedback_record_given(actor=user, feedback=feedback, **data),
    )


def contact_panel(request: HttpRequest, contact: Contact) -> dict[str, Any]:
    """What the contact page shows of the triage workflow, and which actions the user has."""
    user = signed_in_user(request)
    screening = selectors.current_screening(contact)
    exceptions = list(selectors.exceptions_of(contact))
    is_worker = user.has_role(*MACH_WORKERS)
    is_manager = user.has_role(*MANAGERS)
    referrals = list(contact.referrals.all())
    opened = workflows.opened_records(referrals)
    return {
        "screening": screening,
        "consultations": selectors.consultations_of(contact),
        "attempts": selectors.attempts_of(contact),
        "exceptions": exceptions,
        "partner_requests": selectors.partner_requests_of(contact),
        "referrals": [
            {
                "referral": referral,
                "href": links.url_for(opened.get(referral.pk)),
                "handled": workflows.handles(referral.outcome),
            }
            for referral in referrals
        ],
        "feedback": ReferrerFeedback.objects.filter(contact=contact).first(),
        "can_screen": is_worker
        and contact.state == State.RECEIVED
        and not edt_selectors.awaiting_oversight(contact.pk),
        "can_oversee": is_manager
        and screening is not None
        and screening.state == ScreeningState.SUBMITTED
        and may_oversee(screening, user),
        "can_ask_partners": is_worker and not _why_partners_cannot_be_asked(contact),
        "can_record": is_worker and contact.state != State.DECIDED,
        "decidable_exceptions": {
            exception.pk
            for exception in exceptions
            if is_manager
            and exception.state == ExceptionState.REQUESTED
            and may_decide_exception(exception, user)
        },
        "is_worker": is_worker,
    }
