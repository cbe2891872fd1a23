"""Visits in bulk, for scale data (``generate_scale_data --people N --visits M``) and the
check-in benchmark (``bench/check_in.py``: finding a person and checking in at 100 k people
and 1 M visits).

``bulk_create_visits`` spreads visits over past sessions of the given hubs (adding extra
sessions when the hubs have too few), about ``per_session`` people a session, as a real desk
sees them: most people come again and again, some once. Rows are inserted in batches with
the ORM's ``bulk_create``, without audit events (nobody checked anyone in) and without
needs, which the figures do not need.
"""

import datetime as dt
import itertools
import random
import uuid

from django.db import transaction
from django.utils import timezone

from waymark.hubs.models import LONDON, HubSession, Visit
from waymark.people.models import Person


def _sessions_for(hubs, wanted, rng, days):
    """Past sessions of ``hubs`` with nobody checked in yet (oldest first), adding extra ones
    over the last ``days`` days until there are ``wanted``."""
    today = timezone.localdate(timezone=LONDON)
    empty = HubSession.objects.scheduled().filter(hub__in=hubs, date__lt=today).exclude(visits__isnull=False)
    sessions = list(empty.order_by("date", "id"))
    missing = wanted - len(sessions)
    if missing > 0:
        sites = {hub.pk: hub.sites.first() for hub in hubs}
        if None in sites.values():
            raise ValueError("Every hub needs a site to hold extra sessions at.")
        extra = []
        for number in range(missing):
            hub = hubs[number % len(hubs)]
            day = today - dt.timedelta(days=1 + rng.randrange(days))
            starts = dt.time(9 + rng.randrange(6))
            extra.append(
                HubSession(
                    hub=hub,
                    site=sites[hub.pk],
                    date=day,
                    starts_at=starts,
                    ends_at=dt.time(starts.hour + 3),
                    is_extra=True,
                    offers=["welcome"],
                )
            )
        HubSession.objects.bulk_create(extra, batch_size=5000)
        sessions = list(empty.order_by("date", "id"))
    return sessions


def bulk_create_visits(hubs, count, *, people=None, per_session=100, days=730, batch_size=5000, seed=1):
    """Create about ``count`` visits of ``people`` (a queryset; by default the current people
    of the hubs' lead organisations) at past sessions of ``hubs``; return how many were made.

    Every person is checked in at most once a session; a person's first visit (in date
    order) is marked as such; one visit in twenty is an anonymous headcount.
    """
    hubs = list(hubs)
    rng = random.Random(seed)
    if people is None:
        people = Person.objects.current().filter(organisation__in={hub.lead_organisation_id for hub in hubs})
    person_ids = list(people.order_by("id").values_list("id", flat=True))
    if not person_ids or not hubs:
        return 0
    per_session = max(1, min(per_session, len(person_ids)))
    sessions = _sessions_for(hubs, -(-count // per_session), rng, days)
    # Regulars come far more often than the rest: a few hundred faces make most of a desk's day.
    cumulative = list(itertools.accumulate(1 / (1 + rank / 50) for rank in range(len(person_ids))))
    rng.shuffle(person_ids)
    # A subquery, not the list of ids: SQLite takes at most 32,766 parameters in a query.
    seen = set(Visit.objects.filter(person__in=people.values("id")).values_list("person_id", flat=True).distinct())
    made = 0
    batch = []
    with transaction.atomic():
        for session in sessions:
            if made + len(batch) >= count:
                break
            size = min(per_session, count - made - len(batch))
            anonymous = size // 20
            chosen = set()
            while len(chosen) < size - anonymous:
                chosen.update(rng.choices(person_ids, cum_weights=cumulative, k=size - anonymous - len(chosen)))
            start = dt.datetime.combine(session.date, session.starts_at, tzinfo=LONDON)
            for person_id in [*sorted(chosen), *([None] * anonymous)]:
                batch.append(
                    Visit(
                        session=session,
                        person_id=person_id,
                        anonymous=person_id is None,
                        client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                        request_digest="scale",
                        checked_in_at=start + dt.timedelta(minutes=rng.randrange(180)),
                        first_visit=person_id is not None and person_id not in seen,
                    )
                )
                if person_id is not None:
                    seen.add(person_id)
            if len(batch) >= batch_size:
                Visit.objects.bulk_create(batch, batch_size=batch_size)
                made += len(batch)
                batch = []
        if batch:
            Visit.objects.bulk_create(batch, batch_size=batch_size)
            made += len(batch)
    return made
