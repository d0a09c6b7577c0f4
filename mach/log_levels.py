"""Log levels that say what happened: a refused request is the service working."""

from __future__ import annotations

import logging


class ClientErrorsAsInfo(logging.Filter):
    """For `django.request`, which logs every 4xx as WARNING: a mistyped form, a link to a
    record out of sight or an expired session is the service answering as it should, and
    WARNING is kept for what someone must look at. 4xx become INFO (still one line each);
    5xx stay ERROR."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.levelno == logging.WARNING and isinstance(status, int) and 400 <= status < 500:
            record.levelno = logging.INFO
            record.levelname = logging.getLevelName(logging.INFO)
        return True
