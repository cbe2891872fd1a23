"""schemathesis against the ORUK OpenAPI document Waymark serves, offline and in-process.

The document is read from /api/oruk/openapi.json through Django's test client; the schemas its
``$ref``s point at (Waymark's copies, /api/oruk/schema/*.json) are read the same way and put
into the document's components, so nothing is fetched from the network. Every operation is
then called through the WSGI application with generated parameters: no answer may be a 5xx,
and every 200 must conform to ORUK's schema for it. A bounded number of examples keeps it fast.
"""

import re

import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings

from waymark.directory.tests.test_oruk_api import OrukTestCase

EXAMPLES_PER_OPERATION = 25
SCHEMA_URL = re.compile(r"^http://testserver/api/oruk/schema/([a-z_]+)\.json$")


def _point_refs_at_components(node, found):
    """Rewrite ``$ref``s to served schemas as ``#/components/schemas/<name>``; collect names."""
    if isinstance(node, dict):
        rewritten = {}
        for key, value in node.items():
            match = SCHEMA_URL.match(value) if key == "$ref" and isinstance(value, str) else None
            if match:
                found.add(match.group(1))
                rewritten[key] = f"#/components/schemas/{match.group(1)}"
            elif key == "$id":
                continue
            else:
                rewritten[key] = _point_refs_at_components(value, found)
        return rewritten
    if isinstance(node, list):
        return [_point_refs_at_components(item, found) for item in node]
    return node


@override_settings(ALLOWED_HOSTS=["*"])
class SchemathesisTests(OrukTestCase):
    def bundled_document(self):
        """The served OpenAPI document with every schema it uses inlined."""
        names = set()
        document = _point_refs_at_components(self.client.get("/api/oruk/openapi.json").json(), names)
        schemas = {}
        pending = set(names)
        while pending:
            name = pending.pop()
            response = self.client.get(f"/api/oruk/schema/{name}.json")
            self.assertEqual(response.status_code, 200, name)
            more = set()
            schemas[name] = _point_refs_at_components(response.json(), more)
            pending |= more - set(schemas)
        document.setdefault("components", {})["schemas"] = {**document["components"].get("schemas", {}), **schemas}
        # Calls go to the WSGI application, at the path the document's server names.
        document["servers"] = [{"url": "/api/oruk"}]
        return document

    def check_operation(self, operation, known_ids, seen):
        """Call ``operation`` with generated parameters; check the answers."""

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            endpoint = case.path.strip("/").split("/")[0]
            # Half the time ask for something that exists, so full records are checked too.
            if "id" in (case.path_parameters or {}) and len(str(case.path_parameters["id"])) % 2 == 0:
                case.path_parameters["id"] = known_ids[endpoint]
            response = case.call()
            seen.append(response.status_code)
            self.assertLess(response.status_code, 500, f"{case.method} {case.formatted_path} {case.query}")
            self.assertEqual(response.headers.get("access-control-allow-origin"), ["*"])
            if response.status_code == 200 and "ndjson" not in response.headers.get("content-type", [""])[0]:
                case.validate_response(response)

        check()

    def test_no_operation_answers_a_5xx_or_breaks_its_schema(self):
        schema = schemathesis.openapi.from_dict(self.bundled_document())
        schema.app = get_wsgi_application()
        operations = [result.ok() for result in schema.get_all_operations()]
        self.assertEqual(len(operations), 11)
        known_ids = {
            "services": str(self.food_bank.id),
            "service_at_locations": str(self.food_bank.service_at_locations.get().id),
            "organizations": str(self.organization.id),
            "taxonomies": str(self.food.taxonomy_id),
            "taxonomy_terms": str(self.food.id),
        }
        seen = []
        # As Django's test client does: keep the test's database connection (and the
        # transaction holding its data) open between the requests.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            for operation in operations:
                with self.subTest(operation.label):
                    self.check_operation(operation, known_ids, seen)
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

        self.assertIn(200, seen)
        self.assertTrue(any(400 <= status < 500 for status in seen))
