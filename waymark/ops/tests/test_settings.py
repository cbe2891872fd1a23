"""Production settings: a missing secret stops start-up naming it; the full set passes check --deploy.

Settings are read once per process, so these start a fresh Python with a clean environment.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.test import SimpleTestCase, TestCase

BASE_DIR = Path(settings.BASE_DIR)


def production_environment(**changes):
    """Everything production must set, as a deployment would; ``NAME=None`` leaves NAME out."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "waymark.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k7#Qw9!vZ2pLx4@Rt6$Yb8%Nc1^Md3&Hf5*Jg0(Ks2)Ue4-Wa6+Io8",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": "a-blind-index-key-for-tests-only",
        "ALLOWED_HOSTS": "waymark.example.org",
        "EMAIL_URL": "smtp://localhost:25",
        "DATABASE_URL": "sqlite:////nonexistent/never-opened.sqlite3",
    }
    environment.update(changes)
    return {name: value for name, value in environment.items() if value is not None}


def start_django(environment, code="import django; django.setup()"):
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=60
    )


class MissingSecretTests(SimpleTestCase):
    def test_it_starts_with_every_secret_set(self):
        result = start_django(production_environment())
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_it_refuses_to_start_without_secret_key(self):
        result = start_django(production_environment(SECRET_KEY=None))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured: SECRET_KEY is not set", result.stderr)

    def test_it_refuses_to_start_without_field_encryption_keys(self):
        result = start_django(production_environment(FIELD_ENCRYPTION_KEYS=None))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured: FIELD_ENCRYPTION_KEYS is not set", result.stderr)

    def test_it_refuses_to_start_without_the_blind_index_key(self):
        result = start_django(production_environment(BLIND_INDEX_KEY=None))
        self.assertIn("ImproperlyConfigured: BLIND_INDEX_KEY is not set", result.stderr)

    def test_it_reads_a_secret_from_a_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".secret") as secret:
            secret.write("from-a-file-" + "s" * 50 + "\n")
            secret.flush()
            result = start_django(
                production_environment(SECRET_KEY=None, SECRET_KEY_FILE=secret.name),
                "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)",
            )
        self.assertEqual(result.stdout.strip(), "from-a-file-" + "s" * 50, result.stderr)

    def test_it_starts_in_development_with_nothing_set(self):
        environment = production_environment(
            DEBUG=None, SECRET_KEY=None, FIELD_ENCRYPTION_KEYS=None, BLIND_INDEX_KEY=None, EMAIL_URL=None
        )
        result = start_django(
            environment, "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
        )
        self.assertEqual(result.stdout.strip(), "True", result.stderr)


class DeployCheckTests(SimpleTestCase):
    def test_it_passes_the_deployment_checks_with_production_settings(self):
        # Only the security checks (what --deploy adds): other checks are the lint step's job.
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--tag", "security", "--fail-level", "WARNING"],
            cwd=BASE_DIR,
            env=production_environment(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)


class DatabaseSettingsTests(TestCase):
    def test_it_runs_sqlite_in_wal_mode_with_a_busy_timeout_or_postgresql_with_health_checks(self):
        if connection.vendor == "sqlite":
            # Open a file of our own with the same settings, independent of how the test database is set up.
            with tempfile.TemporaryDirectory() as folder:
                wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": f"{folder}/wal.sqlite3"}, alias="wal")
                try:
                    with wrapper.cursor() as cursor:
                        cursor.execute("PRAGMA journal_mode")
                        journal_mode = cursor.fetchone()[0]
                        cursor.execute("PRAGMA busy_timeout")
                        busy_timeout = cursor.fetchone()[0]
                        cursor.execute("PRAGMA foreign_keys")
                        foreign_keys = cursor.fetchone()[0]
                finally:
                    wrapper.close()
            self.assertEqual(journal_mode, "wal")
            self.assertEqual(busy_timeout, 20_000)
            self.assertEqual(foreign_keys, 1)
            self.assertEqual(wrapper.transaction_mode, "IMMEDIATE")
        else:
            self.assertEqual(connection.vendor, "postgresql")
            self.assertTrue(settings.DATABASES["default"]["CONN_HEALTH_CHECKS"])
            self.assertEqual(settings.DATABASES["default"]["CONN_MAX_AGE"], 60)
