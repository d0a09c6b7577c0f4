"""Demo data for safety plans: on the demo's first open s47 enquiry, a draft plan that fails
its checks (too short, the parents checking themselves, no one but the parents in the network)
and an agreed plan that passes every check."""

from __future__ import annotations

from typing import Any

from mach.models import Contact, User
from strategy_meetings.models import EnquiryState, S47Enquiry

from . import services

FAMILY_VERSION = "\n".join(
    [
        (
            "This plan is about keeping Amy safe at home. We wrote it with Mum, Gran, Amy's "
            "teacher and Amy."
        ),
        (
            "We are worried that Amy could get hurt when the adults at home shout and fight. We "
            "are worried that Amy does not always get to school on time. We are worried that Amy "
            "is scared at night."
        ),
        (
            "We want Amy to feel safe at home every day. We want Amy to go to school every day "
            "and be on time. We want Amy to have someone she trusts to talk to."
        ),
        (
            "Gran will come to the house every day after school. She will stay until Amy has had "
            "her tea. If Gran sees anything that worries her, she will ring the social worker the"
            " same day."
        ),
        (
            "Mum will take Amy to school each morning. The school will let the social worker know"
            " if Amy is late or does not come in. Mrs Khan, Amy's teacher, will talk with Amy "
            "each Friday."
        ),
        (
            "If there is shouting or a fight at home, Mum will take Amy to Gran's house. Gran has"
            " a spare room for Amy. Amy knows the way and feels safe there."
        ),
        (
            "Amy said she likes it when Gran is there. Amy said she wants the shouting to stop. "
            "We will listen to Amy and ask her how things are each week."
        ),
        (
            "The social worker will visit every week. She will see Amy on her own and talk with "
            "Mum and Gran. She will write down what she sees and hears."
        ),
        (
            "We will all meet again to look at the plan. We will talk about what is going well "
            "and what needs to change. If the plan is not working, we will make it better "
            "together."
        ),
    ]
)

PASSING: dict[str, Any] = {
    "worries": [
        "Amy could get hurt when the adults at home shout and fight.",
        "Amy is often late for school.",
    ],
    "goals": ["Amy feels safe at home every day.", "Amy goes to school on time every day."],
    "network": [
        {
            "name": "Jo Smith",
            "relationship": "Mum",
            "role": "Takes Amy to school",
            "contact": "07700 900001",
            "is_parent": True,
        },
        {
            "name": "Pat Smith",
            "relationship": "Gran",
            "role": "Visits every day after school",
            "contact": "07700 900002",
            "is_parent": False,
        },
        {
            "name": "Mrs Khan",
            "relationship": "Teacher",
            "role": "Talks with Amy each Friday",
            "contact": "Linthorpe Primary",
            "is_parent": False,
        },
    ],
    "actions": [
        {
            "who": "Gran",
            "what": "visit every day after school",
            "when": "From Monday",
            "how_we_will_know": "Gran texts the social worker each evening",
            "verified_by": "Social worker",
        },
        {
            "who": "Mum",
            "what": "take Amy to school on time",
            "when": "Every school day",
            "how_we_will_know": "The school register",
            "verified_by": "Mrs Khan",
        },
    ],
    "childs_words": "I like it when Gran is there. I want the shouting to stop.",
    "family_version": FAMILY_VERSION,
}

FAILING = {
    **PASSING,
    "network": [PASSING["network"][0]],
    "actions": [
        {
            "who": "Mum",
            "what": "stop the shouting",
            "when": "Now",
            "how_we_will_know": "Mum will tell us",
            "verified_by": "Mum",
        }
    ],
    "childs_words": "",
    "family_version": "Mum will keep Amy safe. The s47 enquiry continues.",
}


def seed(users: dict[str, User], contacts: list[Contact]) -> None:
    enquiry = S47Enquiry.objects.filter(state=EnquiryState.OPEN).order_by("id").first()
    worker = users.get("sam.worker")
    if enquiry is None or worker is None:
        return
    services.plan_create(actor=worker, children=[enquiry.child], s47_enquiry=enquiry, parts=FAILING)
    passing = services.plan_create(
        actor=worker, children=[enquiry.child], s47_enquiry=enquiry, parts=PASSING
    )
    services.plan_agree(actor=worker, plan=passing, agreed_with="Jo Smith (Mum), Pat Smith (Gran)")
