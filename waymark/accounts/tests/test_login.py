from django.core.cache import cache

from waymark.testing import PASSWORD, BaseTestCase, make_user

LOGIN = "/accounts/login/"


class LoginTestCase(BaseTestCase):
    def setUp(self):
        # Rate limits count in the cache (the database cache, as in production).
        cache.clear()
        self.user = make_user("plain@example.org")

    def test_it_shows_the_sign_in_form_with_labels(self):
        response = self.client.get(LOGIN)
        self.assertContains(response, "<h1>Sign in</h1>", html=True)
        self.assertContains(response, '<label for="id_login">')
        self.assertContains(response, 'autocomplete="current-password"')

    def test_it_signs_in_by_e_mail_address(self):
        response = self.client.post(LOGIN, {"login": "plain@example.org", "password": PASSWORD})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.user.pk)

    def test_it_signs_in_whatever_the_case_of_the_e_mail_address(self):
        response = self.client.post(LOGIN, {"login": "  Plain@EXAMPLE.org ", "password": PASSWORD})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.user.pk)

    def test_it_goes_on_to_the_page_asked_for(self):
        response = self.client.post(
            LOGIN + "?next=/accounts/2fa/", {"login": "plain@example.org", "password": PASSWORD}
        )
        self.assertRedirects(response, "/accounts/2fa/", fetch_redirect_response=False)

    def test_it_shows_the_error_summary_for_a_wrong_password(self):
        response = self.client.post(LOGIN, {"login": "plain@example.org", "password": "not-the-password"})
        self.assertContains(response, '<div class="error-summary" role="alert"')
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "The e-mail address or password is not right.")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_links_each_missing_field_from_the_error_summary(self):
        response = self.client.post(LOGIN, {"login": "", "password": ""})
        self.assertContains(response, '<a href="#id_login">')
        self.assertContains(response, "Enter your e-mail address")
        self.assertContains(response, '<a href="#id_password">')
        self.assertContains(response, "Enter your password")

    def test_it_refuses_a_switched_off_account(self):
        self.user.is_active = False
        self.user.save()
        self.client.post(LOGIN, {"login": "plain@example.org", "password": PASSWORD})
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_limits_failed_attempts_for_an_account(self):
        for _attempt in range(5):
            response = self.client.post(LOGIN, {"login": "plain@example.org", "password": "wrong-guess"})
            self.assertContains(response, "The e-mail address or password is not right.")
        # Even the right password is refused now, so guessing is pointless.
        response = self.client.post(LOGIN, {"login": "plain@example.org", "password": PASSWORD})
        self.assertContains(response, "Too many failed attempts to sign in.")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_limits_failed_attempts_per_account_not_for_everyone(self):
        for _attempt in range(5):
            self.client.post(LOGIN, {"login": "plain@example.org", "password": "wrong-guess"})
        response = self.client.post(LOGIN, {"login": "volunteer@example.org", "password": PASSWORD})
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_limits_failed_attempts_from_one_address_across_accounts(self):
        for n in range(10):
            self.client.post(LOGIN, {"login": f"guess{n}@example.org", "password": "wrong-guess"})
        response = self.client.post(LOGIN, {"login": "plain@example.org", "password": PASSWORD})
        self.assertContains(response, "Too many failed attempts to sign in.")
        self.assertNotIn("_auth_user_id", self.client.session)
