"""`manage.py run_schedule`: --once, --list, and the loop stopping cleanly."""

import io
import os
import signal
from datetime import timedelta
from unittest import mock

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from waymark.ops.models import JobRun

JOBS = {"clearsessions": timedelta(hours=1), "sendtestemail": timedelta(minutes=5)}


def run_schedule(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("run_schedule", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@override_settings(PERIODIC_JOBS=JOBS)
class OnceTests(TestCase):
    def test_it_runs_the_due_jobs_and_exits(self):
        out, err = run_schedule("--once")

        self.assertIn("clearsessions: ok", out)
        self.assertIn("sendtestemail: FAILED", err)
        self.assertEqual(sorted(JobRun.objects.values_list("job", flat=True)), ["clearsessions", "sendtestemail"])

    def test_it_runs_nothing_when_nothing_is_due(self):
        run_schedule("--once")
        out, err = run_schedule("--once")
        self.assertEqual((out, err), ("", ""))
        self.assertEqual(JobRun.objects.count(), 2)


@override_settings(PERIODIC_JOBS=JOBS, TIME_ZONE="UTC")
class ListTests(TestCase):
    def test_it_lists_each_job_with_its_last_run_and_next_due_time(self):
        started = timezone.now().replace(microsecond=0) - timedelta(minutes=10)
        JobRun.objects.create(job="clearsessions", started_at=started, finished_at=started, succeeded=True)

        out, _ = run_schedule("--list")

        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["job", "every", "last", "started", "outcome", "next", "due"])
        self.assertEqual(
            lines[1].split(),
            [
                "clearsessions",
                "1",
                "h",
                *f"{started:%Y-%m-%d %H:%M:%S}".split(),
                "ok",
                *f"{started + timedelta(hours=1):%Y-%m-%d %H:%M:%S}".split(),
            ],
        )
        self.assertEqual(lines[2].split(), ["sendtestemail", "5", "min", "never", "-", "now"])

    def test_it_runs_nothing_when_listing(self):
        run_schedule("--list")
        self.assertEqual(JobRun.objects.count(), 0)


def wait_without_hanging(looks_before_ctrl_c=None):
    """A stand-in for the loop's pause between looks: a test fails, never hangs, if the loop goes on.

    It records each pause; with ``looks_before_ctrl_c`` it acts as Ctrl-C at that pause.
    """
    looks = []

    def wait(event, timeout):
        looks.append(timeout)
        if event.is_set():
            return True
        if looks_before_ctrl_c is not None:
            if len(looks) >= looks_before_ctrl_c:
                raise KeyboardInterrupt
            return False
        raise AssertionError("The scheduler went on waiting for the next tick.")

    return looks, mock.patch("threading.Event.wait", wait)


# The loop closes stale connections between ticks; in a test that would close the connection
# holding the test's transaction, so it is left alone here.
@mock.patch("waymark.ops.management.commands.run_schedule.close_old_connections", mock.Mock())
@override_settings(PERIODIC_JOBS={"clearsessions": timedelta(hours=1)})
class LoopTests(TestCase):
    def test_it_lets_the_running_job_finish_on_sigterm_then_stops(self):
        def job_during_which_sigterm_arrives(name, **streams):
            os.kill(os.getpid(), signal.SIGTERM)
            call_command(name, **streams)

        looks, no_hanging = wait_without_hanging()
        with no_hanging, mock.patch("waymark.ops.schedule.call_command", side_effect=job_during_which_sigterm_arrives):
            out, _ = run_schedule("--tick", "3600")

        self.assertIn("clearsessions: ok", out)
        self.assertTrue(out.rstrip().endswith("Scheduler stopped."))
        self.assertTrue(JobRun.objects.get(job="clearsessions").succeeded)
        self.assertEqual(looks, [3600.0])
        # The previous SIGTERM handler is back, so the test process still dies on SIGTERM.
        self.assertEqual(signal.getsignal(signal.SIGTERM), signal.SIG_DFL)

    def test_it_stops_cleanly_on_ctrl_c(self):
        looks, no_hanging = wait_without_hanging()
        with no_hanging, mock.patch("waymark.ops.schedule.call_command", side_effect=KeyboardInterrupt):
            out, _ = run_schedule()
        self.assertTrue(out.rstrip().endswith("Scheduler stopped."))
        self.assertIn("Interrupted", JobRun.objects.get(job="clearsessions").output)
        self.assertEqual(looks, [])

    def test_it_carries_on_when_a_job_fails(self):
        looks, ctrl_c_at_second_pause = wait_without_hanging(looks_before_ctrl_c=2)
        with (
            ctrl_c_at_second_pause,
            mock.patch("waymark.ops.schedule.call_command", side_effect=RuntimeError("boom")),
        ):
            out, err = run_schedule("--tick", "1")

        self.assertEqual(looks, [1.0, 1.0])
        self.assertIn("clearsessions: FAILED", err)
        self.assertTrue(out.rstrip().endswith("Scheduler stopped."))
