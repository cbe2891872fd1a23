"""POST and GET /api/v1/sessions/{id}/check-ins: 201 when recorded, 200 for the same check-in
sent again, 409 for a different one with the same key or a second check-in of a person; the
hub team only (404 off the team and for outsiders), a read-only token cannot write, and a
session cookie needs the CSRF token."""

import datetime as dt
import json
import uuid

from django.test import Client

from waymark.accounts.models import Membership
from waymark.accounts.tokens import create_api_token
from waymark.hubs.models import LONDON, Visit
from waymark.hubs.tests.helpers import HubTestCase, at
from waymark.people.tests.helpers import make_person

TUESDAY = dt.datetime(2026, 3, 3, 10, 30, tzinfo=LONDON)


class CheckInApiTestCase(HubTestCase):
    def setUp(self):
        self.generate()
        self.tuesday = self.session_on(dt.date(2026, 3, 3))
        self.url = f"/api/v1/sessions/{self.tuesday.uuid}/check-ins"
        self.amina = make_person(self.hub_org, "Amina Yusuf", by=self.volunteer)

    def bearer(self, user, read_only=False):
        membership = Membership.objects.get(user=user)
        secret = create_api_token(membership, acting_user=user, read_only=read_only)[1]
        return {"Authorization": f"Bearer {secret}"}

    def send(self, body, user=None, headers=None):
        headers = headers if headers is not None else self.bearer(user or self.volunteer)
        with at(TUESDAY):
            return self.client.post(self.url, json.dumps(body), content_type="application/json", headers=headers)


class CreateCheckInTests(CheckInApiTestCase):
    def test_it_answers_201_then_200_with_the_original_then_409(self):
        key = str(uuid.uuid4())
        body = {"client_id": key, "person_id": str(self.amina.uuid), "needs": ["housing"], "given": {"hot_meals": 1}}

        created = self.send(body)
        self.assertEqual(created.status_code, 201, created.content)
        visit = Visit.objects.get()
        self.assertEqual(
            created.json(),
            {
                "id": str(visit.uuid),
                "client_id": key,
                "session_id": str(self.tuesday.uuid),
                "person": {"id": str(self.amina.uuid), "display_name": "Amina Yusuf"},
                "anonymous": False,
                "first_visit": True,
                "checked_in_at": "2026-03-03T10:30:00Z",
                "needs": ["housing"],
                "given": {"hot_meals": 1},
            },
        )

        again = self.send(body)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json(), created.json())

        changed = self.send({**body, "given": {"hot_meals": 2}})
        self.assertEqual(changed.status_code, 409)
        self.assertEqual(changed.json()["code"], "conflict")
        self.assertEqual(changed.json()["errors"][0]["type"], "key_reused")
        self.assertEqual(Visit.objects.count(), 1)

    def test_a_second_check_in_of_the_same_person_is_409(self):
        self.send({"client_id": str(uuid.uuid4()), "person_id": str(self.amina.uuid)})
        response = self.send({"client_id": str(uuid.uuid4()), "person_id": str(self.amina.uuid)})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["errors"][0]["type"], "already_checked_in")
        self.assertIn("Amina Yusuf is already checked in", response.json()["detail"])
        self.assertEqual(Visit.objects.count(), 1)

    def test_an_anonymous_headcount(self):
        response = self.send({"client_id": str(uuid.uuid4()), "anonymous": True})
        self.assertEqual(response.status_code, 201)
        self.assertIsNone(response.json()["person"])
        self.assertTrue(Visit.objects.get().anonymous)

    def test_malformed_check_ins_are_422(self):
        for body in (
            {"client_id": "not-a-uuid", "anonymous": True},
            {"client_id": str(uuid.uuid4())},
            {"client_id": str(uuid.uuid4()), "anonymous": True, "person_id": str(self.amina.uuid)},
            {"client_id": str(uuid.uuid4()), "person_id": str(uuid.uuid4())},
            {"client_id": str(uuid.uuid4()), "anonymous": True, "needs": ["no-such-need"]},
            {"client_id": str(uuid.uuid4()), "anonymous": True, "given": {"cash": 1}},
            {"client_id": str(uuid.uuid4()), "anonymous": True, "given": {"hot_meals": 50}},
        ):
            with self.subTest(body=body):
                response = self.send(body)
                self.assertEqual(response.status_code, 422, response.content)
                self.assertEqual(response.json()["code"], "invalid")
        self.assertFalse(Visit.objects.exists())

    def test_a_person_of_another_organisation_is_not_found_among_yours(self):
        stranger = make_person(self.other_org, "Stranger", by=self.outsider)
        response = self.send({"client_id": str(uuid.uuid4()), "person_id": str(stranger.uuid)})
        self.assertEqual(response.status_code, 422)
        self.assertFalse(Visit.objects.exists())

    def test_a_session_not_yet_on_is_400(self):
        later = self.session_on(dt.date(2026, 3, 10))
        with at(TUESDAY):
            response = self.client.post(
                f"/api/v1/sessions/{later.uuid}/check-ins",
                json.dumps({"client_id": str(uuid.uuid4()), "anonymous": True}),
                content_type="application/json",
                headers=self.bearer(self.volunteer),
            )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["code"], "refused")

    def test_off_the_team_and_outsiders_get_404(self):
        for user in (self.caseworker, self.outsider, self.partner):
            with self.subTest(user=user.email):
                response = self.send({"client_id": str(uuid.uuid4()), "anonymous": True}, user=user)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json()["code"], "not_found")
        self.assertFalse(Visit.objects.exists())

    def test_a_read_only_token_gets_403(self):
        response = self.send(
            {"client_id": str(uuid.uuid4()), "anonymous": True}, headers=self.bearer(self.volunteer, read_only=True)
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "read_only_token")
        self.assertFalse(Visit.objects.exists())

    def test_without_signing_in_it_is_401_never_a_redirect(self):
        response = self.send({"client_id": str(uuid.uuid4()), "anonymous": True}, headers={})
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "not_authenticated")

    def test_a_signed_in_page_needs_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.volunteer)
        session = client.session
        session["mfa_set_up"] = True
        session.save()
        body = json.dumps({"client_id": str(uuid.uuid4()), "anonymous": True})
        with at(TUESDAY):
            refused = client.post(self.url, body, content_type="application/json")
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(refused.json()["code"], "csrf_failed")

        with at(TUESDAY):
            page = client.get(f"/organisation/sessions/{self.tuesday.uuid}/")
            token = page.context["csrf_token"]
            accepted = client.post(self.url, body, content_type="application/json", headers={"X-CSRFToken": str(token)})
        self.assertEqual(accepted.status_code, 201, accepted.content)


class ListCheckInsTests(CheckInApiTestCase):
    def test_the_team_lists_the_check_ins_in_order(self):
        self.send({"client_id": str(uuid.uuid4()), "person_id": str(self.amina.uuid)})
        self.send({"client_id": str(uuid.uuid4()), "anonymous": True})
        with at(TUESDAY):
            response = self.client.get(self.url, headers=self.bearer(self.volunteer, read_only=True))
        self.assertEqual(response.status_code, 200)
        self.assertEqual([(c["anonymous"], c["first_visit"]) for c in response.json()], [(False, True), (True, False)])

    def test_off_the_team_and_outsiders_get_404(self):
        for user in (self.caseworker, self.outsider, self.partner):
            with self.subTest(user=user.email), at(TUESDAY):
                self.assertEqual(self.client.get(self.url, headers=self.bearer(user)).status_code, 404)
