from django.db import connection
from django.test.utils import CaptureQueriesContext

from waymark.accounts.models import Invitation, Membership, Role
from waymark.testing import BaseTestCase, make_member

URL = "/organisation/members/"


class MembersTestCase(BaseTestCase):
    def test_it_lists_members_with_their_roles(self):
        self.login(self.coordinator)
        response = self.client.get(URL)
        self.assertContains(response, "Members of Croal Valley Welcome Project")
        self.assertContains(response, "caseworker@example.org")
        self.assertContains(response, "volunteer@example.org")
        self.assertContains(response, "Coordinator, Safeguarding lead, Organisation admin")
        # Only the organisation acted for.
        self.assertNotContains(response, "outsider@example.org")
        self.assertNotContains(response, "partner@example.org")

    def test_it_links_each_member_by_uuid(self):
        self.login(self.coordinator)
        membership = Membership.objects.get(user=self.caseworker)
        response = self.client.get(URL)
        self.assertContains(response, f"/organisation/members/{membership.uuid}/")

    def test_it_lists_open_invitations_only(self):
        Invitation.objects.create(
            organisation=self.hub_org, email="new@example.org", roles=[Role.VOLUNTEER], invited_by=self.coordinator
        )
        Invitation.objects.create(
            organisation=self.other_org, email="elsewhere@example.org", roles=[], invited_by=self.outsider
        )
        self.login(self.coordinator)
        response = self.client.get(URL)
        self.assertContains(response, "new@example.org")
        self.assertContains(response, "Cancel invitation")
        self.assertNotContains(response, "elsewhere@example.org")

    def test_it_uses_the_same_number_of_queries_however_many_members(self):
        self.login(self.coordinator)
        self.client.get(URL)  # warm up the session
        with CaptureQueriesContext(connection) as few:
            self.client.get(URL)
        for n in range(10):
            make_member(f"extra{n}@example.org", self.hub_org, [Role.VOLUNTEER])
            Invitation.objects.create(
                organisation=self.hub_org, email=f"invitee{n}@example.org", roles=[], invited_by=self.coordinator
            )
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(URL)
        self.assertContains(response, "extra9@example.org")
        self.assertContains(response, "invitee9@example.org")

    def test_it_is_not_found_for_a_caseworker(self):
        self.login(self.caseworker)
        self.assertEqual(self.client.get(URL).status_code, 404)

    def test_it_is_not_found_for_a_volunteer(self):
        self.login(self.volunteer)
        self.assertEqual(self.client.get(URL).status_code, 404)

    def test_it_is_not_found_for_an_outsider(self):
        self.login(self.outsider)
        self.assertEqual(self.client.get(URL).status_code, 404)

    def test_it_shows_an_admin_of_another_organisation_only_their_own_members(self):
        outside_admin = make_member("admin@salford.example.org", self.other_org, [Role.ORGANISATION_ADMIN])
        self.login(outside_admin)
        response = self.client.get(URL)
        self.assertContains(response, "outsider@example.org")
        self.assertNotContains(response, "caseworker@example.org")

    def test_it_sends_visitors_to_sign_in(self):
        response = self.client.get(URL)
        self.assertRedirects(response, f"/accounts/login/?next={URL}", fetch_redirect_response=False)
