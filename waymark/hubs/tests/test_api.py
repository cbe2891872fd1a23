"""GET /api/v1/hubs and GET /api/v1/hubs/{id}/sessions: the same door as the pages."""

import datetime as dt
import uuid

from waymark.accounts.models import ApiToken, Membership, hash_token
from waymark.hubs.models import RotaInvitation
from waymark.hubs.tests.helpers import MONDAY, HubTestCase, at


class HubsApiTestCase(HubTestCase):
    def setUp(self):
        self.generate()
        tuesday = self.session_on(dt.date(2026, 3, 3))
        RotaInvitation.objects.create(
            session=tuesday, organisation=self.partner_org, invited_by=self.coordinator, status="confirmed"
        )
        RotaInvitation.objects.create(
            session=tuesday, organisation=self.council_org, invited_by=self.coordinator, status="declined"
        )

    def bearer(self, user):
        secret = ApiToken.new_secret()
        ApiToken.objects.create(
            membership=Membership.objects.get(user=user), prefix=secret[:10], token_hash=hash_token(secret)
        )
        return {"Authorization": f"Bearer {secret}"}

    def get(self, user, url, **params):
        with at(MONDAY):
            return self.client.get(url, params, headers=self.bearer(user))

    def test_the_team_lists_its_hubs(self):
        body = self.get(self.volunteer, "/api/v1/hubs").json()
        self.assertEqual([hub["name"] for hub in body], ["Bolton Hub"])
        hub = body[0]
        self.assertEqual(hub["id"], str(self.hub.uuid))
        self.assertEqual(hub["model"], "local_provider")
        self.assertEqual(hub["service_id"], str(self.hub.service_id))
        self.assertEqual(
            {site["name"] for site in hub["sites"]}, {"Derby Street Community Centre", "Bolton Central Library"}
        )
        # This week's core offer, line by line (computed in test_core_offer.py).
        self.assertEqual(
            [line["slug"] for line in hub["core_offer"]],
            [
                "welcome",
                "initial_assessment",
                "casework",
                "immigration_advice",
                "housing_advice",
                "orientation",
                "english_language",
                "employability",
                "social_space",
                "activities",
            ],
        )
        assessment = hub["core_offer"][1]
        self.assertIsNone(assessment["met"])
        self.assertIn("Not yet recorded", assessment["why"])

    def test_a_partner_sees_the_hubs_it_is_a_partner_of(self):
        self.assertEqual([hub["name"] for hub in self.get(self.partner, "/api/v1/hubs").json()], ["Bolton Hub"])

    def test_others_see_no_hubs(self):
        for user in (self.caseworker, self.outsider):
            self.assertEqual(self.get(user, "/api/v1/hubs").json(), [])

    def test_it_needs_authentication(self):
        self.assertEqual(self.client.get("/api/v1/hubs").status_code, 401)

    def test_the_team_lists_sessions_between_two_dates_with_the_whole_rota(self):
        response = self.get(
            self.volunteer, f"/api/v1/hubs/{self.hub.uuid}/sessions", **{"from": "2026-03-03", "to": "2026-03-05"}
        )
        self.assertEqual(response.status_code, 200)
        sessions = response.json()
        self.assertEqual([s["date"] for s in sessions], ["2026-03-03", "2026-03-05"])
        first = sessions[0]
        self.assertEqual((first["starts_at"], first["ends_at"], first["status"]), ("10:00", "14:00", "scheduled"))
        self.assertEqual(first["offers"], ["welcome", "casework", "hot_food"])
        self.assertEqual(
            [(place["organisation"]["name"], place["status"]) for place in first["rota"]],
            [("Bolton Council", "declined"), ("Medlock Immigration Advice Centre", "confirmed")],
        )

    def test_a_partner_sees_the_confirmed_rota_and_its_own(self):
        sessions = self.get(
            self.partner, f"/api/v1/hubs/{self.hub.uuid}/sessions", **{"from": "2026-03-03", "to": "2026-03-03"}
        ).json()
        self.assertEqual(
            [place["organisation"]["name"] for place in sessions[0]["rota"]], ["Medlock Immigration Advice Centre"]
        )

    def test_by_default_it_gives_the_next_four_weeks(self):
        sessions = self.get(self.volunteer, f"/api/v1/hubs/{self.hub.uuid}/sessions").json()
        self.assertEqual(sessions[0]["date"], "2026-03-03")
        self.assertEqual(sessions[-1]["date"], "2026-03-26")

    def test_bad_dates_are_422(self):
        url = f"/api/v1/hubs/{self.hub.uuid}/sessions"
        for params in (
            {"from": "3 March"},
            {"to": "2026-02-30"},
            {"from": "2026-03-10", "to": "2026-03-01"},
            {"from": "2026-01-01", "to": "2027-06-01"},
        ):
            response = self.get(self.volunteer, url, **params)
            self.assertEqual(response.status_code, 422, params)
            self.assertEqual(response.json()["code"], "invalid")

    def test_an_outsider_or_a_member_off_the_team_gets_404(self):
        for user in (self.outsider, self.caseworker):
            response = self.get(user, f"/api/v1/hubs/{self.hub.uuid}/sessions")
            self.assertEqual(response.status_code, 404)
            self.assertEqual(response.json()["code"], "not_found")
        self.assertEqual(self.get(self.volunteer, f"/api/v1/hubs/{uuid.uuid4()}/sessions").status_code, 404)
