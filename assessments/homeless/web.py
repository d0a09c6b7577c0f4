"""The homeless pathway on the web: the list of presentations, a page to record one, the
presentation's page with the next step it allows, a page for each step, the plain-language
leaflet on rights and entitlements the worker prints for the young person, and the child
page's panel (looked after under s20). Each form runs the service the API calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from rest_framework import serializers

from mach.audit import events_for, log_child_access
from mach.models import AccessLog, Person
from mach.permissions import CHILD_READERS, MACH_WORKERS
from mach.services import PersonInput
from mach.web.forms import Field, bind, run_form
from mach.web.pages import FormPage, form_page, page, signed_in_user

from . import services
from .inputs import (
    HomelessAccommodationSerializer,
    HomelessAccountSerializer,
    HomelessDecisionSerializer,
    HomelessJointAssessmentSerializer,
    HomelessRightsAndAdvocacySerializer,
)
from .models import (
    AccommodationType,
    HomelessPresentation,
    Outcome,
    PresentationState,
    PresentedTo,
)
from .selectors import presentations_visible_to

YES_NO = [("true", "Yes"), ("false", "No")]
PAGE_SIZE = 25


class NewPresentationForm(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField()
    presented_to = serializers.ChoiceField(choices=PresentedTo.choices)


NEW_QUESTIONS = (
    Field("first_name", "First name", autocomplete="off", noun="the young person's first name"),
    Field("last_name", "Last name", autocomplete="off", noun="the young person's last name"),
    Field(
        "date_of_birth",
        "Date of birth",
        kind="date",
        hint="The pathway is for young people aged 16 or 17. For example, 2 3 2009",
        noun="the young person's date of birth",
    ),
    Field(
        "presented_to",
        "Who did they come to?",
        kind="radios",
        choices=list(PresentedTo.choices),
        noun="who they came to",
    ),
)

# Each step: its page's title, questions, the API's serializer, the service, the button.
STEPS: dict[str, dict[str, Any]] = {
    "account": {
        "title": "The young person's own account",
        "serializer": HomelessAccountSerializer,
        "service": services.account_record,
        "submit": "Record their account",
        "questions": (
            Field(
                "account",
                "What happened, in the young person's own words",
                kind="textarea",
                noun="the young person's account",
            ),
            Field(
                "wishes_and_feelings",
                "Their wishes and feelings",
                kind="textarea",
                hint="Where they want to live, and who they want around them",
                noun="their wishes and feelings",
            ),
        ),
    },
    "rights-and-advocacy": {
        "title": "Rights explained and advocacy offered",
        "serializer": HomelessRightsAndAdvocacySerializer,
        "service": services.rights_and_advocacy_record,
        "submit": "Record rights and advocacy",
        "intro": "homeless/rights_intro.html",
        "questions": (
            Field("rights_explained_on", "Date their rights were explained", kind="date"),
            Field("advocacy_offered_on", "Date independent advocacy was offered", kind="date"),
            Field(
                "advocacy_taken_up",
                "Did they take up advocacy?",
                kind="radios",
                choices=YES_NO,
                noun="whether they took up advocacy",
            ),
        ),
    },
    "accommodation": {
        "title": "Suitable accommodation tonight",
        "serializer": HomelessAccommodationSerializer,
        "service": services.accommodation_record,
        "submit": "Record accommodation",
        "intro": "homeless/accommodation_intro.html",
        "questions": (
            Field(
                "type",
                "Where they will stay",
                kind="radios",
                choices=list(AccommodationType.choices),
                noun="where they will stay",
            ),
            Field("address", "Address", hint="If known"),
            Field(
                "under_s20",
                "Accommodated under section 20 (they become looked after)",
                kind="checkbox",
            ),
        ),
    },
    "joint-assessment": {
        "title": "Joint assessment with housing",
        "serializer": HomelessJointAssessmentSerializer,
        "service": services.joint_assessment_record,
        "submit": "Record the joint assessment",
        "questions": (
            Field("housing_officer", "Housing officer", noun="the housing officer's name"),
            Field("completed_on", "Date completed", kind="date"),
            Field("summary", "Summary of the joint assessment", kind="textarea", noun="a summary"),
        ),
    },
    "decision": {
        "title": "Decision",
        "serializer": HomelessDecisionSerializer,
        "service": services.decision_record,
        "submit": "Record the decision",
        "questions": (
            Field(
                "outcome",
                "Decision",
                kind="radios",
                choices=list(Outcome.choices),
                noun="a decision",
            ),
            Field(
                "informed_choice",
                "The young person's informed choice, in their own words",
                kind="textarea",
                hint="Needed for the housing route",
                noun="the young person's informed choice",
            ),
            Field("reason", "Reasons", kind="textarea"),
        ),
    },
}


def _visible(request: HttpRequest, presentation_id: int, action: str) -> HomelessPresentation:
    user = signed_in_user(request)
    presentation = get_object_or_404(presentations_visible_to(user), pk=presentation_id)
    log_child_access(
        user=user, child_ids=[presentation.young_person_id], via=request.path, action=action
    )
    return presentation


@page(*CHILD_READERS)
def presentation_list(request: HttpRequest) -> HttpResponse:
    """Undecided presentations first, soonest assessment due first; a page at a time."""
    user = signed_in_user(request)
    presentations = presentations_visible_to(user).order_by(
        F("decided_at").asc(nulls_first=True), "assessment_due_date", "id"
    )
    listing = Paginator(presentations, PAGE_SIZE).get_page(request.GET.get("page"))
    log_child_access(user=user, child_ids=[p.young_person_id for p in listing], via=request.path)
    return render(
        request,
        "homeless/list.html",
        {"listing": listing, "can_record": user.has_role(*MACH_WORKERS)},
    )


@page(*MACH_WORKERS)
def presentation_new(request: HttpRequest) -> HttpResponse:
    posted = request.POST if request.method == "POST" else None
    fields = bind(NEW_QUESTIONS, posted)
    created: list[HomelessPresentation] = []

    def act(data: dict[str, Any]) -> None:
        try:
            created.append(
                services.presentation_create(
                    actor=signed_in_user(request),
                    young_person=PersonInput(
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        date_of_birth=data["date_of_birth"],
                    ),
                    presented_to=data["presented_to"],
                    via=request.path,
                )
            )
        except ValidationError as error:
            raise ValidationError(
                {"date_of_birth": error.message_dict.get("young_person", error.messages)}
            ) from error

    summary: list[tuple[str, str]] = []
    if posted is not None:
        summary = run_form(fields, posted, NewPresentationForm, act)
        if not summary:
            return HttpResponseRedirect(reverse("homeless:presentation", args=[created[0].pk]))
    back = reverse("homeless:presentations")
    form = FormPage(
        title="Record a homeless presentation",
        caption="16 and 17 year olds presenting as homeless",
        questions=NEW_QUESTIONS,
        serializer=NewPresentationForm,
        submit="Record the presentation",
        done="",
        back_url=back,
    )
    return render(
        request,
        "mach/form_page.html",
        {"form": form, "fields": fields, "error_summary": summary},
        status=400 if summary else 200,
    )


def _next_step(presentation: HomelessPresentation) -> list[tuple[str, str]]:
    """The steps the presentation's state allows, (slug, title), in the pathway's order."""
    state = presentation.state
    steps = []
    if state == PresentationState.PRESENTED:
        steps.append("account")
    if state in (
        PresentationState.ACCOUNT_RECORDED,
        PresentationState.ACCOMMODATED,
        PresentationState.ASSESSED,
    ):
        steps.append("rights-and-advocacy")
    if state == PresentationState.ACCOUNT_RECORDED and presentation.advocacy_offered_on:
        steps.append("accommodation")
    if state == PresentationState.ACCOMMODATED:
        steps.append("joint-assessment")
    if state == PresentationState.ASSESSED:
        steps.append("decision")
    return [(slug, STEPS[slug]["title"]) for slug in steps]


@page(*CHILD_READERS)
def presentation_detail(request: HttpRequest, presentation_id: int) -> HttpResponse:
    presentation = _visible(request, presentation_id, AccessLog.Action.VIEW)
    user = signed_in_user(request)
    return render(
        request,
        "homeless/detail.html",
        {
            "presentation": presentation,
            "steps": _next_step(presentation) if user.has_role(*MACH_WORKERS) else [],
            "timeline": [{"event": event} for event in events_for(presentation)],
        },
    )


def _step_view(slug: str) -> Callable[..., HttpResponse]:
    step = STEPS[slug]

    @page(*MACH_WORKERS)
    def view(request: HttpRequest, presentation_id: int) -> HttpResponse:
        action = AccessLog.Action.CHANGE if request.method == "POST" else AccessLog.Action.VIEW
        presentation = _visible(request, presentation_id, action)
        user = signed_in_user(request)
        service = step["service"]
        form = FormPage(
            title=step["title"],
            caption=f"Homeless presentation of {presentation.young_person.full_name}",
            questions=step["questions"],
            serializer=step["serializer"],
            submit=step["submit"],
            done=f"{step['title']}: recorded.",
            back_url=reverse("homeless:presentation", args=[presentation.pk]),
            intro=step.get("intro", ""),
        )
        return form_page(
            request,
            form,
            lambda data: service(actor=user, presentation=presentation, **data),
        )

    view.__name__ = slug.replace("-", "_")
    return view


account = _step_view("account")
rights_and_advocacy = _step_view("rights-and-advocacy")
accommodation = _step_view("accommodation")
joint_assessment = _step_view("joint-assessment")
decision = _step_view("decision")


@page(*CHILD_READERS)
def leaflet(request: HttpRequest) -> HttpResponse:
    """The plain-language leaflet on rights and entitlements, for the worker to print."""
    return render(request, "homeless/leaflet.html")


def child_panel(request: HttpRequest, child: Person) -> dict[str, Any] | None:
    """The child page's homeless pathway section (the page has logged the reading)."""
    presentations = list(HomelessPresentation.objects.filter(young_person=child).order_by("-id"))
    if not presentations:
        return None
    return {
        "presentations": presentations,
        "looked_after": any(p.is_looked_after for p in presentations),
    }
