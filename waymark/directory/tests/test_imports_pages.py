"""The directory editors' import pages: upload a file or give an address, read the report (as a
page and as CSV), import a checked address for real, and map outside terms to Waymark's needs.

The validator's own fixtures are the uploads; addresses are served by a local http.server.
"""

import io
import json
import zipfile
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from waymark.accounts.models import PlatformRole
from waymark.audit.models import Event
from waymark.directory.actions.imports import report_csv
from waymark.directory.models import (
    NEED_LINK_TYPE,
    Attribute,
    ChangeRequest,
    ImportedRecord,
    ImportRun,
    NeedMapping,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from waymark.directory.tests.builders import give_need, make_need, make_organization, make_service
from waymark.directory.tests.test_feeds import (
    DEFAULT,
    FAIL,
    FIXTURE_SERVICE_NAME,
    feed_routes,
    serve,
)
from waymark.testing import BaseTestCase, make_network, make_user

IMPORTS = reverse("directory:imports")
TERMS = reverse("directory:import_terms")


def upload(path=None, *, name=None, content=None):
    """A file as the browser sends it: a fixture's bytes, or ``content``."""
    body = path.read_bytes() if path is not None else content
    return SimpleUploadedFile(name or path.name, body, content_type="application/octet-stream")


def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, text in files.items():
            package.writestr(name, text)
    return buffer.getvalue()


class AccessTests(BaseTestCase):
    """Directory editors and administrators get in; a member without the role, an outsider and
    an editor of another network get 404, and nobody signed out gets past the sign-in page."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.import_run = ImportRun.objects.create(
            source="bolton.json",
            source_name="Bolton Council",
            started_by=cls.editor,
            dry_run=True,
            status=ImportRun.Status.FINISHED,
            report=[{"level": "error", "record": "svc-9", "field": "name", "reason": "Missing."}],
        )
        cls.elsewhere = make_user("tyneside.editor@example.org")
        PlatformRole.objects.create(
            user=cls.elsewhere, kind=PlatformRole.Kind.DIRECTORY_EDITOR, network=make_network("Tyneside")
        )

    def pages(self):
        return [
            IMPORTS,
            TERMS,
            reverse("directory:import_feeds"),
            reverse("directory:import_report", args=[self.import_run.uuid]),
            reverse("directory:import_report_csv", args=[self.import_run.uuid]),
        ]

    def test_editors_and_administrators_get_in(self):
        for user in (self.editor, self.admin):
            self.login(user)
            for url in self.pages():
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_members_without_the_role_and_outsiders_get_404(self):
        for user in (self.coordinator, self.caseworker, self.outsider, self.network_lead, self.council):
            self.login(user)
            for url in self.pages():
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
            with self.subTest(user=user.email, post="import"):
                response = self.client.post(IMPORTS, {"url": "https://example.org/services", "source_name": "X"})
                self.assertEqual(response.status_code, 404)
            with self.subTest(user=user.email, post="for real"):
                response = self.client.post(reverse("directory:import_for_real", args=[self.import_run.uuid]))
                self.assertEqual(response.status_code, 404)
        self.assertEqual(ImportRun.objects.count(), 1)

    def test_an_editor_of_another_network_does_not_see_this_networks_runs(self):
        self.login(self.elsewhere)

        self.assertEqual(
            self.client.get(reverse("directory:import_report", args=[self.import_run.uuid])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("directory:import_report_csv", args=[self.import_run.uuid])).status_code, 404
        )
        self.assertNotContains(self.client.get(IMPORTS), "Bolton Council")

    def test_signed_out_visitors_are_sent_to_sign_in(self):
        for url in self.pages():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("account_login"), response["Location"])


class UploadTests(BaseTestCase):
    def setUp(self):
        self.login(self.editor)

    def post(self, **data):
        return self.client.post(IMPORTS, {"source_name": "Bolton Council directory", **data})

    def test_the_page_shows_the_form_and_recent_runs(self):
        ImportRun.objects.create(source="earlier.json", source_name="Earlier source", started_by=self.editor)

        response = self.client.get(IMPORTS)

        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, "Check only (dry run)")
        self.assertContains(response, "Earlier source")

    def test_an_editor_imports_the_validators_clean_fixture_and_it_is_published(self):
        response = self.post(file=upload(DEFAULT / "service_full.json"))

        run = ImportRun.objects.get()
        self.assertRedirects(response, reverse("directory:import_report", args=[run.uuid]))
        self.assertEqual(run.started_by, self.editor)
        self.assertFalse(run.dry_run)
        self.assertTrue(run.publish)
        self.assertEqual(run.source_name, "Bolton Council directory")
        self.assertEqual(run.source, "service_full.json")
        self.assertEqual((run.status, run.created, run.rejected), (ImportRun.Status.FINISHED, 1, 0))
        # Written to the map itself, not queued for review.
        self.assertTrue(Service.objects.filter(name=FIXTURE_SERVICE_NAME).exists())
        self.assertFalse(ChangeRequest.objects.exists())

        report = self.client.get(response["Location"])
        self.assertContains(report, "<h1>Import report</h1>", html=True)
        self.assertContains(report, '<tr><th scope="row">Added</th><td>1</td></tr>', html=True)
        self.assertContains(report, "No record was rejected.")

    def test_the_failing_fixture_reports_each_rejected_record_and_writes_none_of_them(self):
        response = self.post(file=upload(FAIL / "service_list.json"))

        run = ImportRun.objects.get()
        errors = [line for line in run.report if line["level"] == "error"]
        self.assertGreater(run.rejected, 0)
        self.assertTrue(errors)
        report = self.client.get(response["Location"])
        self.assertContains(report, f'<tr><th scope="row">Rejected</th><td>{run.rejected}</td></tr>', html=True)
        for line in errors:
            self.assertContains(report, f'<td dir="ltr">{line["record"]}</td>', html=True)
            self.assertContains(report, line["reason"])
        rejected_ids = {line["record"] for line in errors}
        self.assertFalse(ImportedRecord.objects.filter(entity="service", original_id__in=rejected_ids).exists())
        self.assertContains(report, reverse("directory:import_report_csv", args=[run.uuid]))

    def test_the_report_downloads_as_csv_with_a_safe_name(self):
        self.post(file=upload(FAIL / "service_list.json"), source_name='Evil "name"\r\nX-Header: 1')
        run = ImportRun.objects.get()

        response = self.client.get(reverse("directory:import_report_csv", args=[run.uuid]))

        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(
            response["Content-Disposition"],
            f'attachment; filename="import-report-{run.started_at:%Y-%m-%d}-{str(run.uuid)[:8]}.csv"',
        )
        body = response.content.decode()
        self.assertEqual(body, report_csv(run))
        first_error = next(line for line in run.report if line["level"] == "error")
        self.assertIn(first_error["record"], body)

    def test_a_dry_run_writes_nothing_and_offers_to_import_the_file_again(self):
        response = self.post(file=upload(DEFAULT / "service_full.json"), dry_run="on")

        run = ImportRun.objects.get()
        self.assertTrue(run.dry_run)
        self.assertFalse(Service.objects.filter(name=FIXTURE_SERVICE_NAME).exists())
        report = self.client.get(response["Location"])
        self.assertContains(report, "Check report (nothing was changed)")
        self.assertContains(report, '<tr><th scope="row">Would be added</th><td>1</td></tr>', html=True)
        self.assertContains(report, f"{IMPORTS}?source_name=Bolton%20Council%20directory")
        self.assertNotContains(report, reverse("directory:import_for_real", args=[run.uuid]))

    def test_a_checked_address_is_imported_for_real_with_one_button(self):
        with serve(feed_routes(DEFAULT)) as base:
            response = self.post(url=f"{base}/services", dry_run="on")
            checked = ImportRun.objects.get()
            self.assertEqual(checked.status, ImportRun.Status.FINISHED, checked.error)
            report = self.client.get(response["Location"])
            for_real = reverse("directory:import_for_real", args=[checked.uuid])
            self.assertContains(report, f'action="{for_real}"')
            self.assertFalse(Service.objects.filter(name=FIXTURE_SERVICE_NAME).exists())

            response = self.client.post(for_real)

        real = ImportRun.objects.exclude(pk=checked.pk).get()
        self.assertRedirects(response, reverse("directory:import_report", args=[real.uuid]))
        self.assertFalse(real.dry_run)
        self.assertEqual(real.source, f"{base}/services")
        self.assertEqual(real.source_name, "Bolton Council directory")
        self.assertEqual(real.created, 1)
        self.assertTrue(Service.objects.filter(name=FIXTURE_SERVICE_NAME).exists())

    def test_a_real_run_cannot_be_run_for_real_again(self):
        run = ImportRun.objects.create(
            source="https://example.org/services", started_by=self.editor, status=ImportRun.Status.FINISHED
        )

        response = self.client.post(reverse("directory:import_for_real", args=[run.uuid]), follow=True)

        self.assertContains(response, "Only a finished check of an address can be imported from here.")
        self.assertEqual(ImportRun.objects.count(), 1)

    def test_an_unreachable_address_gives_a_failed_run_with_the_reason(self):
        with serve({}) as base:
            response = self.post(url=f"{base}/services")

        run = ImportRun.objects.get()
        self.assertEqual(run.status, ImportRun.Status.FAILED)
        report = self.client.get(response["Location"])
        self.assertContains(report, "The source could not be read")
        self.assertContains(report, "404")


class FormErrorTests(BaseTestCase):
    """Bad input is sent back with the error summary and a clear message; nothing is imported."""

    def setUp(self):
        self.login(self.editor)

    def assert_refused(self, data, message, field=None):
        response = self.client.post(IMPORTS, {"source_name": "Bolton Council", **data})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<div class="error-summary"', count=1)
        self.assertContains(response, "<title>Error: Import Open Referral data – Waymark</title>", html=True)
        self.assertContains(response, message)
        if field:
            self.assertContains(response, f'href="#id_{field}"')
        self.assertFalse(ImportRun.objects.exists())
        return response

    def test_no_file_and_no_address(self):
        self.assert_refused({}, "Choose a file to upload, or give the address of a feed", "file")

    def test_no_source_name(self):
        response = self.client.post(IMPORTS, {"url": "https://example.org/services"})
        self.assertContains(response, "Enter who publishes this data, for example Bolton Council")
        self.assertFalse(ImportRun.objects.exists())

    def test_a_file_and_an_address(self):
        self.assert_refused(
            {"file": upload(DEFAULT / "service_full.json"), "url": "https://example.org/services"},
            "Give a file or an address, not both",
            "url",
        )

    def test_a_file_that_is_not_json(self):
        self.assert_refused(
            {"file": upload(name="services.json", content=b"<html>not json</html>")},
            "This file is not JSON: it should start with { or [",
            "file",
        )

    def test_broken_json(self):
        self.assert_refused(
            {"file": upload(name="services.json", content=b'{"id": "1",\n "name": }')},
            "This file is not valid JSON (line 2, column 10)",
        )

    def test_a_file_not_in_utf8(self):
        self.assert_refused(
            {"file": upload(name="services.json", content='{"name": "Café"}'.encode("utf-16"))},
            "This file is not JSON",
        )

    def test_another_kind_of_file(self):
        self.assert_refused(
            {"file": upload(name="services.xlsx", content=b"PK\x03\x04rest")},
            "Choose a .json file or a .zip of the HSDS tabular package",
        )

    def test_a_damaged_zip(self):
        self.assert_refused(
            {"file": upload(name="package.zip", content=b"PK\x03\x04 this is no zip")},
            "This file is not a zip file, or it is damaged",
        )

    def test_a_zip_without_a_datapackage(self):
        self.assert_refused(
            {"file": upload(name="package.zip", content=zipped({"services.csv": "id,name\n"}))},
            "This zip has no datapackage.json, so it is not an HSDS tabular package",
        )

    def test_an_empty_file(self):
        self.assert_refused({"file": upload(name="services.json", content=b"")}, "The chosen file is empty")

    def test_a_file_too_big(self):
        with mock.patch("waymark.directory.forms.imports.MAX_UPLOAD_BYTES", 100):
            self.assert_refused(
                {"file": upload(DEFAULT / "service_full.json")},
                "the largest you can upload is 100\xa0bytes. Publish it at an address instead.",
                "file",
            )

    def test_an_address_that_is_not_one(self):
        self.assert_refused({"url": "bolton council services"}, "Enter a full web address", "url")

    def test_an_address_that_is_not_http(self):
        for address in ("ftp://example.org/services.json", "file:///etc/passwd", "javascript://alert(1)"):
            with self.subTest(address=address):
                self.assert_refused({"url": address}, "Give an address starting with https:// or http://", "url")

    def test_the_errors_are_translated(self):
        response = self.client.post("/ar" + IMPORTS, {"source_name": "Bolton Council"})

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'lang="ar"')
        self.assertContains(response, '<div class="error-summary"')


class TermMappingTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.food = make_need("food", name="Food")
        cls.advice = make_need("immigration-advice", name="Immigration advice")
        cls.outside = Taxonomy.objects.create(name="Bolton categories", description="Bolton's own.")
        cls.foodbanks = TaxonomyTerm.objects.create(taxonomy=cls.outside, name="Foodbanks", description="Food.")
        cls.legal = TaxonomyTerm.objects.create(taxonomy=cls.outside, name="Legal help", description="Law.")
        cls.unused = TaxonomyTerm.objects.create(taxonomy=cls.outside, name="Allotments", description="Growing.")
        organization = make_organization("Bolton Council")
        cls.pantry = cls.imported("Pantry", organization, cls.foodbanks, "p-1")
        cls.soup = cls.imported("Soup kitchen", organization, cls.foodbanks, "p-2")
        cls.lawyers = cls.imported("Law centre", organization, cls.legal, "p-3")
        # A service of Waymark's own carrying an outside term is not an imported one.
        own = make_service("Our own", organization=organization)
        Attribute.objects.create(taxonomy_term=cls.unused, link_entity="service", link_id=own.id)

    @staticmethod
    def imported(name, organization, term, original_id):
        service = make_service(name, organization=organization)
        Attribute.objects.create(taxonomy_term=term, link_entity="service", link_id=service.id, link_type="category")
        ImportedRecord.objects.create(
            entity="service", object_id=service.id, source_key="bolton.json", original_id=original_id
        )
        return service

    def setUp(self):
        self.login(self.editor)

    def test_it_lists_the_unmapped_outside_terms_of_imported_services_most_used_first(self):
        response = self.client.get(TERMS)

        text = response.text
        self.assertLess(text.index("Foodbanks (Bolton categories)"), text.index("Legal help (Bolton categories)"))
        self.assertContains(response, "Used by 2 imported services.")
        self.assertContains(response, "Used by 1 imported service.")
        self.assertNotContains(response, "Allotments")
        self.assertContains(response, f'<option value="{self.food.id}">Food</option>', html=True)

    def test_mapping_a_term_gives_its_services_the_need_and_the_map_finds_them(self):
        response = self.client.post(TERMS, {f"term_{self.foodbanks.id}": str(self.food.id)}, follow=True)

        self.assertRedirects(response, TERMS)
        self.assertContains(response, "Mapped 1 term(s); 2 service(s) now have the need.")
        mapping = NeedMapping.objects.get(term=self.foodbanks)
        self.assertEqual((mapping.need, mapping.mapped_by), (self.food, self.editor))
        for service in (self.pantry, self.soup):
            self.assertIn(self.food, service.needs())
        self.assertNotIn(self.food, self.lawyers.needs())
        event = Event.objects.get(action="directory.need_mapped")
        self.assertEqual((event.actor, event.details), (self.editor, {"need": "food", "services": 2}))
        page = self.client.get(TERMS)
        self.assertNotContains(page, f'name="term_{self.foodbanks.id}"')
        self.assertContains(page, f'name="term_{self.legal.id}"')
        self.client.logout()
        results = self.client.get("/services/?need=food")
        self.assertContains(results, "Pantry")
        self.assertContains(results, "Soup kitchen")
        self.assertNotContains(results, "Law centre")

    def test_a_service_that_has_the_need_already_keeps_one_link(self):
        give_need(self.pantry, self.food)

        self.client.post(TERMS, {f"term_{self.foodbanks.id}": str(self.food.id)})

        links = Attribute.objects.filter(taxonomy_term=self.food, link_id=self.pantry.id, link_type=NEED_LINK_TYPE)
        self.assertEqual(links.count(), 1)
        self.assertEqual(Event.objects.get(action="directory.need_mapped").details["services"], 1)

    def test_mapping_to_immigration_advice_flags_services_with_no_known_regulator(self):
        self.client.post(TERMS, {f"term_{self.legal.id}": str(self.advice.id)})

        self.lawyers.refresh_from_db()
        self.assertTrue(self.lawyers.regulator_not_confirmed)
        self.assertFalse(self.lawyers.is_regulated_adviser)
        self.pantry.refresh_from_db()
        self.assertFalse(self.pantry.regulator_not_confirmed)

    def test_leaving_a_term_unmapped_changes_nothing(self):
        response = self.client.post(TERMS, {f"term_{self.foodbanks.id}": ""})

        self.assertRedirects(response, TERMS)
        self.assertFalse(NeedMapping.objects.exists())

    def test_a_need_that_does_not_exist_is_refused(self):
        for value in (str(self.legal.id), "not-a-need"):
            with self.subTest(value=value):
                response = self.client.post(TERMS, {f"term_{self.foodbanks.id}": value})
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, '<div class="error-summary"')
                self.assertContains(response, "Choose one of Waymark&#x27;s needs")
        self.assertFalse(NeedMapping.objects.exists())

    def test_a_term_mapped_meanwhile_by_someone_else_is_left_as_they_set_it(self):
        terms_before = self.client.get(TERMS)
        self.assertContains(terms_before, "Foodbanks")
        NeedMapping.objects.create(term=self.foodbanks, need=self.advice, mapped_by=self.admin)

        response = self.client.post(
            TERMS, {f"term_{self.foodbanks.id}": str(self.food.id), f"term_{self.legal.id}": str(self.advice.id)}
        )

        self.assertRedirects(response, TERMS)
        self.assertEqual(NeedMapping.objects.get(term=self.foodbanks).need, self.advice)
        self.assertEqual(NeedMapping.objects.get(term=self.legal).need, self.advice)

    def test_the_terms_of_an_imported_fixture_are_offered(self):
        self.client.post(IMPORTS, {"source_name": "Validator", "file": upload(DEFAULT / "service_full.json")})
        service = Service.objects.get(name=FIXTURE_SERVICE_NAME)
        outside = TaxonomyTerm.objects.filter(
            attributes__link_id=service.id, attributes__link_entity="service"
        ).exclude(taxonomy__name="Waymark needs")
        self.assertTrue(outside.exists())

        response = self.client.get(TERMS)

        for term in outside:
            self.assertContains(response, f'name="term_{term.id}"')

    def test_after_mapping_a_term_a_changed_record_still_updates_the_service_instead_of_queueing(self):
        fixture = upload(DEFAULT / "service_full.json")
        self.client.post(IMPORTS, {"source_name": "Validator", "file": fixture})
        service = Service.objects.get(name=FIXTURE_SERVICE_NAME)
        term = (
            TaxonomyTerm.objects.filter(attributes__link_id=service.id, attributes__link_entity="service")
            .exclude(taxonomy__name="Waymark needs")
            .first()
        )
        self.client.post(TERMS, {f"term_{term.id}": str(self.food.id)})
        self.assertIn(self.food, service.needs())

        changed = json.loads((DEFAULT / "service_full.json").read_text())
        changed["description"] = "Counselling for the whole community, now on Saturdays too."
        changed_file = upload(name="service_full.json", content=json.dumps(changed).encode())
        self.client.post(IMPORTS, {"source_name": "Validator", "file": changed_file})

        again = ImportRun.objects.order_by("-started_at", "-id").first()
        self.assertEqual((again.updated, again.queued, again.rejected), (1, 0, 0))
        self.assertFalse(ChangeRequest.objects.exists())
        service.refresh_from_db()
        self.assertEqual(service.description, "Counselling for the whole community, now on Saturdays too.")
        self.assertIn(self.food, service.needs())
