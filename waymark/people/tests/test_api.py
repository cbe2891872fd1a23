"""GET and POST /api/v1/people, and GET /api/v1/people/{id}."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from waymark.accounts.models import Membership
from waymark.accounts.tokens import create_api_token
from waymark.audit.models import RecordAccess
from waymark.people.models import Person
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


class PeopleApiTestCase(BaseTestCase):
    def setUp(self):
        self.amina = make_person(self.hub_org, "Amina Yusuf", by=self.caseworker, languages=["ar"], phone="07700900123")
        self.elsewhere = make_person(self.other_org, "Amina Elsewhere", by=self.outsider)

    def token(self, user, organisation, read_only=False):
        membership = Membership.objects.get(user=user, organisation=organisation)
        return create_api_token(membership, acting_user=user, read_only=read_only)[1]

    def test_a_volunteer_finds_people_of_their_organisation_only(self):
        self.login(self.volunteer)
        response = self.client.get("/api/v1/people", {"search": "ami"})
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual([person["id"] for person in body], [str(self.amina.uuid)])
        self.assertEqual(body[0]["reference"], self.amina.reference)
        self.assertEqual(body[0]["languages"], ["ar"])
        self.assertNotIn("phone", body[0])
        self.assertNotIn("full_name", body[0])

    def test_finding_asks_the_same_queries_however_many_are_found_and_says_who_may_be_contacted(self):
        self.login(self.volunteer)
        make_person(self.hub_org, "Amina Hassan", by=self.caseworker, contact_consent=True)
        with CaptureQueriesContext(connection) as two:
            body = self.client.get("/api/v1/people", {"search": "ami"}).json()
        self.assertEqual(
            {person["display_name"]: person["may_contact"] for person in body},
            {"Amina Yusuf": False, "Amina Hassan": True},
        )
        for number in range(5):
            make_person(self.hub_org, f"Amina {number}", by=self.caseworker, contact_consent=True)
        with CaptureQueriesContext(connection) as seven:
            self.assertEqual(len(self.client.get("/api/v1/people", {"search": "ami"}).json()), 7)
        self.assertEqual(len(seven), len(two))

    def test_a_token_finds_by_phone_number(self):
        secret = self.token(self.caseworker, self.hub_org, read_only=True)
        response = self.client.get("/api/v1/people", {"search": "+44 7700 900123"}, headers=bearer(secret))
        self.assertEqual([person["id"] for person in response.json()], [str(self.amina.uuid)])

    def test_an_outsider_gets_404_for_a_person_of_another_organisation(self):
        self.login(self.outsider)
        response = self.client.get(f"/api/v1/people/{self.amina.uuid}")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["code"], "not_found")
        # …and does not find them by searching either.
        self.assertEqual(self.client.get("/api/v1/people", {"search": "yusuf"}).json(), [])

    def test_opening_a_person_is_logged(self):
        self.login(self.volunteer)
        response = self.client.get(f"/api/v1/people/{self.amina.uuid}")
        self.assertEqual(response.json()["display_name"], "Amina Yusuf")
        self.assertTrue(RecordAccess.objects.filter(user=self.volunteer, person_uuid=self.amina.uuid).exists())

    def test_a_member_with_no_role_gets_404(self):
        self.login(self.council)
        self.assertEqual(self.client.get("/api/v1/people").status_code, 404)

    def test_it_needs_authentication(self):
        self.assertEqual(self.client.get("/api/v1/people").status_code, 401)

    def test_a_token_registers_a_person(self):
        secret = self.token(self.volunteer, self.hub_org)
        response = self.client.post(
            "/api/v1/people",
            json.dumps(
                {"display_name": "Amina Yusuf", "consent_how": "spoken_with_interpreter", "phone": "07700 900123"}
            ),
            content_type="application/json",
            headers=bearer(secret),
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        person = Person.objects.get(uuid=body["id"])
        self.assertEqual((person.organisation, person.registered_by), (self.hub_org, self.volunteer))
        self.assertEqual(body["possible_duplicates"], [str(self.amina.uuid)])

    def test_a_read_only_token_cannot_register(self):
        secret = self.token(self.caseworker, self.hub_org, read_only=True)
        response = self.client.post(
            "/api/v1/people",
            json.dumps({"display_name": "Yonas", "consent_how": "spoken"}),
            content_type="application/json",
            headers=bearer(secret),
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "read_only_token")
        self.assertFalse(Person.objects.filter(display_name="Yonas").exists())

    def test_it_refuses_malformed_input_with_422(self):
        secret = self.token(self.caseworker, self.hub_org)
        for payload in ({"display_name": "Yonas"}, {"display_name": "Yonas", "consent_how": "spoken", "phone": "abc"}):
            response = self.client.post(
                "/api/v1/people", json.dumps(payload), content_type="application/json", headers=bearer(secret)
            )
            self.assertEqual(response.status_code, 422, payload)
            self.assertEqual(response.json()["code"], "invalid")
        self.assertFalse(Person.objects.filter(display_name="Yonas").exists())
