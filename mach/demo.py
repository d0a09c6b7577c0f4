"""Demo data registry: `manage.py seed_demo` makes the core's users and contacts, then calls
each workflow app's seeder (registered in its `AppConfig.ready()`) to carry some further."""

from __future__ import annotations

from collections.abc import Callable

from .models import Contact, User

Seeder = Callable[[dict[str, User], list[Contact]], None]
_seeders: list[Seeder] = []


def register(seeder: Seeder) -> None:
    if seeder not in _seeders:
        _seeders.append(seeder)


def run_seeders(users: dict[str, User], contacts: list[Contact]) -> None:
    for seeder in _seeders:
        seeder(users, contacts)
