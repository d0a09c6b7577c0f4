"""The email backend of the fault tests' processes."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends import filebased


class FileBackend(filebased.EmailBackend):
    """Django's file backend, at a real mail server's pace when `FAULTS_EMAIL_DELAY` is set, so
    that a worker can be killed in the middle of a batch."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        time.sleep(float(os.environ.get("FAULTS_EMAIL_DELAY", "0")))
        return super().send_messages(email_messages)
