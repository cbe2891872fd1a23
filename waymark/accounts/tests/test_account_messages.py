from django.core.cache import cache
from django.utils import translation

from waymark.testing import PASSWORD, BaseTestCase, make_user

CHANGE = "/accounts/password/change/"
NEW_PASSWORD = "a-brand-new-long-password"


def translated(language, message):
    with translation.override(language):
        return translation.gettext(message)


class SignInAndOutMessagesTestCase(BaseTestCase):
    """allauth's flash messages, in Waymark's words and in languages allauth has no catalogue for."""

    def setUp(self):
        # Login rate limits count in the cache.
        cache.clear()
        self.user = make_user("plain@example.org")

    def test_it_says_you_are_signed_in_in_pashto(self):
        message = translated("ps", "You are signed in.")
        self.assertNotEqual(message, "You are signed in.")
        response = self.client.post(
            "/ps/accounts/login/", {"login": "plain@example.org", "password": PASSWORD}, follow=True
        )
        self.assertContains(response, f'<p class="message message--success">{message}</p>', html=True)
        self.assertNotContains(response, "Successfully signed in")

    def test_it_says_you_are_signed_out_in_tigrinya(self):
        message = translated("ti", "You are signed out.")
        self.assertRegex(message, r"[\u1200-\u137f]")
        self.client.force_login(self.user)
        response = self.client.post("/ti/accounts/logout/", follow=True)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertContains(response, message)
        self.assertNotContains(response, "You have signed out.")


class ChangePasswordTestCase(BaseTestCase):
    def setUp(self):
        self.user = make_user("plain@example.org")
        self.login(self.user)

    def test_it_shows_the_form_in_our_layout(self):
        response = self.client.get(CHANGE)
        self.assertContains(response, "<h1>Change your password</h1>", html=True)
        self.assertContains(response, '<label for="id_oldpassword">Current password:</label>', html=True)
        self.assertContains(response, '<label for="id_password1">New password:</label>', html=True)
        self.assertContains(response, 'autocomplete="current-password"')
        self.assertNotContains(response, "Change Password")

    def test_it_shows_the_error_summary_for_a_wrong_current_password(self):
        response = self.client.post(
            CHANGE, {"oldpassword": "not-the-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
        self.assertContains(response, "<title>Error:", status_code=200)
        self.assertContains(response, '<div class="error-summary" role="alert"')
        self.assertContains(response, '<a href="#id_oldpassword">')
        self.assertContains(response, "Your current password is not right. Check it and try again.")
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password(PASSWORD))

    def test_it_explains_two_different_new_passwords_in_our_words(self):
        response = self.client.post(
            CHANGE, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
        )
        self.assertContains(response, '<a href="#id_password2">')
        self.assertContains(response, "The two passwords are not the same")
        self.assertNotContains(response, "You must type the same password each time.")

    def test_it_changes_the_password_and_says_so_in_ukrainian(self):
        response = self.client.post(
            "/uk" + CHANGE,
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            follow=True,
        )
        self.assertContains(response, translated("uk", "Your new password is saved."))
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password(NEW_PASSWORD))

    def test_it_sends_a_visitor_who_is_not_signed_in_to_sign_in(self):
        self.client.logout()
        response = self.client.get(CHANGE)
        self.assertRedirects(
            response, "/accounts/login/?next=/accounts/password/change/", fetch_redirect_response=False
        )
