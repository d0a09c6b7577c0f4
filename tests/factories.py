"""factory-boy factories for the core records."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from mach.models import (
    Contact,
    ContactPerson,
    Kind,
    Person,
    Role,
    Source,
    Team,
    User,
)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"team-{n}")
    name = factory.LazyAttribute(lambda team: team.slug.replace("-", " ").title())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    role = Role.SOCIAL_WORKER
    team = factory.LazyFunction(Team.objects.intake)
    password = factory.PostGenerationMethodCall("set_unusable_password")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    kind = Kind.CHILD
    first_name = factory.Sequence(lambda n: f"Child{n}")
    last_name = "Smith"
    date_of_birth = date(2015, 3, 2)
    postcode = "TS1 2AB"


class AdultFactory(ChildFactory):
    kind = Kind.ADULT
    first_name = factory.Sequence(lambda n: f"Adult{n}")
    date_of_birth = date(1990, 5, 1)


class ContactFactory(factory.django.DjangoModelFactory):
    """A contact made directly, for tests of reads; writes go through `contact_create`."""

    class Meta:
        model = Contact

    received_at = factory.LazyFunction(timezone.now)
    channel = "phone"
    source = Source.POLICE
    referrer_name = "PC A Jones"
    concerns = "Concerns in the referrer's words."
    parental_awareness = "informed_and_consents"
    decision_due_at = factory.LazyAttribute(lambda contact: contact.received_at + timedelta(days=1))
    team = factory.LazyFunction(Team.objects.intake)
    submitted_by = factory.LazyFunction(
        lambda: UserFactory._meta.model.objects.get_or_create(
            username="contact-factory", defaults={"role": Role.SOCIAL_WORKER}
        )[0]
    )
    next_alert_at = factory.LazyAttribute(lambda contact: contact.decision_due_at)


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    contact = factory.SubFactory(ContactFactory)
    person = factory.SubFactory(ChildFactory)
    role = Kind.CHILD
