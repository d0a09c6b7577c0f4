"""How fast this machine was while a bench ran, so that runs on different days compare.

A shared host's speed moves by a factor of two between days and by a third within an hour;
a report's figures mean little without a reading of it. `describe()` starts the `machine`
section of a report, `finish(section)` completes it at the end of the run:

- `reference_ms` (at the start and at the end): the CPU time of a fixed piece of pure Python
  (building, hashing and sorting strings, a dict), the fastest of nine runs. The same code
  on a faster machine takes fewer milliseconds: a page or an intake whose time moved with it
  moved with the machine, not with the code. It moves by a fifth between readings seconds
  apart on a shared host: a rough measure.
- `steal_share`: the share of this machine's CPU time that the host gave to other guests
  over the run (the `steal` column of /proc/stat; none where Linux does not count it).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

_STAT = Path("/proc/stat")


def describe() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "reference_ms_at_start": reference_ms(),
        "cpu_counters_at_start": _cpu_counters(),
    }


def finish(section: dict[str, Any]) -> None:
    """Add the end of the run to `section` (made by `describe`)."""
    section["load_average_at_end"] = os.getloadavg()
    section["reference_ms_at_end"] = reference_ms()
    before, after = section.pop("cpu_counters_at_start", None), _cpu_counters()
    if before and after:
        spent = [later - earlier for earlier, later in zip(before, after, strict=True)]
        # user nice system idle iowait irq softirq steal: the eighth is steal.
        section["steal_share"] = round(spent[7] / sum(spent), 4) if sum(spent) else 0.0


def reference_ms(runs: int = 9) -> float:
    """The CPU milliseconds of the fixed workload, fastest of `runs`."""
    fastest = float("inf")
    for _ in range(runs):
        started = time.process_time()
        _workload()
        fastest = min(fastest, time.process_time() - started)
    return round(fastest * 1000, 2)


def _workload() -> int:
    words = [f"contact-{number:07d}-{number * 7919 % 104729}" for number in range(30_000)]
    by_hash = {hash(word): word for word in words}
    return len(sorted(words, key=lambda word: word[::-1])) + len(by_hash)


def _cpu_counters() -> list[int] | None:
    try:
        first = _STAT.read_text().splitlines()[0].split()
    except OSError:
        return None
    counters = [int(value) for value in first[1:9]]
    return counters if len(counters) == 8 else None
