"""Helpers for the web UI's tests: the new-contact form's fields and reading a page."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

from mach.models import Role
from tests.conftest import SignedIn

__all__ = [
    "SignedIn",
    "assert_page_access",
    "assert_page_roles",
    "assert_sent_to_sign_in",
    "contact_form",
    "page_text",
    "summary_links",
]

# What a page answers a role it admits: the page, a redirect onward, or the form with errors.
ADMITTED = frozenset({200, 302, 400})


def assert_page_access(
    response: Any, *, allowed: bool, admitted: frozenset[int] = ADMITTED
) -> None:
    """A role the page admits gets one of `admitted`; any other role 403, or 404 where the
    record is out of its sight."""
    if allowed:
        assert response.status_code in admitted, response.content[:500]
    else:
        assert response.status_code in {403, 404}


def assert_page_roles(
    method: str,
    url: str,
    allowed: set[str],
    user_for: Callable[[str], Any],
    signed_in: SignedIn,
    admitted: frozenset[int] = ADMITTED,
) -> None:
    """Every role signed in against one page (an empty form where it is a POST): those in
    `allowed` get one of `admitted`, the others 403, or 404 where the record is out of sight."""
    for role in Role.values:
        response = getattr(signed_in(user_for(role)), method)(url, {})
        assert_page_access(response, allowed=role in allowed, admitted=admitted)


def assert_sent_to_sign_in(response: Any) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


def contact_form(**overrides: str) -> dict[str, str]:
    """A complete new-contact form as a browser posts it: two children, one adult."""
    form = {
        "children-count": "2",
        "adults-count": "1",
        "received_at-day": "24",
        "received_at-month": "12",
        "received_at-year": "2025",
        "received_time": "16:05",
        "channel": "phone",
        "source": "2A",
        "referrer-name": "Ms Head",
        "referrer-organisation": "Linthorpe Primary",
        "referrer-role": "Designated safeguarding lead",
        "referrer-phone": "01642 000001",
        "referrer-email": "head@example.org",
        "children-0-first_name": "Amy",
        "children-0-last_name": "Smith",
        "children-0-date_of_birth-day": "2",
        "children-0-date_of_birth-month": "3",
        "children-0-date_of_birth-year": "2015",
        "children-0-nhs_number": "943 476 5919",
        "children-0-gender": "female",
        "children-0-address-line1": "1 High Street",
        "children-0-address-town": "Middlesbrough",
        "children-0-address-postcode": "TS1 2AB",
        "children-1-first_name": "Ben",
        "children-1-last_name": "Smith",
        "children-1-date_of_birth-day": "9",
        "children-1-date_of_birth-month": "7",
        "children-1-date_of_birth-year": "2018",
        "children-1-address-postcode": "TS1 2AB",
        "adults-0-first_name": "Jo",
        "adults-0-last_name": "Smith",
        "adults-0-relationship": "mother",
        "concerns": "Amy arrived hungry with a bruise on her arm.",
        "parental_awareness": "informed_no_consent",
        "parental_awareness_reason": "Mother was told and does not agree.",
    }
    form.update(overrides)
    return form


def summary_links(html: str) -> list[tuple[str, str]]:
    """The error summary's (anchor, message) pairs."""
    summary = html.split('class="govuk-error-summary"', 1)
    if len(summary) < 2:
        return []
    body = summary[1].split("</ul>", 1)[0]
    return [
        (anchor, unescape(message).strip())
        for anchor, message in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', body)
    ]


def page_text(response: Any) -> str:
    return str(response.content.decode())
