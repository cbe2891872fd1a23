"""Many cases at once, for scale data (``generate_scale_data --cases``) and benchmarks.

Rows are written with ``bulk_create`` in batches: cases for the organisation's people, owned in
turn by its caseworkers, each with about three notes and two actions (some overdue, some done);
about a quarter closed with an outcome. Encrypted columns are encrypted on the way to the
database by the fields, as the actions would write them. No audit events: this is generated
data, not something anyone did.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from waymark.casework.models import Case, CaseAction, CaseNote

TITLES = [
    "Move-on support",
    "Asylum support application",
    "Registering with a GP",
    "English classes",
    "Housing after a grant",
    "Benefits claim",
    "Accommodation repairs",
    "Finding legal advice",
    "Winter clothing",
    "Mental health support",
]
NOTE_TEXTS = [
    "Came to the hub; we talked through the letter together.",
    "Phoned to check how the appointment went.",
    "Visited at the hotel; the room is cold and damp.",
    "Explained how to apply and what to bring.",
    "Left a message; will try again tomorrow.",
]
ACTION_TEXTS = [
    "Call the council",
    "Book an interpreter",
    "Chase the accommodation provider",
    "Help fill in the form",
    "Refer to the legal-advice partner",
]
NOTES_PER_CASE = 3


def bulk_create_cases(organisation, count, *, people_ids, owners, batch_size=1000, seed=1):
    """Create ``count`` cases of ``organisation`` for the people with ``people_ids`` (dealt
    out in turn), owned in turn by ``owners`` (users with a case role there), with notes and
    actions. Returns ``{"cases": n, "case notes": n, "case actions": n}``."""
    if not count:
        return {"cases": 0, "case notes": 0, "case actions": 0}
    if not people_ids or not owners:
        raise ValueError("Cases need people and caseworkers to own them.")
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    made = {"cases": 0, "case notes": 0, "case actions": 0}
    while made["cases"] < count:
        size = min(batch_size, count - made["cases"])
        batch = []
        for offset in range(size):
            number = made["cases"] + offset
            owner = owners[number % len(owners)]
            opened_at = now - dt.timedelta(days=rng.randrange(1, 700), seconds=rng.randrange(86400))
            case = Case(
                organisation=organisation,
                person_id=people_ids[number % len(people_ids)],
                title=rng.choice(TITLES),
                owner=owner,
                opened_by=owner,
                opened_at=opened_at,
                status=rng.choice([Case.Status.OPEN, Case.Status.ACTIVE, Case.Status.ACTIVE, Case.Status.CLOSED]),
            )
            if case.status == Case.Status.CLOSED:
                case.outcome = rng.choice(Case.Outcome.values)
                case.closed_at = opened_at + (now - opened_at) / 2
                case.closed_by = owner
            batch.append(case)
        with transaction.atomic():
            Case.objects.bulk_create(batch, batch_size=batch_size)
            if any(case.pk is None for case in batch):
                # A database that does not return ids from a bulk insert: read them back.
                ids = dict(Case.objects.filter(uuid__in=[case.uuid for case in batch]).values_list("uuid", "pk"))
                for case in batch:
                    case.pk = ids[case.uuid]
            notes, actions = [], []
            for case in batch:
                age = max(1, (now - case.opened_at).days)
                for _ in range(NOTES_PER_CASE):
                    days_ago = rng.randrange(age)
                    notes.append(
                        CaseNote(
                            case_id=case.pk,
                            kind=rng.choice(CaseNote.Kind.values),
                            text=rng.choice(NOTE_TEXTS),
                            happened_on=today - dt.timedelta(days=days_ago),
                            written_by=case.owner,
                            written_at=now - dt.timedelta(days=days_ago),
                        )
                    )
                for _ in range(rng.randrange(0, 4)):
                    due_on = today + dt.timedelta(days=rng.randrange(-30, 30))
                    done = case.status == Case.Status.CLOSED or rng.random() < 0.4
                    actions.append(
                        CaseAction(
                            case_id=case.pk,
                            description=rng.choice(ACTION_TEXTS),
                            owner=case.owner,
                            due_on=due_on,
                            done_at=now if done else None,
                            done_by=case.owner if done else None,
                            created_by=case.owner,
                        )
                    )
            CaseNote.objects.bulk_create(notes, batch_size=batch_size)
            CaseAction.objects.bulk_create(actions, batch_size=batch_size)
        made["cases"] += size
        made["case notes"] += len(notes)
        made["case actions"] += len(actions)
    return made
