"""How /api/v1/ knows who is calling: Bearer tokens, or the session with its CSRF check."""

from datetime import timedelta

from allauth.mfa.models import Authenticator
from django.test import Client, override_settings
from django.utils import timezone

from waymark.accounts.models import ApiToken, Membership, Role
from waymark.accounts.tokens import create_api_token
from waymark.testing import BaseTestCase

PROBE = "waymark.accounts.tests.api_probe"
CSRF_SECRET = "abcdefghijklmnopqrstuvwxyzABCDEF"


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@override_settings(ROOT_URLCONF=PROBE)
class BearerTokenTests(BaseTestCase):
    def setUp(self):
        self.membership = Membership.objects.get(user=self.caseworker)
        self.token, self.secret = create_api_token(self.membership, acting_user=self.caseworker, name="tablet")

    def test_it_acts_as_the_tokens_user_and_membership(self):
        response = self.client.get("/api/v1/probe/whoami", headers=bearer(self.secret))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {
                "user": "caseworker@example.org",
                "organisation": "croal-valley-welcome-project",
                "memberships": ["croal-valley-welcome-project"],
                "token": self.token.prefix,
            },
        )

    def test_it_acts_for_the_tokens_membership_not_the_one_chosen_in_the_session(self):
        # The caseworker also belongs to the partner organisation and, signed in, acts for it.
        partner_membership = Membership.objects.create(
            user=self.caseworker, organisation=self.partner_org, roles=[Role.VOLUNTEER]
        )
        self.login(self.caseworker)
        session = self.client.session
        session["acting_membership"] = str(partner_membership.uuid)
        session.save()
        self.assertEqual(
            self.client.get("/api/v1/probe/whoami").json()["organisation"], "medlock-immigration-advice-centre"
        )

        response = self.client.get("/api/v1/probe/whoami", headers=bearer(self.secret))
        self.assertEqual(response.json()["organisation"], "croal-valley-welcome-project")
        self.assertEqual(response.json()["memberships"], ["croal-valley-welcome-project"])

    def assert_invalid_token(self, response):
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "invalid_token")
        self.assertEqual(response["WWW-Authenticate"], 'Bearer error="invalid_token"')

    def test_it_refuses_an_unknown_token(self):
        self.assert_invalid_token(self.client.get("/api/v1/probe/whoami", headers=bearer("wmk_not-a-real-token")))

    def test_it_refuses_an_empty_token(self):
        self.assert_invalid_token(self.client.get("/api/v1/probe/whoami", headers={"Authorization": "Bearer "}))

    def test_it_refuses_a_revoked_token(self):
        ApiToken.objects.filter(pk=self.token.pk).update(revoked_at=timezone.now())
        self.assert_invalid_token(self.client.get("/api/v1/probe/whoami", headers=bearer(self.secret)))

    def test_it_refuses_the_token_of_an_inactive_user(self):
        self.caseworker.is_active = False
        self.caseworker.save()
        self.assert_invalid_token(self.client.get("/api/v1/probe/whoami", headers=bearer(self.secret)))

    def test_it_refuses_a_token_whose_membership_has_ended(self):
        self.membership.delete()
        self.assert_invalid_token(self.client.get("/api/v1/probe/whoami", headers=bearer(self.secret)))

    def test_it_refuses_another_authorization_scheme(self):
        response = self.client.get("/api/v1/probe/whoami", headers={"Authorization": f"Token {self.secret}"})
        self.assert_invalid_token(response)

    def test_a_bad_token_is_refused_even_with_a_signed_in_session(self):
        self.login(self.caseworker)
        self.assert_invalid_token(self.client.get("/api/v1/probe/whoami", headers=bearer("wmk_wrong")))

    def test_it_needs_no_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            "/api/v1/probe/echo",
            {"name": "a", "count": 1},
            content_type="application/json",
            headers=bearer(self.secret),
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"name": "a", "count": 1})

    def test_it_notes_when_the_token_was_first_used(self):
        self.assertIsNone(self.token.last_used_at)
        self.client.get("/api/v1/probe/whoami", headers=bearer(self.secret))
        self.token.refresh_from_db()
        self.assertIsNotNone(self.token.last_used_at)

    def test_it_notes_use_at_most_once_a_minute(self):
        recently = timezone.now() - timedelta(seconds=30)
        ApiToken.objects.filter(pk=self.token.pk).update(last_used_at=recently)
        self.client.get("/api/v1/probe/whoami", headers=bearer(self.secret))
        self.token.refresh_from_db()
        self.assertEqual(self.token.last_used_at, recently)

        a_while_ago = timezone.now() - timedelta(minutes=5)
        ApiToken.objects.filter(pk=self.token.pk).update(last_used_at=a_while_ago)
        self.client.get("/api/v1/probe/whoami", headers=bearer(self.secret))
        self.token.refresh_from_db()
        self.assertGreater(self.token.last_used_at, a_while_ago)


@override_settings(ROOT_URLCONF=PROBE)
class ReadOnlyTokenTests(BaseTestCase):
    def setUp(self):
        membership = Membership.objects.get(user=self.volunteer)
        self.token, self.secret = create_api_token(membership, acting_user=self.volunteer, read_only=True)

    def test_it_may_read(self):
        response = self.client.get("/api/v1/probe/whoami", headers=bearer(self.secret))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["user"], "volunteer@example.org")

    def test_it_may_not_write(self):
        response = self.client.post(
            "/api/v1/probe/echo",
            {"name": "a", "count": 1},
            content_type="application/json",
            headers=bearer(self.secret),
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "read_only_token")
        self.assertNotIn("name", response.json())

    def test_it_may_not_use_any_other_unsafe_method_either(self):
        for method in ("put", "patch", "delete"):
            response = getattr(self.client, method)("/api/v1/probe/echo", headers=bearer(self.secret))
            # No such operation: the method is refused before anyone is authenticated.
            self.assertEqual(response.status_code, 405, method)
        response = self.client.post("/api/v1/probe/conflict", headers=bearer(self.secret))
        self.assertEqual(response.json()["code"], "read_only_token")


@override_settings(ROOT_URLCONF=PROBE)
class SessionTests(BaseTestCase):
    def test_it_acts_for_the_organisation_chosen_in_the_header(self):
        self.login(self.coordinator)
        response = self.client.get("/api/v1/probe/whoami")
        self.assertEqual(
            response.json(),
            {
                "user": "coordinator@example.org",
                "organisation": "croal-valley-welcome-project",
                "memberships": ["croal-valley-welcome-project"],
                "token": None,
            },
        )

    def test_it_refuses_anyone_not_signed_in(self):
        response = self.client.get("/api/v1/probe/whoami")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "not_authenticated")
        self.assertEqual(response["WWW-Authenticate"], "Bearer")

    def test_it_tells_an_anonymous_writer_to_sign_in_rather_than_about_csrf(self):
        client = Client(enforce_csrf_checks=True)
        response = client.post("/api/v1/probe/echo", {"name": "a", "count": 1}, content_type="application/json")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "not_authenticated")

    def test_it_refuses_a_write_without_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.caseworker)
        session = client.session
        session["mfa_set_up"] = True
        session.save()
        response = client.post("/api/v1/probe/echo", {"name": "a", "count": 1}, content_type="application/json")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "csrf_failed")

    def test_it_accepts_a_write_with_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.caseworker)
        session = client.session
        session["mfa_set_up"] = True
        session.save()
        client.cookies["csrftoken"] = CSRF_SECRET
        response = client.post(
            "/api/v1/probe/echo",
            {"name": "a", "count": 1},
            content_type="application/json",
            headers={"X-CSRFToken": CSRF_SECRET},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"name": "a", "count": 1})

    def test_it_reads_without_a_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.caseworker)
        session = client.session
        session["mfa_set_up"] = True
        session.save()
        self.assertEqual(client.get("/api/v1/probe/whoami").status_code, 200)

    def test_it_refuses_a_user_who_must_set_up_mfa_first(self):
        # Signed in, but a caseworker without two-factor authentication: pages send them to
        # set it up, and the API refuses them.
        self.client.force_login(self.caseworker)
        response = self.client.get("/api/v1/probe/whoami")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "mfa_required")

    def test_it_accepts_a_user_with_mfa_set_up(self):
        Authenticator.objects.create(user=self.caseworker, type=Authenticator.Type.TOTP, data={})
        self.client.force_login(self.caseworker)
        self.assertEqual(self.client.get("/api/v1/probe/whoami").status_code, 200)

    def test_it_accepts_a_user_whose_roles_need_no_mfa(self):
        self.hub_org.require_mfa_for_volunteers = False
        self.hub_org.save()
        self.client.force_login(self.volunteer)
        self.assertEqual(self.client.get("/api/v1/probe/whoami").status_code, 200)

    def test_an_open_endpoint_needs_no_one(self):
        response = self.client.get("/api/v1/probe/open")
        self.assertEqual(response.json(), {"ok": True})
