from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mach.settings")
application = get_wsgi_application()
# What start-up loaded (Django, the apps, their modules) lives as long as the process: moved
# out of the collector's reach, full collections during requests stop walking it every time.
gc.freeze()
