"""The core's own navigation items and alert links (workflow apps register theirs alike)."""

from __future__ import annotations

from .. import workflows
from ..models import Contact, Referral, Role
from ..permissions import CHILD_READERS, CONTACT_SUBMITTERS, MANAGERS
from ..workflows import NavigationItem
from .rows import url_with_id


def register_core_pages() -> None:
    workflows.register_navigation(
        NavigationItem("Worklist", "web:worklist", CHILD_READERS, order=10)
    )
    workflows.register_navigation(
        NavigationItem(
            "Your organisation's contacts", "web:submissions", (Role.PARTNER_AGENCY,), 10
        )
    )
    workflows.register_navigation(
        NavigationItem("New contact", "web:contact-new", CONTACT_SUBMITTERS, 20)
    )
    workflows.register_navigation(NavigationItem("Alerts", "web:alerts", MANAGERS, order=90))
    workflows.register_navigation(
        NavigationItem("Dashboard", "web:dashboard", (*MANAGERS, Role.AUDITOR), order=95)
    )
    workflows.register_navigation(
        NavigationItem("Case audits", "web:audits", (*MANAGERS, Role.AUDITOR), order=96)
    )
    workflows.register_navigation(NavigationItem("Returns", "web:returns", MANAGERS, order=97))
    workflows.register_alert_link(Contact, lambda contact: url_with_id("web:contact", contact.pk))
    workflows.register_alert_link(
        Referral, lambda referral: url_with_id("web:contact", referral.contact_id)
    )
