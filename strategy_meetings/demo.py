"""Demo data for strategy discussions: one at each stage, about the demo contacts' children.
A red discussion requested with the demo police organisation invited; one held with the
minimum attendance; one decided (joint s47 open); one whose s47 was substantiated (conference
due); one whose conference was held with a plan."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from mach import timescales
from mach.models import Contact, Kind, Person, User

from . import services
from .models import Conference, StrategyDiscussion

MINIMUM = [
    {
        "agency": "childrens_social_care",
        "name": "Sam Worker",
        "role": "Social worker",
        "can_decide_for_agency": True,
    },
    {
        "agency": "police",
        "name": "DS Patel",
        "role": "Detective sergeant",
        "can_decide_for_agency": True,
    },
    {
        "agency": "health",
        "name": "Dr Khan",
        "role": "Named nurse for safeguarding",
        "can_decide_for_agency": True,
    },
]
INFORMATION = [
    {"agency": "police", "summary": "Two domestic abuse call-outs since March; father on bail."},
    {"agency": "health", "summary": "Unexplained bruising seen at A&E last week."},
]


def _children(contact: Contact) -> list[Person]:
    return [
        link.person
        for link in contact.contact_people.filter(role=Kind.CHILD).select_related("person")
    ]


def _requested(
    manager: User, contact: Contact, children: list[Person] | None = None
) -> StrategyDiscussion:
    children = children or _children(contact)
    return services.discussion_request(
        actor=manager,
        children=children,
        rag="red",
        reasonable_cause="Unexplained bruising; escalating domestic abuse with the child there.",
        lower_options_rejected="Early help cannot keep the child safe from an adult in the home.",
        contact=contact,
    )


def seed(users: dict[str, User], contacts: list[Contact]) -> None:
    if not contacts:
        return
    worker, manager, police = users["sam.worker"], users["mo.manager"], users["cleveland.police"]
    contact = contacts[0]
    # One child has no more than one s47 enquiry under way at a time (as the CIN census
    # requires): the open enquiry and the one awaiting its conference are about a sibling.
    first = _children(contact)
    siblings = [
        child for other in contacts[1:] for child in _children(other) if child not in first
    ][:1] or first
    stages = [
        _requested(manager, contact, siblings if stage in (2, 3) else first) for stage in range(5)
    ]
    services.discussion_invite(
        actor=worker,
        discussion=stages[0],
        scheduled_for=timezone.now() + timedelta(hours=2),
        place="MACH meeting room 2, or on Teams",
        invitees=[
            {
                "agency": "police",
                "name": "DS Patel",
                "role": "Detective sergeant",
                "organisation": "Cleveland Police",
                "email": "ds.patel@example.org",
                "organisation_team": police.team,
            }
        ],
    )
    for discussion in stages[1:]:
        services.discussion_hold(
            actor=worker,
            discussion=discussion,
            held_at=timezone.now() - timedelta(hours=1),
            attendees=MINIMUM,
            information=INFORMATION,
            analysis="The bruising is unexplained and the violence is escalating: the child is "
            "likely to suffer significant harm without protection.",
        )
    services.strategy_action_add(
        actor=worker,
        discussion=stages[1],
        description="Check the father's bail conditions and tell the social worker.",
        owner="DS Patel",
        agency="police",
        child=stages[1].discussion_children.get().child,
        due_date=timescales.working_day_after(timezone.localdate(), 2),
    )
    for discussion in stages[2:]:
        services.discussion_decide(
            actor=worker,
            discussion=discussion,
            decisions=[
                {
                    "child": entry.child,
                    "decision": "s47_joint",
                    "share_with_family": "Mother told today; father not told while police "
                    "investigate.",
                }
                for entry in discussion.discussion_children.select_related("child")
            ],
        )
    today = timezone.localdate()
    for discussion in stages[3:]:
        for enquiry in discussion.enquiries.all():
            services.s47_record(
                actor=worker,
                enquiry=enquiry,
                lead_practitioner=worker,
                child_seen_on=today,
                seen_alone=True,
                childs_voice="Amy said she is scared when dad shouts and hides in her room.",
                enquiries=[
                    {"agency": "health", "summary": "GP: no previous injuries.", "made_on": today}
                ],
            )
            services.s47_complete(
                actor=worker, enquiry=enquiry, outcome="substantiated", next_step="conference"
            )
    conference = Conference.objects.get(discussion=stages[4])
    services.conference_record(
        actor=worker,
        conference=conference,
        scheduled_for=today,
        held_on=today,
        outcome="cp_plan",
        category="emotional",
    )
