"""The safety plan pages: the editor shows each check next to its part, saving makes a version,
agreeing is refused while a blocking check fails, the comparison and the family version in
words, and the child's and contact's pages show the plans."""

from __future__ import annotations

from typing import Any

import pytest

from mach.models import User
from safety_plans.models import SafetyPlan
from tests.conftest import SignedIn
from tests.safety_plans.conftest import good
from tests.web.conftest import page_text

pytestmark = pytest.mark.django_db


def form_of(parts: dict[str, Any]) -> dict[str, str]:
    """The editor's fields for a plan's parts, as a browser posts them."""
    data = {
        "worries": "\n".join(parts["worries"]),
        "goals": "\n".join(parts["goals"]),
        "childs_words": parts["childs_words"],
        "family_version": parts["family_version"],
    }
    for row, member in enumerate(parts["network"]):
        for name in ("name", "relationship", "role", "contact"):
            data[f"network-{row}-{name}"] = member[name]
        if member["is_parent"]:
            data[f"network-{row}-is_parent"] = "on"
    for row, action in enumerate(parts["actions"]):
        for name, value in action.items():
            data[f"actions-{row}-{name}"] = value
    return data


def test_the_editor_shows_each_check_next_to_its_part_in_words(
    plan: dict[str, Any], social_worker: User, signed_in: SignedIn
) -> None:
    response = signed_in(social_worker).get(f"/safety-plans/{plan['id']}/edit/")
    html = page_text(response)

    assert response.status_code == 200
    assert 'aria-live="polite"' in html
    assert "6 of 7 checks pass." in html
    assert 'data-check="length"' in html and "Failed" in html and "Too short" in html
    assert html.index('id="family_version"') < html.index('data-check="length"')
    assert html.index('id="network"') < html.index('data-check="network"')
    assert "<script>" not in html and 'src="/static/safety_plans/editor.js"' in html
    assert 'data-check-url="/api/v1/safety-plans/check/"' in html


def test_saving_the_editor_makes_a_new_version(
    plan: dict[str, Any], social_worker: User, signed_in: SignedIn
) -> None:
    response = signed_in(social_worker).post(f"/safety-plans/{plan['id']}/edit/", form_of(good()))

    assert response.status_code == 302
    record = SafetyPlan.objects.get(pk=plan["id"])
    assert record.current.number == 2
    assert record.current.network == good()["network"]
    assert record.current.all_checks_passed


def test_a_network_row_without_a_name_is_refused_naming_the_field(
    plan: dict[str, Any], social_worker: User, signed_in: SignedIn
) -> None:
    data = form_of(good())
    data["network-1-name"] = ""

    response = signed_in(social_worker).post(f"/safety-plans/{plan['id']}/edit/", data)

    assert response.status_code == 400
    assert 'href="#network-1-name"' in page_text(response)


def test_a_new_plan_is_written_for_a_child_from_the_page(
    enquiry: dict[str, Any], social_worker: User, signed_in: SignedIn
) -> None:
    client = signed_in(social_worker)
    url = f"/safety-plans/new/?s47_enquiry={enquiry['id']}"

    shown = client.get(url)
    saved = client.post(url, {**form_of(good()), "s47_enquiry": str(enquiry["id"])})

    assert shown.status_code == 200
    assert saved.status_code == 302
    plan = SafetyPlan.objects.get()
    assert plan.s47_enquiry_id == enquiry["id"]
    assert [c.pk for c in plan.children.all()] == [enquiry["child"]]


def test_agreeing_on_the_page_is_refused_naming_the_failing_checks(
    plan: dict[str, Any], social_worker: User, signed_in: SignedIn
) -> None:
    response = signed_in(social_worker).post(
        f"/safety-plans/{plan['id']}/agree/", {"agreed_with": "Mum"}
    )

    assert response.status_code == 409
    assert "cannot be agreed while these checks fail: length" in page_text(response)


def test_the_plan_page_shows_its_versions_and_their_checks_and_the_comparison(
    plan: dict[str, Any], social_worker: User, signed_in: SignedIn
) -> None:
    client = signed_in(social_worker)
    client.post(f"/safety-plans/{plan['id']}/edit/", form_of(good()))
    agreed = client.post(f"/safety-plans/{plan['id']}/agree/", {"agreed_with": "Jo and Pat"})

    shown = page_text(client.get(f"/safety-plans/{plan['id']}/"))
    compared = page_text(client.get(f"/safety-plans/{plan['id']}/compare/?from=1&to=2"))

    assert agreed.status_code == 302
    assert "Version 2: agreed, 7 of 7 checks pass" in shown
    assert "Version 1: superseded, 6 of 7 checks pass" in shown
    assert "with Jo and Pat" in shown
    assert "&quot;Length&quot; now passes" in compared


def test_the_family_version_page_is_in_plain_words(
    plan: dict[str, Any], social_worker: User, signed_in: SignedIn
) -> None:
    client = signed_in(social_worker)
    client.post(f"/safety-plans/{plan['id']}/edit/", form_of(good()))

    html = page_text(client.get(f"/safety-plans/{plan['id']}/family-version/"))
    pdf = client.get(f"/safety-plans/{plan['id']}/family-version.pdf")

    assert "Our safety plan for" in html and "If the plan is not followed" in html
    assert "Pat Smith" in html and "s47" not in html
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_child_page_shows_the_plans_and_a_way_to_start_one(
    plan: dict[str, Any], social_worker: User, signed_in: SignedIn
) -> None:
    child = plan["children"][0]

    html = page_text(signed_in(social_worker).get(f"/children/{child}/"))

    assert f'href="/safety-plans/{plan["id"]}/"' in html
    assert "6 of 7 checks pass" in html
    assert f'href="/safety-plans/new/?child={child}"' in html


def test_the_s47_and_conference_pages_show_the_plans_and_a_way_to_start_one(
    records: dict[str, int], social_worker: User, signed_in: SignedIn, api_as: Any
) -> None:
    from strategy_meetings.models import S47Enquiry

    enquiry = S47Enquiry.objects.get(pk=records["enquiry"])
    made = api_as(social_worker).post(
        "/api/v1/safety-plans/",
        {"children": [enquiry.child_id], "conference": records["conference"], **good()},
        format="json",
    )
    client = signed_in(social_worker)

    s47 = page_text(client.get(f"/s47-enquiries/{enquiry.pk}/"))
    conference = page_text(client.get(f"/conferences/{records['conference']}/"))

    link = f'href="/safety-plans/{made.json()["id"]}/"'
    assert link in s47 and link in conference
    assert f'href="/safety-plans/new/?s47_enquiry={enquiry.pk}"' in s47
    assert f'href="/safety-plans/new/?conference={records["conference"]}"' in conference


def test_every_page_that_shows_a_plan_is_in_the_access_log(
    plan: dict[str, Any], auditor: User, signed_in: SignedIn
) -> None:
    from mach.models import AccessLog

    client = signed_in(auditor)
    paths = [
        "/safety-plans/",
        f"/safety-plans/{plan['id']}/",
        f"/safety-plans/{plan['id']}/compare/",
        f"/safety-plans/{plan['id']}/family-version/",
        f"/safety-plans/{plan['id']}/family-version.pdf",
    ]
    for path in paths:
        assert client.get(path).status_code == 200, path

    logged = list(
        AccessLog.objects.filter(user=auditor).order_by("id").values_list("via", "child_id")
    )
    assert logged == [(path, plan["children"][0]) for path in paths]


def test_the_contact_page_shows_the_plans_about_its_children(
    plan: dict[str, Any], social_worker: User, signed_in: SignedIn
) -> None:
    from mach.models import ContactPerson

    contact_id = ContactPerson.objects.filter(person_id=plan["children"][0]).first().contact_id  # type: ignore[union-attr]

    html = page_text(signed_in(social_worker).get(f"/contacts/{contact_id}/"))

    assert "Safety plans" in html and f'href="/safety-plans/{plan["id"]}/"' in html


def test_a_plan_for_a_child_without_an_open_case_is_refused_on_the_page(
    social_worker: User, signed_in: SignedIn, new_contact: Any
) -> None:
    child = new_contact()["children"][0]["id"]

    response = signed_in(social_worker).post(
        f"/safety-plans/new/?child={child}", {**form_of(good()), "child": str(child)}
    )

    assert response.status_code == 400
    assert 'href="#children"' in page_text(response)
    assert not SafetyPlan.objects.exists()


def test_a_family_version_the_plan_does_not_have_is_not_found(
    plan: dict[str, Any], social_worker: User, signed_in: SignedIn
) -> None:
    client = signed_in(social_worker)

    assert client.get(f"/safety-plans/{plan['id']}/family-version/?version=7").status_code == 404
    assert client.get(f"/safety-plans/{plan['id']}/family-version.pdf?version=x").status_code == 404
