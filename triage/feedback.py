"""Channels that carry a decision back to the referrer. `settings.REFERRER_FEEDBACK_CHANNEL`
names the class (dotted path); email through Django's email backend when it is empty."""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .models import ReferrerFeedback


class FeedbackChannel(Protocol):
    name: str

    def send(self, feedback: ReferrerFeedback) -> None:
        """Deliver the message or raise; the caller records the delivery."""


class EmailChannel:
    name = "email"

    def send(self, feedback: ReferrerFeedback) -> None:
        send_mail(
            subject=f"Your contact {feedback.contact.reference}: the MACH's decision",
            message=feedback.message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[feedback.recipient],
        )


def channel() -> FeedbackChannel:
    path = getattr(settings, "REFERRER_FEEDBACK_CHANNEL", "")
    channel_class: type[FeedbackChannel] = import_string(path) if path else EmailChannel
    return channel_class()
