import re
from unittest import mock

from allauth.mfa.models import Authenticator
from django.core.cache import cache

from waymark.accounts.tests.totp import code_at, mid_period, set_up_totp
from waymark.testing import PASSWORD, BaseTestCase

SET_UP = "/accounts/2fa/totp/activate/"


class MfaPagesTestCase(BaseTestCase):
    def setUp(self):
        cache.clear()

    def assert_in_layout_and_csp_safe(self, response):
        content = response.content.decode()
        self.assertIn('<a class="skip-link" href="#main">', content)
        self.assertIn('<main id="main"', content)
        self.assertNotIn("<script", content)
        self.assertNotIn("<style", content)
        self.assertIsNone(re.search(r"\sstyle=", content))
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])

    def confirm_password(self):
        response = self.client.post("/accounts/reauthenticate/", {"password": PASSWORD, "next": SET_UP})
        self.assertRedirects(response, SET_UP, fetch_redirect_response=False)

    def test_it_explains_two_factor_authentication_on_the_overview(self):
        self.client.force_login(self.caseworker)
        response = self.client.get("/accounts/2fa/")
        self.assertContains(response, "<h1>Two-factor authentication</h1>", html=True)
        self.assertContains(response, f'<a class="button" href="{SET_UP}">Set up an authenticator app</a>', html=True)
        self.assert_in_layout_and_csp_safe(response)

    def test_it_asks_for_the_password_again_in_our_layout_before_set_up(self):
        self.client.force_login(self.caseworker)
        response = self.client.get(SET_UP, follow=True)
        self.assertContains(response, "<h1>Confirm it is you</h1>", html=True)
        self.assertContains(response, '<label for="id_password">Password:</label>', html=True)
        self.assert_in_layout_and_csp_safe(response)
        response = self.client.post("/accounts/reauthenticate/", {"password": "wrong", "next": SET_UP})
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "The password is not right.")

    def test_it_shows_the_qr_code_and_the_key_with_a_labelled_code_field(self):
        self.client.force_login(self.caseworker)
        self.confirm_password()
        response = self.client.get(SET_UP)
        self.assertContains(response, "<h1>Set up an authenticator app</h1>", html=True)
        self.assertContains(response, 'src="data:image/svg+xml;base64,')
        self.assertContains(response, 'alt="QR code to scan with your authenticator app"')
        secret = self.client.session["mfa.totp.secret"]
        self.assertContains(response, f'<code class="secret" id="authenticator-secret">{secret}</code>', html=True)
        self.assertContains(response, '<label for="id_code">Code from the app:</label>', html=True)
        self.assert_in_layout_and_csp_safe(response)

    def test_it_refuses_a_wrong_code_with_the_error_summary(self):
        self.client.force_login(self.caseworker)
        self.confirm_password()
        self.client.get(SET_UP)
        response = self.client.post(SET_UP, {"code": "000000"})
        self.assertContains(response, "There is a problem")
        self.assertContains(response, '<a href="#id_code">')
        self.assertFalse(Authenticator.objects.filter(user=self.caseworker).exists())

    def test_it_sets_up_totp_and_shows_recovery_codes_then_lets_the_user_in(self):
        self.client.force_login(self.caseworker)
        self.confirm_password()
        self.client.get(SET_UP)
        secret = self.client.session["mfa.totp.secret"]
        moment = mid_period()
        with mock.patch("time.time", return_value=moment):
            response = self.client.post(SET_UP, {"code": code_at(secret, moment)})
        self.assertRedirects(response, "/accounts/2fa/recovery-codes/", fetch_redirect_response=False)
        self.assertTrue(Authenticator.objects.filter(user=self.caseworker, type=Authenticator.Type.TOTP).exists())

        response = self.client.get("/accounts/2fa/recovery-codes/")
        self.assertContains(response, "<h1>Your recovery codes</h1>", html=True)
        codes = Authenticator.objects.get(user=self.caseworker, type="recovery_codes").wrap().get_unused_codes()
        self.assertEqual(len(codes), 10)
        for code in codes:
            self.assertContains(response, f"<code>{code}</code>", html=True)
        self.assert_in_layout_and_csp_safe(response)

        response = self.client.get("/")
        self.assertContains(response, "You are signed in for Croal Valley Welcome Project.")

    def test_it_shows_the_overview_with_totp_set_up(self):
        set_up_totp(self.caseworker, recovery_codes=True)
        self.login(self.caseworker)
        response = self.client.get("/accounts/2fa/")
        self.assertContains(response, "Your authenticator app is set up.")
        self.assertContains(response, "You have 10 unused recovery codes.")

    def test_it_makes_new_recovery_codes_in_our_layout(self):
        set_up_totp(self.caseworker, recovery_codes=True)
        self.login(self.caseworker)
        response = self.client.get("/accounts/2fa/recovery-codes/generate/", follow=True)
        # Also protected by a fresh password.
        self.assertContains(response, "<h1>Confirm it is you</h1>", html=True)
        self.client.post("/accounts/reauthenticate/", {"password": PASSWORD})
        response = self.client.get("/accounts/2fa/recovery-codes/generate/")
        self.assertContains(response, "Your current codes will stop working.")
        self.assert_in_layout_and_csp_safe(response)

    def test_it_renders_the_code_page_at_sign_in_in_our_layout(self):
        set_up_totp(self.caseworker)
        self.client.post("/accounts/login/", {"login": "caseworker@example.org", "password": PASSWORD})
        response = self.client.get("/accounts/2fa/authenticate/")
        self.assertContains(response, "Cancel and sign out")
        self.assert_in_layout_and_csp_safe(response)

    def test_it_renders_in_right_to_left_languages(self):
        self.client.force_login(self.caseworker)
        response = self.client.get("/ar/accounts/2fa/")
        self.assertContains(response, '<html lang="ar" dir="rtl">')
