"""The child page: the child's record, the people linked to them and their chronology."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .. import chronology, selectors
from ..audit import log_child_access
from ..models import Person
from ..permissions import CHILD_READERS
from .pages import page, signed_in_user


def chronology_rows(household: Sequence[int]) -> list[dict[str, Any]]:
    """The chronology of these people, newest first, each entry with the people it is about
    (two queries plus one per registered source)."""
    names = {person.pk: person for person in Person.objects.filter(pk__in=household)}
    return [
        {"entry": entry, "people": [names[pk] for pk in entry.person_ids if pk in names]}
        for entry in chronology.entries_for(household)
    ]


@page(*CHILD_READERS)
def child_detail(request: HttpRequest, child_id: int) -> HttpResponse:
    user = signed_in_user(request)
    child = get_object_or_404(selectors.children_visible_to(user), pk=child_id)
    log_child_access(user=user, child_ids=[child.pk], via=request.path)
    return render(
        request,
        "mach/child_detail.html",
        {
            "child": child,
            "age": child.age_on(timezone.localdate()),
            "related": child.related_people.select_related("person").order_by("kind", "id"),
            "entries": chronology_rows(selectors.household_of(child)),
        },
    )
