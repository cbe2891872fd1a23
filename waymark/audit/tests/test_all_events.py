from django.db import connection
from django.test.utils import CaptureQueriesContext

from waymark.audit.events import record_event
from waymark.testing import BaseTestCase, make_organisation

URL = "/audit/"


class AllEventsTestCase(BaseTestCase):
    def setUp(self):
        self.hub_event = record_event("invitation.sent", actor=self.coordinator, organisation=self.hub_org)
        self.other_event = record_event("membership.removed", actor=self.outsider, organisation=self.other_org)
        self.platform_event = record_event("national_body.changed", actor=self.admin)

    def test_it_shows_administrators_every_event(self):
        self.login(self.admin)
        response = self.client.get(URL)
        self.assertEqual(
            list(response.context["page"].object_list), [self.platform_event, self.other_event, self.hub_event]
        )
        self.assertContains(response, "<td>Kersal Moor Welcome Centre</td>", html=True)
        self.assertContains(response, "<td>Croal Valley Welcome Project</td>", html=True)

    def test_it_filters_by_organisation(self):
        self.login(self.admin)
        response = self.client.get(URL, {"organisation": str(self.other_org.uuid)})
        self.assertEqual(list(response.context["page"].object_list), [self.other_event])
        self.assertContains(
            response, f'<option value="{self.other_org.uuid}" selected>Kersal Moor Welcome Centre</option>'
        )

    def test_it_filters_by_action(self):
        self.login(self.admin)
        response = self.client.get(URL, {"action": "invitation.sent"})
        self.assertEqual(list(response.context["page"].object_list), [self.hub_event])

    def test_it_says_so_when_a_filter_is_not_an_option(self):
        self.login(self.admin)
        response = self.client.get(URL, {"organisation": "not-a-uuid"})
        self.assertContains(response, "There is a problem")

    def test_it_uses_the_same_number_of_queries_however_many_events(self):
        self.login(self.admin)
        self.client.get(URL)
        with CaptureQueriesContext(connection) as few:
            self.client.get(URL)
        for n in range(20):
            organisation = make_organisation(f"Extra organisation {n}")
            record_event("test.action", actor=self.coordinator, organisation=organisation)
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(URL)
        self.assertContains(response, "Extra organisation 19")

    def test_it_is_not_found_for_an_organisation_admin(self):
        self.login(self.coordinator)
        self.assertEqual(self.client.get(URL).status_code, 404)

    def test_it_is_not_found_for_a_caseworker(self):
        self.login(self.caseworker)
        self.assertEqual(self.client.get(URL).status_code, 404)

    def test_it_is_not_found_for_an_outsider(self):
        self.login(self.outsider)
        self.assertEqual(self.client.get(URL).status_code, 404)

    def test_it_is_not_found_for_platform_roles(self):
        for user in (self.editor, self.network_lead, self.council):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 404)
