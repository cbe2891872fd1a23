"""Two runners never run the same periodic job at once."""

from datetime import timedelta
from unittest import mock

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from waymark.ops.models import JobLock, JobRun
from waymark.ops.schedule import LOCK_LEASE, PeriodicJob, claim_job, release_job, run_due_jobs


class ClaimJobTests(TestCase):
    def test_it_lets_only_one_runner_claim_a_job(self):
        self.assertTrue(claim_job("clearsessions", holder="host-a:1"))
        self.assertFalse(claim_job("clearsessions", holder="host-b:2"))
        self.assertEqual(JobLock.objects.get(job="clearsessions").holder, "host-a:1")

    def test_it_lets_another_runner_claim_once_the_lease_has_run_out(self):
        # A runner that died mid-job does not block the job for ever.
        claim_job("clearsessions", holder="host-a:1")
        later = timezone.now() + LOCK_LEASE + timedelta(seconds=1)
        self.assertTrue(claim_job("clearsessions", holder="host-b:2", now=later))

    def test_it_releases_only_the_runners_own_lock(self):
        claim_job("clearsessions", holder="host-a:1")
        release_job("clearsessions", holder="host-b:2")
        self.assertFalse(claim_job("clearsessions", holder="host-b:2"))
        release_job("clearsessions", holder="host-a:1")
        self.assertTrue(claim_job("clearsessions", holder="host-b:2"))


@override_settings(PERIODIC_JOBS={"clearsessions": timedelta(hours=1)})
class SecondRunnerTests(TestCase):
    def test_it_keeps_a_second_runner_off_a_job_the_first_is_running(self):
        second_runner_ran = []

        def job_that_meets_a_second_runner(name, **streams):
            # While the first runner is inside the job, a second runner looks for due jobs.
            second_runner_ran.extend(run_due_jobs(holder="host-b:2"))
            call_command(name, **streams)

        with mock.patch("waymark.ops.schedule.call_command", side_effect=job_that_meets_a_second_runner):
            first = run_due_jobs(holder="host-a:1")

        self.assertEqual(second_runner_ran, [])
        self.assertEqual([run.succeeded for run in first], [True])
        self.assertEqual(JobRun.objects.filter(job="clearsessions").count(), 1)

    def test_it_does_not_repeat_a_job_that_another_runner_just_finished(self):
        # The second runner saw the job due, then waited for the lock: it checks again under it.
        run_due_jobs(holder="host-a:1")
        with mock.patch("waymark.ops.schedule.due_jobs") as stale_view:
            stale_view.return_value = [PeriodicJob("clearsessions", timedelta(hours=1))]
            self.assertEqual(run_due_jobs(holder="host-b:2"), [])
        self.assertEqual(JobRun.objects.filter(job="clearsessions").count(), 1)
