"""The demo's attendance: who came to the past six months of sessions (``hubs/demo.py``), what
they needed, where they were signposted and what they were given.

People are the demo people of their hub's lead organisation (``people/demo.py``). As in the
seeds, most people come back: about 88 % come more than once, some every week, some now and
then, and a few only once. Every session also counts a few people anonymously. Each visit's
check-in key is made from the session and the person, so ``seed_visits`` can run again and
again: it adds only the visits that are not there yet.

The history is written directly, as hubs/demo.py writes the rota's: ``do_check_in`` refuses
nothing in the past, but would write an audit event per invented visit. Needs raised at a
visit are drawn from the needs a hub hears most; signposting goes to services on the demo
map listed under the need.
"""

import datetime as dt
import hashlib
import random
import uuid

from django.db import transaction
from django.utils import timezone

from waymark.accounts.models import Membership
from waymark.directory.models import NEED_LINK_TYPE, Attribute, Service, TaxonomyTerm
from waymark.hubs.models import LONDON, Hub, HubSession, Offer, Visit
from waymark.people.models import Person
from waymark.referrals.models import Signposting

NAMESPACE = uuid.UUID("0c7f6a4e-51d3-4b0b-9d6e-3c2f8a9b1e47")
SEED = 88

# The share of people who come only once (the seeds: 88 % came more than once).
ONCE = 0.12
# Needs people raise at a hub, roughly as often as they come up.
NEEDS = [
    ("asylum-support", 14),
    ("immigration-advice", 12),
    ("housing", 10),
    ("esol", 10),
    ("food", 8),
    ("health", 7),
    ("mental-health", 5),
    ("money-benefits", 5),
    ("move-on-support", 4),
    ("clothing", 4),
    ("phone-data", 4),
    ("travel", 4),
    ("employment", 3),
    ("social", 3),
    ("dental", 2),
    ("destitution", 2),
]


def _say(stdout, text):
    if stdout is not None:
        stdout.write(text)


def visit_key(session, who):
    """The demo check-in key of ``who`` (a person's uuid, or "anonymous-<n>") at ``session``."""
    return uuid.uuid5(NAMESPACE, f"{session.uuid}:{who}")


def _services_by_need():
    """{need slug: [public services listed under it]} for signposting."""
    links = Attribute.objects.filter(link_type=NEED_LINK_TYPE, link_entity="service").values_list(
        "taxonomy_term__slug", "link_id"
    )
    public = set(Service.objects.public().values_list("id", flat=True))
    services = {service.id: service for service in Service.objects.filter(id__in=public)}
    by_need = {}
    for slug, service_id in links:
        if service_id in services:
            by_need.setdefault(slug, []).append(services[service_id])
    for found in by_need.values():
        found.sort(key=lambda service: (service.name, str(service.id)))
    return by_need


def _plan(people, sessions, rng):
    """{session index: [people]} for one hub: each person's first visit on or after they were
    registered, then every session with their own chance of coming (or never again)."""
    plan = {index: [] for index in range(len(sessions))}
    dates = [session.date for session in sessions]
    for person in people:
        registered = timezone.localdate(person.registered_at, timezone=LONDON)
        first = next((index for index, day in enumerate(dates) if day >= registered), len(dates) - 1)
        comes_once = rng.random() < ONCE
        # A regular needs room to come back: at least three sessions after the first.
        if not comes_once:
            first = min(first, max(0, len(dates) - 4))
        chance = rng.uniform(0.2, 0.75)
        plan[first].append(person)
        if comes_once:
            continue
        later = [index for index in range(first + 1, len(dates)) if rng.random() < chance]
        if not later:
            later = [rng.randrange(first + 1, len(dates))]
        for index in later:
            plan[index].append(person)
    return plan


def _digest(person):
    return hashlib.sha256(f"demo:{person.uuid if person else 'anonymous'}".encode()).hexdigest()


@transaction.atomic
def seed_visits(stdout=None):
    """Add the demo's attendance to past sessions where it is missing; return how many visits
    were added. Skips hubs whose lead organisation has no people."""
    rng = random.Random(SEED)
    terms = {term.slug: term for term in TaxonomyTerm.objects.filter(slug__in=[slug for slug, _w in NEEDS])}
    needs = [(terms[slug], weight) for slug, weight in NEEDS if slug in terms]
    services = _services_by_need()
    now = timezone.now()
    today = timezone.localdate(now, timezone=LONDON)
    existing = set(Visit.objects.values_list("client_id", flat=True))
    added = signposted = 0

    for hub in Hub.objects.select_related("lead_organisation").order_by("name"):
        people = list(Person.objects.current().filter(organisation=hub.lead_organisation).order_by("id"))
        if not people:
            continue
        # People of an organisation with several hubs go to one of them.
        siblings = list(Hub.objects.filter(lead_organisation=hub.lead_organisation).order_by("name"))
        people = [person for index, person in enumerate(people) if siblings[index % len(siblings)] == hub]
        sessions = list(
            HubSession.objects.scheduled()
            .filter(hub=hub, date__lt=today)
            .select_related("site")
            .order_by("date", "starts_at", "id")
        )
        if not sessions:
            continue
        team = list(Membership.objects.filter(hubs=hub).select_related("user").order_by("pk"))
        plan = _plan(people, sessions, rng)
        seen = set(
            Visit.objects.filter(person__in=people, session__date__lt=sessions[0].date).values_list(
                "person_id", flat=True
            )
        )
        visits, needs_rows, signpostings = [], [], []
        for index, session in enumerate(sessions):
            start = dt.datetime.combine(session.date, session.starts_at, tzinfo=LONDON)
            minutes = max(1, int((session.ends - session.starts).total_seconds() // 60) - 30)
            comers = [(person, str(person.uuid)) for person in plan[index]]
            comers += [(None, f"anonymous-{n}") for n in range(rng.randrange(0, 4))]
            for person, who in comers:
                # Draw every random value first, so that re-runs follow the same sequence.
                at = start + dt.timedelta(minutes=rng.randrange(minutes))
                raised = rng.choices([term for term, _w in needs], weights=[w for _t, w in needs], k=2)
                first_visit = person is not None and person.pk not in seen
                how_many = rng.random()
                raise_count = 2 if first_visit and how_many < 0.4 else 1 if (first_visit or how_many < 0.3) else 0
                raised = list(dict.fromkeys(raised[:raise_count]))
                hot_meal = Offer.HOT_FOOD in session.offers and rng.random() < 0.7
                given = {
                    "hot_meals": int(hot_meal),
                    "food_parcels": int(rng.random() < 0.2),
                    "clothes": int(rng.random() < 0.1),
                    "device_or_data": int(rng.random() < 0.05),
                    "travel": int(rng.random() < 0.15),
                }
                signpost = rng.random() < 0.5
                by = team[rng.randrange(len(team))].user if team else None
                options = [service for term in raised for service in services.get(term.slug, [])]
                signposted_to = options[rng.randrange(len(options))] if signpost and options and by else None
                if person is not None:
                    seen.add(person.pk)
                key = visit_key(session, who)
                if key in existing:
                    continue
                visit = Visit(
                    session=session,
                    person=person,
                    anonymous=person is None,
                    client_id=key,
                    request_digest=_digest(person),
                    checked_in_at=min(at, now),
                    checked_in_by=by,
                    first_visit=first_visit,
                    **given,
                )
                visits.append(visit)
                for term in raised:
                    needs_rows.append((visit, term))
                if signposted_to is not None:
                    signpostings.append((visit, signposted_to, by, at))
        Visit.objects.bulk_create(visits, batch_size=1000)
        Visit.needs.through.objects.bulk_create(
            [Visit.needs.through(visit_id=visit.pk, taxonomyterm_id=term.pk) for visit, term in needs_rows],
            batch_size=1000,
        )
        Signposting.objects.bulk_create(
            [
                Signposting(
                    person=visit.person,
                    visit=visit,
                    service=service,
                    organisation=hub.lead_organisation,
                    recorded_by=by,
                    recorded_at=min(at, now),
                )
                for visit, service, by, at in signpostings
            ],
            batch_size=1000,
        )
        added += len(visits)
        signposted += len(signpostings)
    _say(stdout, f"Visits: {added} added, {signposted} signpostings")
    return added
