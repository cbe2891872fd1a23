from waymark.accounts.models import Membership, Role
from waymark.audit.models import Event
from waymark.testing import BaseTestCase, make_member


class ChangeMemberRolesTestCase(BaseTestCase):
    def setUp(self):
        self.membership = Membership.objects.get(user=self.caseworker)
        self.url = f"/organisation/members/{self.membership.uuid}/roles/"

    def test_it_shows_the_member_with_their_roles_ticked(self):
        self.login(self.coordinator)
        response = self.client.get(f"/organisation/members/{self.membership.uuid}/")
        self.assertContains(response, "<h1>caseworker@example.org</h1>", html=True)
        self.assertContains(response, 'value="caseworker" id="id_roles_1" checked')

    def test_it_changes_the_roles(self):
        self.login(self.coordinator)
        response = self.client.post(self.url, {"roles": [Role.SAFEGUARDING_LEAD, Role.CASEWORKER]})
        self.assertRedirects(response, f"/organisation/members/{self.membership.uuid}/", fetch_redirect_response=False)
        self.membership.refresh_from_db()
        # Kept in the order the roles are listed, whatever order they came in.
        self.assertEqual(self.membership.roles, ["caseworker", "safeguarding_lead"])

    def test_it_writes_one_audit_event_without_personal_values(self):
        self.login(self.coordinator)
        self.client.post(self.url, {"roles": [Role.VOLUNTEER]})
        event = Event.objects.get()
        self.assertEqual(event.action, "membership.roles_changed")
        self.assertEqual(event.actor, self.coordinator)
        self.assertEqual(event.organisation, self.hub_org)
        self.assertEqual(event.object_id, str(self.membership.uuid))
        self.assertEqual(event.details, {"before": ["caseworker"], "after": ["volunteer"]})
        self.assertNotIn("caseworker@example.org", str(event.details))

    def test_it_needs_at_least_one_role(self):
        self.login(self.coordinator)
        response = self.client.post(self.url, {})
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertContains(response, "Choose at least one role, or remove the member instead", status_code=400)
        self.assertContains(response, 'href="#id_roles_0"', status_code=400)
        self.membership.refresh_from_db()
        self.assertEqual(self.membership.roles, ["caseworker"])

    def test_it_refuses_an_unknown_role(self):
        self.login(self.coordinator)
        response = self.client.post(self.url, {"roles": ["superhero"]})
        self.assertEqual(response.status_code, 400)
        self.membership.refresh_from_db()
        self.assertEqual(self.membership.roles, ["caseworker"])

    def test_it_keeps_the_last_organisation_admin(self):
        self.login(self.coordinator)
        own = Membership.objects.get(user=self.coordinator)
        response = self.client.post(f"/organisation/members/{own.uuid}/roles/", {"roles": [Role.COORDINATOR]})
        self.assertContains(response, "An organisation needs at least one organisation admin", status_code=400)
        own.refresh_from_db()
        self.assertIn(Role.ORGANISATION_ADMIN, own.roles)
        self.assertFalse(Event.objects.exists())

    def test_it_lets_an_admin_step_down_when_another_admin_remains(self):
        make_member("second-admin@example.org", self.hub_org, [Role.ORGANISATION_ADMIN])
        self.login(self.coordinator)
        own = Membership.objects.get(user=self.coordinator)
        self.client.post(f"/organisation/members/{own.uuid}/roles/", {"roles": [Role.COORDINATOR]})
        own.refresh_from_db()
        self.assertEqual(own.roles, ["coordinator"])

    def test_it_is_not_found_for_a_caseworker(self):
        self.login(self.caseworker)
        response = self.client.post(self.url, {"roles": [Role.ORGANISATION_ADMIN]})
        self.assertEqual(response.status_code, 404)
        self.membership.refresh_from_db()
        self.assertEqual(self.membership.roles, ["caseworker"])

    def test_it_is_not_found_for_a_volunteer(self):
        self.login(self.volunteer)
        self.assertEqual(self.client.get(f"/organisation/members/{self.membership.uuid}/").status_code, 404)
        self.assertEqual(self.client.post(self.url, {"roles": [Role.VOLUNTEER]}).status_code, 404)

    def test_it_is_not_found_for_an_outsider(self):
        self.login(self.outsider)
        self.assertEqual(self.client.get(f"/organisation/members/{self.membership.uuid}/").status_code, 404)
        self.assertEqual(self.client.post(self.url, {"roles": [Role.VOLUNTEER]}).status_code, 404)

    def test_it_does_not_let_an_admin_of_another_organisation_change_members_by_uuid(self):
        outside_admin = make_member("admin@salford.example.org", self.other_org, [Role.ORGANISATION_ADMIN])
        self.login(outside_admin)
        response = self.client.post(self.url, {"roles": [Role.VOLUNTEER]})
        self.assertEqual(response.status_code, 404)
        self.membership.refresh_from_db()
        self.assertEqual(self.membership.roles, ["caseworker"])
        self.assertFalse(Event.objects.exists())

    def test_it_only_accepts_posts(self):
        self.login(self.coordinator)
        self.assertEqual(self.client.get(self.url).status_code, 405)
