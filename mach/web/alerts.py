"""The alerts page: a manager's team's open alerts, or a service manager's escalations,
newest first, to acknowledge."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..models import Role
from ..permissions import MANAGERS
from . import links
from .pages import page, signed_in_user
from .rows import date_text, url_by_id

# When an alert was raised and when its item was due: "1 Dec 2026, 14:30".
WHEN_FORMAT = "j M Y, H:i"


@page(*MANAGERS)
def alert_list(request: HttpRequest) -> HttpResponse:
    alerts = (
        selectors.open_alerts_for(signed_in_user(request))
        .select_related("content_type")
        .prefetch_related("item")
    )
    listing = Paginator(alerts, 50).get_page(request.GET.get("page"))
    acknowledge_url = url_by_id("web:alert-acknowledge")
    rows = [
        {
            "alert": alert,
            "href": links.url_for(alert.item),
            "raised": date_text(alert.created_at, WHEN_FORMAT),
            "was_due": date_text(alert.due_at, WHEN_FORMAT),
            "acknowledge_url": acknowledge_url(alert.pk),
        }
        for alert in listing
    ]
    escalations = signed_in_user(request).role == Role.SERVICE_MANAGER
    return render(
        request,
        "mach/alerts.html",
        {"listing": listing, "rows": rows, "escalations": escalations},
    )


@require_POST
@page(*MANAGERS)
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = signed_in_user(request)
    alert = get_object_or_404(selectors.alerts_for_team_of(user), pk=alert_id)
    try:
        services.alert_acknowledge(actor=user, alert=alert)
    except services.AlreadyDone:
        messages.info(request, "That alert was already acknowledged.")
    else:
        messages.success(request, f"Alert acknowledged: {alert.message}")
    return redirect("web:alerts")
