"""/api/v1/safeguarding-concerns: raising (any role; not with a read-only token), the list
(leads: all; others: their own), one concern (its leads and raiser; others 404), and the
leads' triage, escalations and closing (409 for an illegal transition, 400 for a rule)."""

import json

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from waymark.audit.models import RecordAccess
from waymark.casework.models import Escalation, SafeguardingConcern
from waymark.casework.tests.test_safeguarding_helpers import SECRET, SafeguardingTestCase

URL = "/api/v1/safeguarding-concerns"


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


class RaisingApiTestCase(SafeguardingTestCase):
    def post(self, data, **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(URL, json.dumps(data), content_type="application/json", **kwargs)

    def body(self, **fields):
        return {"category": "modern_slavery", "what_happened": SECRET, "urgency": "immediate", **fields}

    def test_a_volunteers_token_raises_a_concern_about_a_person(self):
        secret = self.token(self.volunteer)
        response = self.post(self.body(person_id=str(self.amina.uuid)), headers=bearer(secret))
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        concern = SafeguardingConcern.objects.get()
        self.assertEqual(body["id"], str(concern.uuid))
        self.assertEqual(body["status"], "raised")
        self.assertEqual(body["person_id"], str(self.amina.uuid))
        self.assertTrue(body["raised_by_me"])
        self.assertEqual(concern.raised_by, self.volunteer)
        self.assertEqual(len(mail.outbox), 2)

    def test_about_someone_not_registered_with_the_session(self):
        self.login(self.caseworker)
        response = self.post(self.body(about="A woman at the hotel"))
        self.assertEqual(response.status_code, 201)
        self.assertIsNone(response.json()["person_id"])

    def test_it_needs_a_person_or_who_it_is_about(self):
        self.login(self.caseworker)
        response = self.post(self.body())
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["code"], "invalid")
        response = self.post(self.body(about="x", category="not-a-category"))
        self.assertEqual(response.status_code, 422)
        self.assertFalse(SafeguardingConcern.objects.exists())

    def test_a_read_only_token_cannot_raise(self):
        secret = self.token(self.coordinator, read_only=True)
        response = self.post(self.body(about="Someone"), headers=bearer(secret))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "read_only_token")
        self.assertFalse(SafeguardingConcern.objects.exists())

    def test_an_outsider_cannot_raise_about_another_organisations_person(self):
        response = self.post(self.body(person_id=str(self.amina.uuid)), headers=bearer(self.token(self.outsider)))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["code"], "not_found")
        self.assertFalse(SafeguardingConcern.objects.exists())

    def test_anonymous_and_no_role(self):
        self.assertEqual(self.post(self.body(about="x")).status_code, 401)
        response = self.post(self.body(about="x"), headers=bearer(self.token(self.council)))
        self.assertEqual(response.status_code, 404)


class ReadingApiTestCase(SafeguardingTestCase):
    def setUp(self):
        self.mine = self.raise_concern(by=self.volunteer)
        self.caseworkers = self.raise_concern(by=self.caseworker)
        self.elsewhere = self.raise_concern(by=self.outsider, about="A boy at the hotel")

    def get(self, path, user, read_only=True):
        return self.client.get(path, headers=bearer(self.token(user, read_only=read_only)))

    def test_a_lead_lists_all_of_the_organisations_concerns_without_text(self):
        response = self.get(URL, self.coordinator)
        self.assertEqual(response.status_code, 200)
        ids = {concern["id"] for concern in response.json()}
        self.assertEqual(ids, {str(self.mine.uuid), str(self.caseworkers.uuid)})
        self.assertNotIn(SECRET, response.content.decode())

    def test_another_member_lists_only_their_own(self):
        response = self.get(URL, self.volunteer)
        self.assertEqual([concern["id"] for concern in response.json()], [str(self.mine.uuid)])
        self.assertEqual(self.get(URL, self.partner).json(), [])

    def test_another_organisations_lead_lists_only_theirs(self):
        response = self.get(URL, self.outsider)
        self.assertEqual([concern["id"] for concern in response.json()], [str(self.elsewhere.uuid)])

    def test_the_list_filters_and_does_not_grow_its_queries(self):
        self.triage(self.mine)
        response = self.get(f"{URL}?status=triaged", self.coordinator)
        self.assertEqual([concern["id"] for concern in response.json()], [str(self.mine.uuid)])
        secret = self.token(self.coordinator, read_only=True)
        self.client.get(URL, headers=bearer(secret))  # The token's first use is recorded once.
        with CaptureQueriesContext(connection) as before:
            self.client.get(URL, headers=bearer(secret))
        for _number in range(4):
            self.raise_concern(by=self.caseworker)
        with self.assertNumQueries(len(before)):
            response = self.client.get(URL, headers=bearer(secret))
        self.assertEqual(len(response.json()), 6)

    def test_one_concern_for_its_lead_and_raiser_logged(self):
        for user in (self.coordinator, self.lead2, self.volunteer):
            with self.subTest(user=user.email):
                response = self.get(f"{URL}/{self.mine.uuid}", user)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.json()["what_happened"], SECRET)
        self.assertTrue(
            RecordAccess.objects.filter(user=self.volunteer, what="api", object_id=str(self.mine.uuid)).exists()
        )

    def test_one_concern_is_404_for_anyone_else(self):
        for user in (self.caseworker, self.outsider, self.partner, self.council):
            with self.subTest(user=user.email):
                response = self.get(f"{URL}/{self.mine.uuid}", user)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json()["code"], "not_found")
        self.assertEqual(self.client.get(f"{URL}/{self.mine.uuid}").status_code, 401)


class LeadApiTestCase(SafeguardingTestCase):
    def setUp(self):
        self.concern = self.raise_concern(by=self.volunteer)
        self.path = f"{URL}/{self.concern.uuid}"

    def post(self, path, data, user=None, read_only=False):
        secret = self.token(user or self.coordinator, read_only=read_only)
        return self.client.post(path, json.dumps(data), content_type="application/json", headers=bearer(secret))

    def test_triage_escalate_close(self):
        response = self.post(f"{self.path}/triage", {"decision": "act", "reason": "Exploitation indicators"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "triaged")
        response = self.post(
            f"{self.path}/escalations",
            {"to": "first_responder", "national_body": "the-salvation-army", "with_consent": True},
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["national_body"], "the-salvation-army")
        response = self.post(f"{self.path}/close", {"outcome": "handed_to_statutory"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["escalation_count"], 1)

    def test_an_illegal_transition_is_409(self):
        self.post(f"{self.path}/triage", {"decision": "monitor", "reason": "Watching"})
        response = self.post(f"{self.path}/triage", {"decision": "act", "reason": "Again"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "conflict")
        self.assertIn("already been triaged", response.json()["detail"])
        self.post(f"{self.path}/close", {"outcome": "person_safe"})
        response = self.post(f"{self.path}/escalations", {"to": "police", "with_consent": True})
        self.assertEqual(response.status_code, 409)

    def test_closing_untriaged_is_409_and_without_outcome_422(self):
        self.assertEqual(self.post(f"{self.path}/close", {"outcome": "person_safe"}).status_code, 409)
        self.assertEqual(self.post(f"{self.path}/close", {}).status_code, 422)

    def test_the_nrm_and_consent_rules_are_400(self):
        response = self.post(f"{self.path}/escalations", {"to": "nrm_referral", "with_consent": True})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["code"], "refused")
        self.assertIn("First Responder", response.json()["detail"])
        response = self.post(f"{self.path}/escalations", {"to": "police", "with_consent": False})
        self.assertEqual(response.status_code, 400)
        self.assertIn("lawful reason", response.json()["detail"])
        self.assertFalse(Escalation.objects.exists())
        self.hub_org.is_nrm_first_responder = True
        self.hub_org.save(update_fields=["is_nrm_first_responder"])
        response = self.post(f"{self.path}/escalations", {"to": "nrm_referral", "with_consent": True})
        self.assertEqual(response.status_code, 201)

    def test_only_leads_of_the_organisation(self):
        for user in (self.volunteer, self.caseworker, self.outsider):
            with self.subTest(user=user.email):
                response = self.post(f"{self.path}/triage", {"decision": "act", "reason": "x"}, user=user)
                self.assertEqual(response.status_code, 404)
        response = self.post(f"{self.path}/triage", {"decision": "act", "reason": "x"}, read_only=True)
        self.assertEqual(response.status_code, 403)
        self.concern.refresh_from_db()
        self.assertEqual(self.concern.status, "raised")
