from allauth.mfa.models import Authenticator
from django.core.cache import cache

from waymark.accounts.tests.totp import set_up_totp
from waymark.testing import PASSWORD, BaseTestCase

DEACTIVATE = "/accounts/2fa/totp/deactivate/"


class DeactivateTotpTestCase(BaseTestCase):
    def setUp(self):
        cache.clear()

    def sign_in_recently(self, user):
        self.login(user)
        # Turning two-factor authentication off asks for the password again first.
        response = self.client.post("/accounts/reauthenticate/", {"password": PASSWORD, "next": DEACTIVATE})
        self.assertRedirects(response, DEACTIVATE, fetch_redirect_response=False)

    def test_it_refuses_a_caseworker_and_says_why(self):
        set_up_totp(self.caseworker, recovery_codes=True)
        self.sign_in_recently(self.caseworker)
        response = self.client.get(DEACTIVATE)
        self.assertContains(response, "Your roles need two-factor authentication")
        self.assertNotContains(response, 'type="submit" class="button button--warning"')
        self.client.post(DEACTIVATE)
        self.assertTrue(Authenticator.objects.filter(user=self.caseworker, type="totp").exists())

    def test_it_refuses_an_administrator(self):
        set_up_totp(self.admin)
        self.sign_in_recently(self.admin)
        self.client.post(DEACTIVATE)
        self.assertTrue(Authenticator.objects.filter(user=self.admin, type="totp").exists())

    def test_it_refuses_a_volunteer_while_the_organisation_requires_it(self):
        set_up_totp(self.volunteer)
        self.sign_in_recently(self.volunteer)
        self.client.post(DEACTIVATE)
        self.assertTrue(Authenticator.objects.filter(user=self.volunteer, type="totp").exists())

    def test_it_lets_a_volunteer_turn_it_off_when_the_organisation_does_not_require_it(self):
        self.hub_org.require_mfa_for_volunteers = False
        self.hub_org.save()
        set_up_totp(self.volunteer, recovery_codes=True)
        self.sign_in_recently(self.volunteer)
        response = self.client.get(DEACTIVATE)
        self.assertContains(response, "After this, signing in needs only your password.")
        response = self.client.post(DEACTIVATE)
        self.assertRedirects(response, "/accounts/2fa/", fetch_redirect_response=False)
        self.assertFalse(Authenticator.objects.filter(user=self.volunteer).exists())
