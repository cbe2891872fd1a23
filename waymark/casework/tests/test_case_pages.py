"""The case pages: opening a case, a person's cases, the case page and its forms."""

import re

from django.urls import reverse

from waymark.audit.models import Event, RecordAccess
from waymark.casework import cases
from waymark.casework.models import Case, CaseAction, CaseNote
from waymark.casework.tests.test_case_support import days_ago, make_action, make_case, make_note
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase


class CasePagesTestCase(BaseTestCase):
    def setUp(self):
        self.amina = make_person(self.hub_org, "Amina", by=self.caseworker)
        self.case = make_case(self.amina, by=self.caseworker)
        self.case_url = reverse("casework:case", kwargs={"case_uuid": self.case.uuid})
        self.new_url = reverse("casework:case_new", kwargs={"person_uuid": self.amina.uuid})
        self.list_url = reverse("casework:person_cases", kwargs={"person_uuid": self.amina.uuid})

    def post_url(self, name, **kwargs):
        return reverse(f"casework:{name}", kwargs={"case_uuid": self.case.uuid, **kwargs})

    # Who may open the pages

    def test_the_pages_are_404_for_a_volunteer_an_outsider_and_another_organisations_lead(self):
        action = make_action(self.case, by=self.caseworker)
        gets = [self.case_url, self.new_url, self.list_url]
        posts = [
            self.post_url("case_activate"),
            self.post_url("case_close"),
            self.post_url("case_reopen"),
            self.post_url("case_reassign"),
            self.post_url("case_note_add"),
            self.post_url("case_action_add"),
            self.post_url("case_action_done", action_uuid=action.uuid),
            self.post_url("case_action_reassign", action_uuid=action.uuid),
        ]
        # The outsider is a caseworker and the safeguarding lead of another organisation.
        for user in (self.volunteer, self.outsider, self.partner, self.council):
            self.login(user)
            for url in gets:
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
            for url in posts:
                with self.subTest(user=user.email, url=url):
                    response = self.client.post(
                        url, {"outcome": "resolved", "reason": "x", "text": "x", "kind": "phone"}
                    )
                    self.assertEqual(response.status_code, 404)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, Case.Status.OPEN)
        self.assertEqual(CaseNote.objects.count(), 0)
        self.assertIsNone(CaseAction.objects.get().done_at)

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        for url in (self.case_url, self.new_url, self.list_url):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("account_login"), response["Location"])
        response = self.client.post(self.post_url("case_close"), {"outcome": "resolved"})
        self.assertEqual(response.status_code, 302)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, Case.Status.OPEN)

    def test_a_missing_case_is_404(self):
        self.login(self.caseworker)
        response = self.client.get(reverse("casework:case", kwargs={"case_uuid": self.amina.uuid}))
        self.assertEqual(response.status_code, 404)

    # Opening a case

    def test_a_caseworker_opens_a_case_for_a_person_and_it_is_logged(self):
        self.login(self.caseworker)
        response = self.client.get(self.new_url)
        self.assertContains(response, "Open a case for Amina")
        self.assertTrue(RecordAccess.objects.filter(person_uuid=self.amina.uuid, what="case_open").exists())
        response = self.client.post(self.new_url, {"title": "Asylum support", "owner": str(self.coordinator.uuid)})
        case = Case.objects.get(title="Asylum support")
        self.assertRedirects(response, reverse("casework:case", kwargs={"case_uuid": case.uuid}))
        self.assertEqual((case.owner, case.opened_by, case.person), (self.coordinator, self.caseworker, self.amina))

    def test_opening_refuses_an_owner_outside_the_organisation_or_without_a_case_role(self):
        self.login(self.caseworker)
        for owner in (self.outsider, self.volunteer):
            response = self.client.post(self.new_url, {"title": "Asylum support", "owner": str(owner.uuid)})
            self.assertEqual(response.status_code, 400)
            self.assertContains(response, "Choose a caseworker from the list", status_code=400)
        response = self.client.post(self.new_url, {"title": "", "owner": str(self.caseworker.uuid)})
        self.assertContains(response, "Say in a few words what the case is about", status_code=400)
        self.assertEqual(Case.objects.count(), 1)

    def test_a_persons_cases_are_listed_with_their_figures(self):
        make_action(self.case, by=self.caseworker, due_on=days_ago(2), description="Chase the council")
        closed = make_case(self.amina, by=self.caseworker, title="Finding English classes")
        cases.do_close_case(closed, acting_user=self.caseworker, outcome="resolved")
        make_case(make_person(self.hub_org, "Yonas", by=self.caseworker), by=self.caseworker, title="Not Amina's")
        self.login(self.coordinator)
        response = self.client.get(self.list_url)
        self.assertContains(response, "Move-on support")
        self.assertContains(response, "Finding English classes")
        self.assertContains(response, "Chase the council")
        self.assertNotContains(response, "Not Amina")
        self.assertTrue(RecordAccess.objects.filter(person_uuid=self.amina.uuid, what="cases").exists())

    # The case page

    def test_the_case_page_shows_status_owner_notes_newest_first_and_actions_and_is_logged(self):
        make_note(self.case, by=self.caseworker, text="First contact", happened_on=days_ago(5))
        make_note(self.case, by=self.caseworker, text="Second contact", happened_on=days_ago(1))
        make_action(self.case, by=self.caseworker, due_on=days_ago(1), description="Overdue thing")
        self.login(self.caseworker)
        response = self.client.get(self.case_url)
        self.assertContains(response, "Move-on support")
        self.assertContains(response, "Open")
        self.assertContains(response, str(self.caseworker))
        body = response.content.decode()
        self.assertLess(body.index("Second contact"), body.index("First contact"))
        self.assertContains(response, "Overdue thing")
        self.assertContains(response, "overdue")
        self.assertContains(response, self.post_url("case_activate"))
        self.assertContains(response, self.post_url("case_close"))
        self.assertNotContains(response, self.post_url("case_reopen"))
        access = RecordAccess.objects.get(user=self.caseworker, what="case")
        self.assertEqual((access.person_uuid, access.object_id), (self.amina.uuid, str(self.case.uuid)))

    def test_the_case_page_has_the_other_parts_of_a_case(self):
        self.login(self.caseworker)
        response = self.client.get(self.case_url)
        for template in ("_case_plan.html", "_case_outcomes.html", "_case_matters.html", "_case_attachments.html"):
            self.assertTemplateUsed(response, f"casework/{template}")

    def test_the_transition_buttons_move_the_case_through_its_states(self):
        self.login(self.caseworker)
        response = self.client.post(self.post_url("case_activate"))
        self.assertRedirects(response, self.case_url)
        response = self.client.post(self.post_url("case_close"), {"outcome": "partly_resolved", "closing_note": "Done"})
        self.assertRedirects(response, self.case_url)
        self.case.refresh_from_db()
        self.assertEqual((self.case.status, self.case.outcome), (Case.Status.CLOSED, "partly_resolved"))
        page = self.client.get(self.case_url)
        self.assertContains(page, "Partly resolved")
        self.assertContains(page, self.post_url("case_reopen"))
        self.assertNotContains(page, self.post_url("case_note_add"))
        response = self.client.post(self.post_url("case_reopen"), {"reason": "New letter"})
        self.assertRedirects(response, self.case_url)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, Case.Status.REOPENED)

    def test_an_illegal_transition_is_refused_with_409_and_a_message(self):
        self.login(self.caseworker)
        response = self.client.post(self.post_url("case_reopen"), {"reason": "Why"})
        self.assertContains(response, "Only a closed case can be reopened", status_code=409)
        cases.do_activate_case(self.case, acting_user=self.caseworker)
        response = self.client.post(self.post_url("case_activate"))
        self.assertContains(response, "Only an open or reopened case can be made active", status_code=409)
        self.assertEqual(Event.objects.filter(action="case.activated").count(), 1)

    def test_closing_without_an_outcome_shows_the_error(self):
        self.login(self.caseworker)
        response = self.client.post(self.post_url("case_close"), {"outcome": ""})
        self.assertContains(response, "Choose the outcome of the case", status_code=400)
        self.assertContains(response, "error-summary", status_code=400)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, Case.Status.OPEN)

    def test_it_reassigns_the_case_to_a_caseworker_of_the_organisation_only(self):
        self.login(self.caseworker)
        response = self.client.post(self.post_url("case_reassign"), {"owner": str(self.outsider.uuid)})
        self.assertEqual(response.status_code, 400)
        response = self.client.post(self.post_url("case_reassign"), {"owner": str(self.coordinator.uuid)})
        self.assertRedirects(response, self.case_url)
        self.case.refresh_from_db()
        self.assertEqual(self.case.owner, self.coordinator)

    def test_it_adds_a_note_kept_encrypted(self):
        self.login(self.caseworker)
        response = self.client.post(
            self.post_url("case_note_add"),
            {"kind": "home_visit", "happened_on": days_ago(1).isoformat(), "text": "Visited the family"},
        )
        self.assertRedirects(response, self.case_url)
        note = CaseNote.objects.get()
        self.assertEqual((note.kind, note.happened_on, note.written_by), ("home_visit", days_ago(1), self.caseworker))
        self.assertContains(self.client.get(self.case_url), "Visited the family")
        response = self.client.post(self.post_url("case_note_add"), {"kind": "phone", "happened_on": "", "text": ""})
        self.assertContains(response, "Write the note", status_code=400)

    def test_it_adds_completes_and_reassigns_actions(self):
        self.login(self.caseworker)
        response = self.client.post(
            self.post_url("case_action_add"),
            {"description": "Ring the GP", "owner": str(self.caseworker.uuid), "due_on": days_ago(-2).isoformat()},
        )
        self.assertRedirects(response, self.case_url)
        action = CaseAction.objects.get()
        response = self.client.post(
            self.post_url("case_action_reassign", action_uuid=action.uuid), {"owner": str(self.volunteer.uuid)}
        )
        self.assertEqual(response.status_code, 400)
        response = self.client.post(
            self.post_url("case_action_reassign", action_uuid=action.uuid), {"owner": str(self.coordinator.uuid)}
        )
        self.assertRedirects(response, self.case_url)
        response = self.client.post(self.post_url("case_action_done", action_uuid=action.uuid))
        self.assertRedirects(response, self.case_url)
        action.refresh_from_db()
        self.assertEqual((action.owner, action.done_by), (self.coordinator, self.caseworker))
        response = self.client.post(self.post_url("case_action_done", action_uuid=action.uuid))
        self.assertContains(response, "already done", status_code=409)

    def test_an_action_of_another_case_is_404(self):
        other_case = make_case(make_person(self.hub_org, "Yonas", by=self.caseworker), by=self.caseworker)
        action = make_action(other_case, by=self.caseworker)
        self.login(self.caseworker)
        response = self.client.post(self.post_url("case_action_done", action_uuid=action.uuid))
        self.assertEqual(response.status_code, 404)

    def test_every_id_on_the_case_page_is_unique_and_every_field_labelled(self):
        make_action(self.case, by=self.caseworker)
        self.login(self.caseworker)
        body = self.client.get(self.case_url).content.decode()
        ids = re.findall(r'\sid="([^"]+)"', body)
        self.assertEqual(len(ids), len(set(ids)), sorted(ids))
        for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', body):
            if 'type="hidden"' in body.split(f'id="{field_id}"')[0].rsplit("<", 1)[-1]:
                continue
            self.assertIn(f'for="{field_id}"', body)

    def test_the_transitions_only_take_post(self):
        self.login(self.caseworker)
        self.assertEqual(self.client.get(self.post_url("case_close")).status_code, 405)
