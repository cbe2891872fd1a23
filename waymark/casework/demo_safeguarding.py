"""The demo's safeguarding concerns: a few at each stage, at the Bolton and Salford hubs' lead
charities (each has a demo safeguarding lead: coordinator@ and outsider@demo.waymark).

``seed_concerns`` is a seed_demo step, run after ``seed_people``. Every concern has a fixed
UUID (uuid5 of a name), and one that exists is left as it is, so re-running adds nothing.
Each is made through the actions (raise, triage, escalate, close), so the audit trail and the
leads' e-mails are as real use would leave them; only the dates are moved back afterwards, so
the dashboard shows an overdue one, a recent one and a recently closed one.
"""

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from waymark.accounts import demo as accounts_demo
from waymark.accounts.models import NationalBody, Organisation, User
from waymark.casework import safeguarding
from waymark.casework.models import Escalation, SafeguardingConcern
from waymark.people.demo import person_uuid
from waymark.people.models import Person

_NAMESPACE = uuid.UUID("8f0f7a4e-61d5-4c55-9a43-0d3c2f6a9b21")

# Each concern: key, organisation slug, raised by (e-mail), lead (e-mail), person number in
# people.demo (None: not registered), about (when not registered), category, urgency, what
# was seen or said, raised how long ago, then the steps after it.
CONCERNS = [
    {
        "key": "bolton-suicide-risk",
        "organisation": accounts_demo.BOLTON_HUB_LEAD,
        "raised_by": "volunteer@demo.waymark",
        "lead": "coordinator@demo.waymark",
        "person": 3,
        "category": "suicide_self_harm",
        "urgency": "immediate",
        "what": "At the drop-in he said he could not see the point any more and had been saving his tablets.",
        "ago": dt.timedelta(minutes=10),
    },
    {
        "key": "bolton-hotel-unregistered",
        "organisation": accounts_demo.BOLTON_HUB_LEAD,
        "raised_by": "caseworker@demo.waymark",
        "lead": "coordinator@demo.waymark",
        "person": None,
        "about": "A young woman staying at the contingency hotel on the ring road; came with a friend, no name given.",
        "category": "sexual",
        "urgency": "soon",
        "what": "Her friend said a man at the hotel has been asking her to go to parties and she is frightened of him.",
        "ago": dt.timedelta(days=2),
    },
    {
        "key": "bolton-labour-exploitation",
        "organisation": accounts_demo.BOLTON_HUB_LEAD,
        "raised_by": "caseworker@demo.waymark",
        "lead": "coordinator@demo.waymark",
        "person": 8,
        "category": "modern_slavery",
        "urgency": "soon",
        "what": "He works at a car wash for a man who keeps his passport and pays him £20 a week.",
        "ago": dt.timedelta(days=6),
        "triage": ("act", "Indicators of labour exploitation; he wants help and agrees to a referral."),
        "escalations": [
            {
                "to": Escalation.To.FIRST_RESPONDER,
                "body": "the-salvation-army",
                "with_consent": True,
                "note": "Passed to the First Responder for an NRM referral; he agreed.",
            },
            {
                "to": Escalation.To.ACCOMMODATION_PROVIDER,
                "body": "serco",
                "with_consent": False,
                "reason": "His safety: the man who keeps his passport visits the property; he agreed to the "
                "referral but asked us not to tell him first, so we told the provider without asking again.",
            },
        ],
    },
    {
        "key": "bolton-domestic-closed",
        "organisation": accounts_demo.BOLTON_HUB_LEAD,
        "raised_by": "volunteer@demo.waymark",
        "lead": "coordinator@demo.waymark",
        "person": 5,
        "category": "domestic",
        "urgency": "immediate",
        "what": "She had bruises on her arms and said her husband does not let her leave the flat alone.",
        "ago": dt.timedelta(days=20),
        "triage": ("act", "Risk of serious harm; she wants to leave."),
        "escalations": [
            {
                "to": Escalation.To.POLICE,
                "with_consent": True,
                "detail": "Domestic abuse team",
                "reference": "GMP-DEMO-0412",
            },
            {
                "to": Escalation.To.MIGRANT_HELP,
                "with_consent": True,
                "note": "Asked for a move to other accommodation.",
            },
        ],
        "close": ("handed_to_statutory", "Moved to a refuge; the police and the refuge hold the case."),
    },
    {
        "key": "salford-low-mood",
        "organisation": accounts_demo.SALFORD_HUB_LEAD,
        "raised_by": "outsider@demo.waymark",
        "lead": "outsider@demo.waymark",
        "person": 1,
        "category": "psychological",
        "urgency": "routine",
        "what": "She says her cousin shouts at her and takes her ASPEN card money each week.",
        "ago": dt.timedelta(days=4),
        "triage": ("monitor", "She does not want action now; we check in at each drop-in."),
    },
    {
        "key": "salford-age-dispute",
        "organisation": accounts_demo.SALFORD_HUB_LEAD,
        "raised_by": "outsider@demo.waymark",
        "lead": "outsider@demo.waymark",
        "person": 3,
        "category": "child_protection",
        "urgency": "immediate",
        "what": "He says he is 16 and is staying in an adult hotel.",
        "ago": dt.timedelta(days=9),
        "triage": ("act", "Possible child in adult accommodation."),
        "escalations": [
            {
                "to": Escalation.To.COUNCIL_CHILDREN,
                "with_consent": False,
                "reason": "A possible child at risk: children's services are told whatever the consent.",
                "detail": "Salford MASH",
            },
        ],
        "close": ("handed_to_statutory", "Children's services took him into their care for an age assessment."),
    },
    {
        "key": "salford-self-neglect-closed",
        "organisation": accounts_demo.SALFORD_HUB_LEAD,
        "raised_by": "outsider@demo.waymark",
        "lead": "outsider@demo.waymark",
        "person": 6,
        "category": "self_neglect",
        "urgency": "routine",
        "what": "He has not been eating and his room smells of damp; he says he is fine.",
        "ago": dt.timedelta(days=25),
        "triage": ("no_further_action", "Talked with him: the damp is reported, he eats at the hub."),
        "close": ("no_further_action", ""),
    },
]


def concern_uuid(key):
    return uuid.uuid5(_NAMESPACE, key)


def seed_concerns(stdout=None):
    """Create the demo's concerns that are missing; returns how many were created. Skips a
    concern whose organisation, users or person are not there."""
    created = 0
    bodies = {body.slug: body for body in NationalBody.objects.all()}
    for spec in CONCERNS:
        created += _seed_concern(spec, bodies)
    if stdout is not None:
        stdout.write(f"Safeguarding concerns: {created} created")
    return created


@transaction.atomic
def _seed_concern(spec, bodies):
    public_id = concern_uuid(spec["key"])
    if SafeguardingConcern.objects.filter(uuid=public_id).exists():
        return 0
    organisation = Organisation.objects.filter(slug=spec["organisation"]).first()
    users = {user.email: user for user in User.objects.filter(email__in=[spec["raised_by"], spec["lead"]])}
    raiser, lead = users.get(spec["raised_by"]), users.get(spec["lead"])
    if organisation is None or raiser is None or lead is None:
        return 0
    person = None
    if spec["person"] is not None:
        person = Person.objects.filter(uuid=person_uuid(organisation.slug, spec["person"])).first()
        if person is None:
            return 0
    concern = safeguarding.do_raise_concern(
        organisation,
        acting_user=raiser,
        person=person,
        about=spec.get("about", ""),
        category=spec["category"],
        what_happened=spec["what"],
        urgency=spec["urgency"],
        public_id=public_id,
    )
    if "triage" in spec:
        decision, reason = spec["triage"]
        safeguarding.do_triage_concern(concern, acting_user=lead, decision=decision, reason=reason)
    for number, step in enumerate(spec.get("escalations", [])):
        safeguarding.do_record_escalation(
            concern,
            acting_user=lead,
            to=step["to"],
            with_consent=step["with_consent"],
            no_consent_reason=step.get("reason", ""),
            national_body=bodies.get(step.get("body", "")),
            to_detail=step.get("detail", ""),
            their_reference=step.get("reference", ""),
            note=step.get("note", ""),
            public_id=uuid.uuid5(_NAMESPACE, f"{spec['key']}:escalation:{number}"),
        )
    if "close" in spec:
        outcome, note = spec["close"]
        safeguarding.do_close_concern(concern, acting_user=lead, outcome=outcome, outcome_note=note)
    _move_back(concern, spec)
    return 1


def _move_back(concern, spec):
    """Date the concern's steps as if they had happened over the days since it was raised."""
    raised_at = timezone.now() - spec["ago"]
    concern.refresh_from_db()
    SafeguardingConcern.objects.filter(pk=concern.pk).update(
        raised_at=raised_at,
        lead_notified_at=raised_at if concern.lead_notified_at else None,
        triaged_at=raised_at + spec["ago"] / 4 if concern.triaged_at else None,
        closed_at=raised_at + spec["ago"] * 3 / 4 if concern.closed_at else None,
    )
    for number, escalation in enumerate(concern.escalations.order_by("id")):
        Escalation.objects.filter(pk=escalation.pk).update(
            made_at=raised_at + spec["ago"] / 3 + dt.timedelta(hours=number)
        )
