"""Times the Open Referral UK API, the ndjson export and the importer at scale (issue 4).

    .venv/bin/python bench/oruk_api.py [--services 20000] [--import-services 10000] [--requests 300]
    BENCH_DATABASE_URL=postgres://... .venv/bin/python bench/oruk_api.py

What it prints, against the issue's targets (reported, never enforced):

1. Requests per second of ``/api/oruk/services?per_page=50`` and of ``/api/oruk/services/{id}``
   at 20,000 services, each beside the plainest Django view that could answer the same
   request (``bench/urls.py``: the same service rows read with ``.values()`` and dumped as
   JSON, nothing nested): target ≥ 0.6× that view's requests per second. A middle page and
   the last page are timed too (the cost must not grow with the page number).
2. The ndjson export (``export.write_ndjson``, as the export command writes it; the API's
   ``?format=ndjson`` streams the same stored records) at a quarter, a half and all of the services: seconds, cold
   (just after a change, every stored record rebuilt) and warm, and peak traced memory
   (target: 20,000 in ≤ 10 s, memory flat as N grows).
3. Importing ``--import-services`` services (default 10,000) from an ORUK JSON file made from
   the exported map with every id changed, so each record is new: seconds (target ≤ 60 s).
   A second import of the same file (everything unchanged) is timed too.

The services come from ``generate_scale_data``'s service step (``bench/search.py``'s
``seed``); a database already holding that many is used as it is.
"""

import argparse
import json
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

from harness import Case, Timing, percentile

SERVICES = 20_000
IMPORT_SERVICES = 10_000
RPS_RATIO_TARGET = 0.6
NDJSON_SECONDS_TARGET = 10
IMPORT_SECONDS_TARGET = 60
NEW_IDS = uuid.UUID("5d0c3f9e-8a53-4f1e-9d7a-2b61c1a0e4b7")


def time_requests(client, path, requests, warmup):
    for _ in range(warmup):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        b"".join(response.streaming_content) if response.streaming else response.content
    durations = []
    started = time.perf_counter()
    for _ in range(requests):
        before = time.perf_counter()
        response = client.get(path)
        b"".join(response.streaming_content) if response.streaming else response.content
        durations.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - started
    durations.sort()
    return Timing(
        case=Case(path, path),
        p50_ms=percentile(durations, 0.5) * 1000,
        p95_ms=percentile(durations, 0.95) * 1000,
        requests_per_second=len(durations) / elapsed,
    )


def api_rates(requests, warmup):
    from django.test import Client

    from waymark.directory.oruk.serialise import public_services

    client = Client()
    total = public_services().count()
    last_page = max(1, -(-total // 50))
    some_id = public_services().order_by("id").values_list("id", flat=True)[total // 2]
    pairs = [
        ("/bench/services-json", "/api/oruk/services?per_page=50"),
        ("/bench/services-json", f"/api/oruk/services?per_page=50&page={last_page // 2}"),
        ("/bench/services-json", f"/api/oruk/services?per_page=50&page={last_page}"),
        (f"/bench/services-json/{some_id}", f"/api/oruk/services/{some_id}"),
    ]
    print(f"\n  API at {total} public services (in-process, {requests} requests after {warmup} warm-up)")
    print("  what                                                     req/s   p50 ms  p95 ms  ×plain  target   result")
    for plain_path, api_path in pairs:
        plain = time_requests(client, plain_path, requests, warmup)
        api = time_requests(client, api_path, requests, warmup)
        ratio = api.requests_per_second / plain.requests_per_second
        for timing, shown_ratio, target in ((plain, "", ""), (api, f"{ratio:.2f}", f"≥ {RPS_RATIO_TARGET}")):
            result = "" if not target else ("met" if ratio >= RPS_RATIO_TARGET else "missed")
            print(
                f"  {timing.case.path[:55]:<55}  {timing.requests_per_second:6.0f}  {timing.p50_ms:6.2f}  "
                f"{timing.p95_ms:6.2f}  {shown_ratio:>6}  {target:<7}  {result}"
            )


def ndjson_export(total):
    from django.conf import settings

    from waymark.directory.oruk.serialise import public_services

    print("\n  ndjson export (export.write_ndjson, as export_directory writes it, to a temporary file)")
    print("  cold: the first export after a change to the map (every stored record rebuilt, by")
    print(f"        {settings.DIRECTORY_EXPORT_WORKERS} worker processes: settings.DIRECTORY_EXPORT_WORKERS);")
    print("  warm: the next one (the stored records served as they are)")
    print("  services   cold s   warm s   peak MB (cold)   target")
    for size in sorted({max(1, total // 4), max(1, total // 2), total}):
        # The first ``size`` services by id, chosen by a bound (a list of ids in every chunk's
        # query would cost more than the export itself).
        last_id = public_services().order_by("id").values_list("id", flat=True)[size - 1]
        queryset = public_services().filter(id__lte=last_id)

        # Timed without tracing (tracemalloc slows Python down), then traced for the peak.
        _touch_map(last_id)
        started = time.perf_counter()
        _write_ndjson(queryset)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        _write_ndjson(queryset)
        warm = time.perf_counter() - started
        _touch_map(last_id)
        tracemalloc.start()
        _write_ndjson(queryset)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        target, result = "", ""
        if size >= SERVICES:
            target = f"≤ {NDJSON_SECONDS_TARGET} s"
            result = "met" if cold <= NDJSON_SECONDS_TARGET else "missed (cold)"
        print(f"  {size:8d}  {cold:7.1f}  {warm:7.1f}  {peak:15.1f}   {target} {result}")


def _touch_map(service_id):
    """A write that changes nothing, which still makes every stored record out of date (see
    waymark/directory/oruk/published.py)."""
    from django.db.models import F

    from waymark.directory.models import Service

    Service.objects.filter(id=service_id).update(name=F("name"))


def _write_ndjson(queryset):
    """The export as ``export_directory --format ndjson`` writes it."""
    from waymark.directory.oruk.export import write_ndjson

    with tempfile.TemporaryFile("wb") as out:
        write_ndjson(out, queryset)


def _new_ids(value):
    """The record with every UUID replaced by another, fixed one: the same feed as new records."""
    if isinstance(value, dict):
        return {key: _new_ids(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_new_ids(item) for item in value]
    if isinstance(value, str) and len(value) == 36:
        try:
            return str(uuid.uuid5(NEW_IDS, str(uuid.UUID(value))))
        except ValueError:
            return value
    return value


def import_time(count):
    from waymark.directory.actions.imports import do_import
    from waymark.directory.oruk.serialise import iter_full_services, public_services

    queryset = public_services().filter(
        id__in=list(public_services().order_by("id").values_list("id", flat=True)[:count])
    )
    records = [_new_ids(record) for record in iter_full_services(queryset)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feed.json"
        path.write_text(json.dumps(records), encoding="utf-8")
        print(f"\n  import of {len(records)} services from an ORUK JSON file ({path.stat().st_size / 1e6:.0f} MB)")
        for label in ("new records", "the same again (unchanged)"):
            started = time.perf_counter()
            run = do_import(str(path), source_name="Bench feed")
            seconds = time.perf_counter() - started
            result = "met" if seconds <= IMPORT_SECONDS_TARGET else "missed"
            print(
                f"  {label:<28} {seconds:6.1f} s  (added {run.created}, updated {run.updated}, unchanged "
                f"{run.unchanged}, rejected {run.rejected}; {run.error or 'no error'})  target ≤ "
                f"{IMPORT_SECONDS_TARGET} s: {result}"
            )


def main():
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--services", type=int, default=SERVICES)
    pre.add_argument("--import-services", type=int, default=IMPORT_SERVICES)
    own, rest = pre.parse_known_args()

    from harness import Bench

    bench = Bench("Waymark: the Open Referral UK API, export and import", rest)
    from search import analyse, seed

    seed(own.services)
    analyse()
    from waymark.directory.oruk.serialise import public_services

    api_rates(bench.options.requests, bench.options.warmup)
    ndjson_export(public_services().count())
    import_time(own.import_services)
    bench._close()


if __name__ == "__main__":
    main()
