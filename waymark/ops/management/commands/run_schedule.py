"""Run the periodic jobs when they are due: a small loop beside the web server and the worker."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from waymark.ops.schedule import last_runs, registered_jobs, run_due_jobs, runner_name

logger = logging.getLogger(__name__)


def describe_interval(interval):
    """A timedelta as people say it: "5 min", "1 h 30 min", "1 day"."""
    seconds = int(interval.total_seconds())
    parts = []
    for unit, size in (("day", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}{'s' if unit == 'day' and count > 1 else ''}")
    return " ".join(parts) or "0 s"


class Command(BaseCommand):
    help = (
        "Run the periodic jobs of settings.PERIODIC_JOBS when due: every --tick seconds, or once with --once. "
        "--list shows each job's last run and when it is next due."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tick", type=float, default=30, help="Seconds between looks for due jobs (default 30).")
        parser.add_argument("--once", action="store_true", help="Run the jobs due now, then exit (for cron).")
        parser.add_argument("--list", action="store_true", help="List the jobs with their last run and next due time.")

    def handle(self, *args, **options):
        if options["list"]:
            self.list_jobs()
        elif options["once"]:
            self.run_due(runner_name())
        else:
            self.loop(options["tick"])

    def list_jobs(self):
        jobs = registered_jobs()
        latest = last_runs([job.name for job in jobs])
        now = timezone.now()
        rows = [("job", "every", "last started", "outcome", "next due")]
        for job in jobs:
            run = latest.get(job.name)
            due = job.next_due(run)
            rows.append(
                (
                    job.name,
                    describe_interval(job.interval),
                    f"{timezone.localtime(run.started_at):%Y-%m-%d %H:%M:%S}" if run else "never",
                    run.outcome if run else "-",
                    "now" if due is None or due <= now else f"{timezone.localtime(due):%Y-%m-%d %H:%M:%S}",
                )
            )
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())

    def run_due(self, holder):
        """Run each job due now, then say how each went; a failing job does not stop the next."""
        for run in run_due_jobs(holder=holder):
            took = f"{(run.finished_at - run.started_at).total_seconds():.1f}s"
            if run.succeeded:
                self.stdout.write(f"{run.job}: ok ({took})")
            else:
                self.stderr.write(f"{run.job}: FAILED ({took}); see `run_schedule --list` and the log.")

    def loop(self, tick):
        """Run due jobs every ``tick`` seconds until SIGTERM, which lets a running job finish, or
        Ctrl-C, which interrupts it (the run is recorded as interrupted)."""
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
        holder = runner_name()
        self.stdout.write(f"Scheduler started: {len(registered_jobs())} periodic jobs, looking every {tick:g}s.")
        try:
            while not stop.is_set():
                # A long-lived process must not keep a connection the database has dropped.
                close_old_connections()
                try:
                    self.run_due(holder)
                except DatabaseError as error:
                    # The database being briefly away must not end the scheduler; try next tick.
                    logger.error("Scheduler: database error, will retry: %s", error)
                close_old_connections()
                stop.wait(tick)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        self.stdout.write("Scheduler stopped.")
