"""Resetting someone's two-factor authentication in the admin site: audited, and nothing else."""

from allauth.mfa.models import Authenticator

from waymark.accounts.tests.totp import set_up_totp
from waymark.audit.models import Event
from waymark.testing import BaseTestCase


class AuthenticatorAdminTestCase(BaseTestCase):
    def setUp(self):
        self.secret = set_up_totp(self.caseworker)
        self.authenticator = Authenticator.objects.get(user=self.caseworker)
        self.login(self.admin)

    def test_it_resets_two_factor_authentication_and_audits_it(self):
        url = f"/admin/mfa/authenticator/{self.authenticator.pk}/delete/"
        response = self.client.post(url, {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Authenticator.objects.filter(user=self.caseworker).exists())
        event = Event.objects.get(action="admin.deleted")
        self.assertEqual(event.actor, self.admin)
        self.assertEqual(event.object_type, "mfa.authenticator")
        self.assertEqual(event.details, {"user": str(self.caseworker.uuid), "type": "totp"})

    def test_it_lets_nobody_add_or_edit_an_authenticator(self):
        self.assertEqual(self.client.get("/admin/mfa/authenticator/add/").status_code, 403)
        response = self.client.get(f"/admin/mfa/authenticator/{self.authenticator.pk}/change/")
        self.assertNotContains(response, 'name="_save"')
        self.assertNotContains(response, self.authenticator.data["secret"])
        self.client.post(
            f"/admin/mfa/authenticator/{self.authenticator.pk}/change/",
            {"user": self.admin.pk, "type": "totp", "data": "{}"},
        )
        self.authenticator.refresh_from_db()
        self.assertEqual(self.authenticator.user, self.caseworker)
