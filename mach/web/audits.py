"""Case audit pages: the list, and one audit beside the record it audits (the child's
chronology, read through the same access-logged path as any reader), with the guardrail
failures the system knows about."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import selectors, workflows
from ..audit import log_child_access
from ..case_audits import audits_visible_to
from ..inputs import CloseInputSerializer, LearningActionInputSerializer
from ..models import AuditState, Role
from ..permissions import MANAGERS
from ..services import AlreadyDone
from ..services import audits as services
from .children import chronology_rows
from .forms import Field
from .pages import FormPage, form_page, page, signed_in_user

AUDIT_READERS = (Role.AUDITOR, *MANAGERS)


@page(*AUDIT_READERS)
def audit_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    listing = Paginator(audits_visible_to(user), 50).get_page(request.GET.get("page"))
    log_child_access(user=user, child_ids=[audit.child_id for audit in listing], via=request.path)
    return render(request, "mach/audit_list.html", {"listing": listing})


@page(*AUDIT_READERS)
def audit_detail(request: HttpRequest, audit_id: int) -> HttpResponse:
    user = signed_in_user(request)
    audit = get_object_or_404(
        audits_visible_to(user).prefetch_related(
            "grades__domain", "grade_changes", "learning_actions"
        ),
        pk=audit_id,
    )
    log_child_access(user=user, child_ids=[audit.child_id], via=request.path)
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
        },
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
