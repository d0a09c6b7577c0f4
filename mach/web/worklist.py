"""The worklist: the home page of MACH workers and managers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import selectors
from ..audit import log_child_access
from ..models import OPEN_STATES, Contact, Rag, State, Team
from ..permissions import CHILD_READERS
from .forms import Field, read_filters
from .pages import page, signed_in_user
from .rows import contact_cells, url_by_id

PAGE_SIZE = 25


@page(*CHILD_READERS)
def worklist(request: HttpRequest) -> HttpResponse:
    """Open contacts, overdue first then by deadline, filtered by state, RAG and team."""
    user = signed_in_user(request)
    # The teams holding open contacts (what the list shows), each found by one probe of a
    # partial index: a subquery with a LIMIT, since PostgreSQL turns an EXISTS into a semi-join
    # that reads every open contact (10,000 at a million contacts: 6 ms, for two teams).
    teams = Team.objects.alias(
        open_contact=Subquery(
            Contact.objects.filter(team=OuterRef("pk"), state__in=OPEN_STATES)
            .order_by()
            .values("pk")[:1]
        )
    ).filter(open_contact__isnull=False)
    filters = [
        Field(
            "state",
            "State",
            kind="select",
            choices=[(state.value, state.label) for state in State if state in OPEN_STATES],
            noun="a state",
        ),
        Field("rag", "RAG rating", kind="select", choices=list(Rag.choices), noun="a rag rating"),
        Field(
            "team",
            "Team",
            kind="select",
            choices=[(team.slug, team.name) for team in teams],
            noun="a team",
        ),
    ]
    chosen = read_filters(filters, request.GET)
    contacts = selectors.worklist(user, **chosen)
    listing = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    log_child_access(
        user=user,
        child_ids=[link.person_id for contact in listing for link in contact.contact_people.all()],
        via=request.path,
    )
    now = timezone.now()
    url_of = url_by_id("web:contact")
    return render(
        request,
        "mach/worklist.html",
        {
            "filters": filters,
            "listing": listing,
            "rows": [_row(contact, url_of(contact.pk), now) for contact in listing],
            "filter_query": urlencode(chosen),
            "error_summary": [(item.anchor, item.error) for item in filters if item.error],
        },
    )


def _row(contact: Contact, url: str, now: datetime) -> dict[str, Any]:
    return contact_cells(contact, url, now) | {
        "rag": contact.rag,
        "rag_label": contact.get_rag_display(),
        "state": contact.state,
        "state_label": contact.get_state_display(),
        "team": contact.team.name,
        "awaited": contact.awaited,
    }
