"""POST and GET /api/v1/people/{id}/assessments: the assessment roles of the person's
organisation only (a volunteer and an outsider get 404), a read-only token cannot write, bad
input is 422 in the API's error format; the answer carries the risk level and the prompts."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from waymark.audit.models import RecordAccess
from waymark.casework.assessments import do_record_assessment
from waymark.casework.models import Assessment, SafeguardingConcern
from waymark.casework.tests.assessment_helpers import AssessmentTestCase

BODY = {
    "needs": [{"need": "housing", "urgency": "immediate"}, {"need": "esol"}],
    "indicators": ["suicide_risk"],
    "loneliness": "often",
    "life_satisfaction": 2,
    "worthwhile": 3,
    "happiness": 4,
    "anxiety": 9,
    "notes": "Said he cannot go on.",
}


class AssessmentApiTestCase(AssessmentTestCase):
    def url(self, person=None):
        return f"/api/v1/people/{(person or self.amina).uuid}/assessments"

    def post(self, body, headers, person=None):
        return self.client.post(self.url(person), json.dumps(body), content_type="application/json", headers=headers)


class RecordingOne(AssessmentApiTestCase):
    def test_a_caseworker_token_records_an_assessment_and_its_prompts(self):
        response = self.post(BODY, self.token(self.caseworker, self.hub_org))
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        assessment = Assessment.objects.get(uuid=body["id"])
        concern = SafeguardingConcern.objects.get()
        self.assertEqual(assessment.assessed_by, self.caseworker)
        self.assertEqual(body["person_id"], str(self.amina.uuid))
        self.assertEqual(body["risk_level"], "critical")
        self.assertEqual(body["derived_risk_level"], "critical")
        self.assertEqual(
            body["needs"], [{"need": "esol", "urgency": "routine"}, {"need": "housing", "urgency": "immediate"}]
        )
        self.assertEqual(body["notes"], "Said he cannot go on.")
        self.assertEqual(
            body["prompts"],
            {
                "concerns": [{"id": str(concern.uuid), "category": "suicide_self_harm", "urgency": "immediate"}],
                "age_disputed": False,
                "nrm_first_responder": None,
            },
        )

    def test_under_18_in_adult_accommodation_is_flagged(self):
        self.live_in(self.amina, "contingency_hotel")
        response = self.post({"indicators": ["under_18", "trafficking"]}, self.token(self.caseworker, self.hub_org))
        prompts = response.json()["prompts"]
        self.assertIs(prompts["age_disputed"], True)
        self.assertIs(prompts["nrm_first_responder"], False)
        self.assertEqual(
            sorted(concern["category"] for concern in prompts["concerns"]), ["child_protection", "modern_slavery"]
        )
        self.amina.refresh_from_db()
        self.assertTrue(self.amina.age_disputed)

    def test_through_the_session_too(self):
        self.login(self.coordinator)
        response = self.client.post(self.url(), json.dumps({}), content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["risk_level"], "low")

    def test_a_read_only_token_cannot_record(self):
        response = self.post(BODY, self.token(self.caseworker, self.hub_org, read_only=True))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "read_only_token")
        self.assertFalse(Assessment.objects.exists())
        self.assertFalse(SafeguardingConcern.objects.exists())

    def test_a_volunteer_gets_404(self):
        response = self.post(BODY, self.token(self.volunteer, self.hub_org))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["code"], "not_found")
        self.assertFalse(Assessment.objects.exists())

    def test_an_outsider_gets_404(self):
        response = self.post(BODY, self.token(self.outsider, self.other_org))
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Assessment.objects.exists())
        # …and records for their own people.
        self.assertEqual(self.post({}, self.token(self.outsider, self.other_org), person=self.yusuf).status_code, 201)

    def test_it_needs_authentication(self):
        self.assertEqual(self.post(BODY, {}).status_code, 401)

    def test_bad_input_is_422(self):
        headers = self.token(self.caseworker, self.hub_org)
        for body in (
            {"needs": [{"need": "no-such-need", "urgency": "soon"}]},
            {"needs": [{"need": "housing"}, {"need": "housing", "urgency": "soon"}]},
            {"needs": [{"need": "housing", "urgency": "whenever"}]},
            {"indicators": ["sad"]},
            {"life_satisfaction": 11},
            {"loneliness": "always"},
        ):
            response = self.post(body, headers)
            self.assertEqual(response.status_code, 422, body)
            self.assertEqual(response.json()["code"], "invalid")
            self.assertIn("detail", response.json())
        self.assertFalse(Assessment.objects.exists())


class ListingThem(AssessmentApiTestCase):
    def setUp(self):
        super().setUp()
        for happiness in (3, 6):
            do_record_assessment(
                self.amina, acting_user=self.caseworker, needs=[("food", "soon")], happiness=happiness, notes="Note"
            )

    def test_a_caseworker_lists_them_latest_first_with_notes_and_it_is_logged(self):
        response = self.client.get(self.url(), headers=self.token(self.caseworker, self.hub_org, read_only=True))
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual([entry["happiness"] for entry in body], [6, 3])
        self.assertEqual(body[0]["notes"], "Note")
        self.assertTrue(RecordAccess.objects.filter(person_uuid=self.amina.uuid, what="api_assessments").exists())

    def test_a_volunteer_and_an_outsider_get_404(self):
        for user, organisation in ((self.volunteer, self.hub_org), (self.outsider, self.other_org)):
            response = self.client.get(self.url(), headers=self.token(user, organisation))
            self.assertEqual(response.status_code, 404)

    def test_it_asks_the_same_queries_however_many(self):
        headers = self.token(self.caseworker, self.hub_org)
        self.client.get(self.url(), headers=headers)  # The token's first use is recorded once.
        with CaptureQueriesContext(connection) as two:
            self.client.get(self.url(), headers=headers)
        for _number in range(5):
            do_record_assessment(self.amina, acting_user=self.caseworker, indicators=["trafficking", "suicide_risk"])
        with self.assertNumQueries(len(two.captured_queries)):
            self.assertEqual(len(self.client.get(self.url(), headers=headers).json()), 7)
