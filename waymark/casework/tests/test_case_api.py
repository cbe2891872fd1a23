"""GET /api/v1/cases, GET /api/v1/cases/{id}, POST /api/v1/cases/{id}/notes."""

import datetime as dt
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from waymark.audit.models import RecordAccess
from waymark.casework import cases
from waymark.casework.models import CaseNote
from waymark.casework.tests.test_case_support import api_token, bearer, days_ago, make_action, make_case, make_note
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase


class CaseApiTestCase(BaseTestCase):
    def setUp(self):
        self.amina = make_person(self.hub_org, "Amina", by=self.caseworker)
        self.case = make_case(self.amina, by=self.caseworker)
        make_action(self.case, by=self.caseworker, due_on=days_ago(2))
        make_action(self.case, by=self.caseworker, due_on=days_ago(-5))
        self.theirs = make_case(self.amina, by=self.caseworker, owner=self.coordinator, title="Coordinator's")
        self.notes_url = f"/api/v1/cases/{self.case.uuid}/notes"

    def note_body(self, **fields):
        return {"kind": "phone", "text": "Called about the letter", "happened_on": days_ago(1).isoformat(), **fields}

    def post_note(self, body, **kwargs):
        return self.client.post(self.notes_url, body, content_type="application/json", **kwargs)

    # The list

    def test_a_caseworker_lists_their_own_cases(self):
        self.login(self.caseworker)
        response = self.client.get("/api/v1/cases", {"owner": "me"})
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual([case["id"] for case in body], [str(self.case.uuid)])
        self.assertEqual(body[0]["person"], {"id": str(self.amina.uuid), "display_name": "Amina"})
        self.assertEqual(body[0]["owner"]["id"], str(self.caseworker.uuid))
        self.assertEqual((body[0]["status"], body[0]["overdue_actions"]), ("open", 1))
        self.assertEqual(body[0]["next_due"], days_ago(2).isoformat())
        self.assertEqual(body[0]["title"], "Move-on support")
        self.assertIn("opened_at", body[0])

    def test_someone_elses_caseload_is_for_coordinators(self):
        self.login(self.caseworker)
        response = self.client.get("/api/v1/cases", {"owner": str(self.coordinator.uuid)})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["code"], "not_found")
        self.assertEqual(self.client.get("/api/v1/cases", {"owner": "team"}).status_code, 404)
        # Their own uuid is the same as "me".
        response = self.client.get("/api/v1/cases", {"owner": str(self.caseworker.uuid)})
        self.assertEqual(len(response.json()), 1)
        self.login(self.coordinator)
        response = self.client.get("/api/v1/cases", {"owner": str(self.caseworker.uuid)})
        self.assertEqual([case["id"] for case in response.json()], [str(self.case.uuid)])
        response = self.client.get("/api/v1/cases", {"owner": "team"})
        self.assertEqual(len(response.json()), 2)

    def test_the_status_filter(self):
        cases.do_close_case(self.case, acting_user=self.caseworker, outcome="resolved")
        self.login(self.caseworker)
        self.assertEqual(self.client.get("/api/v1/cases").json(), [])
        body = self.client.get("/api/v1/cases", {"status": "closed"}).json()
        self.assertEqual([(case["status"], case["outcome"]) for case in body], [("closed", "resolved")])
        self.assertEqual(len(self.client.get("/api/v1/cases", {"status": "all"}).json()), 1)

    def test_bad_input_is_422(self):
        self.login(self.coordinator)
        for query in ({"owner": "somebody"}, {"status": "lost"}, {"limit": 0}, {"offset": -1}):
            with self.subTest(query=query):
                response = self.client.get("/api/v1/cases", query)
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response.json()["code"], "invalid")

    def test_the_list_asks_the_same_queries_however_many_cases(self):
        secret = api_token(self.caseworker, self.hub_org, read_only=True)
        # A token's first use is recorded (last_used_at); after that each request is alike.
        self.client.get("/api/v1/cases", headers=bearer(secret))
        with CaptureQueriesContext(connection) as one:
            self.assertEqual(len(self.client.get("/api/v1/cases", headers=bearer(secret)).json()), 1)
        for number in range(6):
            case = make_case(make_person(self.hub_org, f"P{number}", by=self.caseworker), by=self.caseworker)
            make_action(case, by=self.caseworker, due_on=days_ago(number))
        with CaptureQueriesContext(connection) as seven:
            self.assertEqual(len(self.client.get("/api/v1/cases", headers=bearer(secret)).json()), 7)
        self.assertEqual(len(seven), len(one))

    def test_volunteers_outsiders_and_anonymous_get_no_cases(self):
        for user in (self.volunteer, self.council):
            self.login(user)
            response = self.client.get("/api/v1/cases")
            self.assertEqual(response.status_code, 404)
            self.assertEqual(response.json(), {"detail": "Not found.", "code": "not_found"})
        self.login(self.outsider)
        self.assertEqual(self.client.get("/api/v1/cases", {"status": "all"}).json(), [])
        self.client.logout()
        self.assertEqual(self.client.get("/api/v1/cases").status_code, 401)

    # One case

    def test_a_caseworker_reads_a_case_with_its_notes_and_it_is_logged(self):
        make_note(self.case, by=self.caseworker, text="Older", happened_on=days_ago(4))
        make_note(self.case, by=self.caseworker, text="Newer", happened_on=days_ago(1))
        self.login(self.caseworker)
        response = self.client.get(f"/api/v1/cases/{self.case.uuid}")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual([note["text"] for note in body["notes"]], ["Newer", "Older"])
        self.assertEqual([action["overdue"] for action in body["actions"]], [True, False])
        self.assertTrue(RecordAccess.objects.filter(user=self.caseworker, what="api", object_id=str(self.case.uuid)))

    def test_one_case_is_404_for_a_volunteer_an_outsider_and_another_organisations_lead(self):
        for user in (self.volunteer, self.outsider, self.partner):
            self.login(user)
            with self.subTest(user=user.email):
                response = self.client.get(f"/api/v1/cases/{self.case.uuid}")
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json()["code"], "not_found")
        secret = api_token(self.outsider, self.other_org)
        response = self.client.get(f"/api/v1/cases/{self.case.uuid}", headers=bearer(secret))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.get(f"/api/v1/cases/{uuid.uuid4()}", headers=bearer(secret)).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(f"/api/v1/cases/{self.case.uuid}").status_code, 401)

    # Adding a note

    def test_a_caseworker_adds_a_note_201_encrypted(self):
        secret = api_token(self.caseworker, self.hub_org)
        response = self.post_note(self.note_body(), headers=bearer(secret))
        self.assertEqual(response.status_code, 201)
        body = response.json()
        self.assertEqual(
            (body["kind"], body["text"], body["happened_on"]),
            ("phone", "Called about the letter", days_ago(1).isoformat()),
        )
        note = CaseNote.objects.get(uuid=body["id"])
        self.assertEqual((note.case, note.written_by), (self.case, self.caseworker))
        with connection.cursor() as cursor:
            cursor.execute("SELECT text FROM casework_casenote WHERE id = %s", [note.pk])
            self.assertNotIn("letter", cursor.fetchone()[0])

    def test_the_date_defaults_to_today(self):
        self.login(self.caseworker)
        response = self.post_note({"kind": "advice", "text": "Advice given"})
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["happened_on"], timezone.localdate().isoformat())

    def test_a_resend_with_the_same_client_id_and_body_is_200_with_the_same_note(self):
        self.login(self.caseworker)
        key = str(uuid.uuid4())
        first = self.post_note(self.note_body(client_id=key))
        again = self.post_note(self.note_body(client_id=key))
        self.assertEqual((first.status_code, again.status_code), (201, 200))
        self.assertEqual(first.json()["id"], again.json()["id"])
        self.assertEqual(again.json()["client_id"], key)
        different = self.post_note(self.note_body(client_id=key, text="Something else"))
        self.assertEqual(different.status_code, 409)
        self.assertEqual(different.json()["code"], "conflict")
        self.assertEqual(CaseNote.objects.count(), 1)

    def test_a_client_id_used_on_another_case_is_a_conflict(self):
        self.login(self.coordinator)
        key = str(uuid.uuid4())
        self.assertEqual(self.post_note(self.note_body(client_id=key)).status_code, 201)
        response = self.client.post(
            f"/api/v1/cases/{self.theirs.uuid}/notes", self.note_body(client_id=key), content_type="application/json"
        )
        self.assertEqual(response.status_code, 409)

    def test_a_resend_after_the_case_closed_still_gets_its_note_but_a_new_note_is_409(self):
        self.login(self.caseworker)
        key = str(uuid.uuid4())
        self.assertEqual(self.post_note(self.note_body(client_id=key)).status_code, 201)
        cases.do_close_case(self.case, acting_user=self.caseworker, outcome="resolved")
        self.assertEqual(self.post_note(self.note_body(client_id=key)).status_code, 200)
        response = self.post_note(self.note_body())
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "conflict")

    def test_bad_notes_are_422(self):
        self.login(self.caseworker)
        tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
        for body in (
            self.note_body(kind="letter"),
            self.note_body(text=""),
            self.note_body(text="   "),
            self.note_body(happened_on="yesterday"),
            self.note_body(happened_on=tomorrow),
            self.note_body(client_id="not-a-uuid"),
        ):
            with self.subTest(body=body):
                response = self.post_note(body)
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response.json()["code"], "invalid")
        response = self.client.post(self.notes_url, "{not json", content_type="application/json")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(CaseNote.objects.count(), 0)

    def test_a_read_only_token_cannot_add_a_note(self):
        secret = api_token(self.caseworker, self.hub_org, read_only=True)
        response = self.post_note(self.note_body(), headers=bearer(secret))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "read_only_token")
        self.assertEqual(CaseNote.objects.count(), 0)

    def test_volunteers_outsiders_and_other_leads_cannot_add_notes(self):
        for user, organisation in ((self.volunteer, self.hub_org), (self.outsider, self.other_org)):
            secret = api_token(user, organisation)
            with self.subTest(user=user.email):
                response = self.post_note(self.note_body(), headers=bearer(secret))
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json()["code"], "not_found")
        self.assertEqual(self.post_note(self.note_body()).status_code, 401)
        self.assertEqual(CaseNote.objects.count(), 0)
