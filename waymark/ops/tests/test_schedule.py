"""Which periodic jobs are due, and running them: failures recorded, the others still run."""

from datetime import UTC, datetime, timedelta
from unittest import mock

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from waymark.ops.models import JobLock, JobRun
from waymark.ops.schedule import PeriodicJob, claim_job, due_jobs, run_due_jobs, run_job

# Real commands that need no arguments; `sendtestemail` without recipients always fails.
JOBS = {
    "clearsessions": timedelta(hours=1),
    "sendtestemail": timedelta(minutes=5),
    "prune_job_runs": timedelta(days=1),
}


def make_run(job, ago, succeeded=True):
    started = timezone.now() - ago
    return JobRun.objects.create(job=job, started_at=started, finished_at=started, succeeded=succeeded)


@override_settings(PERIODIC_JOBS=JOBS)
class DueJobsTests(TestCase):
    def test_it_finds_every_job_due_when_none_has_run(self):
        self.assertEqual([job.name for job in due_jobs()], ["clearsessions", "sendtestemail", "prune_job_runs"])

    def test_it_holds_back_a_job_whose_last_start_is_within_its_interval(self):
        make_run("clearsessions", ago=timedelta(minutes=59))
        self.assertNotIn("clearsessions", [job.name for job in due_jobs()])

    def test_it_finds_a_job_due_once_its_interval_has_passed_since_the_last_start(self):
        make_run("clearsessions", ago=timedelta(hours=3))
        make_run("clearsessions", ago=timedelta(hours=1, seconds=1))
        self.assertIn("clearsessions", [job.name for job in due_jobs()])

    def test_it_counts_a_failed_run_as_a_run(self):
        # A job failing every time is retried at its interval, not on every tick.
        make_run("sendtestemail", ago=timedelta(minutes=1), succeeded=False)
        self.assertNotIn("sendtestemail", [job.name for job in due_jobs()])

    def test_it_tells_when_a_job_is_next_due(self):
        job = PeriodicJob("clearsessions", timedelta(hours=1))
        run = make_run("clearsessions", ago=timedelta(minutes=20))
        self.assertIsNone(job.next_due(None))
        self.assertEqual(job.next_due(run), run.started_at + timedelta(hours=1))


@override_settings(PERIODIC_JOBS=JOBS)
class RunDueJobsTests(TestCase):
    def test_it_records_a_failing_job_and_still_runs_the_others(self):
        runs = run_due_jobs(holder="test")

        self.assertEqual(
            [(run.job, run.succeeded) for run in runs],
            [
                ("clearsessions", True),
                ("sendtestemail", False),
                ("prune_job_runs", True),
            ],
        )
        failed = JobRun.objects.get(job="sendtestemail")
        self.assertIn("CommandError", failed.output)
        self.assertIsNotNone(failed.finished_at)
        self.assertIn("Deleted 0 old job runs.", JobRun.objects.get(job="prune_job_runs").output)

    def test_it_records_an_unexpected_exception_as_a_failure(self):
        with mock.patch("waymark.ops.schedule.call_command", side_effect=RuntimeError("disk full")):
            runs = run_due_jobs(holder="test")
        self.assertEqual(len(runs), 3)
        self.assertTrue(all(run.succeeded is False for run in runs))
        self.assertIn("RuntimeError: disk full", runs[0].output)

    def test_it_does_not_run_a_job_again_before_it_is_due(self):
        run_due_jobs(holder="test")
        self.assertEqual(run_due_jobs(holder="test"), [])
        self.assertEqual(JobRun.objects.filter(job="clearsessions").count(), 1)

    def test_it_records_ctrl_c_inside_a_job_and_passes_it_on(self):
        job = PeriodicJob("clearsessions", timedelta(hours=1))
        with (
            mock.patch("waymark.ops.schedule.call_command", side_effect=KeyboardInterrupt),
            self.assertRaises(KeyboardInterrupt),
        ):
            run_job(job, holder="test")
        run = JobRun.objects.get(job="clearsessions")
        self.assertFalse(run.succeeded)
        self.assertIn("Interrupted", run.output)
        # The lock went with it, so the next runner is not kept waiting for the lease.
        self.assertTrue(claim_job("clearsessions", holder="another runner"))

    def test_it_keeps_only_the_end_of_long_output(self):
        def chatty(name, stdout, stderr):
            stdout.write("x" * 5000 + "the end")

        with mock.patch("waymark.ops.schedule.call_command", side_effect=chatty):
            run = run_job(PeriodicJob("clearsessions", timedelta(hours=1)), holder="test")
        self.assertEqual(len(run.output), 2000)
        self.assertTrue(run.output.endswith("the end"))

    def test_it_prunes_old_runs_only(self):
        make_run("clearsessions", ago=timedelta(days=31))
        recent = make_run("clearsessions", ago=timedelta(days=29))
        call_command("prune_job_runs", stdout=mock.Mock())
        self.assertEqual(list(JobRun.objects.filter(job="clearsessions")), [recent])


@override_settings(TIME_ZONE="Europe/London")
class NameTests(TestCase):
    # What the admin shows in titles and breadcrumbs, beside times it shows in local time.
    def test_it_names_runs_and_locks_in_local_time(self):
        summer_noon_utc = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)

        run = JobRun(job="clearsessions", started_at=summer_noon_utc, finished_at=summer_noon_utc, succeeded=True)
        lock = JobLock(job="clearsessions", locked_until=summer_noon_utc, holder="host-a:1")

        self.assertEqual(str(run), "clearsessions 2025-07-01 13:00:00 ok")
        self.assertEqual(str(lock), "clearsessions locked until 2025-07-01 13:00:00 by host-a:1")
