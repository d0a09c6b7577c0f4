"""Demo data: `manage.py seed_demo` makes the core's users and contacts, then calls each
workflow app's seeder (registered through `mach.workflows`) to carry some further."""

from __future__ import annotations

from . import workflows
from .models import Contact, User


def run_seeders(users: dict[str, User], contacts: list[Contact]) -> None:
    from .returns import demo as returns_demo

    for seeder in workflows.demo_seeders.values():
        seeder(users, contacts)
    # Last: the census items a worker records once the workflows have run.
    returns_demo.seed(users)
