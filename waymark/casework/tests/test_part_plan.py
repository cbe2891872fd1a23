"""The support plan (goals and their steps) and outcomes per need, and the case page's partials."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from waymark.accounts.models import Membership
from waymark.audit.models import Event
from waymark.casework import parts
from waymark.casework.case_parts import context_for_case
from waymark.casework.models import PlanGoal
from waymark.casework.tests.part_helpers import make_case, upload
from waymark.testing import BaseTestCase


def raw_text(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - names are literals here
        return cursor.fetchone()[0]


class SupportPlanTestCase(BaseTestCase):
    def setUp(self):
        self.case = make_case(self.hub_org, by=self.caseworker)
        self.url = f"/cases/{self.case.uuid}/plan/"
        self.login(self.caseworker)

    def test_a_caseworker_adds_goals_in_order(self):
        response = self.client.post(self.url, {"need": "health", "description": "Register Amina with a GP"})
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.client.post(self.url, {"description": "Open a bank account"})
        goals = list(self.case.goals.all())
        self.assertEqual([(goal.position, goal.need) for goal in goals], [(0, "health"), (1, "")])
        self.assertEqual(goals[0].status, PlanGoal.Status.WORKING_ON)
        self.assertEqual(goals[0].created_by, self.caseworker)
        self.assertNotIn("Amina", raw_text("casework_plangoal", "description", goals[0].pk))
        event = Event.objects.filter(action="plan_goal.added").order_by("id").first()
        self.assertEqual(
            event.details, {"case": str(self.case.uuid), "person": str(self.case.person.uuid), "need": "health"}
        )
        page = self.client.get(self.url)
        self.assertContains(page, "Register Amina with a GP")
        self.assertContains(page, "Health and GP registration")

    def test_a_goal_needs_a_description_and_a_need_from_the_taxonomy(self):
        response = self.client.post(self.url, {"need": "health", "description": "  "})
        self.assertContains(response, "Say what the goal is", status_code=400)
        response = self.client.post(self.url, {"need": "not-a-need", "description": "Something"})
        self.assertEqual(response.status_code, 400)
        with self.assertRaises(ValidationError):
            parts.do_add_goal(self.case, acting_user=self.caseworker, description="x", need="not-a-need")
        self.assertFalse(self.case.goals.exists())

    def test_a_goal_is_changed(self):
        goal = parts.do_add_goal(self.case, acting_user=self.caseworker, description="Find a GP")
        url = f"{self.url}goals/{goal.uuid}/"
        self.assertContains(self.client.get(url), "Find a GP")
        response = self.client.post(url, {"need": "dental", "description": "Find a dentist", "status": "working_on"})
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        goal.refresh_from_db()
        self.assertEqual((goal.need, goal.description), ("dental", "Find a dentist"))
        event = Event.objects.get(action="plan_goal.changed")
        self.assertEqual(sorted(event.details["fields"]), ["description", "need"])

    def test_the_status_buttons_change_the_status_and_return_to_the_page(self):
        goal = parts.do_add_goal(self.case, acting_user=self.caseworker, description="Find a GP")
        url = f"{self.url}goals/{goal.uuid}/status/"
        response = self.client.post(url, {"status": "achieved", "next": f"/cases/{self.case.uuid}/"})
        self.assertRedirects(response, f"/cases/{self.case.uuid}/", fetch_redirect_response=False)
        goal.refresh_from_db()
        self.assertEqual(goal.status, "achieved")
        event = Event.objects.get(action="plan_goal.status_changed")
        self.assertEqual((event.details["previous"], event.details["status"]), ("working_on", "achieved"))
        # Another site is never a place to go back to.
        response = self.client.post(url, {"status": "dropped", "next": "https://evil.example/"})
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        response = self.client.post(url, {"status": "nonsense"})
        goal.refresh_from_db()
        self.assertEqual(goal.status, "dropped")
        self.assertEqual(self.client.get(url).status_code, 405)

    def test_goals_are_moved_up_and_down(self):
        first, second, third = (
            parts.do_add_goal(self.case, acting_user=self.caseworker, description=text) for text in ("A", "B", "C")
        )
        response = self.client.post(
            f"{self.url}goals/{third.uuid}/move/", {"direction": "up", "next": f"/cases/{self.case.uuid}/"}
        )
        self.assertRedirects(response, f"/cases/{self.case.uuid}/", fetch_redirect_response=False)
        self.assertEqual([goal.description for goal in self.case.goals.all()], ["A", "C", "B"])
        parts.do_move_goal(first, acting_user=self.caseworker, direction="down")
        self.assertEqual([goal.description for goal in self.case.goals.all()], ["C", "A", "B"])
        # The first cannot go higher, nor the last lower.
        parts.do_move_goal(third, acting_user=self.caseworker, direction="up")
        parts.do_move_goal(second, acting_user=self.caseworker, direction="down")
        self.assertEqual([goal.description for goal in self.case.goals.all()], ["C", "A", "B"])
        self.assertEqual(Event.objects.filter(action="plan_goal.moved").count(), 2)
        page = self.client.get(self.url)
        self.assertContains(page, "Move up")
        with self.assertRaises(ValidationError):
            parts.do_move_goal(first, acting_user=self.caseworker, direction="sideways")

    def test_a_step_is_added_for_a_caseworker_of_the_organisation(self):
        goal = parts.do_add_goal(self.case, acting_user=self.caseworker, description="Find a GP")
        url = f"{self.url}goals/{goal.uuid}/steps/add/"
        page = self.client.get(url)
        self.assertContains(page, self.coordinator.email)
        # Only members with a case role are offered.
        self.assertNotContains(page, self.volunteer.email)
        response = self.client.post(
            url, {"description": "Ring the surgery", "owner": self.coordinator.pk, "due_on": "2027-01-15"}
        )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        step = goal.steps.get()
        self.assertEqual(
            (step.case, step.owner, step.due_on, step.created_by),
            (self.case, self.coordinator, dt.date(2027, 1, 15), self.caseworker),
        )
        self.assertEqual(Event.objects.get(action="plan_step.added").details["goal"], str(goal.uuid))
        self.assertContains(self.client.get(self.url), "Ring the surgery")

    def test_a_step_cannot_be_given_to_a_volunteer_or_an_outsider(self):
        goal = parts.do_add_goal(self.case, acting_user=self.caseworker, description="Find a GP")
        url = f"{self.url}goals/{goal.uuid}/steps/add/"
        for user in (self.volunteer, self.outsider):
            with self.subTest(user=user.email):
                response = self.client.post(url, {"description": "Ring the surgery", "owner": user.pk})
                self.assertEqual(response.status_code, 400)
                with self.assertRaises(ValidationError):
                    parts.do_add_step(goal, acting_user=self.caseworker, description="Ring", owner=user)
        self.assertFalse(goal.steps.exists())


class NeedOutcomesTestCase(BaseTestCase):
    def setUp(self):
        self.case = make_case(self.hub_org, by=self.caseworker)
        self.url = f"/cases/{self.case.uuid}/outcomes/"
        self.login(self.caseworker)

    def test_the_latest_outcome_of_each_need_is_shown(self):
        parts.do_record_need_outcome(self.case, acting_user=self.caseworker, need="housing", outcome="not_resolved")
        parts.do_record_need_outcome(
            self.case,
            acting_user=self.caseworker,
            need="housing",
            outcome="referred_on",
            note="To Shelter, Amina agreed",
        )
        parts.do_record_need_outcome(self.case, acting_user=self.caseworker, need="food", outcome="resolved")
        latest = parts.latest_need_outcomes(self.case)
        self.assertEqual(
            [(record.need, record.outcome) for record in latest], [("food", "resolved"), ("housing", "referred_on")]
        )
        note_row = self.case.need_outcomes.get(outcome="referred_on")
        self.assertNotIn("Shelter", raw_text("casework_needoutcome", "note", note_row.pk))
        event = Event.objects.filter(action="need_outcome.recorded").order_by("id").last()
        self.assertEqual(event.details["need"], "food")
        self.assertNotIn("Shelter", str(Event.objects.filter(action="need_outcome.recorded").values_list("details")))

    def test_an_outcome_is_recorded_from_the_case_page_and_returns_there(self):
        response = self.client.post(
            self.url,
            {"outcome-need": "health", "outcome-outcome": "partly", "next": f"/cases/{self.case.uuid}/"},
        )
        self.assertRedirects(response, f"/cases/{self.case.uuid}/", fetch_redirect_response=False)
        record = self.case.need_outcomes.get()
        self.assertEqual((record.need, record.outcome, record.recorded_by), ("health", "partly", self.caseworker))
        page = self.client.get(self.url)
        self.assertContains(page, "Partly resolved")
        self.assertContains(page, "Health and GP registration")

    def test_a_missing_need_or_outcome_is_explained(self):
        response = self.client.post(self.url, {"outcome-need": "", "outcome-outcome": ""})
        self.assertContains(response, "Choose the need", status_code=400)
        self.assertContains(response, "Choose an outcome", status_code=400)
        with self.assertRaises(ValidationError):
            parts.do_record_need_outcome(self.case, acting_user=self.caseworker, need="health", outcome="great")
        self.assertFalse(self.case.need_outcomes.exists())


class CasePagePartialsTestCase(BaseTestCase):
    """What the case page includes: built by ``context_for_case`` in a fixed number of queries."""

    def fill(self, case, count):
        for number in range(count):
            goal = parts.do_add_goal(case, acting_user=self.caseworker, description=f"Goal {number}", need="food")
            parts.do_add_step(goal, acting_user=self.caseworker, description=f"Step {number}", owner=self.caseworker)
            parts.do_record_need_outcome(case, acting_user=self.caseworker, need="food", outcome="partly")
            parts.do_add_matter(case, acting_user=self.caseworker, kind="evisa")
            parts.do_add_attachment(case, acting_user=self.caseworker, uploaded_file=upload(f"letter{number}.pdf"))

    def queries_for(self, case, membership):
        with CaptureQueriesContext(connection) as queries:
            context_for_case(case, membership)
        return len(queries)

    def test_the_number_of_queries_does_not_grow_with_the_parts(self):
        membership = Membership.objects.get(user=self.caseworker)
        small, large = make_case(self.hub_org, by=self.caseworker), make_case(self.hub_org, by=self.caseworker)
        self.fill(small, 1)
        self.fill(large, 4)
        self.assertEqual(self.queries_for(small, membership), self.queries_for(large, membership))
        with self.assertNumQueries(self.queries_for(small, membership)):
            context = context_for_case(large, membership)
        self.assertEqual(len(context["plan_goals"]), 4)
        self.assertEqual(len(context["need_outcomes"]), 1)

    def test_the_pages_make_as_many_queries_for_many_parts_as_for_one(self):
        small, large = make_case(self.hub_org, by=self.caseworker), make_case(self.hub_org, by=self.caseworker)
        self.fill(small, 1)
        self.fill(large, 4)
        self.login(self.caseworker)
        for page in ("plan", "outcomes", "immigration", "attachments"):
            with self.subTest(page=page):
                counts = []
                for case in (small, large):
                    with CaptureQueriesContext(connection) as queries:
                        self.assertEqual(self.client.get(f"/cases/{case.uuid}/{page}/").status_code, 200)
                    counts.append(len(queries))
                self.assertEqual(counts[0], counts[1])

    def test_attachments_are_listed_without_their_bytes(self):
        case = make_case(self.hub_org, by=self.caseworker)
        self.fill(case, 1)
        membership = Membership.objects.get(user=self.caseworker)
        attachment = context_for_case(case, membership)["case_attachments"][0]
        self.assertIn("data", attachment.get_deferred_fields())

    def test_the_partials_render_each_part(self):
        case = make_case(self.hub_org, by=self.caseworker)
        self.fill(case, 1)
        membership = Membership.objects.get(user=self.caseworker)
        request = RequestFactory().get(f"/cases/{case.uuid}/")
        request.user = self.caseworker
        context = {"case": case, "request": request, **context_for_case(case, membership)}
        plan = render_to_string("casework/_case_plan.html", context, request=request)
        self.assertIn("Goal 0", plan)
        self.assertIn("Step 0", plan)
        self.assertIn(f"/cases/{case.uuid}/plan/goals/", plan)
        self.assertIn(f'value="/cases/{case.uuid}/"', plan)
        outcomes = render_to_string("casework/_case_outcomes.html", context, request=request)
        self.assertIn("Partly resolved", outcomes)
        self.assertIn('name="outcome-need"', outcomes)
        matters = render_to_string("casework/_case_matters.html", context, request=request)
        self.assertIn("eVisa and status documents", matters)
        attachments = render_to_string("casework/_case_attachments.html", context, request=request)
        self.assertIn("letter0.pdf", attachments)
        self.assertIn("/attachments/", attachments)

    def test_empty_parts_say_so(self):
        case = make_case(self.hub_org, by=self.caseworker)
        membership = Membership.objects.get(user=self.caseworker)
        context = {"case": case, **context_for_case(case, membership)}
        self.assertIn("No goals in the support plan yet", render_to_string("casework/_case_plan.html", context))
        self.assertIn("No outcome recorded yet", render_to_string("casework/_case_outcomes.html", context))
        self.assertIn("No immigration matter", render_to_string("casework/_case_matters.html", context))
        self.assertIn("No attachments", render_to_string("casework/_case_attachments.html", context))


class ClosedCaseTestCase(BaseTestCase):
    """A closed case's plan, matters and files are kept as they were; outcomes may still be recorded."""

    def setUp(self):
        self.case = make_case(self.hub_org, by=self.caseworker)
        self.goal = parts.do_add_goal(self.case, acting_user=self.caseworker, description="Find a GP")
        self.matter = parts.do_add_matter(self.case, acting_user=self.caseworker, kind="evisa")
        self.case.status, self.case.outcome = "closed", "resolved"
        self.case.save()
        self.login(self.caseworker)

    def test_changes_to_the_plan_matters_and_files_are_refused(self):
        base = f"/cases/{self.case.uuid}"
        for url, data in (
            (f"{base}/plan/", {"description": "Another goal"}),
            (f"{base}/plan/goals/{self.goal.uuid}/", {"description": "Changed", "status": "achieved"}),
            (f"{base}/plan/goals/{self.goal.uuid}/steps/add/", {"description": "Ring", "owner": self.caseworker.pk}),
            (f"{base}/immigration/", {"kind": "appeal"}),
            (f"{base}/immigration/{self.matter.uuid}/level/", {"level": 3, "reason": "Complex"}),
            (f"{base}/attachments/", {"file": upload()}),
        ):
            with self.subTest(url=url):
                self.assertContains(self.client.post(url, data), "This case is closed", status_code=400)
        response = self.client.post(f"{base}/plan/goals/{self.goal.uuid}/status/", {"status": "achieved"}, follow=True)
        self.assertContains(response, "This case is closed")
        self.goal.refresh_from_db()
        self.assertEqual((self.goal.description, self.goal.status), ("Find a GP", "working_on"))
        self.assertEqual((self.case.goals.count(), self.case.immigration_matters.count()), (1, 1))
        self.assertFalse(self.case.attachments.exists())

    def test_outcomes_may_still_be_recorded(self):
        parts.do_record_need_outcome(self.case, acting_user=self.caseworker, need="health", outcome="resolved")
        parts.do_record_matter_outcome(self.matter, acting_user=self.caseworker, outcome="signposted")
        self.matter.refresh_from_db()
        self.assertEqual(self.matter.outcome, "signposted")
