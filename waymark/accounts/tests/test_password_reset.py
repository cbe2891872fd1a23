import re

from django.core import mail
from django.core.cache import cache

from waymark.testing import PASSWORD, BaseTestCase, make_user

RESET = "/accounts/password/reset/"
NEW_PASSWORD = "a-brand-new-long-password"


class PasswordResetTestCase(BaseTestCase):
    def setUp(self):
        cache.clear()
        self.user = make_user("plain@example.org")

    def reset_link(self):
        self.assertEqual(len(mail.outbox), 1)
        match = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body)
        self.assertIsNotNone(match, mail.outbox[0].body)
        return match.group(0).split("testserver", 1)[1]

    def test_it_shows_the_form_in_our_layout(self):
        response = self.client.get(RESET)
        self.assertContains(response, "<h1>Reset your password</h1>", html=True)
        self.assertContains(response, '<label for="id_email">')

    def test_it_sends_an_e_mail_with_a_link_that_sets_a_new_password(self):
        response = self.client.post(RESET, {"email": "Plain@Example.org"})
        self.assertRedirects(response, "/accounts/password/reset/done/", fetch_redirect_response=False)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["plain@example.org"])
        self.assertEqual(message.subject, "Reset your Waymark password")

        link = self.reset_link()
        # allauth moves the key out of the address before showing the form.
        response = self.client.get(link, follow=True)
        self.assertContains(response, "<h1>Choose a new password</h1>", html=True)
        form_url = response.redirect_chain[-1][0]
        response = self.client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        self.assertRedirects(response, "/accounts/password/reset/key/done/", fetch_redirect_response=False)

        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password(NEW_PASSWORD))
        self.assertFalse(self.user.check_password(PASSWORD))

    def test_it_refuses_a_used_link(self):
        self.client.post(RESET, {"email": "plain@example.org"})
        link = self.reset_link()
        response = self.client.get(link, follow=True)
        self.client.post(response.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        response = self.client.get(link, follow=True)
        self.assertContains(response, "This link does not work")

    def test_it_refuses_a_weak_new_password(self):
        self.client.post(RESET, {"email": "plain@example.org"})
        response = self.client.get(self.reset_link(), follow=True)
        response = self.client.post(response.redirect_chain[-1][0], {"password1": "123", "password2": "123"})
        self.assertContains(response, "There is a problem")
        self.assertContains(response, '<a href="#id_password1">')
        self.user.refresh_from_db()
        self.assertTrue(self.user.check_password(PASSWORD))

    def test_it_does_not_reveal_whether_an_address_has_an_account(self):
        response = self.client.post(RESET, {"email": "nobody@example.org"})
        self.assertRedirects(response, "/accounts/password/reset/done/", fetch_redirect_response=False)
