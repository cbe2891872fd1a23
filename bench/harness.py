"""A small harness for timing Waymark's views: p50, p95 and requests per second.

Every run also times ``/bench/trivial`` (a view that returns two bytes without touching the
database) under exactly the same conditions, and prints every figure as a multiple of it.
Absolute milliseconds depend on the machine; "the login page costs 6× an empty view" does
not, so the ratios are what to compare between machines and over time.

A bench script looks like this::

    from harness import Bench

    bench = Bench("Login page")          # parses the command line, sets up Django and a database
    bench.add("GET /accounts/login/", "/accounts/login/", target_p95_ms=50)
    bench.run()                          # times the trivial view and each case, prints a table

Three ways to send the requests (the same for the trivial view and every case):

- default: in-process with ``django.test.Client``, no network or server in the way;
- ``--http``: over HTTP (urllib) to a threaded server the harness starts on 127.0.0.1;
- ``--url http://host:port``: over HTTP to a server you started yourself, e.g. gunicorn as in
  production. Start it with ``DJANGO_SETTINGS_MODULE=bench.settings``, ``DATABASE_URL`` set to
  the ``BENCH_DATABASE_URL`` you give the script, and the script's other variables (DEBUG=0,
  the keys, ALLOWED_HOSTS: see ``_production_like_environment``) exported for both.

The database is a new temporary SQLite file unless ``BENCH_DATABASE_URL`` names one (for
example a PostgreSQL database to measure on). Targets are reported, never enforced: a
missed target prints "missed", and only a crash makes the script fail.
"""

import argparse
import math
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TRIVIAL_PATH = "/bench/trivial"


class BenchError(Exception):
    """A measured request did not give the answer the bench expects."""


@dataclass
class Case:
    """One thing to time: a GET of ``path`` with ``headers``, expecting ``expect_status``."""

    label: str
    path: str
    headers: dict = field(default_factory=dict)
    expect_status: int = 200
    target_p95_ms: float | None = None


@dataclass
class Timing:
    case: Case
    p50_ms: float
    p95_ms: float
    requests_per_second: float


def percentile(sorted_values, fraction):
    """The nearest-rank percentile of an already-sorted list."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def _production_like_environment(database_url):
    """Environment for settings as in production (DEBUG off), with throwaway secrets.

    Set before Django reads its settings. Anything already set in the environment wins, so
    a run can be pointed at other settings on purpose.
    """
    from cryptography.fernet import Fernet

    # Always the bench settings: they add the trivial view every run is compared with.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    defaults = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "EMAIL_URL": "locmem://",
        # The in-process server speaks plain HTTP; production's proxy would add TLS.
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    os.environ["DATABASE_URL"] = database_url


class Bench:
    """Sets up Django and a database, then times cases against the trivial view."""

    def __init__(self, title, argv=None):
        parser = argparse.ArgumentParser(description=title)
        parser.add_argument("--requests", type=int, default=500, help="timed requests per case (default 500)")
        parser.add_argument("--warmup", type=int, default=50, help="untimed requests first (default 50)")
        how = parser.add_mutually_exclusive_group()
        how.add_argument("--http", action="store_true", help="over HTTP to a server started here")
        how.add_argument("--url", help="over HTTP to a running server (DJANGO_SETTINGS_MODULE=bench.settings)")
        self.options = parser.parse_args(argv)
        self.title = title
        self.cases = []
        self._temporary_dir = None
        self._server = None

        sys.path.insert(0, str(REPO))
        database_url = os.environ.get("BENCH_DATABASE_URL")
        if not database_url:
            self._temporary_dir = tempfile.mkdtemp(prefix="waymark-bench-")
            database_url = f"sqlite:///{self._temporary_dir}/bench.sqlite3"
        _production_like_environment(database_url)

        import django
        from django.core.management import call_command

        # WhiteNoise warns that collectstatic has not been run; the bench needs no static files.
        warnings.filterwarnings("ignore", message="No directory at")
        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)

    # Cases -----------------------------------------------------------------------------

    def add(self, label, path, *, headers=None, expect_status=200, target_p95_ms=None):
        """Add a GET of ``path`` to time. ``target_p95_ms`` is printed beside the result."""
        self.cases.append(Case(label, path, headers or {}, expect_status, target_p95_ms))

    # Sending requests ------------------------------------------------------------------

    def _client_sender(self):
        from django.test import Client

        client = Client()

        def send(case):
            response = client.get(case.path, headers=case.headers)
            return response.status_code

        return send

    def _http_sender(self, base_url):
        opener = urllib.request.build_opener(_NoRedirects)

        def send(case):
            request = urllib.request.Request(base_url + case.path, headers=case.headers)
            try:
                with opener.open(request, timeout=30) as response:
                    response.read()
                    return response.status
            except urllib.error.HTTPError as error:
                error.read()
                return error.code

        return send

    def _start_server(self):
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
        from django.core.wsgi import get_wsgi_application

        class QuietHandler(WSGIRequestHandler):
            def log_message(self, *args):
                pass

        server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
        server.set_app(get_wsgi_application())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self._server = server
        return f"http://127.0.0.1:{server.server_address[1]}"

    def _sender(self):
        if self.options.url:
            return self._http_sender(self.options.url.rstrip("/")), f"HTTP to {self.options.url}"
        if self.options.http:
            base_url = self._start_server()
            return self._http_sender(base_url), f"HTTP (urllib, new connection each) to a threaded server at {base_url}"
        return self._client_sender(), "in-process (django.test.Client)"

    # Timing ----------------------------------------------------------------------------

    def _time(self, send, case):
        def checked_send():
            status = send(case)
            if status != case.expect_status:
                raise BenchError(f"{case.label}: {case.path} answered {status}, expected {case.expect_status}.")

        for _ in range(self.options.warmup):
            checked_send()
        durations = []
        started = time.perf_counter()
        for _ in range(self.options.requests):
            before = time.perf_counter()
            checked_send()
            durations.append(time.perf_counter() - before)
        elapsed = time.perf_counter() - started
        durations.sort()
        return Timing(
            case=case,
            p50_ms=percentile(durations, 0.50) * 1000,
            p95_ms=percentile(durations, 0.95) * 1000,
            requests_per_second=len(durations) / elapsed,
        )

    def run(self):
        """Time the trivial view, then every case; print the table. Returns the timings."""
        import django
        from django.db import connection

        try:
            send, how = self._sender()
            trivial = self._time(send, Case("trivial view (baseline)", TRIVIAL_PATH))
            timings = [self._time(send, case) for case in self.cases]
        finally:
            self._close()

        print(f"\n{self.title}")
        options = self.options
        print(
            f"  {how}; {connection.vendor}; Django {django.get_version()}; Python {sys.version.split()[0]}; "
            f"{os.cpu_count()} CPUs; {options.requests} requests after {options.warmup} warm-up, one at a time"
        )
        print(_table(trivial, timings))
        return [trivial, *timings]

    def _close(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        from django.db import connections

        connections.close_all()
        if self._temporary_dir:
            shutil.rmtree(self._temporary_dir, ignore_errors=True)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer to check (a login redirect means the token was refused), not
    # something to follow.
    def redirect_request(self, *args, **kwargs):
        return None


def _table(trivial, timings):
    headings = ["what", "p50 ms", "p95 ms", "req/s", "p50 ×triv", "p95 ×triv", "target", "result"]
    rows = []
    for timing in [trivial, *timings]:
        target = timing.case.target_p95_ms
        if timing is trivial:
            target_text, result = "baseline", ""
        elif target is None:
            target_text, result = "—", ""
        else:
            target_text = f"p95 < {target:g} ms"
            result = "met" if timing.p95_ms < target else "missed"
        rows.append(
            [
                timing.case.label,
                f"{timing.p50_ms:.2f}",
                f"{timing.p95_ms:.2f}",
                f"{timing.requests_per_second:.0f}",
                f"{timing.p50_ms / trivial.p50_ms:.1f}",
                f"{timing.p95_ms / trivial.p95_ms:.1f}",
                target_text,
                result,
            ]
        )
    widths = [max(len(headings[i]), *(len(row[i]) for row in rows)) for i in range(len(headings))]

    def line(cells):
        # The first column is text (left-aligned), the figures are right-aligned.
        parts = [cells[0].ljust(widths[0])]
        parts += [cell.rjust(width) for cell, width in zip(cells[1:6], widths[1:6], strict=True)]
        parts += [cell.ljust(width) for cell, width in zip(cells[6:], widths[6:], strict=True)]
        return "  " + "  ".join(parts).rstrip()

    rule = "  " + "  ".join("-" * width for width in widths)
    return "\n".join([line(headings), rule, *(line(row) for row in rows)])
