from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from waymark.accounts.models import Role
from waymark.audit.events import record_event
from waymark.audit.models import Event
from waymark.testing import BaseTestCase, make_member

URL = "/organisation/audit/"


class OrganisationEventsTestCase(BaseTestCase):
    def setUp(self):
        self.old = record_event("membership.roles_changed", actor=self.coordinator, organisation=self.hub_org)
        self.new = record_event(
            "invitation.sent", actor=self.coordinator, organisation=self.hub_org, details={"roles": ["volunteer"]}
        )
        self.elsewhere = record_event("invitation.sent", actor=self.outsider, organisation=self.other_org)

    def test_it_shows_the_organisations_events_newest_first(self):
        self.login(self.coordinator)
        response = self.client.get(URL)
        self.assertContains(response, "Audit trail of Croal Valley Welcome Project")
        events = list(response.context["page"].object_list)
        self.assertEqual(events, [self.new, self.old])
        self.assertContains(response, "<code>invitation.sent</code>", html=True)
        self.assertContains(response, "<dt>roles</dt>", html=True)
        self.assertContains(response, "coordinator@example.org")

    def test_it_leaves_out_other_organisations_events(self):
        self.login(self.coordinator)
        response = self.client.get(URL)
        self.assertNotIn(self.elsewhere, response.context["page"].object_list)
        self.assertNotContains(response, "outsider@example.org")

    def test_it_filters_by_action(self):
        self.login(self.coordinator)
        response = self.client.get(URL, {"action": "membership.roles_changed"})
        self.assertEqual(list(response.context["page"].object_list), [self.old])
        self.assertContains(response, '<option value="membership.roles_changed" selected>')

    def test_it_offers_only_actions_that_happened_in_the_organisation(self):
        record_event("person.erased", actor=self.outsider, organisation=self.other_org)
        self.login(self.coordinator)
        response = self.client.get(URL)
        self.assertNotContains(response, "person.erased")

    def test_it_pages_long_trails(self):
        start = timezone.now()
        Event.objects.bulk_create(
            Event(action="test.event", organisation=self.hub_org, at=start - timedelta(minutes=n)) for n in range(60)
        )
        self.login(self.coordinator)
        response = self.client.get(URL)
        self.assertEqual(len(response.context["page"].object_list), 50)
        self.assertContains(response, "Page 1 of 2")
        self.assertContains(response, 'href="?page=2"')
        response = self.client.get(URL, {"page": 2, "action": "test.event"})
        self.assertEqual(len(response.context["page"].object_list), 10)
        self.assertContains(response, 'href="?page=1&amp;action=test.event"')

    def test_it_uses_the_same_number_of_queries_however_many_events(self):
        self.login(self.coordinator)
        self.client.get(URL)
        with CaptureQueriesContext(connection) as few:
            self.client.get(URL)
        actors = [make_member(f"member{n}@example.org", self.hub_org, [Role.VOLUNTEER]) for n in range(5)]
        for n in range(30):
            record_event(f"test.action{n % 4}", actor=actors[n % 5], organisation=self.hub_org, details={"n": n})
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(URL)
        self.assertContains(response, "member4@example.org")

    def test_it_is_not_found_for_a_caseworker(self):
        self.login(self.caseworker)
        self.assertEqual(self.client.get(URL).status_code, 404)

    def test_it_is_not_found_for_a_volunteer(self):
        self.login(self.volunteer)
        self.assertEqual(self.client.get(URL).status_code, 404)

    def test_it_is_not_found_for_an_outsider(self):
        self.login(self.outsider)
        self.assertEqual(self.client.get(URL).status_code, 404)

    def test_it_shows_an_admin_of_another_organisation_only_their_events(self):
        outside_admin = make_member("admin@salford.example.org", self.other_org, [Role.ORGANISATION_ADMIN])
        self.login(outside_admin)
        response = self.client.get(URL)
        self.assertEqual(list(response.context["page"].object_list), [self.elsewhere])

    def test_it_sends_visitors_to_sign_in(self):
        response = self.client.get(URL)
        self.assertRedirects(response, f"/accounts/login/?next={URL}", fetch_redirect_response=False)
