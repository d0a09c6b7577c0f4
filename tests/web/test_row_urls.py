"""A list page's row URLs, made from one reverse per page."""

from __future__ import annotations

from django.urls import reverse

from mach.web.rows import url_by_id


def test_a_row_url_is_what_reverse_gives_for_its_id() -> None:
    url_of = url_by_id("triage:oversight")

    assert [url_of(pk) for pk in (1, 42, 9876543210)] == [
        reverse("triage:oversight", args=[pk]) for pk in (1, 42, 9876543210)
    ]
