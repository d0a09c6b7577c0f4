"""The core's own navigation items and alert links (workflow apps register theirs alike)."""

from __future__ import annotations

from django.urls import reverse

from ..models import Assessment, AssessmentAction, Contact, Referral, Role
from ..permissions import CHILD_READERS, CONTACT_SUBMITTERS
from . import links
from .pages import NavigationItem, register_navigation


def register_core_pages() -> None:
    register_navigation(NavigationItem("Worklist", "web:worklist", CHILD_READERS, order=10))
    register_navigation(
        NavigationItem(
            "Your organisation's contacts", "web:submissions", (Role.PARTNER_AGENCY,), 10
        )
    )
    register_navigation(NavigationItem("New contact", "web:contact-new", CONTACT_SUBMITTERS, 20))
    register_navigation(NavigationItem("Assessments", "web:assessments", CHILD_READERS, order=30))
    register_navigation(NavigationItem("Alerts", "web:alerts", (Role.MANAGER,), order=90))
    links.register(Contact, lambda contact: reverse("web:contact", args=[contact.pk]))
    links.register(Referral, lambda referral: reverse("web:contact", args=[referral.contact_id]))
    links.register(Assessment, lambda assessment: reverse("web:assessment", args=[assessment.pk]))
    links.register(
        AssessmentAction,
        lambda action: reverse("web:assessment", args=[action.assessment_id]) + "#actions",
    )
