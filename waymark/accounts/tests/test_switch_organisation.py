from waymark.accounts.models import Membership, Role
from waymark.testing import BaseTestCase

URL = "/account/organisation/"


class SwitchOrganisationTestCase(BaseTestCase):
    def setUp(self):
        # The coordinator also volunteers at the partner charity.
        self.partner_membership = Membership.objects.create(
            user=self.coordinator, organisation=self.partner_org, roles=[Role.VOLUNTEER]
        )

    def test_it_shows_the_organisation_acted_for_in_the_header(self):
        self.login(self.caseworker)
        response = self.client.get("/")
        self.assertContains(response, "Acting for <strong>Croal Valley Welcome Project</strong>", html=False)

    def test_it_offers_a_choice_to_members_of_several_organisations(self):
        self.login(self.coordinator)
        response = self.client.get("/")
        self.assertContains(response, '<label for="acting-organisation">Acting for</label>', html=True)
        self.assertContains(
            response, f'<option value="{self.partner_membership.uuid}">Medlock Immigration Advice Centre'
        )

    def test_it_switches_the_organisation_acted_for(self):
        self.login(self.coordinator)
        response = self.client.post(URL, {"membership": str(self.partner_membership.uuid), "next": "/"})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        response = self.client.get("/")
        self.assertContains(response, "You are signed in for Medlock Immigration Advice Centre.")
        self.assertContains(
            response, f'<option value="{self.partner_membership.uuid}" selected>Medlock Immigration Advice Centre'
        )

    def test_it_gives_only_the_roles_of_the_organisation_acted_for(self):
        self.login(self.coordinator)
        self.assertEqual(self.client.get("/organisation/members/").status_code, 200)
        self.client.post(URL, {"membership": str(self.partner_membership.uuid)})
        # A volunteer at the partner charity: no admin pages there.
        self.assertEqual(self.client.get("/organisation/members/").status_code, 404)

    def test_it_refuses_an_organisation_the_user_is_not_a_member_of(self):
        self.login(self.coordinator)
        outsider_membership = Membership.objects.get(user=self.outsider)
        response = self.client.post(URL, {"membership": str(outsider_membership.uuid), "next": "/"}, follow=True)
        self.assertContains(response, "Choose one of your organisations.")
        self.assertContains(response, "You are signed in for Croal Valley Welcome Project.")
        self.assertNotContains(response, "Kersal Moor Welcome Centre")

    def test_it_returns_to_the_page_the_user_was_on(self):
        self.login(self.coordinator)
        response = self.client.post(
            URL, {"membership": str(self.partner_membership.uuid), "next": "/organisation/audit/"}
        )
        self.assertRedirects(response, "/organisation/audit/", fetch_redirect_response=False)

    def test_it_does_not_redirect_to_another_site(self):
        self.login(self.coordinator)
        response = self.client.post(
            URL, {"membership": str(self.partner_membership.uuid), "next": "https://evil.example.com/"}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_only_accepts_posts(self):
        self.login(self.coordinator)
        self.assertEqual(self.client.get(URL).status_code, 405)

    def test_it_sends_visitors_to_sign_in(self):
        response = self.client.post(URL, {"membership": str(self.partner_membership.uuid)})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/accounts/login/"))
