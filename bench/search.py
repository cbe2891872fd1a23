"""Times searching the public map: text, text within 10 km, and need + language + open now.

    .venv/bin/python bench/search.py [--services N] [--requests 500] [--warmup 50] [--http]
    BENCH_DATABASE_URL=postgres://waymark:waymark@127.0.0.1:5432/waymark_bench \\
        .venv/bin/python bench/search.py

On the default temporary SQLite database it makes 20,000 services; on PostgreSQL (named by
BENCH_DATABASE_URL) 200,000 (``--services`` to choose). The services come from
``generate_scale_data``'s service step (waymark/directory/scale.py), spread over the real
outcode centroids; a database that already holds at least that many services is used as it
is, so a PostgreSQL database is filled once (about five minutes) and measured many times.

Each kind of search is timed twice: calling ``search_services`` (what the search itself
costs), and as a GET of the results page ``/services/`` (form, search, template), beside the
trivial view the harness always times. Each call cycles through a few different queries and
places, so no single lucky query sets the figure. The clock is fixed to a Tuesday 11:00 in
London (in this process), so "open now" has services to find whatever time the bench runs.

Targets (p95, one request at a time, 2 cores): 30 ms at 20,000 services on SQLite, 50 ms at
200,000 on PostgreSQL.
"""

import argparse
import datetime as dt
import time
from unittest import mock

from harness import Case, Timing, _table, percentile

SQLITE_SERVICES = 20_000
POSTGRES_SERVICES = 200_000
SQLITE_P95_MS = 30
POSTGRES_P95_MS = 50

TEXTS = ["dentist", "food bank", "english classes", "housing", "legal advice"]
PLACES = ["M13", "BL1", "NE1", "B5", "LS1"]
NEEDS = ["food", "health", "esol", "housing", "social"]


def seed(services):
    """At least ``services`` generated services in the database; returns how many there are."""
    from django.db import transaction

    from waymark.accounts.management.commands.generate_scale_data import ScaleRun
    from waymark.directory.models import Service
    from waymark.directory.scale import generate_services

    existing = Service.objects.count()
    if existing >= services:
        print(f"  using the {existing} services already in the database")
        return existing
    started = time.perf_counter()
    run = ScaleRun(
        prefix=f"bench{existing}",
        organisations=0,
        users_per_organisation=0,
        networks=0,
        areas=0,
        batch_size=1000,
        password_hash="",
        services=services - existing,
    )
    with transaction.atomic():
        generate_services(run)
    print(f"  generated {services - existing} services in {time.perf_counter() - started:.0f} s")
    analyse()
    return Service.objects.count()


def analyse():
    """Bring the planner's statistics (and, on PostgreSQL, the visibility map) up to date, as
    autovacuum would on a live database some minutes after a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def fixed_now():
    """The coming Tuesday (or today, if Tuesday) at 11:00 in London."""
    from waymark.directory.opening import LONDON

    today = dt.datetime.now(LONDON).date()
    tuesday = today + dt.timedelta(days=(1 - today.weekday()) % 7)
    return dt.datetime.combine(tuesday, dt.time(11), tzinfo=LONDON).astimezone(dt.UTC)


def queries():
    """(label, list of GET parameter dicts) for each kind of search."""
    return [
        ("text", [{"q": text} for text in TEXTS]),
        ("text + 10 km", [{"q": text, "near": near} for text, near in zip(TEXTS, PLACES, strict=True)]),
        ("need + language + open now", [{"need": need, "speaks": "ar", "open_now": "1"} for need in NEEDS]),
    ]


def time_search_function(label, variants, now, requests, warmup, target):
    from waymark.directory.search import SearchForm, search_services

    prepared = []
    for data in variants:
        form = SearchForm(data)
        if not form.is_valid():
            raise SystemExit(f"{label}: {data} is not a valid search: {form.errors.as_text()}")
        prepared.append(form.query())
    for number in range(warmup):
        search_services(prepared[number % len(prepared)], now=now)
    durations = []
    totals = set()
    started = time.perf_counter()
    for number in range(requests):
        query = prepared[number % len(prepared)]
        before = time.perf_counter()
        results = search_services(query, now=now)
        durations.append(time.perf_counter() - before)
        totals.add(results.total)
    elapsed = time.perf_counter() - started
    durations.sort()
    timing = Timing(
        case=Case(f"search_services: {label}", "", target_p95_ms=target),
        p50_ms=percentile(durations, 0.50) * 1000,
        p95_ms=percentile(durations, 0.95) * 1000,
        requests_per_second=len(durations) / elapsed,
    )
    return timing, sorted(totals)


def main():
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--services", type=int, default=None, help="services to measure with")
    own, rest = pre.parse_known_args()

    from harness import Bench

    bench = Bench("Waymark: searching the public map", rest)
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client

    postgres = connection.vendor == "postgresql"
    wanted = own.services or (POSTGRES_SERVICES if postgres else SQLITE_SERVICES)
    count = seed(wanted)
    target = POSTGRES_P95_MS if postgres else SQLITE_P95_MS
    now = fixed_now()
    print(f"  {count} services on {connection.vendor}; clock fixed at {now:%A %Y-%m-%d %H:%M} UTC")

    # The results page, if it is there: one representative search of each kind.
    with mock.patch("django.utils.timezone.now", return_value=now):
        page_works = Client().get("/services/?q=dentist").status_code == 200
    if page_works:
        for label, variants in queries():
            bench.add(f"GET /services/ {label}", "/services/?" + urlencode(variants[0]), target_p95_ms=target)
    else:
        print("  (the results page /services/ does not answer 200 yet: timing the search function only)")

    function_timings = []
    totals = {}
    with mock.patch("django.utils.timezone.now", return_value=now):
        for label, variants in queries():
            timing, found = time_search_function(
                label, variants, now, bench.options.requests, bench.options.warmup, target
            )
            function_timings.append(timing)
            totals[label] = found
        timings = bench.run()
    trivial = timings[0]
    print("\n  The search function, in the same process (×triv: multiples of the trivial view above):")
    print(_table(trivial, function_timings))
    print("\n  Results found by each kind of search (one figure per query in the cycle):")
    for label, found in totals.items():
        print(f"    {label}: {', '.join(str(total) for total in found)}")


if __name__ == "__main__":
    main()
