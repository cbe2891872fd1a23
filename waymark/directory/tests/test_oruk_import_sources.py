"""Where imports read from: paged feeds at an address (served here by a local HTTP server,
never the internet), ORUK 1.0 feeds, HSDS tabular packages, and sources that cannot be read,
which give a clear error on the run, never an exception. And the import_directory command."""

import copy
import http.server
import io
import json
import tempfile
import threading
import zipfile
from pathlib import Path

from django.core.management import CommandError, call_command

from waymark.directory.actions.imports import do_import
from waymark.directory.models import (
    Address,
    ImportedRecord,
    ImportRun,
    Language,
    NeedMapping,
    Organization,
    Service,
    TaxonomyTerm,
)
from waymark.directory.oruk.cleaning import stable_uuid
from waymark.directory.tests.builders import make_need
from waymark.directory.tests.test_oruk_import import DEFAULT_SERVICE, a_service, load
from waymark.testing import BaseTestCase

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "oruk_import"
HSDS_CSV = Path(__file__).resolve().parent.parent / "standards" / "hsds-3.0" / "examples" / "csv"


class FeedServer:
    """A local HTTP server answering GET paths (with their query) from a dict of
    {path: (status, body bytes)}; ``requests`` lists the paths asked for."""

    def __init__(self, pages):
        self.pages = pages
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                status, body = server.pages.get(self.path, (404, b'{"detail": "Not found"}'))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def page(contents, number, total_pages, per_page):
    return {
        "total_items": per_page * (total_pages - 1) + len(contents),
        "total_pages": total_pages,
        "page_number": number,
        "size": len(contents),
        "first_page": number == 1,
        "last_page": number == total_pages,
        "empty": not contents,
        "contents": contents,
    }


def list_item(record):
    """A service as ORUK list pages carry it: its own single-value fields only."""
    return {key: value for key, value in record.items() if not isinstance(value, (list, dict))}


def services(count):
    records = []
    for number in range(count):
        record = a_service(id=f"5b0c5a57-8f0c-4a45-9a53-2f1f5f9f{number:04d}", name=f"Service {number}")
        record["organization_id"] = record["organization"]["id"]
        record["schedules"][0]["id"] = f"6b0c5a57-8f0c-4a45-9a53-2f1f5f9f{number:04d}"
        record["service_at_locations"][0]["id"] = f"7b0c5a57-8f0c-4a45-9a53-2f1f5f9f{number:04d}"
        records.append(record)
    return records


class PagedFeedTests(BaseTestCase):
    def test_it_follows_a_paged_3_0_feed_and_fetches_each_full_service(self):
        records = services(5)
        pages = {
            "/api/oruk/services": (200, json.dumps(page([list_item(r) for r in records[:2]], 1, 3, 2)).encode()),
            "/api/oruk/services?page=2": (
                200,
                json.dumps(page([list_item(r) for r in records[2:4]], 2, 3, 2)).encode(),
            ),
            "/api/oruk/services?page=3": (200, json.dumps(page([list_item(r) for r in records[4:]], 3, 3, 2)).encode()),
        }
        for record in records:
            pages[f"/api/oruk/services/{record['id']}"] = (200, json.dumps(record).encode())

        with FeedServer(pages) as server:
            run = do_import(f"{server.base}/api/oruk/services", source_name="Bolton directory")

        self.assertEqual(run.error, "")
        self.assertEqual((run.created, run.rejected), (5, 0))
        self.assertEqual(Service.objects.count(), 5)
        # Full records: each service has its schedule and location.
        self.assertTrue(all(service.schedules.count() == 1 for service in Service.objects.all()))
        self.assertIn("/api/oruk/services?page=3", server.requests)
        self.assertEqual(run.source, f"{server.base}/api/oruk/services")

    def test_the_api_root_leads_to_its_services(self):
        record = a_service()
        pages = {
            "/api/oruk/": (200, b'{"version": "HSDS-UK-3.0", "openapi_url": "x"}'),
            "/api/oruk/services": (200, json.dumps(page([record], 1, 1, 50)).encode()),
        }

        with FeedServer(pages) as server:
            run = do_import(f"{server.base}/api/oruk/")

        self.assertEqual(run.created, 1)

    def test_a_feed_imported_twice_is_unchanged_and_keyed_by_its_address(self):
        record = a_service()
        pages = {"/services?per_page=50": (200, json.dumps(page([record], 1, 1, 50)).encode())}

        with FeedServer(pages) as server:
            first = do_import(f"{server.base}/services?per_page=50")
            second = do_import(f"{server.base}/services?per_page=50")

        self.assertEqual((first.created, second.unchanged), (1, 1))
        self.assertEqual(ImportedRecord.objects.get(entity="service").source_key, f"{server.base}/services?per_page=50")


class Oruk1FeedTests(BaseTestCase):
    def pages(self):
        return {
            "/services": (200, (FIXTURES / "oruk1_services_page1.json").read_bytes()),
            "/services?page=2": (200, (FIXTURES / "oruk1_services_page2.json").read_bytes()),
        }

    def test_it_reads_an_oruk_1_paged_feed_and_maps_its_older_names(self):
        with FeedServer(self.pages()) as server:
            run = do_import(f"{server.base}/services", source_name="Bolton Council")

        self.assertEqual(run.error, "")
        self.assertEqual(run.format, ImportRun.Format.ORUK_1)
        self.assertEqual((run.created, run.rejected), (3, 0))
        key = f"{server.base}/services"
        food_bank = Service.objects.get(id=stable_uuid(key, "service", "101"))
        self.assertEqual(food_bank.description, "Food parcels for anyone in need.\nBring ID if you have it & a bag.")
        self.assertEqual((food_bank.fees, food_bank.fees_description), ("Free", "Free"))
        self.assertEqual(food_bank.minimum_age, 18)
        self.assertIsNone(food_bank.maximum_age)
        self.assertEqual(food_bank.eligibility_description, "Adults")
        self.assertEqual(food_bank.email, "")
        self.assertEqual(food_bank.organization.website, "https://pantry.example.org")
        self.assertEqual(food_bank.schedules.get().byday, "TU,TH")
        self.assertEqual(Language.objects.get(service=food_bank).code, "ar")
        self.assertEqual(food_bank.funding.get().source, "Donations")
        location = food_bank.service_at_locations.get().location
        self.assertEqual(location.accessibility.get().description, "Step-free entrance")
        address = Address.objects.get(location=location)
        self.assertEqual((address.postal_code, address.country, address.address_type), ("BL1 1AA", "GB", "physical"))
        term = TaxonomyTerm.objects.get(name="Food banks", taxonomy_name="Bolton categories")
        self.assertEqual(term.taxonomy_name, "Bolton categories")
        self.assertEqual(Organization.objects.filter(name="Bolton Community Pantry").count(), 1)
        self.assertEqual(ImportedRecord.objects.get(object_id=food_bank.id).original_id, "101")

    def test_an_oruk_1_feed_imported_again_is_unchanged_and_mappings_apply(self):
        with FeedServer(self.pages()) as server:
            do_import(f"{server.base}/services", source_name="Bolton Council")
            advice = make_need("immigration-advice")
            outside = TaxonomyTerm.objects.get(name="Immigration advice", taxonomy_name="Bolton categories")
            NeedMapping.objects.create(term=outside, need=advice)
            run = do_import(f"{server.base}/services", source_name="Bolton Council")

        self.assertEqual((run.unchanged, run.updated), (2, 1))
        clinic = Service.objects.get(name="Immigration Advice Clinic")
        self.assertTrue(clinic.regulator_not_confirmed)
        self.assertFalse(clinic.is_regulated_adviser)

    def test_a_feed_that_ignores_the_page_is_not_read_forever(self):
        first = (FIXTURES / "oruk1_services_page1.json").read_bytes()
        with FeedServer({"/services": (200, first), "/services?page=2": (200, first)}) as server:
            run = do_import(f"{server.base}/services")

        self.assertEqual(run.created, 2)


class PackageTests(BaseTestCase):
    def test_it_imports_hsds_s_tabular_example_package(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for path in sorted(HSDS_CSV.glob("*.csv")):
                archive.write(path, path.name)
            # The example folder's datapackage.json only points at the official one.
            archive.write(HSDS_CSV.parent.parent / "datapackage.json", "datapackage.json")

        run = do_import(buffer.getvalue(), filename="example.zip", source_name="HSDS example")

        self.assertEqual(run.error, "")
        self.assertEqual(run.format, ImportRun.Format.TABULAR)
        self.assertGreaterEqual(run.created, 1)
        self.assertEqual(run.rejected, 0, run.report)
        self.assertTrue(Service.objects.filter(name="Community Counselling").exists())

    def test_a_zip_without_a_datapackage_is_refused_clearly(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("services.csv", "id,name\n")

        run = do_import(buffer.getvalue(), filename="bare.zip")

        self.assertEqual(run.status, ImportRun.Status.FAILED)
        self.assertIn("datapackage.json", run.error)


class NdjsonTests(BaseTestCase):
    def test_it_reads_one_service_per_line_as_the_api_and_the_export_write_them(self):
        body = "\n".join(json.dumps(record) for record in services(3)) + "\n"

        run = do_import(body.encode(), filename="waymark-directory.ndjson")

        self.assertEqual((run.error, run.created, run.rejected), ("", 3, 0))
        self.assertEqual(
            sorted(Service.objects.values_list("name", flat=True)), ["Service 0", "Service 1", "Service 2"]
        )

    def test_a_line_that_is_not_json_fails_the_file_clearly(self):
        body = json.dumps(services(1)[0]) + "\n{not json\n"

        run = do_import(body.encode(), filename="broken.ndjson")

        self.assertEqual(run.status, ImportRun.Status.FAILED)
        self.assertIn("is not JSON", run.error)


class BadSourceTests(BaseTestCase):
    def assert_failed(self, run, words):
        self.assertEqual(run.status, ImportRun.Status.FAILED)
        self.assertIn(words, run.error)
        self.assertEqual(run.created, 0)
        self.assertTrue(ImportRun.objects.filter(pk=run.pk).exists())

    def test_a_file_that_is_not_json(self):
        self.assert_failed(do_import(b"<html>Hello</html>", filename="page.html"), "is not JSON")

    def test_json_of_no_known_shape(self):
        self.assert_failed(do_import(b'{"hello": "world"}', filename="odd.json"), "not a service")

    def test_a_missing_file(self):
        self.assert_failed(do_import("/nonexistent/services.json"), "There is no file")

    def test_an_unreachable_address(self):
        with FeedServer({}) as server:
            address = f"{server.base}/services"
        # The server has gone: nothing listens there any more.
        self.assert_failed(do_import(address), "could not be reached")

    def test_an_address_answering_an_error(self):
        with FeedServer({}) as server:
            run = do_import(f"{server.base}/services")
        self.assert_failed(run, "404")

    def test_only_http_addresses(self):
        self.assert_failed(do_import("ftp://example.org/services.json"), "There is no file")

    def test_a_record_that_is_not_an_object_is_rejected_not_fatal(self):
        run = do_import(json.dumps([1, a_service()]).encode(), filename="list.json")

        self.assertEqual((run.created, run.rejected), (1, 1))
        self.assertEqual(run.error, "")


class CommandTests(BaseTestCase):
    def test_it_imports_and_prints_the_counts_and_report(self):
        out = io.StringIO()

        call_command("import_directory", str(DEFAULT_SERVICE), "--source-name", "Example", stdout=out)

        self.assertIn("1 added, 0 updated, 0 unchanged, 0 queued for review, 0 rejected.", out.getvalue())
        self.assertIn("Impossible coordinates", out.getvalue())
        self.assertEqual(ImportedRecord.objects.get(entity="service").source_name, "Example")

    def test_dry_run_and_report_file(self):
        report = Path(self.enterContext(tempfile.TemporaryDirectory())) / "report.csv"
        out = io.StringIO()

        call_command("import_directory", str(DEFAULT_SERVICE), "--dry-run", "--report", str(report), stdout=out)

        self.assertTrue(out.getvalue().startswith("Dry run: 1 added"))
        self.assertFalse(Service.objects.exists())
        self.assertIn("latitude", report.read_text())

    def test_review_queues(self):
        record = copy.deepcopy(load(DEFAULT_SERVICE))
        path = Path(self.enterContext(tempfile.TemporaryDirectory())) / "service.json"
        path.write_text(json.dumps(record))

        call_command("import_directory", str(path), "--review", stdout=io.StringIO())

        self.assertFalse(Service.objects.exists())
        self.assertEqual(ImportRun.objects.get().queued, 1)

    def test_an_unreadable_source_exits_with_an_error(self):
        with self.assertRaises(CommandError) as raised:
            call_command("import_directory", "/nonexistent/services.json", stdout=io.StringIO())
        self.assertIn("There is no file", str(raised.exception))
