"""The service's own settings, for the benchmark's server, with static files collected to the
scratch folder the bench names (`BENCH_STATIC_ROOT`) instead of the project's `staticfiles/`,
which the development server and the browser tests serve."""

from __future__ import annotations

import os
from pathlib import Path

from mach.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
