"""The whole public map exported: ``manage.py export_directory`` as ndjson and as an HSDS
tabular package, and the cached package the download link serves."""

import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import override_settings

from waymark.directory.models import Phone, Service, TaxonomyTerm
from waymark.directory.oruk import export, serialise, tabular
from waymark.directory.oruk.schemas import error_path, validator
from waymark.directory.tests.builders import make_organization
from waymark.directory.tests.test_public import make_listing, make_place
from waymark.testing import BaseTestCase


def ids_in(value, *, skip=("capacities",)):
    """Every object id nested in a record (leaving out what HSDS 3.0 tables cannot hold)."""
    found = set()
    if isinstance(value, dict):
        if isinstance(value.get("id"), str):
            found.add(value["id"])
        for key, item in value.items():
            if key not in skip:
                found |= ids_in(item, skip=skip)
    elif isinstance(value, list):
        for item in value:
            found |= ids_in(item, skip=skip)
    return found


def terms_in(value):
    """Every taxonomy term nested in a record."""
    if isinstance(value, dict):
        if isinstance(value.get("taxonomy_term"), dict):
            yield value["taxonomy_term"]
        for item in value.values():
            yield from terms_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from terms_in(item)


class ExportTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.organization = make_organization("Croal Valley Welcome Project")
        cls.centre = make_place(cls.organization, area=cls.bolton)
        cls.food_bank = make_listing("Food bank", organization=cls.organization, location=cls.centre)
        cls.advice = make_listing("Advice drop-in", organization=cls.organization, location=cls.centre)
        cls.refuge = make_listing(
            "Women's refuge",
            organization=cls.organization,
            location=make_place(
                cls.organization, hidden=True, area=cls.bolton, street="7 Secret Lane", postcode="BL1 9ZZ"
            ),
        )
        cls.closed = make_listing("Closed project", status=Service.Status.INACTIVE)

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="waymark-export-test-"))
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def public_ids(self):
        return {str(service.id) for service in (self.food_bank, self.advice, self.refuge)}


class NdjsonExportTests(ExportTestCase):
    def test_it_writes_every_public_service_one_full_record_per_line(self):
        path = self.folder / "services.ndjson"
        errors = io.StringIO()

        call_command("export_directory", "--format", "ndjson", str(path), stderr=errors)

        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        self.assertEqual({record["id"] for record in records}, self.public_ids())
        for record in records:
            problems = [f"{error_path(e)}: {e.message}" for e in validator("service").iter_errors(record)]
            self.assertEqual(problems, [], record["name"])
        self.assertIn("Wrote 3 service(s) as ndjson", errors.getvalue())
        self.assertIn("CC BY 4.0", errors.getvalue())

    def test_it_writes_ndjson_to_standard_output(self):
        out = io.StringIO()

        call_command("export_directory", "--format", "ndjson", "-", stdout=out, stderr=io.StringIO())

        lines = out.getvalue().splitlines()
        self.assertEqual({json.loads(line)["id"] for line in lines}, self.public_ids())

    def test_it_keeps_a_hidden_address_hidden(self):
        text = b"".join(export.iter_ndjson()).decode()

        self.assertIn("Women's refuge", text)
        self.assertNotIn("Secret Lane", text)
        self.assertNotIn("BL1 9ZZ", text)


class TabularExportTests(ExportTestCase):
    def export(self):
        path = self.folder / "map.zip"
        call_command("export_directory", "--format", "tabular", str(path), stderr=io.StringIO())
        return path

    def test_it_writes_a_package_that_reads_back_as_the_same_public_map(self):
        path = self.export()

        records, problems = tabular.package_to_records(path)

        # Every link resolves: the taxonomies the terms name are in the package too.
        self.assertEqual(problems, [])
        by_id = {record["id"]: record for record in records}
        self.assertEqual(set(by_id), self.public_ids())
        originals = list(serialise.iter_full_services(export.exported_services()))
        term_taxonomies = {str(term.id): str(term.taxonomy_id) for term in TaxonomyTerm.objects.all()}
        for original in originals:
            with self.subTest(original["name"]):
                again = by_id[original["id"]]
                # The package adds each term's taxonomy (taxonomy_detail), which the API leaves out.
                self.assertEqual(ids_in(again, skip=("capacities", "taxonomy_detail")), ids_in(original))
                terms = list(terms_in(again))
                self.assertTrue(terms)
                self.assertTrue(all(term["taxonomy_detail"]["id"] == term_taxonomies[term["id"]] for term in terms))
                for name, value in original.items():
                    if not isinstance(value, dict | list) and name not in ("organization_id", "program_id"):
                        self.assertEqual(again[name], value, name)
                self.assertEqual(again["organization"]["name"], original["organization"]["name"])

    def test_a_place_shared_by_two_services_is_one_row(self):
        with zipfile.ZipFile(self.export()) as archive:
            locations = archive.read("locations.csv").decode().splitlines()
            places = archive.read("service_at_location.csv").decode().splitlines()

        self.assertEqual(len(locations), 1 + 2)  # header, the centre, the refuge's hidden place
        self.assertEqual(len(places), 1 + 3)

    def test_it_carries_the_licence_and_attribution_and_no_hidden_address(self):
        with zipfile.ZipFile(self.export()) as archive:
            descriptor = json.loads(archive.read("datapackage.json"))
            everything = b"".join(archive.read(name) for name in archive.namelist()).decode()

        self.assertEqual(descriptor["licenses"], [export.LICENCE])
        self.assertIn(export.attribution(), descriptor["description"])
        self.assertIn("Open Referral", descriptor["description"])
        self.assertNotIn("Secret Lane", everything)
        self.assertNotIn("BL1 9ZZ", everything)
        self.assertNotIn("Closed project", everything)

    def test_it_refuses_to_write_a_zip_to_standard_output(self):
        with self.assertRaisesMessage(CommandError, "give a file name"):
            call_command("export_directory", "--format", "tabular", "-", stdout=io.StringIO())

    def test_it_says_when_the_folder_does_not_exist(self):
        with self.assertRaisesMessage(CommandError, "There is no folder"):
            call_command("export_directory", "--format", "ndjson", str(self.folder / "missing" / "x.ndjson"))


class CachedPackageTests(ExportTestCase):
    def test_it_builds_once_and_again_only_when_the_map_changes(self):
        with override_settings(DIRECTORY_EXPORT_DIR=str(self.folder)):
            first = export.cached_tabular_package()
            built = first.stat().st_mtime_ns
            self.assertEqual(export.cached_tabular_package(), first)
            self.assertEqual(first.stat().st_mtime_ns, built)

            self.food_bank.name = "Community food bank"
            self.food_bank.save()
            second = export.cached_tabular_package()

            self.assertNotEqual(second, first)
            self.assertFalse(first.exists())
            names = {record.get("name") for record in tabular.package_to_records(second)[0]}
            self.assertIn("Community food bank", names)

    def test_removing_a_row_is_a_change_too(self):
        before = export.map_version()

        Phone.objects.filter(service=self.advice).delete()

        self.assertNotEqual(export.map_version(), before)
