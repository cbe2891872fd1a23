"""Every error under /api/v1/ is JSON {"detail", "code"}, with the detail in the user's language."""

from unittest import mock

from django.test import override_settings
from django.utils import translation

from waymark.accounts.tests.api_probe import TRANSLATED_BY_DJANGO
from waymark.testing import BaseTestCase

PROBE = "waymark.accounts.tests.api_probe"


@override_settings(ROOT_URLCONF=PROBE)
class ErrorFormatTests(BaseTestCase):
    def setUp(self):
        self.login(self.caseworker)

    def assert_error(self, response, status, code):
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/json")
        body = response.json()
        self.assertEqual(body["code"], code)
        self.assertIsInstance(body["detail"], str)
        self.assertTrue(body["detail"])
        return body

    def test_an_unknown_path_is_a_json_404(self):
        self.assert_error(self.client.get("/api/v1/no/such/thing"), 404, "not_found")
        self.assert_error(self.client.post("/api/v1/no/such/thing"), 404, "not_found")
        self.assert_error(self.client.get("/api/v1/"), 404, "not_found")

    def test_http404_from_an_endpoint_is_a_json_404_that_says_nothing_more(self):
        body = self.assert_error(self.client.get("/api/v1/probe/missing"), 404, "not_found")
        self.assertEqual(body, {"detail": "Not found.", "code": "not_found"})

    def test_a_refused_business_rule_is_a_400(self):
        self.assert_error(self.client.get("/api/v1/probe/refused"), 400, "refused")

    def test_an_illegal_transition_is_a_409(self):
        body = self.assert_error(self.client.post("/api/v1/probe/conflict"), 409, "conflict")
        self.assertEqual(body["detail"], "This referral has already been accepted.")

    def test_ninjas_own_http_error_gets_a_code_for_its_status(self):
        body = self.assert_error(self.client.get("/api/v1/probe/ninja-conflict"), 409, "conflict")
        self.assertEqual(body["detail"], "Already done.")

    def test_input_of_the_wrong_shape_is_a_422_listing_the_problems(self):
        response = self.client.post("/api/v1/probe/echo", {"name": "a"}, content_type="application/json")
        body = self.assert_error(response, 422, "invalid")
        self.assertEqual(
            body["errors"], [{"loc": ["body", "data", "count"], "msg": "Field required", "type": "missing"}]
        )

    def test_a_rejected_value_is_not_echoed_back(self):
        response = self.client.post(
            "/api/v1/probe/echo", {"name": "a", "count": "secret-ish"}, content_type="application/json"
        )
        body = self.assert_error(response, 422, "invalid")
        self.assertEqual(body["errors"][0]["loc"], ["body", "data", "count"])
        self.assertNotIn("secret-ish", response.content.decode())

    def test_a_body_that_is_not_json_is_a_422(self):
        response = self.client.post("/api/v1/probe/echo", '{"name": "a"', content_type="application/json")
        body = self.assert_error(response, 422, "invalid")
        self.assertEqual(body["errors"][0]["type"], "json_invalid")

    def test_a_method_the_path_lacks_is_a_json_405(self):
        response = self.client.delete("/api/v1/probe/whoami")
        self.assert_error(response, 405, "method_not_allowed")
        self.assertEqual(response["Allow"], "GET")

    def test_a_bug_is_a_json_500_and_still_reported(self):
        self.client.raise_request_exception = False
        with self.assertLogs("waymark.api", "ERROR") as logs:
            response = self.client.get("/api/v1/probe/crash")
        body = self.assert_error(response, 500, "server_error")
        self.assertNotIn("a bug", body["detail"])
        self.assertIn("RuntimeError: a bug", "\n".join(logs.output))

    def test_a_bug_fails_a_test_loudly(self):
        # The test client re-raises it (as for any Django view), so no test passes by accident.
        with self.assertLogs("waymark.api", "ERROR"), self.assertRaisesMessage(RuntimeError, "a bug"):
            self.client.get("/api/v1/probe/crash")


@override_settings(ROOT_URLCONF=PROBE)
class ErrorLanguageTests(BaseTestCase):
    def test_a_detail_given_by_an_endpoint_is_in_the_language_the_client_asks_for(self):
        self.login(self.caseworker)
        for language in ("fr", "ar"):
            with self.subTest(language):
                response = self.client.get("/api/v1/probe/refused", headers={"Accept-Language": language})
                self.assertEqual(response["Content-Language"], language)
                with translation.override(language):
                    expected = translation.gettext(TRANSLATED_BY_DJANGO)
                self.assertNotEqual(expected, TRANSLATED_BY_DJANGO)
                self.assertEqual(response.json(), {"detail": expected, "code": "refused"})

    def test_the_apis_own_messages_are_translated_in_the_request_language(self):
        # Our catalogues are written later, by translators; what must hold now is that each
        # message goes through gettext while the request's language is active.
        def tagged(message):
            return f"[{translation.get_language()}] {message}"

        with mock.patch("waymark.api._", side_effect=tagged):
            not_signed_in = self.client.get("/api/v1/probe/whoami", headers={"Accept-Language": "ar"})
            bad_token = self.client.get(
                "/api/v1/probe/whoami", headers={"Accept-Language": "fr", "Authorization": "Bearer wmk_x"}
            )
            self.login(self.caseworker)
            missing = self.client.get("/api/v1/probe/missing?lang=uk")

        self.assertTrue(not_signed_in.json()["detail"].startswith("[ar] Sign in"), not_signed_in.json())
        self.assertTrue(bad_token.json()["detail"].startswith("[fr] The API token is not valid"), bad_token.json())
        self.assertEqual(missing.json()["detail"], "[uk] Not found.")

    def test_english_is_the_default(self):
        response = self.client.get("/api/v1/probe/whoami")
        self.assertEqual(
            response.json(),
            {
                "detail": "Sign in, or send an API token as “Authorization: Bearer <token>”.",
                "code": "not_authenticated",
            },
        )
