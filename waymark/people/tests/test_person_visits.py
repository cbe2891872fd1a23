"""A person's page lists their visits to the organisation's hubs, for every role that may open
it, in a fixed number of queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from waymark.hubs.checkins import do_check_in, do_record_visit_details, needs_terms
from waymark.hubs.models import LONDON
from waymark.hubs.tests.helpers import HubTestCase, at
from waymark.people.tests.helpers import make_person

TUESDAY = dt.datetime(2026, 3, 3, 10, 30, tzinfo=LONDON)
THURSDAY = dt.datetime(2026, 3, 5, 10, 30, tzinfo=LONDON)


class PersonVisitsTestCase(HubTestCase):
    def setUp(self):
        self.generate()
        self.amina = make_person(self.hub_org, "Amina Yusuf", by=self.volunteer)
        self.url = f"/people/{self.amina.uuid}/"

    def visit(self, day, moment, *needs):
        with at(moment):
            visit, _created = do_check_in(self.session_on(day), self.amina, acting_user=self.volunteer)
        if needs:
            do_record_visit_details(visit, acting_user=self.volunteer, needs=list(needs_terms().filter(slug__in=needs)))
        return visit

    def test_a_volunteer_sees_each_visit_latest_first_with_the_needs_raised(self):
        self.visit(dt.date(2026, 3, 3), TUESDAY)
        self.visit(dt.date(2026, 3, 5), THURSDAY, "food")
        self.login(self.volunteer)
        response = self.client.get(self.url)
        self.assertContains(response, "2 visits to hubs and drop-ins.")
        html = response.content.decode()
        self.assertLess(html.index("5 March 2026"), html.index("3 March 2026 (first visit)"))
        self.assertContains(response, self.hub.name)
        self.assertContains(response, "Food")

    def test_someone_who_never_came_has_no_visits(self):
        self.login(self.caseworker)
        self.assertContains(self.client.get(self.url), "No visits recorded yet.")

    def test_the_page_asks_the_same_queries_however_many_visits(self):
        self.login(self.volunteer)
        self.visit(dt.date(2026, 3, 3), TUESDAY, "food")
        with CaptureQueriesContext(connection) as one:
            self.client.get(self.url)
        self.visit(dt.date(2026, 3, 5), THURSDAY, "food", "housing")
        with CaptureQueriesContext(connection) as two:
            self.client.get(self.url)
        self.assertEqual(len(one), len(two))

    def test_an_outsider_sees_nothing(self):
        self.visit(dt.date(2026, 3, 3), TUESDAY)
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)
