"""The family version (spec section 9): a printable, plain-language plan for the family, in
large clear type, with no professional codes, made into a PDF by WeasyPrint."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from rest_framework import serializers

from .models import SafetyPlan, SafetyPlanVersion
from .selectors import agreed_version, versions_of

IF_NOT_FOLLOWED = (
    "If the plan is not followed, your social worker will talk with you and the people helping "
    "you straight away. Together we will decide what needs to change to keep {names} safe. "
    "If {names} is not safe, we may need to meet again sooner or take other steps."
)


def version_for(plan: SafetyPlan, number: str | None) -> SafetyPlanVersion:
    """The version asked for (400 naming `version` when there is none such); by default the
    agreed version in force, else the latest."""
    versions = {version.number: version for version in versions_of(plan)}
    if number not in (None, ""):
        if not str(number).isdigit() or int(str(number)) not in versions:
            raise serializers.ValidationError(
                {"version": f"A version of this plan: 1 to {max(versions)}."}
            )
        return versions[int(str(number))]
    return agreed_version(plan) or versions[max(versions)]


def _names(plan: SafetyPlan) -> str:
    names = [child.first_name for child in plan.children.all()]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def context(plan: SafetyPlan, version: SafetyPlanVersion) -> dict[str, Any]:
    names = _names(plan)
    return {
        "plan": plan,
        "version": version,
        "names": names,
        "paragraphs": [p.strip() for p in version.family_version.split("\n") if p.strip()],
        "if_not_followed": IF_NOT_FOLLOWED.format(names=names),
    }


def html(plan: SafetyPlan, version: SafetyPlanVersion) -> str:
    return render_to_string("safety_plans/family_version_print.html", context(plan, version))


def pdf(plan: SafetyPlan, version: SafetyPlanVersion) -> bytes:
    from weasyprint import HTML  # loads pango: only when a PDF is made

    return bytes(HTML(string=html(plan, version)).write_pdf())


def pdf_response(plan: SafetyPlan, version: SafetyPlanVersion) -> HttpResponse:
    response = HttpResponse(pdf(plan, version), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="safety-plan-{plan.pk}-version-{version.number}.pdf"'
    )
    return response
