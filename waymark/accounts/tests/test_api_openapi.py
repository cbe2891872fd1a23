"""The OpenAPI document at /api/v1/openapi.json and the documentation page beside it."""

import json
import re

from django.test import TestCase


class OpenApiTests(TestCase):
    def test_it_is_json_describing_the_paths_and_how_to_authenticate(self):
        response = self.client.get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        document = json.loads(response.content)
        self.assertTrue(document["openapi"].startswith("3."))
        self.assertEqual(document["info"]["title"], "Waymark API")
        self.assertIn("get", document["paths"]["/api/v1/me"])
        self.assertEqual(
            document["components"]["securitySchemes"],
            {
                "TokenAuth": {"type": "http", "scheme": "bearer"},
                "SessionAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
            },
        )

    def test_it_documents_the_error_format(self):
        document = self.client.get("/api/v1/openapi.json").json()
        me = document["paths"]["/api/v1/me"]["get"]
        self.assertEqual(me["security"], [{"TokenAuth": []}, {"SessionAuth": []}])
        self.assertEqual(
            me["responses"]["401"]["content"]["application/json"]["schema"], {"$ref": "#/components/schemas/ErrorOut"}
        )
        error_out = document["components"]["schemas"]["ErrorOut"]
        self.assertEqual(set(error_out["required"]), {"detail", "code"})

    def test_it_is_open_to_anyone(self):
        # Partners read it before they have a token.
        self.assertEqual(self.client.get("/api/v1/openapi.json").status_code, 200)


class DocsPageTests(TestCase):
    def test_it_is_served_from_our_own_static_files_under_our_csp(self):
        response = self.client.get("/api/v1/docs")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('<script src="/static/ninja/swagger-ui-bundle.js">', html)
        self.assertNotRegex(html, r"https?://")
        # The only inline <script> holds JSON settings, which browsers never run.
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        self.assertEqual(inline, [' type="application/json" id="swagger-settings"'])
        csp = response["Content-Security-Policy"]
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe", csp)

    def test_it_does_not_send_the_document_to_an_outside_validator(self):
        html = self.client.get("/api/v1/docs").content.decode()
        self.assertIn('"validatorUrl": null', html)
