"""The child page: the child's record, the people linked to them and their chronology."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from .. import chronology, selectors, services
from ..audit import log_child_access
from ..inputs import ReasonSerializer
from ..models import Person, Role
from ..permissions import CHILD_READERS, MACH_WORKERS, MANAGERS
from .forms import Field
from .pages import FormPage, child_panels, form_page, page, signed_in_user


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
            "merges": selectors.person_merges().filter(kept=child, undone_at__isnull=True),
            "may_undo": user.has_role(*MANAGERS),
            "may_record_census": user.has_role(*MACH_WORKERS),
            "may_audit": user.has_role(Role.AUDITOR),
            "episodes": child.referrals.order_by("-referral_date", "-id"),
            "panels": child_panels(request, child),
        },
    )


@page(*MANAGERS)
def person_merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    """A manager undoes a merge: the duplicate becomes a record of its own again."""
    user = signed_in_user(request)
    merge = get_object_or_404(selectors.person_merges(), pk=merge_id, undone_at__isnull=True)
    form = FormPage(
        title=f"Undo the merge of {merge.duplicate.full_name} into {merge.kept.full_name}",
        caption="Records",
        questions=(
            Field(
                "reason",
                "Why these are different people",
                kind="textarea",
                noun="why these are different people",
            ),
        ),
        serializer=ReasonSerializer,
        submit="Undo the merge",
        done="The merge was undone: the records are separate again.",
        back_url=reverse("web:child", args=[merge.kept_id]),
        intro="mach/merge_intro.html",
        context={"merge": merge},
    )
    return form_page(
        request,
        form,
        lambda data: services.person_merge_undo(
            actor=user, merge=merge, reason=data["reason"], via=request.path
        ),
    )
