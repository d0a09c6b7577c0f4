"""factory-boy factories for the records of the core and of each workflow app. They build rows
as a stored database would hold them, for tests of reads; writes go through the services."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from assessments.models import Assessment, AssessmentAction
from mach.models import (
    AccessLog,
    Alert,
    AlertLevel,
    ClosureDay,
    Contact,
    ContactPerson,
    Event,
    Kind,
    MatchProposal,
    Person,
    Referral,
    Relationship,
    RelationshipKind,
    Role,
    Source,
    Team,
    User,
)
from triage.models import (
    Agency,
    ConsultationException,
    ExceptionGround,
    ParentConsultation,
    PartnerRequest,
    PatternFlag,
    ReferrerFeedback,
    Screening,
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


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    person = factory.SubFactory(AdultFactory)
    child = factory.SubFactory(ChildFactory)
    kind = RelationshipKind.values[0]


class MatchProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchProposal

    person = factory.SubFactory(ChildFactory)
    candidate = factory.SubFactory(ChildFactory)
    reason = "Same names and date of birth"


class ClosureDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClosureDay

    date = factory.Sequence(lambda n: date(2031, 1, 6) + timedelta(days=n))
    reason = "Office move"


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    contact = factory.SubFactory(ContactFactory)
    child = factory.SubFactory(ChildFactory)
    team = factory.SelfAttribute("contact.team")
    referral_date = factory.LazyAttribute(lambda referral: referral.contact.received_at.date())
    outcome = "assessment"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        exclude = ("subject",)

    subject = factory.SubFactory(ContactFactory)
    content_type = factory.LazyAttribute(
        lambda event: ContentType.objects.get_for_model(event.subject)
    )
    object_id = factory.SelfAttribute("subject.pk")
    action = "contact_received"


class AlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alert
        exclude = ("item",)

    item = factory.SubFactory(ContactFactory)
    kind = "contact_decision"
    level = AlertLevel.OVERDUE
    content_type = factory.LazyAttribute(
        lambda alert: ContentType.objects.get_for_model(alert.item)
    )
    object_id = factory.SelfAttribute("item.pk")
    team = factory.SelfAttribute("item.team")
    due_at = factory.SelfAttribute("item.decision_due_at")
    message = factory.LazyAttribute(lambda alert: f"Decision on {alert.item.reference} is overdue")


class AccessLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessLog

    user = factory.SubFactory(UserFactory)
    child = factory.SubFactory(ChildFactory)
    via = "/children/"


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    referral = factory.SubFactory(ReferralFactory)
    child = factory.SelfAttribute("referral.child")
    team = factory.SelfAttribute("referral.team")
    started_on = factory.SelfAttribute("referral.referral_date")
    due_on = factory.LazyAttribute(lambda assessment: assessment.started_on + timedelta(days=63))


class AssessmentActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentAction

    assessment = factory.SubFactory(AssessmentFactory)
    description = "Home visit"
    owner = "Sam"
    due_on = factory.LazyAttribute(lambda action: action.assessment.started_on + timedelta(days=7))


class ScreeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Screening

    contact = factory.SubFactory(ContactFactory)
    team = factory.LazyAttribute(lambda screening: screening.contact.team)
    threshold_level = 4
    rag = "amber"
    childs_voice = "She is scared when her dad shouts."
    history_analysis = "Third contact in 12 months."
    parents_consulted = True
    analysis = "Escalating domestic abuse with the children present."
    recommended_outcome = "assessment"
    alternatives_considered = "Early help was declined."
    screened_by = factory.SubFactory(UserFactory)
    submitted_at = factory.LazyFunction(timezone.now)
    oversight_due_at = factory.LazyAttribute(lambda screening: screening.submitted_at)


class ParentConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentConsultation

    contact = factory.SubFactory(ContactFactory)
    consulted_at = factory.LazyFunction(timezone.now)
    recorded_by = factory.SubFactory(UserFactory)
    summary = "They agree to the checks."


class ConsultationExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationException

    contact = factory.SubFactory(ContactFactory)
    ground = ExceptionGround.SIGNIFICANT_HARM
    details = "Asking would put the child at risk."
    requested_by = factory.SubFactory(UserFactory)


class PartnerRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerRequest

    contact = factory.SubFactory(ContactFactory)
    agency = Agency.HEALTH
    question = "Any concerns?"
    sent_by = factory.SubFactory(UserFactory)
    sent_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda request: request.sent_at + timedelta(days=1))


class PatternFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatternFlag

    child = factory.SubFactory(ChildFactory)
    contact = factory.SubFactory(ContactFactory)
    contacts_in_12_months = 3


class ReferrerFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReferrerFeedback

    contact = factory.SubFactory(ContactFactory)
    due_at = factory.LazyAttribute(lambda feedback: feedback.contact.decision_due_at)
    message = "Thank you for your contact."
    recipient = "a.jones@example.org"
