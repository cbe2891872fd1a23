"""GET /api/v1/me: who is calling, for whom, with which roles."""

from django.utils import timezone

from waymark.accounts.models import ApiToken, Membership, Role
from waymark.accounts.tokens import create_api_token
from waymark.testing import BaseTestCase


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


class MeTests(BaseTestCase):
    def test_it_describes_a_signed_in_member(self):
        self.login(self.coordinator)
        response = self.client.get("/api/v1/me")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {
                "user": {"id": str(self.coordinator.uuid), "email": "coordinator@example.org", "name": ""},
                "organisation": {
                    "id": str(self.hub_org.uuid),
                    "name": "Croal Valley Welcome Project",
                    "slug": "croal-valley-welcome-project",
                },
                "roles": ["coordinator", "safeguarding_lead", "organisation_admin"],
                "platform_roles": [],
                "administrator": False,
            },
        )

    def test_it_gives_the_organisation_chosen_in_the_header(self):
        second = Membership.objects.create(user=self.caseworker, organisation=self.other_org, roles=[Role.VOLUNTEER])
        self.login(self.caseworker)
        self.assertEqual(self.client.get("/api/v1/me").json()["organisation"]["slug"], "croal-valley-welcome-project")

        session = self.client.session
        session["acting_membership"] = str(second.uuid)
        session.save()
        body = self.client.get("/api/v1/me").json()
        self.assertEqual(body["organisation"]["slug"], "kersal-moor-welcome-centre")
        self.assertEqual(body["roles"], ["volunteer"])

    def test_it_describes_a_token_by_its_own_membership(self):
        Membership.objects.create(user=self.partner, organisation=self.hub_org, roles=[Role.VOLUNTEER])
        membership = Membership.objects.get(user=self.partner, organisation=self.partner_org)
        _token, secret = create_api_token(membership, acting_user=self.partner)
        body = self.client.get("/api/v1/me", headers=bearer(secret)).json()
        self.assertEqual(body["user"]["email"], "partner@example.org")
        self.assertEqual(body["organisation"]["slug"], "medlock-immigration-advice-centre")
        self.assertEqual(body["roles"], ["caseworker"])

    def test_a_read_only_token_may_ask(self):
        _token, secret = create_api_token(
            Membership.objects.get(user=self.volunteer), acting_user=self.volunteer, read_only=True
        )
        response = self.client.get("/api/v1/me", headers=bearer(secret))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["roles"], ["volunteer"])

    def test_a_revoked_token_may_not(self):
        token, secret = create_api_token(Membership.objects.get(user=self.volunteer), acting_user=self.volunteer)
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        response = self.client.get("/api/v1/me", headers=bearer(secret))
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "invalid_token")

    def test_nobody_may_not(self):
        response = self.client.get("/api/v1/me")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "not_authenticated")

    def test_it_lists_platform_roles_with_their_network(self):
        self.login(self.editor)
        body = self.client.get("/api/v1/me").json()
        self.assertIsNone(body["organisation"])
        self.assertEqual(body["roles"], [])
        self.assertEqual(
            body["platform_roles"],
            [
                {
                    "role": "directory_editor",
                    "network": {
                        "id": str(self.network.uuid),
                        "name": "Greater Manchester",
                        "slug": "greater-manchester",
                    },
                    "area": None,
                }
            ],
        )

    def test_it_lists_a_council_officers_area(self):
        self.login(self.council)
        body = self.client.get("/api/v1/me").json()
        self.assertEqual(body["organisation"]["slug"], "bolton-council")
        self.assertEqual(
            body["platform_roles"],
            [
                {
                    "role": "council_officer",
                    "network": None,
                    "area": {"id": str(self.bolton.uuid), "name": "Bolton", "slug": "bolton"},
                }
            ],
        )

    def test_it_says_who_is_an_administrator(self):
        self.login(self.admin)
        body = self.client.get("/api/v1/me").json()
        self.assertIs(body["administrator"], True)
        self.assertIsNone(body["organisation"])

    def test_a_token_request_stays_lean(self):
        # One query finds the token with its user and organisation, one the platform roles (the
        # time of use was just written when the token was first used, so not again).
        _token, secret = create_api_token(Membership.objects.get(user=self.volunteer), acting_user=self.volunteer)
        self.client.get("/api/v1/me", headers=bearer(secret))
        with self.assertNumQueries(2):
            self.client.get("/api/v1/me", headers=bearer(secret))
