"""The periodic-job registry: which management commands run how often, and running the due ones.

``settings.PERIODIC_JOBS`` maps a command name to its interval. A job is due when it has never
run, or when its last run *started* at least one interval ago (so a slow job does not drift).
``manage.py run_schedule`` calls :func:`run_due_jobs` in a loop; in production cron or a
systemd timer may call ``run_schedule --once`` or the commands themselves instead.

Two runners (two servers, or a cron job beside the loop) never run the same job at once: a
runner first claims the job's :class:`~waymark.ops.models.JobLock` for a short lease.
"""

import io
import logging
import os
import socket
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from waymark.ops.models import OUTPUT_LIMIT, JobLock, JobRun

logger = logging.getLogger(__name__)

# How long a claim holds. Jobs finish well within it; if a runner dies mid-job, another may
# run the job once the lease has run out. Jobs are written to be safe to run again anyway.
LOCK_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class PeriodicJob:
    """A management command run every ``interval``."""

    name: str
    interval: timedelta

    def next_due(self, last_run):
        """When this job is next due, given its last run (None: never run, so due now)."""
        if last_run is None:
            return None
        return last_run.started_at + self.interval

    def is_due(self, last_run, now):
        due = self.next_due(last_run)
        return due is None or due <= now


def registered_jobs():
    """Every periodic job in settings, in the order settings lists them."""
    return [PeriodicJob(name, interval) for name, interval in settings.PERIODIC_JOBS.items()]


def last_runs(names):
    """The most recently started run of each named job that has run: {name: JobRun}."""
    latest = {}
    # One query per job: each uses the (job, -started_at) index and reads one row.
    for name in names:
        run = JobRun.objects.filter(job=name).order_by("-started_at", "-id").first()
        if run is not None:
            latest[name] = run
    return latest


def runner_name():
    """host:pid, naming this process in locks."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_job(name, *, holder, now=None, lease=LOCK_LEASE):
    """Take the job's lock for ``lease`` if nobody holds it; True if this runner now holds it."""
    now = now or timezone.now()
    # The first claim of a job creates its row, already expired, so the UPDATE below decides.
    # (get_or_create copes with another runner creating the row at the same moment.)
    JobLock.objects.get_or_create(job=name, defaults={"locked_until": now - timedelta(seconds=1)})
    # The database applies this UPDATE to the row at most once among competing runners:
    # whoever matches `locked_until <= now` first moves it into the future for the others.
    claimed = JobLock.objects.filter(job=name, locked_until__lte=now).update(locked_until=now + lease, holder=holder)
    return claimed == 1


def release_job(name, *, holder):
    """Give up our lock on the job (someone else's lock is left alone)."""
    JobLock.objects.filter(job=name, holder=holder).update(locked_until=timezone.now(), holder="")


def run_job(job, *, holder):
    """Run one job now if this runner can claim it and it is still due; return its JobRun or None.

    A job that raises is recorded as failed and logged; it never stops the caller. Ctrl-C or
    a SystemExit raised inside the job is recorded too, then passed on.
    """
    if not claim_job(job.name, holder=holder):
        logger.info("Job %s is being run by another runner; skipped.", job.name)
        return None
    try:
        # Checked again under the lock: another runner may have run it since we looked.
        now = timezone.now()
        if not job.is_due(last_runs([job.name]).get(job.name), now):
            return None
        run = JobRun.objects.create(job=job.name, started_at=now)
        output = io.StringIO()
        succeeded = False
        try:
            call_command(job.name, stdout=output, stderr=output)
            succeeded = True
        except Exception as error:
            # One failing job must not stop the others: record it, log it, carry on.
            logger.exception("Job %s failed.", job.name)
            output.write(f"\n{type(error).__name__}: {error}")
        except BaseException as interruption:
            output.write(f"\nInterrupted ({type(interruption).__name__}).")
            raise
        finally:
            run.finished_at = max(timezone.now(), run.started_at)
            run.succeeded = succeeded
            run.output = output.getvalue().strip()[-OUTPUT_LIMIT:]
            run.save(update_fields=["finished_at", "succeeded", "output"])
        return run
    finally:
        release_job(job.name, holder=holder)


def due_jobs(now=None):
    """The registered jobs due at ``now``, in registry order."""
    now = now or timezone.now()
    jobs = registered_jobs()
    latest = last_runs([job.name for job in jobs])
    return [job for job in jobs if job.is_due(latest.get(job.name), now)]


def run_due_jobs(*, holder=None):
    """Run every job due now, one after another; return the JobRuns this call recorded."""
    holder = holder or runner_name()
    runs = []
    for job in due_jobs():
        run = run_job(job, holder=holder)
        if run is not None:
            runs.append(run)
    return runs
