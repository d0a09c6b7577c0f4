"""Case audit pages: the list, and one audit beside the record it audits (the child's
chronology, read through the same access-logged path as any reader), with the guardrail
failures the system knows about."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import selectors, workflows
from ..audit import log_child_access
from ..case_audits import audits_visible_to
from ..inputs import (
    AuditInputSerializer,
    CloseInputSerializer,
    LearningActionInputSerializer,
    ModerationInputSerializer,
    audit_create_from_input,
)
from ..models import AuditDomain, AuditState, CaseAudit, Grade, Role, User
from ..permissions import MACH_WORKERS, MANAGERS
from ..services import AlreadyDone
from ..services import audits as services
from .children import chronology_rows
from .forms import Field, bind, run_form
from .pages import FormPage, form_page, page, signed_in_user

AUDIT_READERS = (Role.AUDITOR, *MANAGERS)
YES_NO = [("true", "Yes"), ("false", "No")]


def _active_domains() -> list[AuditDomain]:
    return list(AuditDomain.objects.filter(active=True).order_by("pk"))


def _grade_questions(
    domains: list[AuditDomain], given: dict[int, tuple[str, str]] | None = None
) -> list[Field]:
    """A grade and its rationale for every active domain, named as the API's nested errors
    flatten (`grades-0-grade`), filled with `given` grades by domain id when moderating."""
    questions: list[Field] = []
    for index, domain in enumerate(domains):
        grade, rationale = (given or {}).get(domain.pk, ("", ""))
        questions += [
            Field(
                f"grades-{index}-grade",
                f"{domain.name}: grade",
                kind="radios",
                choices=list(Grade.choices),
                value=grade,
                hint=domain.description,
                noun=f"a grade for {domain.name}",
            ),
            Field(
                f"grades-{index}-rationale",
                f"{domain.name}: rationale",
                kind="textarea",
                value=rationale,
                noun=f"the rationale for {domain.name}",
            ),
        ]
    return questions


def _with_grades(domains: list[AuditDomain]) -> Any:
    """The form's flat answers in the API's shape: `grades` a list, one item per domain."""

    def shape(body: dict[str, Any]) -> dict[str, Any]:
        grades = []
        for index, domain in enumerate(domains):
            item: dict[str, Any] = {"domain": domain.pk}
            for part in ("grade", "rationale"):
                name = f"grades-{index}-{part}"
                if name in body:
                    item[part] = body.pop(name)
            grades.append(item)
        return {**body, "grades": grades}

    return shape


def _audit_questions(domains: list[AuditDomain], child: str) -> list[Field]:
    practitioners = User.objects.filter(
        is_active=True, role__in=MACH_WORKERS, team__isnull=False
    ).order_by("last_name", "first_name", "username")
    subjects = [
        Field(
            f"subject-{kind}",
            f"{record.label} number (optional)",
            hint=f"To audit one {record.label.lower()} in the child's record",
            width="10",
            input_mode="numeric",
        )
        for kind, record in workflows.auditable_records.items()
    ]
    return [
        Field(
            "subject-child",
            "Child's record number",
            value=child,
            width="10",
            input_mode="numeric",
            noun="the child's record number",
        ),
        *subjects,
        Field(
            "practitioner",
            "Practitioner",
            kind="select",
            choices=[
                (str(user.pk), user.get_full_name() or user.username) for user in practitioners
            ],
            noun="the practitioner",
        ),
        Field(
            "collaborative",
            "Did the practitioner take part in the audit?",
            kind="radios",
            choices=YES_NO,
            noun="whether the practitioner took part",
        ),
        Field(
            "practitioner_participation",
            "How the practitioner took part",
            kind="textarea",
            hint="For example, audited the record together in supervision",
        ),
        Field(
            "family_feedback_sought",
            "Were the child and family asked for feedback?",
            kind="radios",
            choices=YES_NO,
            noun="whether feedback was sought",
        ),
        Field(
            "family_feedback",
            "What the child and family said, or why they were not asked",
            kind="textarea",
            noun="what the child and family said",
        ),
        *_grade_questions(domains),
        Field(
            "overall_grade",
            "Overall grade",
            kind="radios",
            choices=list(Grade.choices),
            noun="the overall grade",
        ),
    ]


def _blank_subjects(body: dict[str, Any]) -> dict[str, Any]:
    subject = {
        name.removeprefix("subject-"): body.pop(name)
        for name in [name for name in body if name.startswith("subject-")]
    }
    return {**body, "subject": {kind: value for kind, value in subject.items() if value != ""}}


@page(Role.AUDITOR)
def audit_new(request: HttpRequest) -> HttpResponse:
    """An auditor starts an audit of a child's record (a draft), from the child's page or by
    the record's number; every problem is listed in one pass, as the API refuses it."""
    user = signed_in_user(request)
    domains = _active_domains()
    posted = request.POST if request.method == "POST" else None
    fields = bind(_audit_questions(domains, request.GET.get("child", "")), posted)
    summary: list[tuple[str, str]] = []
    created: list[CaseAudit] = []
    if posted is not None:
        with_grades = _with_grades(domains)
        summary = run_form(
            fields,
            posted,
            AuditInputSerializer,
            lambda data: created.append(audit_create_from_input(actor=user, data=data)),
            shape=lambda body: with_grades(_blank_subjects(body)),
        )
        if not summary:
            audit = created[0]
            log_child_access(
                user=user, child_ids=[audit.child_id], via=request.path, action="change"
            )
            messages.success(request, "Audit recorded as a draft: submit it when it is ready.")
            return redirect("web:audit", audit.pk)
    form = FormPage(
        title="Start a case audit",
        caption="Case audits",
        questions=fields,
        serializer=AuditInputSerializer,
        submit="Record the audit",
        done="",
        back_url=reverse("web:audits"),
    )
    return render(
        request,
        "mach/form_page.html",
        {"form": form, "fields": fields, "error_summary": summary},
        status=400 if summary else 200,
    )


@page(*AUDIT_READERS)
def audit_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    listing = Paginator(audits_visible_to(user), 50).get_page(request.GET.get("page"))
    log_child_access(user=user, child_ids=[audit.child_id for audit in listing], via=request.path)
    return render(request, "mach/audit_list.html", {"listing": listing})


def _moderation_questions(audit: CaseAudit, domains: list[AuditDomain]) -> list[Field]:
    given = {grade.domain_id: (grade.grade, grade.rationale) for grade in audit.grades.all()}
    return [
        *_grade_questions(domains, given),
        Field(
            "overall_grade",
            "Overall grade",
            kind="radios",
            choices=list(Grade.choices),
            value=audit.overall_grade,
            noun="the overall grade",
        ),
        Field(
            "reason",
            "Why the grades changed",
            kind="textarea",
            hint="Needed when any grade changes",
            noun="why the grades changed",
        ),
    ]


@page(*AUDIT_READERS)
def audit_detail(request: HttpRequest, audit_id: int) -> HttpResponse:
    """The audit beside the record; a second auditor moderates it here (POST)."""
    user = signed_in_user(request)
    audit = get_object_or_404(
        audits_visible_to(user).prefetch_related(
            "grades__domain", "grade_changes", "learning_actions"
        ),
        pk=audit_id,
    )
    moderating = audit.state == AuditState.MODERATION and user.has_role(Role.AUDITOR)
    domains = _active_domains()
    posted = request.POST if request.method == "POST" else None
    if posted is not None and not moderating:
        if not user.has_role(Role.AUDITOR):
            raise PermissionDenied("Only an auditor moderates an audit.")
        messages.info(request, "This audit is not awaiting moderation.")
        return redirect("web:audit", audit.pk)
    fields = bind(_moderation_questions(audit, domains), posted) if moderating else []
    summary: list[tuple[str, str]] = []
    log_child_access(
        user=user,
        child_ids=[audit.child_id],
        via=request.path,
        action="change" if posted is not None else "view",
    )
    if posted is not None:
        summary = run_form(
            fields,
            posted,
            ModerationInputSerializer,
            lambda data: services.audit_moderate(actor=user, audit=audit, **data),
            shape=_with_grades(domains),
        )
        if not summary:
            messages.success(request, "Audit moderated.")
            return redirect("web:audit", audit.pk)
    subject = workflows.auditable_records.get(audit.subject_kind)
    subject_url = ""
    if subject is not None and audit.subject_id is not None:
        record = subject.model._default_manager.filter(pk=audit.subject_id).first()
        subject_url = subject.url(record) if record is not None else ""
    return render(
        request,
        "mach/audit_detail.html",
        {
            "audit": audit,
            "subject": subject,
            "subject_url": subject_url,
            "entries": chronology_rows(selectors.household_of(audit.child)),
            "failures_now": services.open_failures(audit.child_id),
            "may_submit": audit.state == AuditState.DRAFT and audit.auditor_id == user.pk,
            "may_change": user.has_role(Role.AUDITOR)
            and audit.state not in (AuditState.DRAFT, AuditState.CLOSED),
            "moderation_fields": fields if audit.auditor_id != user.pk else [],
            "own_audit": audit.auditor_id == user.pk,
            "moderating": moderating,
            "error_summary": summary,
        },
        status=400 if summary else 200,
    )


@require_POST
@page(Role.AUDITOR)
def audit_submit(request: HttpRequest, audit_id: int) -> HttpResponse:
    user = signed_in_user(request)
    audit = get_object_or_404(audits_visible_to(user), pk=audit_id)
    try:
        audit = services.audit_submit(actor=user, audit=audit)
    except AlreadyDone as error:
        messages.info(request, str(error))
    else:
        messages.success(request, f"Audit submitted: {audit.get_state_display().lower()}.")
    return redirect("web:audit", audit_id)


def _audit_for_change(request: HttpRequest, audit_id: int) -> Any:
    user = signed_in_user(request)
    audit = get_object_or_404(audits_visible_to(user), pk=audit_id)
    log_child_access(user=user, child_ids=[audit.child_id], via=request.path, action="change")
    return user, audit


@page(Role.AUDITOR)
def learning_action_new(request: HttpRequest, audit_id: int) -> HttpResponse:
    """An auditor adds a learning action (owner, due date) to a submitted audit."""
    user, audit = _audit_for_change(request, audit_id)
    form = FormPage(
        title="Add a learning action",
        caption=f"Case audit {audit.pk}",
        questions=(
            Field("description", "What will be done", kind="textarea", noun="what will be done"),
            Field("owner", "Who will do it", hint="A name and a role", noun="who will do it"),
            Field("due_date", "Due date", kind="date", hint="For example, 20 1 2027"),
        ),
        serializer=LearningActionInputSerializer,
        submit="Add the learning action",
        done="Learning action added.",
        back_url=reverse("web:audit", args=[audit.pk]),
    )
    return form_page(
        request, form, lambda data: services.learning_action_add(actor=user, audit=audit, **data)
    )


@page(Role.AUDITOR)
def audit_close(request: HttpRequest, audit_id: int) -> HttpResponse:
    """An auditor closes the audit: refused while learning actions are open, unless a named
    plan carries them."""
    user, audit = _audit_for_change(request, audit_id)
    form = FormPage(
        title="Close the audit",
        caption=f"Case audit {audit.pk}",
        questions=(
            Field(
                "carried_into_plan",
                "The plan that carries open learning actions",
                hint="Leave blank when every learning action is done",
                noun="the plan",
            ),
        ),
        serializer=CloseInputSerializer,
        submit="Close the audit",
        done="The audit is closed.",
        back_url=reverse("web:audit", args=[audit.pk]),
    )
    return form_page(
        request, form, lambda data: services.audit_close(actor=user, audit=audit, **data)
    )
