from waymark.accounts.models import Membership, Role, User
from waymark.accounts.tokens import create_api_token
from waymark.audit.models import Event
from waymark.testing import BaseTestCase, make_member


class RemoveMemberTestCase(BaseTestCase):
    def setUp(self):
        self.membership = Membership.objects.get(user=self.caseworker)
        self.url = f"/organisation/members/{self.membership.uuid}/remove/"

    def test_it_asks_before_removing(self):
        self.login(self.coordinator)
        response = self.client.get(self.url)
        self.assertContains(response, "Remove caseworker@example.org from Croal Valley Welcome Project?")
        self.assertTrue(Membership.objects.filter(pk=self.membership.pk).exists())

    def test_it_removes_the_member_but_keeps_their_account(self):
        self.login(self.coordinator)
        response = self.client.post(self.url)
        self.assertRedirects(response, "/organisation/members/", fetch_redirect_response=False)
        self.assertFalse(Membership.objects.filter(pk=self.membership.pk).exists())
        self.assertTrue(User.objects.filter(pk=self.caseworker.pk).exists())
        members = self.client.get("/organisation/members/").context["members"]
        self.assertNotIn(self.caseworker, [membership.user for membership in members])

    def test_it_writes_one_audit_event_without_personal_values(self):
        self.login(self.coordinator)
        self.client.post(self.url)
        event = Event.objects.get()
        self.assertEqual(event.action, "membership.removed")
        self.assertEqual(event.object_id, str(self.membership.uuid))
        self.assertEqual(event.details, {"user": str(self.caseworker.uuid), "roles": ["caseworker"]})

    def test_it_takes_away_access_to_the_organisation(self):
        self.login(self.coordinator)
        self.client.post(self.url)
        self.client = self.client_class()
        self.login(self.caseworker)
        response = self.client.get("/")
        self.assertNotContains(response, "Acting for")
        self.assertNotContains(response, "Croal Valley Welcome Project")

    def test_it_ends_access_through_a_session_and_a_token_already_in_use(self):
        # A second admin, also a member elsewhere, signed in and acting for the hub charity.
        leaving = make_member("leaving-admin@example.org", self.hub_org, [Role.ORGANISATION_ADMIN])
        Membership.objects.create(user=leaving, organisation=self.other_org, roles=[Role.VOLUNTEER])
        hub_membership = Membership.objects.get(user=leaving, organisation=self.hub_org)
        _token, secret = create_api_token(hub_membership, acting_user=leaving)
        their_client = self.client_class()
        their_client.force_login(leaving)
        session = their_client.session
        session.update({"mfa_set_up": True, "acting_membership": str(hub_membership.uuid)})
        session.save()
        self.assertEqual(their_client.get("/organisation/members/").status_code, 200)

        self.login(self.coordinator)
        self.client.post(f"/organisation/members/{hub_membership.uuid}/remove/")

        # The very next requests of the session still open no longer act for the hub charity.
        self.assertEqual(their_client.get("/organisation/members/").status_code, 404)
        self.assertEqual(their_client.get("/organisation/audit/").status_code, 404)
        self.assertEqual(their_client.get("/api/v1/me").json()["organisation"]["slug"], self.other_org.slug)
        api = self.client_class().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        self.assertEqual(api.status_code, 401)

    def test_it_keeps_the_last_organisation_admin(self):
        self.login(self.coordinator)
        own = Membership.objects.get(user=self.coordinator)
        response = self.client.post(f"/organisation/members/{own.uuid}/remove/", follow=True)
        self.assertContains(response, "An organisation needs at least one organisation admin")
        self.assertTrue(Membership.objects.filter(pk=own.pk).exists())
        self.assertFalse(Event.objects.exists())

    def test_it_lets_an_admin_leave_when_another_admin_remains(self):
        make_member("second-admin@example.org", self.hub_org, [Role.ORGANISATION_ADMIN])
        self.login(self.coordinator)
        own = Membership.objects.get(user=self.coordinator)
        response = self.client.post(f"/organisation/members/{own.uuid}/remove/")
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertFalse(Membership.objects.filter(pk=own.pk).exists())

    def test_it_is_not_found_for_a_caseworker(self):
        self.login(self.caseworker)
        volunteer = Membership.objects.get(user=self.volunteer)
        self.assertEqual(self.client.post(f"/organisation/members/{volunteer.uuid}/remove/").status_code, 404)
        self.assertTrue(Membership.objects.filter(pk=volunteer.pk).exists())

    def test_it_is_not_found_for_a_volunteer(self):
        self.login(self.volunteer)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.url).status_code, 404)
        self.assertTrue(Membership.objects.filter(pk=self.membership.pk).exists())

    def test_it_is_not_found_for_an_outsider(self):
        outside_admin = make_member("admin@salford.example.org", self.other_org, [Role.ORGANISATION_ADMIN])
        for user in (self.outsider, outside_admin):
            self.login(user)
            self.assertEqual(self.client.post(self.url).status_code, 404)
        self.assertTrue(Membership.objects.filter(pk=self.membership.pk).exists())
