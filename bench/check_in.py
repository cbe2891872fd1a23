"""Times the check-in desk: finding a person, and checking them in.

    BENCH_DATABASE_URL=postgres://waymark:waymark@127.0.0.1:5432/waymark_bench_checkin \\
        .venv/bin/python bench/check_in.py [--people 100000] [--visits 1000000] [--requests 300]

The issue's figures are for PostgreSQL at 100,000 people and 1,000,000 visits; without
BENCH_DATABASE_URL a temporary SQLite database gets a tenth of that. The people and their visits
come from ``generate_scale_data``'s steps (waymark/people/scale.py, waymark/hubs/scale.py): one
hub whose lead organisation registered every person, with two years of sessions. A database
that already holds the people is used as it is, so a PostgreSQL database is filled once (a few
minutes) and measured many times.

Each is timed twice: calling the function the desk calls (``people.search.find_people``,
``hubs.checkins.do_check_in``) and as the API call the offline queue and partner systems make
(``GET /api/v1/people?search=``, ``POST /api/v1/sessions/{id}/check-ins`` with a Bearer token),
beside the trivial view. Finding cycles through a few letters of a name, a full phone number, a
card reference and a misspelt name; every check-in is of a different person at today's session.

Target (p95, one request at a time, 2 cores): 50 ms for each at 100 k people and 1 M visits.
"""

import argparse
import os
import time
import uuid
from io import StringIO

from harness import Case, Timing, _table, percentile

TARGET_MS = 50
# The people are stored encrypted, and the database is kept for later runs: every run must use
# the same keys (the harness would make new ones). Bench data only, never a real site's.
BENCH_KEYS = {
    "FIELD_ENCRYPTION_KEYS": "FJPwVoperxYVYOoz2UEQutetyoDhfPLUVjuk_6IRIUs=",
    "BLIND_INDEX_KEY": "bench-only-blind-index-key-not-a-secret",
}
POSTGRES_SIZES = (100_000, 1_000_000)
SQLITE_SIZES = (10_000, 100_000)
LEAD_SLUG = "bench-desk-org-000001"


def seed(people, visits):
    """The hub, its people and their visits (made once); returns (hub, lead membership)."""
    from django.core.management import call_command

    from waymark.accounts.models import Membership
    from waymark.hubs.models import Hub

    hub = Hub.objects.filter(lead_organisation__slug=LEAD_SLUG).first()
    if hub is None:
        from django.test import override_settings

        started = time.perf_counter()
        # generate_scale_data runs only where demo data is allowed: this bench database is one.
        with override_settings(WAYMARK_DEMO=True):
            call_command(
                "generate_scale_data",
                "--prefix",
                "bench-desk",
                "--organisations",
                "1",
                "--users-per-organisation",
                "1",
                "--networks",
                "1",
                "--areas",
                "1",
                "--people",
                str(people),
                "--visits",
                str(visits),
                "--batch-size",
                "5000",
                stdout=StringIO(),
            )
        print(f"  generated {people} people and about {visits} visits in {time.perf_counter() - started:.0f} s")
        from search import analyse

        analyse()
        hub = Hub.objects.get(lead_organisation__slug=LEAD_SLUG)
    membership = Membership.objects.filter(organisation=hub.lead_organisation).order_by("pk").first()
    # The desk's own roles: a volunteer checks people in.
    membership.roles = ["volunteer", "coordinator"]
    membership.save(update_fields=["roles"])
    return hub, membership


def todays_session(hub):
    from django.utils import timezone

    from waymark.hubs.models import LONDON, HubSession

    today = timezone.localdate(timezone=LONDON)
    session = HubSession.objects.filter(hub=hub, date=today, status="scheduled").first()
    if session is None:
        session = HubSession.objects.create(
            hub=hub,
            site=hub.sites.first(),
            date=today,
            starts_at=timezone.datetime.min.time(),
            ends_at=timezone.datetime.max.time().replace(microsecond=0),
            is_extra=True,
            offers=["welcome"],
        )
    return session


def searches(hub):
    """What a volunteer types: a few letters, a full phone number, a card reference, a typo."""
    from waymark.people.models import Person

    people = Person.objects.filter(organisation=hub.lead_organisation)
    with_phone = people.exclude(phone_index="").order_by("pk").first()
    references = list(people.order_by("-pk").values_list("reference", flat=True)[:3])
    names = list(people.order_by("pk").values_list("display_name", flat=True)[:200])
    first_words = sorted({name.split()[0] for name in names})
    letters = [word[:3] for word in first_words[:4]]
    typo = first_words[0][:2] + first_words[0][3:] + first_words[0][2] if len(first_words[0]) > 3 else first_words[0]
    return [*letters, with_phone.phone, *references, typo]


def time_calls(label, call, variants, requests, warmup):
    for number in range(warmup):
        call(variants[number % len(variants)])
    durations = []
    started = time.perf_counter()
    for number in range(requests):
        before = time.perf_counter()
        call(variants[number % len(variants)])
        durations.append((time.perf_counter() - before) * 1000)
    elapsed = time.perf_counter() - started
    durations.sort()
    return Timing(
        case=Case(label, "", target_p95_ms=TARGET_MS),
        p50_ms=percentile(durations, 0.5),
        p95_ms=percentile(durations, 0.95),
        requests_per_second=requests / elapsed,
    )


def main():
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--people", type=int)
    pre.add_argument("--visits", type=int)
    own, rest = pre.parse_known_args()

    for name, value in BENCH_KEYS.items():
        os.environ.setdefault(name, value)
    from harness import Bench

    bench = Bench("Waymark: the check-in desk", rest)
    from django.db import connection
    from django.test import Client

    postgresql = connection.vendor == "postgresql"
    people, visits = POSTGRES_SIZES if postgresql else SQLITE_SIZES
    people, visits = own.people or people, own.visits or visits
    hub, membership = seed(people, visits)

    from waymark.hubs.checkins import do_check_in
    from waymark.hubs.models import Visit
    from waymark.people.models import Person
    from waymark.people.search import find_people

    organisation = hub.lead_organisation
    print(
        f"  {Person.objects.filter(organisation=organisation).count()} people, "
        f"{Visit.objects.filter(session__hub=hub).count()} visits, on {connection.vendor}"
    )
    session = todays_session(hub)
    queries = searches(hub)
    requests, warmup = bench.options.requests, bench.options.warmup
    # Everyone not yet checked in today, in a fixed order: each check-in is of someone new.
    waiting = iter(
        Person.objects.filter(organisation=organisation)
        .exclude(visits__session=session)
        .order_by("pk")[: 2 * (requests + warmup) + 10]
    )

    from django.core.management import call_command

    output = StringIO()
    call_command(
        "create_api_token", membership.user.email, "--organisation", organisation.slug, stdout=output, stderr=StringIO()
    )
    client = Client(headers={"Authorization": f"Bearer {output.getvalue().strip()}"})

    def find(query):
        return find_people(organisation, query)

    def check_in(_variant):
        do_check_in(session, next(waiting), acting_user=membership.user, client_id=uuid.uuid4())

    def api_find(query):
        response = client.get("/api/v1/people", {"search": query})
        if response.status_code != 200:
            raise SystemExit(f"GET /api/v1/people answered {response.status_code}: {response.content[:300]!r}")

    def api_check_in(_variant):
        person = next(waiting)
        response = client.post(
            f"/api/v1/sessions/{session.uuid}/check-ins",
            {"client_id": str(uuid.uuid4()), "person_id": str(person.uuid)},
            content_type="application/json",
        )
        if response.status_code != 201:
            raise SystemExit(f"POST check-ins answered {response.status_code}: {response.content[:300]!r}")

    trivial = Client()

    def trivial_view(_variant):
        trivial.get("/bench/trivial")

    timings = [
        time_calls("trivial view (baseline)", trivial_view, [None], requests, warmup),
        time_calls("find_people (a few letters, phone, card, typo)", find, queries, requests, warmup),
        time_calls("do_check_in", check_in, [None], requests, warmup),
        time_calls("GET /api/v1/people?search=", api_find, queries, requests, warmup),
        time_calls("POST /api/v1/sessions/{id}/check-ins", api_check_in, [None], requests, warmup),
    ]
    print(f"\n  {len(queries)} searches in the cycle: {', '.join(repr(q) for q in queries)}")
    print(f"  one at a time, {requests} timed after {warmup} warm-up; target p95 ≤ {TARGET_MS} ms\n")
    print(_table(timings[0], timings[1:]))


if __name__ == "__main__":
    main()
