from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mach.settings")
application = get_wsgi_application()
# The URLconf, and with it every view, serializer and form module, which the first request
# would otherwise import.
get_resolver().url_patterns  # noqa: B018
# What start-up loaded (Django, the apps, their modules) lives as long as the process: moved
# out of the collector's reach, full collections during requests stop walking it every time.
gc.freeze()
