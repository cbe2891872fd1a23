"""My caseload, overdue actions and the team caseload: who sees them, sorting, filtering, paging,
and the same queries for one case as for many."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from waymark.accounts.models import Membership, Role
from waymark.casework import cases
from waymark.casework.tests.test_case_support import days_ago, make_action, make_case
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase, make_member

MINE = reverse("casework:caseload_mine")
OVERDUE = reverse("casework:caseload_overdue")
TEAM = reverse("casework:caseload_team")


class CaseloadTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.second = make_member("second@example.org", cls.hub_org, [Role.CASEWORKER])
        cls.second.name = "Zara Second"
        cls.second.save()

    def setUp(self):
        self.amina = make_person(self.hub_org, "Amina", by=self.caseworker)
        self.yonas = make_person(self.hub_org, "Yonas", by=self.caseworker)
        self.mine = make_case(self.amina, by=self.caseworker, title="Amina move-on")
        self.theirs = make_case(self.yonas, by=self.caseworker, owner=self.second, title="Yonas housing")
        self.late = make_action(self.mine, by=self.caseworker, due_on=days_ago(3), description="Late letter")
        make_action(self.mine, by=self.caseworker, due_on=days_ago(-4), description="Future call")
        make_action(self.theirs, by=self.caseworker, owner=self.second, due_on=days_ago(10), description="Their late")
        elsewhere = make_person(self.other_org, "Salford person", by=self.outsider)
        self.outside = make_case(elsewhere, by=self.outsider, title="Salford case")
        make_action(self.outside, by=self.outsider, due_on=days_ago(5), description="Salford late")

    # Access

    def test_volunteers_and_members_without_a_role_get_404_and_anonymous_is_sent_to_sign_in(self):
        for user in (self.volunteer, self.council):
            self.login(user)
            for url in (MINE, OVERDUE, TEAM):
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
        self.client.logout()
        for url in (MINE, OVERDUE, TEAM):
            self.assertEqual(self.client.get(url).status_code, 302)

    def test_the_team_caseload_is_for_coordinators_and_organisation_admins_only(self):
        self.login(self.caseworker)
        self.assertEqual(self.client.get(TEAM).status_code, 404)
        # The outsider is a caseworker and safeguarding lead elsewhere: not a coordinator.
        self.login(self.outsider)
        self.assertEqual(self.client.get(TEAM).status_code, 404)
        admin = make_member("orgadmin@example.org", self.hub_org, [Role.ORGANISATION_ADMIN])
        self.login(admin)
        self.assertEqual(self.client.get(TEAM).status_code, 200)

    # My caseload

    def test_my_caseload_lists_my_current_cases_with_the_next_action_and_overdue_count(self):
        closed = make_case(self.yonas, by=self.caseworker, title="Closed one")
        cases.do_close_case(closed, acting_user=self.caseworker, outcome="resolved")
        self.login(self.caseworker)
        response = self.client.get(MINE)
        self.assertEqual([case.title for case in response.context["page"].object_list], ["Amina move-on"])
        case = response.context["page"].object_list[0]
        self.assertEqual(case.overdue_count, 1)
        self.assertEqual(case.next_due, days_ago(3))
        self.assertContains(response, "Late letter")
        self.assertNotContains(response, "Yonas housing")
        self.assertNotContains(response, "Salford case")
        response = self.client.get(MINE, {"status": "closed"})
        self.assertEqual([case.title for case in response.context["page"].object_list], ["Closed one"])
        response = self.client.get(MINE, {"status": "all", "sort": "opened"})
        self.assertEqual([case.title for case in response.context["page"].object_list], ["Amina move-on", "Closed one"])

    def test_an_outsider_sees_only_their_own_organisations_cases(self):
        self.login(self.outsider)
        response = self.client.get(MINE)
        self.assertEqual([case.title for case in response.context["page"].object_list], ["Salford case"])
        response = self.client.get(OVERDUE)
        self.assertEqual([action.description for action in response.context["page"].object_list], ["Salford late"])

    def test_unknown_sort_and_filter_values_are_reported_and_ignored(self):
        self.login(self.coordinator)
        for query in (
            {"sort": "'; drop table"},
            {"status": "nonsense"},
            {"owner": "not-a-uuid"},
            {"owner": str(self.outsider.uuid)},
            {"page": "9999"},
            {"page": "x"},
        ):
            with self.subTest(query=query):
                response = self.client.get(TEAM, query)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(response.context["page"].object_list), 2)
        response = self.client.get(TEAM, {"status": "nonsense", "owner": "zzz"})
        self.assertContains(response, "Choose a status from the list")
        self.assertContains(response, "Choose a caseworker from the list")

    # Team caseload

    def test_the_team_caseload_filters_by_owner_user_or_membership_and_sorts(self):
        self.login(self.coordinator)
        response = self.client.get(TEAM)
        self.assertEqual(
            {case.title for case in response.context["page"].object_list}, {"Amina move-on", "Yonas housing"}
        )
        response = self.client.get(TEAM, {"owner": str(self.second.uuid)})
        self.assertEqual([case.title for case in response.context["page"].object_list], ["Yonas housing"])
        membership = Membership.objects.get(user=self.caseworker, organisation=self.hub_org)
        response = self.client.get(TEAM, {"owner": str(membership.uuid)})
        self.assertEqual([case.title for case in response.context["page"].object_list], ["Amina move-on"])
        response = self.client.get(TEAM, {"sort": "next_due"})
        self.assertEqual(
            [case.title for case in response.context["page"].object_list], ["Yonas housing", "Amina move-on"]
        )
        response = self.client.get(TEAM, {"sort": "-next_due"})
        self.assertEqual(
            [case.title for case in response.context["page"].object_list], ["Amina move-on", "Yonas housing"]
        )
        response = self.client.get(TEAM, {"sort": "-owner"})
        self.assertEqual([case.owner for case in response.context["page"].object_list], [self.second, self.caseworker])
        response = self.client.get(TEAM, {"sort": "person"})
        self.assertEqual(
            [case.person.display_name for case in response.context["page"].object_list], ["Amina", "Yonas"]
        )

    def test_cases_without_an_open_action_sort_last_by_next_due(self):
        make_case(self.amina, by=self.caseworker, title="No actions")
        self.login(self.coordinator)
        for sort in ("next_due", "-next_due"):
            response = self.client.get(TEAM, {"sort": sort})
            self.assertEqual(response.context["page"].object_list[2].title, "No actions")

    def test_the_caseload_is_paginated(self):
        for number in range(30):
            make_case(self.amina, by=self.caseworker, title=f"Extra {number}")
        self.login(self.caseworker)
        first = self.client.get(MINE)
        self.assertEqual(len(first.context["page"].object_list), 25)
        self.assertContains(first, "Page 1 of 2")
        second = self.client.get(MINE, {"page": 2})
        self.assertEqual(len(second.context["page"].object_list), 6)

    def test_the_queries_do_not_grow_with_the_cases(self):
        owner = self.coordinator
        only = make_case(self.amina, by=owner, owner=owner, title="Only")
        make_action(only, by=owner, owner=owner, due_on=days_ago(1))
        self.login(owner)
        pages = {MINE: 1, TEAM: 3, OVERDUE: 3}
        counts = {}
        for url, shown in pages.items():
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url)
            self.assertEqual(len(response.context["page"].object_list), shown)
            counts[url] = len(queries)
        for number in range(8):
            person = make_person(self.hub_org, f"Person {number}", by=owner)
            case = make_case(person, by=owner, owner=self.second if number % 2 else owner, title=f"Case {number}")
            make_action(case, by=owner, owner=owner, due_on=days_ago(number + 1))
            make_action(case, by=owner, owner=self.second, due_on=days_ago(-number - 1))
            cases.do_add_note(case, acting_user=owner, kind="phone", text="Called")
        for url, shown in pages.items():
            with self.subTest(url=url), self.assertNumQueries(counts[url]):
                response = self.client.get(url)
            self.assertGreater(len(response.context["page"].object_list), shown)

    # Overdue actions

    def test_overdue_actions_are_mine_for_a_caseworker_and_the_teams_for_a_coordinator(self):
        closed = make_case(self.amina, by=self.caseworker, title="Closed")
        make_action(closed, by=self.caseworker, due_on=days_ago(8), description="On a closed case")
        cases.do_close_case(closed, acting_user=self.caseworker, outcome="resolved")
        done = make_action(self.mine, by=self.caseworker, due_on=days_ago(6), description="Done already")
        cases.do_complete_action(done, acting_user=self.caseworker)
        make_action(self.mine, by=self.caseworker, due_on=days_ago(0), description="Due today")

        self.login(self.caseworker)
        response = self.client.get(OVERDUE)
        self.assertEqual([action.description for action in response.context["page"].object_list], ["Late letter"])
        self.assertContains(response, "3 days late")

        self.login(self.coordinator)
        response = self.client.get(OVERDUE)
        self.assertEqual(
            [action.description for action in response.context["page"].object_list], ["Their late", "Late letter"]
        )
        response = self.client.get(OVERDUE, {"sort": "-due"})
        self.assertEqual(
            [action.description for action in response.context["page"].object_list], ["Late letter", "Their late"]
        )
        response = self.client.get(OVERDUE, {"owner": str(self.caseworker.uuid)})
        self.assertEqual([action.description for action in response.context["page"].object_list], ["Late letter"])
        response = self.client.get(OVERDUE, {"sort": "next_due"})
        self.assertContains(response, "Choose an order from the list")
