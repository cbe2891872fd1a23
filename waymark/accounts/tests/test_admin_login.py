"""The admin site is entered through Waymark's own sign-in, with the second factor and the
limits on failed attempts, never through the admin's password-only login form."""

from unittest import mock

from django.core.cache import cache

from waymark.accounts.tests.totp import code_at, mid_period, set_up_totp
from waymark.testing import PASSWORD, BaseTestCase

ADMIN_LOGIN = "/admin/login/"


class AdminLoginTestCase(BaseTestCase):
    def setUp(self):
        cache.clear()
        self.secret = set_up_totp(self.admin)

    def test_it_does_not_sign_an_administrator_in_with_the_password_alone(self):
        self.client.post(ADMIN_LOGIN + "?next=/admin/", {"username": "admin@example.org", "password": PASSWORD})
        self.assertNotIn("_auth_user_id", self.client.session)
        response = self.client.get("/audit/")
        self.assertRedirects(response, "/accounts/login/?next=/audit/", fetch_redirect_response=False)

    def test_it_sends_visitors_to_waymarks_sign_in(self):
        response = self.client.get(ADMIN_LOGIN + "?next=/admin/")
        self.assertRedirects(response, "/accounts/login/?next=%2Fadmin%2F", fetch_redirect_response=False)

    def test_it_asks_an_administrator_for_the_code_on_the_way_to_the_admin_site(self):
        response = self.client.get("/admin/", follow=True)
        login_url = response.redirect_chain[-1][0]
        response = self.client.post(login_url, {"login": "admin@example.org", "password": PASSWORD})
        self.assertRedirects(response, "/accounts/2fa/authenticate/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 302)
        moment = mid_period()
        with mock.patch("time.time", return_value=moment):
            response = self.client.post("/accounts/2fa/authenticate/", {"code": code_at(self.secret, moment)})
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertContains(self.client.get("/admin/"), "Site administration")

    def test_it_gives_no_password_form_to_guess_at_beside_the_limited_one(self):
        # Right and wrong passwords get the same answer: off to the sign-in page, which
        # counts failed attempts.
        sign_in = "/accounts/login/?next=%2Fadmin%2Flogin%2F"
        for password in ["wrong-guess", PASSWORD]:
            with self.subTest(password=password):
                response = self.client.post(ADMIN_LOGIN, {"username": "admin@example.org", "password": password})
                self.assertRedirects(response, sign_in, fetch_redirect_response=False)
                self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_keeps_the_admin_site_closed_to_organisation_admins(self):
        self.login(self.coordinator)
        response = self.client.get("/admin/", follow=True)
        self.assertEqual(response.status_code, 403)
        self.assertNotContains(response, "Site administration", status_code=403)
