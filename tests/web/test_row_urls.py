"""A list page's row URLs, made from one reverse per kind of URL."""

from __future__ import annotations

from django.urls import clear_script_prefix, reverse, set_script_prefix

from mach.web.rows import url_by_id, url_with_id


def test_a_row_url_is_what_reverse_gives_for_its_id() -> None:
    url_of = url_by_id("triage:oversight")

    assert [url_of(pk) for pk in (1, 42, 9876543210)] == [
        reverse("triage:oversight", args=[pk]) for pk in (1, 42, 9876543210)
    ]


def test_a_record_url_is_what_reverse_gives_for_its_id() -> None:
    assert [url_with_id("web:contact", pk) for pk in (1, 42)] == [
        reverse("web:contact", args=[pk]) for pk in (1, 42)
    ]
    assert url_with_id("triage:da-meeting", 7) == reverse("triage:da-meeting", args=[7])


def test_a_record_url_follows_the_prefix_the_service_is_served_under() -> None:
    assert url_with_id("web:contact", 5) == "/contacts/5/"
    set_script_prefix("/children/")
    try:
        assert url_with_id("web:contact", 5) == "/children/contacts/5/"
    finally:
        clear_script_prefix()
    assert url_with_id("web:contact", 5) == "/contacts/5/"
