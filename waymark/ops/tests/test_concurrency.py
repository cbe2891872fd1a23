"""Two runners at once, for real: each in a thread of its own, on its own database connection.

These run on whatever DATABASE_URL names (a database file on SQLite, never the in-memory
database, so that the threads really compete for the lock row).
"""

from datetime import timedelta
from functools import partial
from unittest import mock

from django.test import TransactionTestCase, override_settings

from waymark.ops.models import JobLock, JobRun
from waymark.ops.schedule import claim_job, run_due_jobs
from waymark.testing import run_at_once

ROUNDS = 3
RUNNERS = 4


class ClaimAtOnceTests(TransactionTestCase):
    def test_it_lets_exactly_one_of_several_runners_claiming_at_once_hold_the_job(self):
        for round_number in range(ROUNDS):
            with self.subTest(round=round_number):
                # A job never claimed before: the runners also race to create its lock row.
                job = f"job-{round_number}"
                holders = [f"host-{runner}:{runner}" for runner in range(RUNNERS)]

                outcomes = run_at_once(*[partial(claim_job, job, holder=holder) for holder in holders])

                self.assertEqual(outcomes.count(True), 1, outcomes)
                self.assertEqual(outcomes.count(False), RUNNERS - 1, outcomes)
                winner = holders[outcomes.index(True)]
                self.assertEqual(JobLock.objects.get(job=job).holder, winner)


@override_settings(PERIODIC_JOBS={"clearsessions": timedelta(hours=1)})
class RunAtOnceTests(TransactionTestCase):
    def test_it_runs_a_due_job_once_when_two_runners_look_at_the_same_moment(self):
        ran = []

        def job(name, **streams):
            ran.append(name)

        with mock.patch("waymark.ops.schedule.call_command", side_effect=job):
            outcomes = run_at_once(partial(run_due_jobs, holder="host-a:1"), partial(run_due_jobs, holder="host-b:2"))

        # The loser either finds the job claimed, or claims it after the winner finished and
        # finds it no longer due.
        self.assertEqual(sorted(len(runs) for runs in outcomes), [0, 1], outcomes)
        self.assertEqual(ran, ["clearsessions"])
        self.assertEqual(JobRun.objects.filter(job="clearsessions", succeeded=True).count(), 1)
