from waymark.accounts.models import User
from waymark.testing import BaseTestCase

SIGNUP = "/accounts/signup/"


class SignupClosedTestCase(BaseTestCase):
    def test_it_says_sign_up_is_by_invitation(self):
        response = self.client.get(SIGNUP)
        self.assertContains(response, "<h1>Ask for an invitation</h1>", html=True)
        self.assertNotContains(response, "password1")

    def test_it_does_not_let_anyone_register(self):
        count = User.objects.count()
        response = self.client.post(
            SIGNUP,
            {"email": "stranger@example.org", "password1": "a-long-password-1", "password2": "a-long-password-1"},
        )
        self.assertContains(response, "You cannot sign up to Waymark yourself.")
        self.assertEqual(User.objects.count(), count)
        self.assertFalse(User.objects.filter(email="stranger@example.org").exists())
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_offers_no_sign_up_link_on_the_sign_in_page(self):
        self.assertNotContains(self.client.get("/accounts/login/"), SIGNUP)
