"""Reading settings from the environment: booleans, numbers, lists, secrets and *_FILE."""

import os
import tempfile
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from waymark.lib.env import env_bool, env_int, env_list, env_secret


def environment(**values):
    return mock.patch.dict(os.environ, values, clear=True)


class EnvBoolTests(SimpleTestCase):
    def test_it_reads_the_usual_words_for_true_and_false(self):
        for word in ("1", "true", "Yes", " on "):
            with environment(FLAG=word):
                self.assertIs(env_bool("FLAG"), True, word)
        for word in ("0", "false", "NO", "off", ""):
            with environment(FLAG=word):
                self.assertIs(env_bool("FLAG", True), False, word)

    def test_it_uses_the_default_when_unset(self):
        with environment():
            self.assertIs(env_bool("FLAG", True), True)

    def test_it_refuses_anything_else_naming_the_variable(self):
        with environment(DEBUG="maybe"), self.assertRaisesMessage(ImproperlyConfigured, "DEBUG must be true or false"):
            env_bool("DEBUG")


class EnvIntTests(SimpleTestCase):
    def test_it_reads_a_whole_number_or_falls_back_to_the_default(self):
        with environment(MINUTES="45", BLANK=" "):
            self.assertEqual(env_int("MINUTES", 30), 45)
            self.assertEqual(env_int("BLANK", 30), 30)
            self.assertEqual(env_int("UNSET", 30), 30)

    def test_it_refuses_a_non_number_naming_the_variable(self):
        with environment(MINUTES="half an hour"), self.assertRaisesMessage(ImproperlyConfigured, "MINUTES must be"):
            env_int("MINUTES", 30)


class EnvListTests(SimpleTestCase):
    def test_it_splits_on_commas_and_drops_blanks(self):
        with environment(HOSTS=" a.example.org, ,b.example.org,"):
            self.assertEqual(env_list("HOSTS"), ["a.example.org", "b.example.org"])

    def test_it_uses_the_default_when_unset_and_nothing_when_empty(self):
        with environment(EMPTY=""):
            self.assertEqual(env_list("UNSET", ["localhost"]), ["localhost"])
            self.assertEqual(env_list("EMPTY", ["localhost"]), [])


class EnvSecretTests(SimpleTestCase):
    def test_it_reads_the_variable(self):
        with environment(TOKEN="s3cret"):
            self.assertEqual(env_secret("TOKEN"), "s3cret")

    def test_it_reads_the_file_that_name_file_points_to_without_its_newline(self):
        with tempfile.NamedTemporaryFile("w") as secret:
            secret.write("from-file\n")
            secret.flush()
            with environment(TOKEN_FILE=secret.name):
                self.assertEqual(env_secret("TOKEN"), "from-file")

    def test_it_refuses_both_the_variable_and_the_file(self):
        both = environment(TOKEN="a", TOKEN_FILE="/run/secrets/token")
        with both, self.assertRaisesMessage(ImproperlyConfigured, "Set TOKEN or TOKEN_FILE, not both."):
            env_secret("TOKEN")

    def test_it_names_a_file_it_cannot_read(self):
        missing = environment(TOKEN_FILE="/nonexistent/token")
        with missing, self.assertRaisesMessage(ImproperlyConfigured, "TOKEN_FILE: cannot read /nonexistent/token"):
            env_secret("TOKEN")

    def test_it_uses_the_development_default_only_when_given_one(self):
        with environment():
            self.assertEqual(env_secret("TOKEN", dev_default="dev"), "dev")
            self.assertEqual(env_secret("TOKEN", required=False), "")
            with self.assertRaisesMessage(ImproperlyConfigured, "TOKEN is not set. Set TOKEN (or TOKEN_FILE"):
                env_secret("TOKEN")
