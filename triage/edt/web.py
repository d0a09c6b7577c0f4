"""EDT handovers on the web: a record page the EDT can use from a phone at night, the MACH's
morning page of the night's handovers with an acknowledge button on each, and the handover's
section of the contact page. Every form is carried out by the service the API calls."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mach.audit import log_child_access
from mach.models import AccessLog, Channel, Contact, Role
from mach.permissions import CHILD_READERS, MACH_WORKERS
from mach.services import AlreadyDone
from mach.web.forms import Field, bind, validation_messages
from mach.web.intake import ContactForm
from mach.web.pages import page, signed_in_user

from . import services
from .api import HANDOVER_EXTRAS
from .inputs import HandoverInputSerializer
from .models import EdtHandover, HandoverAction, HandoverState
from .selectors import child_ids_of, handovers_visible_to

# How far back the morning page shows handovers already acknowledged.
RECENT = timedelta(hours=24)
HANDOVER_QUESTIONS = (
    Field(
        "action_taken",
        "What the EDT did",
        kind="radios",
        choices=list(HandoverAction.choices),
        hint="Police protection and emergency placement are red from the start.",
        noun="what the EDT did",
    ),
    Field(
        "outstanding_actions",
        "What the MACH still needs to do",
        kind="textarea",
        hint="Visits, checks and calls still to make, and by when",
    ),
)


class HandoverForm(ContactForm):
    """The new-contact form with the EDT's action and what is outstanding, validated by the
    API's own serializer."""

    serializer_class = HandoverInputSerializer

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        self.handover_fields = bind(HANDOVER_QUESTIONS, self.data)
        if data is None:
            self.fields["channel"].value = Channel.EDT

    def all_fields(self) -> list[Field]:
        return [*self.handover_fields, *super().all_fields()]

    def _body(self) -> tuple[dict[str, Any], dict[str, Any]]:
        body, errors = super()._body()
        # An unanswered choice is left out, so the serializer reports it as missing.
        if self._value("action_taken"):
            body["action_taken"] = self._value("action_taken")
        body["outstanding_actions"] = self._value("outstanding_actions")
        return body, errors


@page(Role.EDT_WORKER)
def handover_new(request: HttpRequest) -> HttpResponse:
    """Record an out-of-hours contact and hand it over; adding or removing a person
    redisplays the form as typed."""
    if request.method != "POST":
        return _form_page(request, HandoverForm())
    form = HandoverForm(request.POST)
    if form.is_row_change:
        return _form_page(request, form)
    data = form.validated()
    if data is None:
        return _form_page(request, form, status=400)
    extras = {name: data.pop(name) for name in HANDOVER_EXTRAS if name in data}
    try:
        handover = services.edt_handover_record(
            actor=signed_in_user(request), contact=data, via=request.path, **extras
        )
    except ValidationError as error:
        form.show_errors(validation_messages(error))
        return _form_page(request, form, status=400)
    due = timezone.localtime(handover.oversight_due_at)
    messages.success(
        request,
        f"Handed over as contact {handover.contact.reference}. "
        f"The MACH oversees it by {due:%H:%M} on {due:%A} {due.day} {due:%B}.",
    )
    return redirect("web:contact", handover.contact_id)


def _form_page(request: HttpRequest, form: HandoverForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "triage/edt/record.html",
        {"form": form, "error_summary": form.error_summary},
        status=status,
    )


@page(*CHILD_READERS)
def handover_list(request: HttpRequest) -> HttpResponse:
    """The MACH's morning page: handovers waiting for oversight, soonest due first, then those
    acknowledged in the last day."""
    user = signed_in_user(request)
    since = timezone.now() - RECENT
    handovers = list(
        handovers_visible_to(user)
        .filter(Q(state=HandoverState.HANDED_OVER) | Q(acknowledged_at__gte=since))
        .order_by("state", "oversight_due_at", "id")
    )
    log_child_access(
        user=user, child_ids=[c for h in handovers for c in child_ids_of(h)], via=request.path
    )
    return render(
        request,
        "triage/edt/handovers.html",
        {
            "waiting": [h for h in handovers if h.state == HandoverState.HANDED_OVER],
            "acknowledged": [h for h in handovers if h.state == HandoverState.ACKNOWLEDGED],
            "can_acknowledge": user.has_role(*MACH_WORKERS),
        },
    )


@require_POST
@page(*MACH_WORKERS)
def handover_acknowledge(request: HttpRequest, handover_id: int) -> HttpResponse:
    user = signed_in_user(request)
    handover = get_object_or_404(handovers_visible_to(user), pk=handover_id)
    log_child_access(
        user=user,
        child_ids=child_ids_of(handover),
        via=request.path,
        action=AccessLog.Action.CHANGE,
    )
    try:
        services.edt_handover_acknowledge(
            actor=user, handover=handover, note=request.POST.get("note", "")[:5_000]
        )
        messages.success(
            request,
            f"Acknowledged the handover of contact {handover.contact.reference}: "
            "it goes on to screening.",
        )
    except AlreadyDone as error:
        messages.info(request, str(error))
    if request.POST.get("next") == "contact":
        return redirect("web:contact", handover.contact_id)
    return redirect("triage:edt-handovers")


def contact_panel(request: HttpRequest, contact: Contact) -> dict[str, Any] | None:
    """The EDT handover section of the contact page (the page has logged the reading)."""
    handover = (
        EdtHandover.objects.filter(contact=contact)
        .select_related("handed_over_by", "acknowledged_by")
        .first()
    )
    if handover is None:
        return None
    user = signed_in_user(request)
    return {
        "handover": handover,
        "can_acknowledge": user.has_role(*MACH_WORKERS)
        and handover.state == HandoverState.HANDED_OVER,
    }
