"""Recording a contact, the contact page, and a partner agency's own submissions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..audit import events_for, read_contact_and_log_access
from ..inputs import contact_create_from_input
from ..models import Kind, MatchProposal, Role
from ..permissions import CHILD_READERS, CONTACT_SUBMITTERS, MACH_WORKERS
from .forms import flatten, validation_messages
from .intake import ContactForm
from .pages import contact_panels, page, signed_in_user


@page(*CONTACT_SUBMITTERS)
def contact_new(request: HttpRequest) -> HttpResponse:
    """The new-contact form. Adding or removing a child or adult redisplays it as typed."""
    if request.method != "POST":
        return _form_page(request, ContactForm())
    form = ContactForm(request.POST)
    if form.is_row_change:
        return _form_page(request, form)
    data = form.validated()
    if data is None:
        return _form_page(request, form, status=400)
    user = signed_in_user(request)
    try:
        contact = contact_create_from_input(actor=user, data=data, via=request.path)
    except ValidationError as error:
        form.show_errors(validation_messages(error))
        return _form_page(request, form, status=400)
    messages.success(request, f"Contact {contact.reference} recorded.")
    if user.has_role(*CHILD_READERS):
        return redirect("web:contact", contact.pk)
    return redirect("web:submissions")


def _form_page(request: HttpRequest, form: ContactForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "mach/contact_new.html",
        {"form": form, "error_summary": form.error_summary},
        status=status,
    )


@page(*CHILD_READERS)
def contact_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    return _contact_page(request, contact_id)


def _contact_page(
    request: HttpRequest, contact_id: int, *, proposal_error: tuple[int, str] | None = None
) -> HttpResponse:
    contact = read_contact_and_log_access(request, contact_id)
    links = list(contact.contact_people.all())
    proposals = selectors.with_last_contact_dates(
        MatchProposal.objects.filter(
            person_id__in=[link.person_id for link in links], status=MatchProposal.Status.PROPOSED
        ).select_related("candidate")
    )
    by_person: dict[int, list[MatchProposal]] = {}
    for proposal in proposals:
        by_person.setdefault(proposal.person_id, []).append(proposal)

    def people(role: str) -> list[dict[str, Any]]:
        return [
            {"link": link, "proposals": by_person.get(link.person_id, [])}
            for link in links
            if link.role == role
        ]

    summary = []
    if proposal_error is not None:
        summary = [(f"proposal-{proposal_error[0]}-reason", proposal_error[1])]
    return render(
        request,
        "mach/contact_detail.html",
        {
            "contact": contact,
            "children": people(Kind.CHILD),
            "adults": people(Kind.ADULT),
            "timeline": [{"event": event} for event in events_for(contact)],
            "panels": contact_panels(request, contact),
            "error_summary": summary,
            "proposal_error": dict([proposal_error]) if proposal_error else {},
        },
        status=400 if proposal_error else 200,
    )


@require_POST
@page(*MACH_WORKERS)
def match_proposal_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Confirm (merge the records, reversibly) or reject a proposed match, from the contact
    page named in the form; a missing reason redisplays that page with the error."""
    user = signed_in_user(request)
    proposal = get_object_or_404(MatchProposal, pk=proposal_id)
    contact = get_object_or_404(
        selectors.contacts_visible_to(user).filter(people=proposal.person_id),
        pk=_int(request.POST.get("contact")),
    )
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("decision") == "confirm":
            services.match_proposal_confirm(
                actor=user, proposal=proposal, reason=reason, via=request.path
            )
            messages.success(
                request, "The records were merged. A manager can undo it from the child's page."
            )
        else:
            services.match_proposal_reject(actor=user, proposal=proposal, reason=reason)
            messages.success(request, "Recorded: not the same person.")
    except ValidationError as error:
        detail = validation_messages(error)
        message = (
            "Enter what you checked to decide"
            if "reason" in detail
            else next(iter(flatten(detail).values()))
        )
        return _contact_page(request, contact.pk, proposal_error=(proposal.pk, message))
    except services.AlreadyDone as error:
        messages.info(request, str(error))
    return redirect("web:contact", contact.pk)


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


@page(Role.PARTNER_AGENCY)
def submissions(request: HttpRequest) -> HttpResponse:
    """A partner agency's own contacts, status only: no child's data is shown."""
    contacts = selectors.contacts_visible_to(signed_in_user(request)).order_by(
        "-received_at", "-id"
    )
    listing = Paginator(contacts, 25).get_page(request.GET.get("page"))
    return render(request, "mach/submissions.html", {"listing": listing})
