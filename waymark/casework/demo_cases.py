"""The demo's cases: casework for some of the demo people of the Bolton and Salford hubs' lead
charities, with notes and actions (some overdue), some closed with outcomes and one reopened.

Read by ``seed_cases`` (for ``manage.py seed_demo``, after ``seed_people``). Every case, note
and action has a fixed UUID (uuid5 of a name), so a re-run finds the cases already there and
leaves them as they are. Dates are relative to the day it runs, so that "overdue" means
something whenever the demo is seeded. Rows are written directly (with their past dates), as
generated data: no audit events, since nobody did these things.
"""

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone

from waymark.accounts import demo as accounts_demo
from waymark.accounts.models import Organisation, User
from waymark.casework.models import Case, CaseAction, CaseNote
from waymark.people.demo import person_uuid
from waymark.people.models import Person

_NAMESPACE = uuid.UUID("0b6c7f0e-5b9d-4f3e-9c1a-3f1e6a2d8c44")

# (person number in people/demo.py, title, owner e-mail, opened days ago, status, outcome,
#  notes [(kind, days ago, text)], actions [(description, due in days (negative: past), done)])
BOLTON_CASES = [
    (
        0,
        "Move-on support after a grant",
        "caseworker@demo.waymark",
        40,
        Case.Status.ACTIVE,
        "",
        [
            ("contact", 40, "Came to the hub with her grant letter. The 28-day move-on period has started."),
            ("phone", 33, "Rang the council's housing options team with her: homeless application made."),
            ("advice", 20, "Explained Universal Credit advance payments; appointment at the Jobcentre booked."),
        ],
        [
            ("Chase the council for the homeless application decision", -3, False),
            ("Help her open a bank account", 4, False),
            ("Book the Jobcentre appointment", -25, True),
        ],
    ),
    (
        3,
        "Asylum support (section 95) application",
        "caseworker@demo.waymark",
        25,
        Case.Status.ACTIVE,
        "",
        [
            ("contact", 25, "Needs help applying for section 95 support; staying with a friend."),
            ("phone", 10, "Migrant Help confirmed the application is received."),
        ],
        [("Call Migrant Help for a decision date", -6, False), ("Gather his ARC and letters", -15, True)],
    ),
    (
        4,
        "Registering with a GP",
        "coordinator@demo.waymark",
        9,
        Case.Status.OPEN,
        "",
        [("contact", 9, "Has not been able to register with a GP: no proof of address.")],
        [("Go with him to the practice with the hotel letter", 2, False)],
    ),
    (
        8,
        "English classes and college place",
        "caseworker@demo.waymark",
        120,
        Case.Status.CLOSED,
        Case.Outcome.RESOLVED,
        [
            ("contact", 120, "Wants ESOL classes; on the waiting list at the college."),
            ("phone", 60, "College place confirmed from September."),
        ],
        [("Send the college the referral form", -100, True)],
    ),
    (
        11,
        "Lost contact after dispersal",
        "caseworker@demo.waymark",
        90,
        Case.Status.CLOSED,
        Case.Outcome.LOST_CONTACT,
        [("phone", 70, "No answer for three weeks; moved to another area, number not in use.")],
        [],
    ),
    (
        13,
        "Eviction notice from asylum accommodation",
        "caseworker@demo.waymark",
        150,
        Case.Status.REOPENED,
        Case.Outcome.RESOLVED,
        [
            ("contact", 150, "Notice to quit after a refusal; appeal lodged, support continues."),
            ("advice", 100, "Signposted to the regulated adviser for the appeal."),
            ("home_visit", 5, "A new notice to quit arrived after the appeal was dismissed."),
        ],
        [("Refer to the night shelter and the council's rough sleeping team", -1, False)],
    ),
    (
        16,
        "Winter clothing and a cold room",
        "coordinator@demo.waymark",
        14,
        Case.Status.ACTIVE,
        "",
        [("home_visit", 12, "The room has no working heater; reported to the accommodation provider.")],
        [("Follow up the repair with the provider", -4, False), ("Give a winter coat at the hub", -10, True)],
    ),
    (
        20,
        "Family reunion: where to get advice",
        "caseworker@demo.waymark",
        30,
        Case.Status.CLOSED,
        Case.Outcome.REFERRED_ON,
        [("advice", 28, "Referred to the partner legal-advice charity for family reunion advice.")],
        [],
    ),
]
SALFORD_CASES = [
    (
        0,
        "Destitution after refusal",
        "outsider@demo.waymark",
        35,
        Case.Status.ACTIVE,
        "",
        [("contact", 35, "Appeal rights exhausted; no support and no accommodation.")],
        [("Apply for section 4 support", -2, False)],
    ),
    (
        4,
        "Pregnancy and maternity care",
        "outsider@demo.waymark",
        20,
        Case.Status.OPEN,
        "",
        [("phone", 18, "Booked with the midwife; needs an interpreter for Farsi.")],
        [("Book an interpreter for the scan", 6, False)],
    ),
    (
        5,
        "Job search after a grant",
        "outsider@demo.waymark",
        200,
        Case.Status.CLOSED,
        Case.Outcome.PARTLY_RESOLVED,
        [("advice", 190, "CV written together; looking for warehouse work.")],
        [],
    ),
]


def case_uuid(organisation_slug, number):
    return uuid.uuid5(_NAMESPACE, f"case:{organisation_slug}:{number}")


def seed_cases(stdout=None):
    """Create the demo's cases where they are missing (a re-run leaves existing ones as they
    are). Needs the demo organisations, users and people; skips what is not there."""
    plan = [
        (accounts_demo.BOLTON_HUB_LEAD, BOLTON_CASES),
        (accounts_demo.SALFORD_HUB_LEAD, SALFORD_CASES),
    ]
    users = {user.email: user for user in User.objects.filter(email__endswith="@demo.waymark")}
    created = 0
    for organisation_slug, entries in plan:
        organisation = Organisation.objects.filter(slug=organisation_slug).first()
        if organisation is None:
            continue
        for entry in entries:
            created += _seed_case(organisation, entry, users)
    if stdout is not None:
        stdout.write(f"Cases: {created} created")
    return created


@transaction.atomic
def _seed_case(organisation, entry, users):
    number, title, owner_email, opened_days_ago, status, outcome, notes, actions = entry
    public_id = case_uuid(organisation.slug, number)
    if Case.objects.filter(uuid=public_id).exists():
        return 0
    owner = users.get(owner_email)
    person = Person.objects.filter(uuid=person_uuid(organisation.slug, number), organisation=organisation).first()
    if owner is None or person is None or person.is_merged:
        return 0
    now = timezone.now()
    today = timezone.localdate()
    opened_at = now - dt.timedelta(days=opened_days_ago)
    case = Case(
        uuid=public_id,
        organisation=organisation,
        person=person,
        title=title,
        owner=owner,
        status=status,
        opened_at=opened_at,
        opened_by=owner,
    )
    if outcome:
        # Closed (or closed once, then reopened) a little after the last note before today.
        case.outcome = outcome
        case.closed_at = opened_at + dt.timedelta(days=max(1, opened_days_ago // 2))
        case.closed_by = owner
        case.closing_note = "Closed at the review meeting."
    if status == Case.Status.REOPENED:
        case.reopened_at = now - dt.timedelta(days=5)
        case.reopen_reason = "A new notice to quit arrived."
    case.save()
    for index, (kind, days_ago, text) in enumerate(notes):
        written_at = now - dt.timedelta(days=days_ago)
        CaseNote.objects.create(
            uuid=uuid.uuid5(_NAMESPACE, f"note:{public_id}:{index}"),
            case=case,
            kind=kind,
            text=text,
            happened_on=today - dt.timedelta(days=days_ago),
            written_by=owner,
            written_at=written_at,
        )
    for index, (description, due_in, done) in enumerate(actions):
        due_on = today + dt.timedelta(days=due_in)
        CaseAction.objects.create(
            uuid=uuid.uuid5(_NAMESPACE, f"action:{public_id}:{index}"),
            case=case,
            description=description,
            owner=owner,
            due_on=due_on,
            done_at=now - dt.timedelta(days=max(0, -due_in)) if done else None,
            done_by=owner if done else None,
            created_by=owner,
        )
    return 1
