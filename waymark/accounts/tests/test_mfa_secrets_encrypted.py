"""Two-factor secrets are stored encrypted under the field keys, and survive a key rotation."""

from io import StringIO
from unittest import mock

from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from waymark.accounts.tests.totp import code_at, mid_period, recovery_codes_of, set_up_totp
from waymark.lib import crypto
from waymark.testing import PASSWORD, BaseTestCase

LOGIN = "/accounts/login/"
AUTHENTICATE = "/accounts/2fa/authenticate/"

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def raw_data(user, kind):
    """The JSON text in the database, as someone with a copy of it would see it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE user_id = %s AND type = %s", [user.pk, kind])
        return cursor.fetchone()[0]


@override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY])
class MfaSecretsEncryptedTestCase(BaseTestCase):
    def setUp(self):
        # Used codes and rate limits live in the cache.
        cache.clear()
        self.secret = set_up_totp(self.caseworker, recovery_codes=True)

    def sign_in_with_password(self):
        response = self.client.post(LOGIN, {"login": "caseworker@example.org", "password": PASSWORD})
        self.assertRedirects(response, AUTHENTICATE, fetch_redirect_response=False)

    def sign_in_with_a_code_from_the_app(self):
        self.sign_in_with_password()
        moment = mid_period()
        with mock.patch("time.time", return_value=moment):
            response = self.client.post(AUTHENTICATE, {"code": code_at(self.secret, moment)})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.caseworker.pk)

    def rotate(self):
        out = StringIO()
        call_command("rotate_field_keys", stdout=out)
        return out.getvalue()

    def test_it_does_not_store_the_totp_secret_in_clear(self):
        raw = raw_data(self.caseworker, "totp")

        self.assertNotIn(self.secret, raw)
        self.assertNotIn(self.secret.lower(), raw.lower())
        stored = Authenticator.objects.get(user=self.caseworker, type="totp").data["secret"]
        self.assertEqual(Fernet(OLD_KEY).decrypt(stored.encode()).decode(), self.secret)

    def test_it_does_not_store_the_recovery_code_seed_or_the_codes_in_clear(self):
        raw = raw_data(self.caseworker, "recovery_codes")

        stored = Authenticator.objects.get(user=self.caseworker, type="recovery_codes").data
        seed = Fernet(OLD_KEY).decrypt(stored["seed"].encode()).decode()
        self.assertRegex(seed, r"^[0-9a-f]{80}$")
        self.assertNotIn(seed, raw)
        self.assertEqual(stored["used_mask"], 0)
        for code in recovery_codes_of(self.caseworker):
            self.assertNotIn(code, raw)

    def test_it_signs_in_with_a_code_made_from_the_secret(self):
        self.sign_in_with_a_code_from_the_app()

        response = self.client.get("/")
        self.assertContains(response, "You are signed in for Croal Valley Welcome Project.")

    def test_it_signs_in_with_a_recovery_code_once(self):
        codes = recovery_codes_of(self.caseworker)
        self.assertEqual(len(codes), 10)

        self.sign_in_with_password()
        response = self.client.post(AUTHENTICATE, {"code": codes[3]})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(recovery_codes_of(self.caseworker), codes[:3] + codes[4:])
        self.client.post("/accounts/logout/")
        self.sign_in_with_password()
        response = self.client.post(AUTHENTICATE, {"code": codes[3]})
        self.assertContains(response, "The code is not right.")

    def test_it_refuses_a_wrong_code_all_the_same(self):
        self.sign_in_with_password()
        moment = mid_period()
        with mock.patch("time.time", return_value=moment):
            response = self.client.post(AUTHENTICATE, {"code": code_at(self.secret, moment - 300)})
        self.assertContains(response, "The code is not right.")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_signs_in_with_only_the_new_key_after_rotation(self):
        codes = recovery_codes_of(self.caseworker)
        before = {kind: raw_data(self.caseworker, kind) for kind in ("totp", "recovery_codes")}

        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            output = self.rotate()
        self.assertIn("mfa.Authenticator (TOTP secret, recovery-code seed): 2 re-encrypted,", output)
        for kind, raw in before.items():
            self.assertNotEqual(raw_data(self.caseworker, kind), raw)

        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            self.sign_in_with_a_code_from_the_app()
            self.assertEqual(recovery_codes_of(self.caseworker), codes)
            self.client.post("/accounts/logout/")
            self.sign_in_with_password()
            response = self.client.post(AUTHENTICATE, {"code": codes[0]})
            self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_a_second_rotation_changes_nothing(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            self.rotate()
            once = {kind: raw_data(self.caseworker, kind) for kind in ("totp", "recovery_codes")}
            output = self.rotate()

        self.assertIn(
            "mfa.Authenticator (TOTP secret, recovery-code seed): 0 re-encrypted, 2 already under the first key.",
            output,
        )
        self.assertEqual({kind: raw_data(self.caseworker, kind) for kind in once}, once)
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            self.sign_in_with_a_code_from_the_app()

    def test_it_cannot_sign_in_if_the_key_was_dropped_without_rotating(self):
        # Why the command must run before an old key is removed: the secret no longer opens.
        self.sign_in_with_password()
        moment = mid_period()
        with (
            override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]),
            mock.patch("time.time", return_value=moment),
            self.assertRaises(crypto.DecryptionError),
        ):
            self.client.post(AUTHENTICATE, {"code": code_at(self.secret, moment)})
        self.assertNotIn("_auth_user_id", self.client.session)
