"""The test settings: the project's, plus a workflow app that exists only to prove the
registration surface (tests/workflow_app)."""

from __future__ import annotations

from mach.settings import *  # noqa: F403
from mach.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow_app"]
