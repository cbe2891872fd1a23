"""Times suggesting services for a person's need (``referrals.suggestions.suggest``) and its
API, ``GET /api/v1/services/suggestions``.

    .venv/bin/python bench/referral_suggestions.py [--services N] [--requests 500] [--warmup 50] [--http]
    BENCH_DATABASE_URL=postgres://waymark:waymark@127.0.0.1:5432/waymark_bench \\
        .venv/bin/python bench/referral_suggestions.py

Uses the services already in the database (the 200,000 of ``bench/search.py`` on PostgreSQL,
once generated there); a database without any (the default temporary SQLite file) gets
``SQLITE_SERVICES`` from ``generate_scale_data``'s service step first, and ``--services N``
tops any database up to N. Generated services carry no referrals, so every service's figures
are suppressed: the statistics query still runs, over no rows.

The person is a bench caseworker's, seeking asylum, speaking Arabic and English, living in a
bench area whose position is one place at Bolton's postcode district (BL1), as a hub there
would give it. Each call cycles through a few needs, so no single lucky need sets the figure.

Target (p95, one call at a time, 2 cores): 300 ms at 200,000 services on PostgreSQL (the
same figure is printed against SQLite's smaller map).
"""

import argparse
import datetime as dt
import io
import time

from harness import Case, Timing, _table, percentile

SQLITE_SERVICES = 20_000
P95_MS = 300
NEEDS = ["food", "health", "esol", "housing", "social", "immigration-advice"]
# Bolton's postcode district (BL1): where the bench person lives.
HOME = (53.5780, -2.4290)


def seed_services(wanted):
    """Services in the database: at least ``wanted`` (None: any, or SQLITE_SERVICES if none)."""
    from search import seed

    from waymark.directory.models import Service

    existing = Service.objects.count()
    if wanted is None:
        wanted = existing or SQLITE_SERVICES
    return seed(wanted) if existing < wanted else existing


def seed_person():
    """The bench caseworker's person and an API token for the caseworker: (person, token)."""
    from django.core.management import call_command

    from waymark.accounts.models import TOKEN_PREFIX, Membership, Organisation, Role, User
    from waymark.directory.models import Location
    from waymark.people.actions import do_register_person
    from waymark.people.models import Consent, JourneyRecord, Person
    from waymark.places.models import Area

    organisation, _created = Organisation.objects.get_or_create(
        slug="bench-referrers", defaults={"name": "Bench Referrers"}
    )
    user = User.objects.filter(email="referrer@bench.waymark").first()
    if user is None:
        user = User.objects.create_user("referrer@bench.waymark", "bench-password-1234", name="Bench Referrer")
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"roles": [Role.CASEWORKER]})
    area, created = Area.objects.get_or_create(slug="bench-bolton", defaults={"name": "Bench Bolton"})
    if created:
        # Areas have no coordinates: the map's places in the area give its position.
        Location.objects.create(
            location_type="physical", name="Bench hub", latitude=HOME[0], longitude=HOME[1], area=area
        )
    person = Person.objects.filter(organisation=organisation, display_name="Bench Amina").first()
    if person is None:
        person = do_register_person(
            organisation,
            acting_user=user,
            display_name="Bench Amina",
            consent_how=Consent.How.SPOKEN,
            languages=["ar", "en"],
            home_area=area,
        )
        JourneyRecord.objects.create(
            person=person, stage="awaiting_decision", since=dt.date(2026, 1, 5), recorded_by=user
        )

    output, messages = io.StringIO(), io.StringIO()
    call_command("create_api_token", user.email, "--organisation", organisation.slug, stdout=output, stderr=messages)
    token = output.getvalue().strip()
    if not token.startswith(TOKEN_PREFIX):
        raise SystemExit(f"create_api_token printed no token:\n{output.getvalue()}{messages.getvalue()}")
    return person, token


def time_suggest(person, needs, requests, warmup):
    """A Timing of ``suggest`` cycling through ``needs``, and how many each found."""
    from waymark.referrals.suggestions import suggest

    for number in range(warmup):
        suggest(person, needs[number % len(needs)])
    durations = []
    found = {}
    started = time.perf_counter()
    for number in range(requests):
        need = needs[number % len(needs)]
        before = time.perf_counter()
        suggestions = suggest(person, need)
        durations.append(time.perf_counter() - before)
        found[need.slug] = (len(suggestions), len(suggestions.not_eligible))
    elapsed = time.perf_counter() - started
    durations.sort()
    timing = Timing(
        case=Case("suggest(): need cycle", "", target_p95_ms=P95_MS),
        p50_ms=percentile(durations, 0.50) * 1000,
        p95_ms=percentile(durations, 0.95) * 1000,
        requests_per_second=len(durations) / elapsed,
    )
    return timing, found


def main():
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--services", type=int, default=None, help="at least this many services (generated if fewer)")
    own, rest = pre.parse_known_args()

    from harness import Bench

    bench = Bench("Waymark: suggested services for a person's need", rest)
    from django.db import connection

    from waymark.referrals.suggestions import find_need

    count = seed_services(own.services)
    person, token = seed_person()
    needs = [need for need in (find_need(slug) for slug in NEEDS) if need is not None]
    if not needs:
        raise SystemExit("None of the bench's needs is in the needs taxonomy (manage.py migrate loads it).")
    print(f"  {count} services on {connection.vendor}; needs: {', '.join(need.slug for need in needs)}")

    for need in needs[:2]:
        bench.add(
            f"GET /api/v1/services/suggestions need={need.slug}",
            f"/api/v1/services/suggestions?need={need.slug}&person={person.uuid}",
            headers={"Authorization": f"Bearer {token}"},
            target_p95_ms=P95_MS,
        )
    timing, found = time_suggest(person, needs, bench.options.requests, bench.options.warmup)
    timings = bench.run()
    print("\n  The suggest function, in the same process (×triv: multiples of the trivial view above):")
    print(_table(timings[0], [timing]))
    print("\n  Suggestions found for each need (eligible, not eligible):")
    for slug, (eligible, not_eligible) in found.items():
        print(f"    {slug}: {eligible}, {not_eligible}")


if __name__ == "__main__":
    main()
