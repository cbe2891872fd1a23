"""The system checks: every periodic job names a real command; the encryption keys are keys."""

from datetime import timedelta

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import SimpleTestCase, override_settings

from waymark.ops.checks import check_demo_mode_is_off, check_field_encryption_keys, check_periodic_jobs


class PeriodicJobsCheckTests(SimpleTestCase):
    # `manage.py check` asks the database what it supports (for JSON fields); it writes nothing.
    databases = {"default"}

    @override_settings(PERIODIC_JOBS={"clearsessions": timedelta(days=1), "no_such_command": timedelta(hours=1)})
    def test_it_reports_a_job_naming_an_unknown_command(self):
        errors = check_periodic_jobs()
        self.assertEqual([error.id for error in errors], ["ops.E001"])
        self.assertIn("'no_such_command'", errors[0].msg)

    @override_settings(PERIODIC_JOBS={"no_such_command": timedelta(hours=1)})
    def test_it_stops_manage_py_check(self):
        with self.assertRaisesMessage(SystemCheckError, "no_such_command"):
            call_command("check")

    @override_settings(PERIODIC_JOBS={"clearsessions": 3600, "prune_job_runs": timedelta(0)})
    def test_it_reports_an_interval_that_is_not_a_positive_timedelta(self):
        self.assertEqual([error.id for error in check_periodic_jobs()], ["ops.E002", "ops.E002"])

    @override_settings(PERIODIC_JOBS={"clearsessions": timedelta(days=1), "prune_job_runs": timedelta(days=1)})
    def test_it_accepts_real_commands(self):
        self.assertEqual(check_periodic_jobs(), [])

    def test_it_accepts_the_jobs_in_settings(self):
        # Every job the project schedules exists as a command (apps add theirs to settings).
        self.assertEqual(check_periodic_jobs(), [])


class FieldEncryptionKeysCheckTests(SimpleTestCase):
    databases = {"default"}

    @override_settings(FIELD_ENCRYPTION_KEYS=["not-a-fernet-key"])
    def test_it_stops_manage_py_check_on_a_key_that_is_not_a_fernet_key(self):
        # Otherwise the mistake would surface at the first sign-in with a two-factor code.
        with self.assertRaisesMessage(SystemCheckError, "FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys"):
            call_command("check")

    @override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode(), Fernet.generate_key().decode()])
    def test_it_accepts_fernet_keys(self):
        self.assertEqual(check_field_encryption_keys(), [])


class DemoModeCheckTests(SimpleTestCase):
    def test_it_warns_at_deploy_time_when_demo_mode_is_on(self):
        with self.settings(WAYMARK_DEMO=True):
            found = check_demo_mode_is_off()
        self.assertEqual([message.id for message in found], ["ops.W001"])

    def test_it_is_quiet_when_demo_mode_is_off(self):
        with self.settings(WAYMARK_DEMO=False):
            self.assertEqual(check_demo_mode_is_off(), [])
