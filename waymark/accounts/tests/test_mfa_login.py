from unittest import mock

from django.core.cache import cache

from waymark.accounts.tests.totp import code_at, mid_period, recovery_codes_of, set_up_totp
from waymark.testing import PASSWORD, BaseTestCase

LOGIN = "/accounts/login/"
AUTHENTICATE = "/accounts/2fa/authenticate/"


class MfaLoginTestCase(BaseTestCase):
    def setUp(self):
        # Used codes and rate limits live in the cache.
        cache.clear()
        self.secret = set_up_totp(self.caseworker, recovery_codes=True)

    def sign_in_with_password(self):
        response = self.client.post(LOGIN, {"login": "caseworker@example.org", "password": PASSWORD})
        self.assertRedirects(response, AUTHENTICATE, fetch_redirect_response=False)

    def test_it_asks_for_the_code_after_the_password(self):
        self.sign_in_with_password()
        response = self.client.get(AUTHENTICATE)
        self.assertContains(response, "<h1>Enter your code</h1>", html=True)
        self.assertContains(response, '<label for="id_code">')
        self.assertContains(response, 'autocomplete="one-time-code"')
        # Not signed in yet.
        self.assertNotIn("_auth_user_id", self.client.session)
        response = self.client.get("/organisation/audit/")
        self.assertRedirects(response, f"{LOGIN}?next=/organisation/audit/", fetch_redirect_response=False)

    def test_it_signs_in_with_a_valid_code(self):
        self.sign_in_with_password()
        moment = mid_period()
        with mock.patch("time.time", return_value=moment):
            response = self.client.post(AUTHENTICATE, {"code": code_at(self.secret, moment)})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.caseworker.pk)
        # Through to the pages, with no detour to set up two-factor authentication.
        response = self.client.get("/")
        self.assertContains(response, "You are signed in for Croal Valley Welcome Project.")

    def test_it_refuses_a_wrong_code_with_the_error_summary(self):
        self.sign_in_with_password()
        moment = mid_period()
        wrong = code_at(self.secret, moment - 300)
        with mock.patch("time.time", return_value=moment):
            response = self.client.post(AUTHENTICATE, {"code": wrong})
        self.assertContains(response, "There is a problem")
        self.assertContains(response, '<a href="#id_code">')
        self.assertContains(response, "The code is not right.")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_refuses_a_code_used_already(self):
        moment = mid_period()
        code = code_at(self.secret, moment)
        with mock.patch("time.time", return_value=moment):
            self.sign_in_with_password()
            self.client.post(AUTHENTICATE, {"code": code})
            self.client.post("/accounts/logout/")
            self.sign_in_with_password()
            response = self.client.post(AUTHENTICATE, {"code": code})
        self.assertContains(response, "The code is not right.")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_signs_in_with_a_recovery_code_once(self):
        code = recovery_codes_of(self.caseworker)[0]
        self.sign_in_with_password()
        response = self.client.post(AUTHENTICATE, {"code": code})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.client.post("/accounts/logout/")
        self.sign_in_with_password()
        response = self.client.post(AUTHENTICATE, {"code": code})
        self.assertContains(response, "The code is not right.")

    def test_it_does_not_open_the_code_page_without_the_password_first(self):
        response = self.client.get(AUTHENTICATE)
        self.assertRedirects(response, LOGIN, fetch_redirect_response=False)

    def test_it_does_not_ask_users_without_an_authenticator_for_a_code(self):
        response = self.client.post(LOGIN, {"login": "volunteer@example.org", "password": PASSWORD})
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.volunteer.pk)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
