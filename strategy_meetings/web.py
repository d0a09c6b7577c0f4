"""Strategy discussions, s47 enquiries and conferences on the web (spec 7, G7, G8): the list of
discussions due, each discussion's page with the forms its state allows the user, the s47 and
conference pages, and a printable record of the discussion for the agencies.

Every form is carried out by the service the API calls, so a page and the API refuse the same
things: a discussion held without the minimum attendance and no manager's reason, an analysis
that copies the information, a vague action, an s47 enquiry completed without the child seen,
their voice and an enquiry, a late conference without its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from rest_framework import serializers

from mach.audit import events_for, log_child_access
from mach.models import AccessLog, Contact, Person, Role, User
from mach.permissions import CHILD_READERS, MACH_WORKERS, MANAGERS
from mach.services import AlreadyDone
from mach.timescales import LONDON
from mach.web.forms import Field, bind, place_bound_forms, run_form
from mach.web.pages import page, record_panels, signed_in_user

from . import services
from .inputs import (
    AgencyInformationInputSerializer,
    S47CompleteSerializer,
)
from .models import (
    MINIMUM_ATTENDANCE,
    Agency,
    Conference,
    ConferenceOutcome,
    ConferenceState,
    DiscussionDecision,
    DiscussionState,
    EnquiryNextStep,
    EnquiryOutcome,
    EnquiryState,
    PlanCategory,
    S47Enquiry,
    StrategyAction,
    StrategyDiscussion,
    missing_agencies,
)
from .selectors import (
    child_ids_of,
    conferences_visible_to,
    discussions_visible_to,
    enquiries_visible_to,
)

PAGE_SIZE = 25
DISCUSSION_READERS = (*CHILD_READERS, Role.PARTNER_AGENCY)
YES_NO = [("true", "Yes"), ("false", "No")]
# The rows of the attendance form: the national minimum first, then who else is often there.
ATTENDANCE_ROWS = (*MINIMUM_ATTENDANCE, Agency.EDUCATION, Agency.OTHER)
TIME_HINT = "24-hour clock, for example 14:30"


def _time(value: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise serializers.ValidationError("Enter a time such as 14:30") from None


class InviteForm(serializers.Serializer):
    scheduled_on = serializers.DateField()
    scheduled_time = serializers.CharField(max_length=5)
    place = serializers.CharField(max_length=300)
    invitee_agency = serializers.ChoiceField(choices=Agency.choices)
    invitee_name = serializers.CharField(max_length=200)
    invitee_role = serializers.CharField(max_length=200)
    invitee_organisation = serializers.CharField(max_length=200)
    invitee_email = serializers.EmailField()

    def validate_scheduled_time(self, value: str) -> time:
        return _time(value)


class HeldForm(serializers.Serializer):
    held_on = serializers.DateField()
    held_time = serializers.CharField(max_length=5)
    analysis = serializers.CharField(max_length=20_000)
    proceeded_without_minimum_reason = serializers.CharField(
        max_length=20_000, required=False, allow_blank=True, default=""
    )

    def validate_held_time(self, value: str) -> time:
        return _time(value)


for _agency in ATTENDANCE_ROWS:
    for _part, _length in (("name", 200), ("role", 200), ("information", 20_000)):
        HeldForm._declared_fields[f"{_agency}_{_part}"] = serializers.CharField(
            max_length=_length, required=False, allow_blank=True, default=""
        )
    HeldForm._declared_fields[f"{_agency}_can_decide"] = serializers.BooleanField(
        required=False, default=False
    )


class ActionForm(serializers.Serializer):
    description = serializers.CharField(max_length=5_000)
    owner = serializers.CharField(max_length=200)
    owner_agency = serializers.ChoiceField(choices=Agency.choices)
    child = serializers.IntegerField()
    due_date = serializers.DateField()


class S47Form(serializers.Serializer):
    child_seen_on = serializers.DateField(required=False, allow_null=True)
    seen_alone = serializers.ChoiceField(choices=YES_NO, required=False, allow_blank=True)
    childs_voice = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    enquiry_agency = serializers.ChoiceField(
        choices=Agency.choices, required=False, allow_blank=True
    )
    enquiry_summary = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    enquiry_made_on = serializers.DateField(required=False, allow_null=True)


class ConferenceForm(serializers.Serializer):
    scheduled_for = serializers.DateField(required=False)
    late_reason = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    held_on = serializers.DateField(required=False)
    outcome = serializers.ChoiceField(choices=ConferenceOutcome.choices, required=False)
    category = serializers.ChoiceField(
        choices=PlanCategory.choices, required=False, allow_blank=True
    )


def _decision_form(children: list[Person]) -> type[serializers.Serializer]:
    fields: dict[str, serializers.Field] = {}
    for child in children:
        fields[f"decision_{child.pk}"] = serializers.ChoiceField(choices=DiscussionDecision.choices)
        fields[f"share_{child.pk}"] = serializers.CharField(max_length=20_000)
    return type("DecisionForm", (serializers.Serializer,), fields)


def _questions(form: str, discussion: StrategyDiscussion, user: User) -> list[Field]:
    """The questions of one form of the discussion page."""
    agencies = list(Agency.choices)
    children = _children(discussion)
    if form == "invite":
        return [
            Field("scheduled_on", "Date of the discussion", kind="date"),
            Field("scheduled_time", "Time", hint=TIME_HINT, width="5"),
            Field("place", "Where", hint="A room, or how to join online"),
            Field(
                "invitee_agency", "Their agency", kind="select", choices=agencies, noun="an agency"
            ),
            Field("invitee_name", "Name of the person invited", noun="their name"),
            Field("invitee_role", "Their role", noun="their role"),
            Field("invitee_organisation", "Their organisation", noun="their organisation"),
            Field(
                "invitee_email",
                "Their email address",
                autocomplete="email",
                noun="their email address",
            ),
        ]
    if form == "held":
        rows = []
        for agency in ATTENDANCE_ROWS:
            label = Agency(agency).label
            rows += [
                Field(f"{agency}_name", f"{label}: who attended", noun=f"who attended ({label})"),
                Field(f"{agency}_role", f"{label}: their role"),
                Field(
                    f"{agency}_can_decide",
                    f"{label}: senior enough to decide for the agency",
                    kind="checkbox",
                ),
                Field(f"{agency}_information", f"{label}: information shared", kind="textarea"),
            ]
        reason = (
            [
                Field(
                    "proceeded_without_minimum_reason",
                    "Why it proceeded without the minimum attendance (managers only)",
                    kind="textarea",
                )
            ]
            if user.has_role(*MANAGERS)
            else []
        )
        return [
            Field("held_on", "Date held", kind="date"),
            Field("held_time", "Time", hint=TIME_HINT, width="5"),
            *rows,
            Field(
                "analysis",
                "Analysis",
                kind="textarea",
                hint="What the information means for each child's safety, not a copy of it",
                noun="the analysis",
            ),
            *reason,
        ]
    if form == "information":
        named = (
            []
            if user.has_role(Role.PARTNER_AGENCY)
            else [Field("agency", "Agency", kind="select", choices=agencies, noun="an agency")]
        )
        return [*named, Field("summary", "Your agency's information", kind="textarea")]
    if form == "decision":
        questions = []
        for child in children:
            questions += [
                Field(
                    f"decision_{child.pk}",
                    f"Decision for {child.full_name}",
                    kind="radios",
                    choices=list(DiscussionDecision.choices),
                    noun=f"a decision for {child.full_name}",
                ),
                Field(
                    f"share_{child.pk}",
                    f"What is shared with {child.full_name}'s family, and when, or why not",
                    kind="textarea",
                    noun="what is shared with the family",
                ),
            ]
        return questions
    return [
        Field("description", "What needs to be done", kind="textarea", noun="what needs doing"),
        Field("owner", "Who will do it", noun="who will do it"),
        Field("owner_agency", "Their agency", kind="select", choices=agencies, noun="their agency"),
        Field(
            "child",
            "The child it concerns",
            kind="select",
            choices=[(str(child.pk), child.full_name) for child in children],
            noun="the child it concerns",
        ),
        Field("due_date", "Due date", kind="date", hint="A working day"),
    ]


def _children(discussion: StrategyDiscussion) -> list[Person]:
    return [entry.child for entry in discussion.discussion_children.select_related("child")]


def _forms(user: User, discussion: StrategyDiscussion) -> dict[str, list[Field]]:
    is_worker = user.has_role(*MACH_WORKERS)
    state = discussion.state
    invited = user.has_role(Role.PARTNER_AGENCY)
    offered = {
        "invite": is_worker and state == DiscussionState.REQUESTED,
        "held": is_worker and state == DiscussionState.REQUESTED,
        "information": (is_worker or invited) and state != DiscussionState.CANCELLED,
        "decision": is_worker and state == DiscussionState.HELD,
        "action": is_worker and state in (DiscussionState.HELD, DiscussionState.DECIDED),
    }
    return {name: _questions(name, discussion, user) for name, shown in offered.items() if shown}


def _visible(user: User, discussion_id: int) -> StrategyDiscussion:
    discussions = discussions_visible_to(user).select_related("contact", "team")
    return get_object_or_404(discussions, pk=discussion_id)


def _log(request: HttpRequest, child_ids: list[int], action: str = AccessLog.Action.VIEW) -> None:
    log_child_access(
        user=signed_in_user(request), child_ids=child_ids, via=request.path, action=action
    )


@page(*DISCUSSION_READERS)
def discussion_list(request: HttpRequest) -> HttpResponse:
    """Discussions not yet held, soonest due first (a partner agency: those it is invited
    to), then the held ones awaiting a decision."""
    user = signed_in_user(request)
    discussions = (
        discussions_visible_to(user)
        .filter(state__in=(DiscussionState.REQUESTED, DiscussionState.HELD))
        .order_by("state", "due_at", "id")
    )
    listing = Paginator(discussions, PAGE_SIZE).get_page(request.GET.get("page"))
    _log(request, [child for d in listing for child in child_ids_of(d)])
    return render(
        request,
        "strategy_meetings/discussion_list.html",
        {"listing": listing, "now": timezone.now()},
    )


@page(*DISCUSSION_READERS)
def discussion_detail(request: HttpRequest, discussion_id: int) -> HttpResponse:
    return _discussion_page(request, discussion_id)


@page(*DISCUSSION_READERS)
def discussion_print(request: HttpRequest, discussion_id: int) -> HttpResponse:
    """The record of the discussion for the agencies: no forms, no navigation."""
    user = signed_in_user(request)
    discussion = _visible(user, discussion_id)
    _log(request, child_ids_of(discussion))
    return render(
        request,
        "strategy_meetings/discussion_print.html",
        {"discussion": discussion, **_discussion_context(discussion)},
    )


def _discussion_context(discussion: StrategyDiscussion) -> dict[str, Any]:
    attendees = list(discussion.attendees.all())
    return {
        "entries": list(discussion.discussion_children.select_related("child")),
        "attendees": attendees,
        "invitees": list(discussion.invitees.all()),
        "information": list(discussion.information.all()),
        "actions": list(discussion.actions.select_related("child")),
        "missing": missing_agencies({a.agency for a in attendees if a.can_decide_for_agency}),
        "minimum": [Agency(agency).label for agency in MINIMUM_ATTENDANCE],
        "enquiries": list(discussion.enquiries.select_related("child")),
        "conference": Conference.objects.filter(discussion=discussion).first(),
    }


def _discussion_page(
    request: HttpRequest,
    discussion_id: int,
    *,
    bound: dict[str, list[Field]] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    discussion = _visible(user, discussion_id)
    forms = _forms(user, discussion)
    stale = place_bound_forms(forms, bound)
    if stale:
        messages.info(request, " ".join(stale))
        return redirect("strategy_meetings:discussion", discussion.pk)
    _log(request, child_ids_of(discussion))
    return render(
        request,
        "strategy_meetings/discussion_detail.html",
        {
            "discussion": discussion,
            "forms": forms,
            "error_summary": _summary(forms),
            "is_worker": user.has_role(*MACH_WORKERS),
            "timeline": [{"event": event} for event in events_for(discussion)]
            if user.has_role(*CHILD_READERS)
            else [],
            **_discussion_context(discussion),
        },
        status=status,
    )


def _summary(forms: dict[str, list[Field]]) -> list[tuple[str, str]]:
    return [
        (item.anchor, item.error)
        for questions in forms.values()
        for item in questions
        if item.error
    ]


def _submit(
    request: HttpRequest,
    questions: list[Field],
    serializer: type[serializers.Serializer],
    act: Callable[[dict[str, Any]], str],
    *,
    done: Callable[[], HttpResponse],
    again: Callable[[], HttpResponse],
) -> HttpResponse:
    """Run one form through the API's serializer and `act` (a service call returning the
    message): `done()` on success (a redirect), else `again()`, the page with the errors."""

    def run(data: dict[str, Any]) -> None:
        messages.success(request, act(data))

    if not run_form(questions, request.POST, serializer, run):
        return done()
    return again()


def _change(
    request: HttpRequest,
    discussion_id: int,
    form: str,
    serializer: type[serializers.Serializer],
    act: Callable[[User, StrategyDiscussion, dict[str, Any]], str],
) -> HttpResponse:
    """Run one form of the discussion page: its message and back to the page (302), or the
    page again (400) with the errors beside the fields."""
    user = signed_in_user(request)
    discussion = _visible(user, discussion_id)
    _log(request, child_ids_of(discussion), AccessLog.Action.CHANGE)
    questions = bind(_questions(form, discussion, user), request.POST)
    return _submit(
        request,
        questions,
        serializer,
        lambda data: act(user, discussion, data),
        done=lambda: redirect("strategy_meetings:discussion", discussion.pk),
        again=lambda: _discussion_page(request, discussion.pk, bound={form: questions}, status=400),
    )


def _moment(day: Any, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=LONDON)


def _invite(user: User, discussion: StrategyDiscussion, data: dict[str, Any]) -> str:
    when = _moment(data.pop("scheduled_on"), data.pop("scheduled_time"))
    place = data.pop("place")
    invitee = {name.removeprefix("invitee_"): value for name, value in data.items()}
    services.discussion_invite(
        actor=user, discussion=discussion, scheduled_for=when, place=place, invitees=[invitee]
    )
    return f"{invitee['name']} was invited and emailed the time and place."


def _hold(user: User, discussion: StrategyDiscussion, data: dict[str, Any]) -> str:
    held_at = _moment(data["held_on"], data["held_time"])
    if held_at > timezone.now():
        raise ValidationError({"held_on": "A discussion cannot be held in the future."})
    attendees = [
        {
            "agency": agency,
            "name": data[f"{agency}_name"],
            "role": data[f"{agency}_role"],
            "can_decide_for_agency": data[f"{agency}_can_decide"],
        }
        for agency in ATTENDANCE_ROWS
        if data[f"{agency}_name"].strip()
    ]
    information = [
        {"agency": agency, "summary": data[f"{agency}_information"]}
        for agency in ATTENDANCE_ROWS
        if data[f"{agency}_information"].strip()
    ]
    try:
        services.discussion_hold(
            actor=user,
            discussion=discussion,
            held_at=held_at,
            attendees=attendees,
            information=information,
            analysis=data["analysis"],
            proceeded_without_minimum_reason=data["proceeded_without_minimum_reason"],
        )
    except AlreadyDone as error:
        # Shown beside the first missing agency, where the user must act.
        missing = missing_agencies({a["agency"] for a in attendees if a["can_decide_for_agency"]})
        if missing:
            raise ValidationError({f"{missing[0]}_name": str(error)}) from None
        raise
    return "The discussion is recorded as held."


def _inform(user: User, discussion: StrategyDiscussion, data: dict[str, Any]) -> str:
    services.discussion_information_add(actor=user, discussion=discussion, **data)
    return "Your agency's information was recorded."


def _decide(user: User, discussion: StrategyDiscussion, data: dict[str, Any]) -> str:
    decisions = [
        {
            "child": child,
            "decision": data[f"decision_{child.pk}"],
            "share_with_family": data[f"share_{child.pk}"],
        }
        for child in _children(discussion)
    ]
    services.discussion_decide(actor=user, discussion=discussion, decisions=decisions)
    return "The decisions were recorded."


def _add_action(user: User, discussion: StrategyDiscussion, data: dict[str, Any]) -> str:
    children = {child.pk: child for child in _children(discussion)}
    child = children.get(data.pop("child"))
    if child is None:
        raise ValidationError({"child": "Choose a child of this discussion."})
    data["agency"] = data.pop("owner_agency")
    action = services.strategy_action_add(actor=user, discussion=discussion, child=child, **data)
    return f"Action added: {action}"


@require_POST
@page(*MACH_WORKERS)
def invite(request: HttpRequest, discussion_id: int) -> HttpResponse:
    return _change(request, discussion_id, "invite", InviteForm, _invite)


@require_POST
@page(*MACH_WORKERS)
def held(request: HttpRequest, discussion_id: int) -> HttpResponse:
    return _change(request, discussion_id, "held", HeldForm, _hold)


@require_POST
@page(*MACH_WORKERS, Role.PARTNER_AGENCY)
def information(request: HttpRequest, discussion_id: int) -> HttpResponse:
    return _change(request, discussion_id, "information", AgencyInformationInputSerializer, _inform)


@require_POST
@page(*MACH_WORKERS)
def decision(request: HttpRequest, discussion_id: int) -> HttpResponse:
    discussion = _visible(signed_in_user(request), discussion_id)
    form = _decision_form(_children(discussion))
    return _change(request, discussion_id, "decision", form, _decide)


@require_POST
@page(*MACH_WORKERS)
def action_add(request: HttpRequest, discussion_id: int) -> HttpResponse:
    return _change(request, discussion_id, "action", ActionForm, _add_action)


@require_POST
@page(*MACH_WORKERS)
def action_complete(request: HttpRequest, action_id: int) -> HttpResponse:
    user = signed_in_user(request)
    action = get_object_or_404(StrategyAction, pk=action_id)
    discussion = _visible(user, action.discussion_id)
    _log(request, child_ids_of(discussion), AccessLog.Action.CHANGE)
    try:
        services.strategy_action_complete(actor=user, action=action)
    except AlreadyDone as error:
        messages.info(request, str(error))
    else:
        messages.success(request, f"Action done: {action}")
    return redirect("strategy_meetings:discussion", discussion.pk)


S47_QUESTIONS = (
    Field("child_seen_on", "Date the child was seen", kind="date"),
    Field("seen_alone", "Was the child seen alone?", kind="radios", choices=YES_NO),
    Field(
        "childs_voice",
        "The child's voice",
        kind="textarea",
        hint="What the child said, in their words; if they cannot say, what you observed",
    ),
    Field(
        "enquiry_agency",
        "Add an enquiry made: agency",
        kind="select",
        choices=list(Agency.choices),
    ),
    Field("enquiry_summary", "What was asked and learned", kind="textarea"),
    Field("enquiry_made_on", "When", kind="date"),
)
S47_COMPLETE_QUESTIONS = (
    Field(
        "outcome",
        "Outcome",
        kind="radios",
        choices=list(EnquiryOutcome.choices),
        noun="an outcome",
    ),
    Field(
        "next_step",
        "Next step",
        kind="radios",
        choices=list(EnquiryNextStep.choices),
        hint="Substantiated: a conference. Not substantiated: a CIN plan, early help or no "
        "further action (conference not required).",
        noun="the next step",
    ),
)


def _enquiry(user: User, enquiry_id: int) -> S47Enquiry:
    return get_object_or_404(
        enquiries_visible_to(user).select_related("child", "discussion"), pk=enquiry_id
    )


@page(*CHILD_READERS)
def enquiry_detail(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    return _enquiry_page(request, enquiry_id)


def _enquiry_page(
    request: HttpRequest,
    enquiry_id: int,
    *,
    bound: dict[str, list[Field]] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    enquiry = _enquiry(user, enquiry_id)
    is_open = enquiry.state == EnquiryState.OPEN and user.has_role(*MACH_WORKERS)
    forms = (
        {"record": list(S47_QUESTIONS), "complete": list(S47_COMPLETE_QUESTIONS)} if is_open else {}
    )
    forms.update({name: questions for name, questions in (bound or {}).items() if name in forms})
    _log(request, [enquiry.child_id])
    return render(
        request,
        "strategy_meetings/enquiry_detail.html",
        {
            "enquiry": enquiry,
            "made": list(enquiry.enquiries.all()),
            "forms": forms,
            "error_summary": _summary(forms),
            "conference": Conference.objects.filter(discussion_id=enquiry.discussion_id).first(),
            "panels": record_panels(request, "s47_enquiry", enquiry),
            "timeline": [{"event": event} for event in events_for(enquiry)],
        },
        status=status,
    )


def _enquiry_change(
    request: HttpRequest,
    enquiry_id: int,
    form: str,
    serializer: type[serializers.Serializer],
    act: Callable[[User, S47Enquiry, dict[str, Any]], str],
) -> HttpResponse:
    user = signed_in_user(request)
    enquiry = _enquiry(user, enquiry_id)
    _log(request, [enquiry.child_id], AccessLog.Action.CHANGE)
    questions = bind(S47_QUESTIONS if form == "record" else S47_COMPLETE_QUESTIONS, request.POST)
    return _submit(
        request,
        questions,
        serializer,
        lambda data: act(user, enquiry, data),
        done=lambda: redirect("strategy_meetings:s47-enquiry", enquiry.pk),
        again=lambda: _enquiry_page(request, enquiry.pk, bound={form: questions}, status=400),
    )


def _record_enquiry(user: User, enquiry: S47Enquiry, data: dict[str, Any]) -> str:
    made = [
        {"agency": item.agency, "summary": item.summary, "made_on": item.made_on}
        for item in enquiry.enquiries.all()
    ]
    added = {key: data.pop(f"enquiry_{key}", None) for key in ("agency", "summary", "made_on")}
    if any(added.values()):
        missing = {
            f"enquiry_{key}": "Give the agency, what was asked and when."
            for key, value in added.items()
            if not value
        }
        if missing:
            raise ValidationError(missing)
        made.append(added)
    fields = {key: value for key, value in data.items() if value not in ("", None)}
    if "seen_alone" in fields:
        fields["seen_alone"] = fields["seen_alone"] == "true"
    services.s47_record(actor=user, enquiry=enquiry, enquiries=made, **fields)
    return "The enquiry was saved."


def _complete_enquiry(user: User, enquiry: S47Enquiry, data: dict[str, Any]) -> str:
    services.s47_complete(actor=user, enquiry=enquiry, **data)
    return "The enquiry is complete."


@require_POST
@page(*MACH_WORKERS)
def enquiry_record(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    return _enquiry_change(request, enquiry_id, "record", S47Form, _record_enquiry)


@require_POST
@page(*MACH_WORKERS)
def enquiry_complete(request: HttpRequest, enquiry_id: int) -> HttpResponse:
    return _enquiry_change(
        request, enquiry_id, "complete", S47CompleteSerializer, _complete_enquiry
    )


CONFERENCE_QUESTIONS = (
    Field("scheduled_for", "Date of the conference", kind="date"),
    Field(
        "late_reason",
        "Why it is after the due date",
        kind="textarea",
        hint="Only when the date is after the due date",
    ),
    Field("held_on", "Date held", kind="date"),
    Field("outcome", "Outcome", kind="radios", choices=list(ConferenceOutcome.choices)),
    Field(
        "category",
        "Category of the plan",
        kind="radios",
        choices=list(PlanCategory.choices),
        hint="Only for a child protection plan",
    ),
)


@page(*CHILD_READERS)
def conference_detail(request: HttpRequest, conference_id: int) -> HttpResponse:
    return _conference_page(request, conference_id)


def _conference(user: User, conference_id: int) -> Conference:
    return get_object_or_404(conferences_visible_to(user), pk=conference_id)


def _conference_page(
    request: HttpRequest,
    conference_id: int,
    *,
    bound: list[Field] | None = None,
    status: int = 200,
) -> HttpResponse:
    from mach import workflows

    user = signed_in_user(request)
    conference = _conference(user, conference_id)
    children = list(conference.children.all())
    fields = (
        bound or list(CONFERENCE_QUESTIONS)
        if conference.state == ConferenceState.DUE and user.has_role(*MACH_WORKERS)
        else []
    )
    _log(request, [child.pk for child in children])
    return render(
        request,
        "strategy_meetings/conference_detail.html",
        {
            "conference": conference,
            "children": children,
            # Stored as the API took them: the agency is shown by its name, not its code.
            "attendees": [
                {**attendee, "agency": Agency(attendee["agency"]).label}
                for attendee in conference.attendees
            ],
            "fields": fields,
            "error_summary": [(item.anchor, item.error) for item in fields if item.error],
            "safety_plan_handled": workflows.handles("safety_plan"),
            "panels": record_panels(request, "conference", conference),
            "timeline": [{"event": event} for event in events_for(conference)],
        },
        status=status,
    )


@require_POST
@page(*MACH_WORKERS)
def conference_record(request: HttpRequest, conference_id: int) -> HttpResponse:
    user = signed_in_user(request)
    conference = _conference(user, conference_id)
    _log(request, [child.pk for child in conference.children.all()], AccessLog.Action.CHANGE)
    questions = bind(CONFERENCE_QUESTIONS, request.POST)

    def act(data: dict[str, Any]) -> str:
        services.conference_record(actor=user, conference=conference, **data)
        return "The conference was saved."

    return _submit(
        request,
        questions,
        ConferenceForm,
        act,
        done=lambda: redirect("strategy_meetings:conference", conference.pk),
        again=lambda: _conference_page(request, conference.pk, bound=questions, status=400),
    )


def contact_panel(request: HttpRequest, contact: Contact) -> dict[str, Any] | None:
    """The contact's strategy discussions, with their enquiries and conference."""
    discussions = list(
        StrategyDiscussion.objects.filter(contact=contact).prefetch_related(
            "enquiries__child", "conference"
        )
    )
    if not discussions:
        return None
    return {"discussions": discussions}


def child_panel(request: HttpRequest, child: Person) -> dict[str, Any] | None:
    """The child's discussions, s47 enquiries and conferences."""
    discussions = list(StrategyDiscussion.objects.filter(discussion_children__child=child))
    enquiries = list(S47Enquiry.objects.filter(child=child))
    conferences = list(Conference.objects.filter(children=child))
    if not (discussions or enquiries or conferences):
        return None
    return {"discussions": discussions, "enquiries": enquiries, "conferences": conferences}
