from django.test import override_settings

from waymark.accounts.models import Invitation, Role
from waymark.accounts.tests.totp import set_up_totp
from waymark.testing import BaseTestCase, make_member, make_user

SET_UP_TOTP = "/accounts/2fa/totp/activate/"


class RequireMfaTestCase(BaseTestCase):
    """Signed in with a password only (``force_login``), as a user is before setting up MFA."""

    def assert_sent_to_set_up(self, user, url="/"):
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertRedirects(response, SET_UP_TOTP, fetch_redirect_response=False)

    def assert_let_through(self, user, url="/"):
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response

    def test_it_sends_a_caseworker_without_totp_to_set_it_up(self):
        self.assert_sent_to_set_up(self.caseworker)

    def test_it_guards_every_page_not_just_the_home_page(self):
        self.assert_sent_to_set_up(self.coordinator, "/organisation/members/")
        self.assert_sent_to_set_up(self.coordinator, "/organisation/audit/")

    def test_it_guards_pages_in_other_languages(self):
        self.client.force_login(self.caseworker)
        response = self.client.get("/ar/organisation/members/")
        self.assertRedirects(response, "/ar" + SET_UP_TOTP, fetch_redirect_response=False)

    def test_it_sends_a_volunteer_while_the_organisation_requires_it(self):
        self.assertTrue(self.hub_org.require_mfa_for_volunteers)
        self.assert_sent_to_set_up(self.volunteer)

    def test_it_lets_a_volunteer_through_when_the_organisation_does_not_require_it(self):
        self.hub_org.require_mfa_for_volunteers = False
        self.hub_org.save()
        response = self.assert_let_through(self.volunteer)
        self.assertContains(response, "You are signed in for Croal Valley Welcome Project.")

    def test_it_still_requires_it_of_a_caseworker_when_volunteers_are_exempt(self):
        self.hub_org.require_mfa_for_volunteers = False
        self.hub_org.save()
        self.assert_sent_to_set_up(self.caseworker)

    def test_it_requires_it_of_platform_roles(self):
        self.assert_sent_to_set_up(self.editor)
        self.assert_sent_to_set_up(self.network_lead)
        self.assert_sent_to_set_up(self.council)

    def test_it_requires_it_of_administrators_also_on_the_admin_site(self):
        self.assert_sent_to_set_up(self.admin)
        self.assert_sent_to_set_up(self.admin, "/admin/")

    def test_it_lets_a_user_without_roles_through(self):
        self.assert_let_through(make_user("nobody@example.org"))

    @override_settings(WAYMARK_DEMO=True)
    def test_it_exempts_demo_users_while_the_demo_is_on(self):
        demo = make_member("caseworker@demo.waymark", self.hub_org, [Role.CASEWORKER])
        self.assert_let_through(demo)

    @override_settings(WAYMARK_DEMO=False)
    def test_it_does_not_exempt_demo_users_when_the_demo_is_off(self):
        demo = make_member("caseworker@demo.waymark", self.hub_org, [Role.CASEWORKER])
        self.assert_sent_to_set_up(demo)

    @override_settings(WAYMARK_DEMO=True)
    def test_it_exempts_only_demo_addresses_while_the_demo_is_on(self):
        self.assert_sent_to_set_up(self.caseworker)

    def test_it_lets_a_user_through_once_totp_is_set_up(self):
        set_up_totp(self.caseworker)
        response = self.assert_let_through(self.caseworker)
        self.assertContains(response, "You are signed in for Croal Valley Welcome Project.")

    def test_it_keeps_the_two_factor_pages_and_sign_out_open(self):
        self.client.force_login(self.caseworker)
        self.assertEqual(self.client.get("/accounts/2fa/").status_code, 200)
        # Setting it up asks for the password again first (allauth's reauthentication).
        response = self.client.get(SET_UP_TOTP)
        self.assertTrue(response["Location"].startswith("/accounts/reauthenticate/"))
        response = self.client.post("/accounts/logout/")
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_lets_a_user_accept_an_invitation_before_setting_it_up(self):
        invitation = Invitation.objects.create(
            organisation=self.hub_org, email=self.partner.email, roles=["volunteer"], invited_by=self.coordinator
        )
        self.client.force_login(self.partner)
        response = self.client.get(f"/invitations/{invitation.link_token()}/")
        self.assertContains(response, "Accept the invitation")

    def test_it_leaves_visitors_alone(self):
        self.assertEqual(self.client.get("/").status_code, 200)
