"""The invitation email with an iCalendar (RFC 5545) attachment, sent after commit. It names
no child: only the discussion's reference, time and place."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.mail import EmailMessage
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Invitee

logger = logging.getLogger(__name__)
MEETING_LENGTH = timedelta(hours=1)


def calendar_for(invitee: Invitee) -> bytes:
    discussion = invitee.discussion
    assert discussion.scheduled_for is not None
    calendar = Calendar()
    calendar.add("prodid", "-//MACH front door//strategy discussion//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", f"strategy-discussion-{discussion.pk}-invitee-{invitee.pk}@mach")
    event.add("summary", f"Strategy discussion {discussion.pk}")
    event.add("dtstart", discussion.scheduled_for)
    event.add("dtend", discussion.scheduled_for + MEETING_LENGTH)
    event.add("location", discussion.place)
    event.add("attendee", f"mailto:{invitee.email}")
    calendar.add_component(event)
    return calendar.to_ical()


def send(invitee_id: int) -> None:
    """Email one invitee; a failure is logged, never undoes the invitation (the page shows
    who was invited, so the worker can phone instead)."""
    invitee = Invitee.objects.select_related("discussion").get(pk=invitee_id)
    discussion = invitee.discussion
    message = EmailMessage(
        subject=f"Strategy discussion {discussion.pk}: invitation",
        body=(
            f"Dear {invitee.name},\n\nYou are invited, for {invitee.get_agency_display()}, to "
            f"strategy discussion {discussion.pk} at "
            f"{timezone.localtime(discussion.scheduled_for):%d %b %Y %H:%M}, {discussion.place}.\n"
        ),
        to=[invitee.email],
    )
    message.attach("invitation.ics", calendar_for(invitee), "text/calendar")
    try:
        message.send()
    except Exception:  # SMTP and its transports raise unrelated errors
        logger.exception("Invitation to strategy discussion %s not sent", discussion.pk)
