"""The HSDS 3.0 tabular package (zip of CSVs + datapackage.json), read into records and written back.

The official example package (``standards/hsds-3.0/examples/csv/`` with the official
``datapackage.json``) and the official example record (``examples/service_full.json``) are
the fixtures; a few small packages are built inline to show each problem a partner's file
can have.
"""

import copy
import csv
import io
import json
import zipfile

from django.test import SimpleTestCase

from waymark.directory.oruk import tabular
from waymark.directory.oruk.schemas import STANDARDS_DIR

HSDS = STANDARDS_DIR / "hsds-3.0"
EXAMPLE_CSV = HSDS / "examples" / "csv"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
ORGANIZATION_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
LOCATION_ID = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"


def official_files():
    """{name in the zip: text} of the official example package."""
    files = {path.name: path.read_text(encoding="utf-8") for path in EXAMPLE_CSV.glob("*.csv")}
    files["datapackage.json"] = (HSDS / "datapackage.json").read_text(encoding="utf-8")
    return files


def make_zip(files, *, folder=""):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(folder + name, text)
    buffer.seek(0)
    return buffer


def service_full():
    return json.loads((HSDS / "examples" / "service_full.json").read_text(encoding="utf-8"))


def csv_text(rows):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def small_package(**tables):
    """A package with only these tables ({"services.csv": [[header…], [row…]]…})."""
    descriptor = copy.deepcopy(tabular.official_datapackage())
    paths = set(tables)
    descriptor["resources"] = [resource for resource in descriptor["resources"] if resource["path"] in paths]
    files = {path: csv_text(rows) for path, rows in tables.items()}
    files["datapackage.json"] = json.dumps(descriptor)
    return files


ORGANIZATIONS = [["id", "name", "description"], [ORGANIZATION_ID, "Croal Valley Welcome", "A welcome project."]]
SERVICES_HEADER = ["id", "organization_id", "name", "status", "minimum_age"]


def written(records, **options):
    out = io.BytesIO()
    counts, problems = tabular.records_to_package(records, out, **options)
    out.seek(0)
    return out, counts, problems


def read_csv(archive, name):
    return list(csv.DictReader(io.TextIOWrapper(archive.open(name), "utf-8")))


def errors(problems):
    return [problem for problem in problems if problem["level"] == tabular.ERROR]


class ReadingTheOfficialExampleTests(SimpleTestCase):
    def test_it_rebuilds_the_example_service_as_nested_json(self):
        records, problems = tabular.package_to_records(make_zip(official_files()))

        self.assertEqual(errors(problems), [])
        self.assertEqual(len(records), 1)
        record = records[0]
        expected = service_full()
        # Where the official CSV files and service_full.json disagree, the CSVs decide: the
        # example attribute and metadata rows link to ids that are in no table, its location
        # and contact name other organisations, and organizations.csv has a tax_id.
        for name in ("attributes", "metadata"):
            del expected[name]
        del expected["service_at_locations"][0]["contacts"]
        for name in ("contacts", "locations"):
            del expected["organization"][name]
        expected["organization"]["tax_id"] = "tax_id"
        self.assertEqual(record, expected)

    def test_it_types_numbers_and_leaves_link_columns_to_the_nesting(self):
        record = tabular.package_to_records(make_zip(official_files()))[0][0]

        self.assertEqual(record["minimum_age"], 12)
        self.assertEqual(record["organization"]["year_incorporated"], 2011)
        location = record["service_at_locations"][0]["location"]
        self.assertEqual((location["latitude"], location["longitude"]), (100, 101))
        self.assertEqual(record["phones"][0]["extension"], 100)
        self.assertEqual(record["schedules"][0]["timezone"], 3)
        self.assertEqual(record["cost_options"][0]["amount"], 35)
        self.assertNotIn("organization_id", record)
        self.assertNotIn("service_id", record["phones"][0])
        self.assertEqual(record["phones"][0]["number"], '"+44 1234 234567"')

    def test_it_reports_rows_whose_links_match_nothing(self):
        problems = tabular.package_to_records(make_zip(official_files()))[1]

        by_record = {(problem["record"], problem["field"]): problem for problem in problems}
        attribute = by_record["ae58cc39-8b70-4ab1-8aea-786882e5ac8e", "link_id"]
        self.assertEqual(attribute["level"], tabular.WARNING)
        self.assertIn("f28dd44b-0c4d-479f-8e90-4c52219a8b3c", attribute["reason"])
        self.assertIn(("6cd71e9f-1013-49d9-8370-26b8f59d3e5a", "resource_id"), by_record)
        self.assertIn((LOCATION_ID, "organization_id"), by_record)
        self.assertIn(("ae58cc39-8b70-4ab1-8aea-786882e5ac8e", ""), by_record)  # and so it was left out

    def test_it_finds_the_package_inside_a_folder(self):
        records, problems = tabular.package_to_records(make_zip(official_files(), folder="hsds/"))

        self.assertEqual(errors(problems), [])
        self.assertEqual([record["id"] for record in records], [SERVICE_ID])


class RoundTripTests(SimpleTestCase):
    def test_it_round_trips_the_official_full_service(self):
        out, counts, problems = written([service_full()])

        self.assertEqual(problems, [])
        records, read_problems = tabular.package_to_records(out)
        self.assertEqual(read_problems, [])
        self.assertEqual(records, [service_full()])

    def test_it_writes_an_object_met_under_several_parents_once_with_every_link(self):
        out, counts, _problems = written([service_full()])

        # The example repeats one phone under the service, its contact, its location, the
        # service at location and the organisation.
        self.assertEqual(counts["phone"], 1)
        with zipfile.ZipFile(out) as archive:
            phone = read_csv(archive, "phones.csv")[0]
        self.assertEqual(phone["service_id"], SERVICE_ID)
        self.assertEqual(phone["location_id"], LOCATION_ID)
        self.assertEqual(phone["organization_id"], ORGANIZATION_ID)
        self.assertEqual(phone["contact_id"], "1e7efce3-639b-4880-940c-b95cd30cdb50")
        self.assertEqual(phone["service_at_location_id"], "e94c9f38-1e8f-4564-91d4-d53501ab1765")

    def test_records_read_from_the_example_package_round_trip(self):
        records = tabular.package_to_records(make_zip(official_files()))[0]

        out, _counts, problems = written(records)
        self.assertEqual(problems, [])
        self.assertEqual(tabular.package_to_records(out), (records, []))

    def test_a_location_shared_by_two_services_is_one_row_and_nests_under_both(self):
        first = service_full()
        second = copy.deepcopy(first)
        second["id"] = "5b0d4a57-6d3c-4a5e-bf5c-0ad7dc0e3a11"
        second["name"] = "Drop-in Counselling"
        second["service_at_locations"][0]["id"] = "8f1b8a3e-2b0a-4c3e-9b8a-0c8f1e1d2a33"
        for name in ("phones", "schedules", "service_areas", "languages", "funding", "cost_options"):
            del second[name]
        for name in ("required_documents", "contacts", "attributes", "metadata"):
            del second[name]
        for name in ("phones", "schedules", "contacts"):
            del second["service_at_locations"][0][name]

        out, counts, problems = written([first, second])

        self.assertEqual(problems, [])
        self.assertEqual((counts["service"], counts["location"], counts["service_at_location"]), (2, 1, 2))
        self.assertEqual(counts["organization"], 1)
        records, read_problems = tabular.package_to_records(out)
        self.assertEqual(read_problems, [])
        self.assertEqual(records[0], first)
        self.assertEqual(
            records[1]["service_at_locations"][0]["location"], first["service_at_locations"][0]["location"]
        )

    def test_many_records_stream_through_without_being_held(self):
        def services(count):
            for number in range(count):
                yield {
                    "id": f"00000000-0000-4000-8000-{number:012d}",
                    "name": f"Service {number}",
                    "status": "active",
                    "organization": {
                        "id": ORGANIZATION_ID,
                        "name": "Croal Valley Welcome",
                        "description": "A project.",
                    },
                    "phones": [{"id": f"10000000-0000-4000-8000-{number:012d}", "number": "01204 000000"}],
                }

        out, counts, problems = written(services(5000))

        self.assertEqual((counts["service"], counts["phone"], counts["organization"]), (5000, 5000, 1))
        records, read_problems = tabular.package_to_records(out)
        self.assertEqual(read_problems, [])
        self.assertEqual(records[4999]["phones"][0]["number"], "01204 000000")
        self.assertEqual(records[4999]["organization"]["name"], "Croal Valley Welcome")


class WrittenPackageTests(SimpleTestCase):
    def test_it_describes_every_table_with_the_official_schema_and_the_licence(self):
        details = tabular.PackageDetails(
            name="waymark-directory",
            title="Waymark",
            licence={"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"},
            sources=[{"title": "Waymark", "path": "https://waymark.example/"}],
        )
        out, _counts, _problems = written([service_full()], details=details)

        with zipfile.ZipFile(out) as archive:
            descriptor = json.loads(archive.read("datapackage.json"))
            self.assertEqual(descriptor["licenses"], [details.licence])
            self.assertEqual(descriptor["sources"], details.sources)
            self.assertEqual(descriptor["profile"], "tabular-data-package")
            self.assertIn("Open Referral", descriptor["description"])
            self.assertEqual(descriptor["resources"], tabular.official_datapackage()["resources"])
            for resource in descriptor["resources"]:
                header = next(csv.reader(io.TextIOWrapper(archive.open(resource["path"]), "utf-8")))
                self.assertEqual(header, [field["name"] for field in resource["schema"]["fields"]])

    def test_it_writes_no_empty_values_as_text_and_numbers_as_numbers(self):
        record = service_full()
        record["alternate_name"] = ""
        out, _counts, _problems = written([record])

        with zipfile.ZipFile(out) as archive:
            service = read_csv(archive, "services.csv")[0]
        self.assertEqual(service["alternate_name"], "")
        self.assertEqual(service["minimum_age"], "12")
        self.assertNotIn("alternate_name", tabular.package_to_records(out)[0][0])

    def test_it_says_which_fields_hsds_tables_have_no_column_for(self):
        record = service_full()
        record["capacities"] = [{"id": "c0ffee00-0000-4000-8000-000000000001", "available": 3}]

        _out, _counts, problems = written([record, record])

        self.assertEqual(len(problems), 1)
        self.assertEqual(problems[0]["field"], "capacities")
        self.assertEqual(problems[0]["level"], tabular.WARNING)

    def test_it_writes_organisations_without_services_and_reads_them_back_marked(self):
        organization = {"id": ORGANIZATION_ID, "name": "Croal Valley Welcome", "description": "A project."}
        out, counts, _problems = written([], organizations=[organization])

        self.assertEqual((counts["service"], counts["organization"]), (0, 1))
        records, problems = tabular.package_to_records(out)
        self.assertEqual(problems, [])
        self.assertEqual(records, [{"entity": "organization", **organization}])
        self.assertTrue(tabular.is_organization_record(records[0]))

    def test_write_records_as_package_leaves_no_partial_file(self):
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "map.zip"
            tabular.write_records_as_package([service_full()], path)
            self.assertEqual([item.name for item in Path(directory).iterdir()], ["map.zip"])
            self.assertEqual(tabular.package_to_records(path)[0], [service_full()])


class ProblemPackageTests(SimpleTestCase):
    def assert_refused(self, file, words, **options):
        records, problems = tabular.package_to_records(file, **options)
        self.assertEqual(records, [])
        self.assertEqual(len(problems), 1)
        self.assertEqual(problems[0]["level"], tabular.ERROR)
        self.assertIn(words, problems[0]["reason"])

    def test_a_file_that_is_not_a_zip_is_refused(self):
        self.assert_refused(io.BytesIO(b"id,name\n1,Food bank\n"), "not a zip file")

    def test_a_zip_without_datapackage_json_is_refused(self):
        files = official_files()
        del files["datapackage.json"]
        self.assert_refused(make_zip(files), "no datapackage.json")

    def test_a_datapackage_json_that_is_not_json_is_refused(self):
        self.assert_refused(make_zip({"datapackage.json": "{resources: ["}), "not valid JSON")

    def test_a_zip_that_expands_past_the_limit_is_refused(self):
        files = small_package(**{"organizations.csv": ORGANIZATIONS})
        files["organizations.csv"] += "x" * 3_000_000  # compresses to a few kilobytes

        self.assert_refused(make_zip(files), "expands to more than 1 MB", max_bytes=2**20)

    def test_a_csv_not_listed_is_reported_and_not_read(self):
        files = small_package(**{"organizations.csv": ORGANIZATIONS})
        files["services.csv"] = csv_text([SERVICES_HEADER, [SERVICE_ID, ORGANIZATION_ID, "Counselling", "active", ""]])

        records, problems = tabular.package_to_records(make_zip(files))

        self.assertEqual([record["entity"] for record in records], ["organization"])
        self.assertEqual(problems[0]["field"], "services.csv")
        self.assertEqual(problems[0]["level"], tabular.WARNING)
        self.assertIn("not listed", problems[0]["reason"])

    def test_a_listed_csv_missing_from_the_zip_is_an_error(self):
        files = small_package(**{"organizations.csv": ORGANIZATIONS, "services.csv": [SERVICES_HEADER]})
        del files["services.csv"]

        problems = tabular.package_to_records(make_zip(files))[1]

        self.assertEqual([(p["field"], p["level"]) for p in problems], [("services.csv", "error")])

    def test_a_service_whose_organisation_is_not_in_the_package_is_an_error(self):
        missing = "7e1c54c6-0c44-4d93-9a8f-2f6a3d1c0b55"
        files = small_package(
            **{
                "organizations.csv": ORGANIZATIONS,
                "services.csv": [SERVICES_HEADER, [SERVICE_ID, missing, "Counselling", "active", "16"]],
            }
        )

        records, problems = tabular.package_to_records(make_zip(files))

        self.assertEqual(records[0], {"id": SERVICE_ID, "name": "Counselling", "status": "active", "minimum_age": 16})
        self.assertEqual(
            [(p["record"], p["field"], p["level"]) for p in problems], [(SERVICE_ID, "organization_id", "error")]
        )
        self.assertIn(missing, problems[0]["reason"])

    def test_a_header_without_an_id_column_means_the_table_is_not_read(self):
        files = small_package(
            **{"organizations.csv": [["identifier", "name", "description"], [ORGANIZATION_ID, "Croal", "A project."]]}
        )

        records, problems = tabular.package_to_records(make_zip(files))

        self.assertEqual(records, [])
        self.assertEqual((problems[0]["field"], problems[0]["level"]), ("organizations.csv", "error"))
        self.assertIn("no id column", problems[0]["reason"])

    def test_a_header_repeating_a_column_means_the_table_is_not_read(self):
        files = small_package(**{"organizations.csv": [["id", "name", "name"], [ORGANIZATION_ID, "A", "B"]]})

        records, problems = tabular.package_to_records(make_zip(files))

        self.assertEqual(records, [])
        self.assertIn("repeats the column", problems[0]["reason"])

    def test_unknown_columns_are_ignored_with_a_warning(self):
        files = small_package(
            **{"organizations.csv": [["id", "name", "description", "colour"], [ORGANIZATION_ID, "A", "B", "green"]]}
        )

        records, problems = tabular.package_to_records(make_zip(files))

        self.assertEqual(records, [{"entity": "organization", "id": ORGANIZATION_ID, "name": "A", "description": "B"}])
        self.assertEqual(problems[0]["level"], tabular.WARNING)
        self.assertIn("colour", problems[0]["reason"])

    def test_a_value_that_is_not_a_number_is_left_out_with_a_warning(self):
        files = small_package(
            **{
                "organizations.csv": ORGANIZATIONS,
                "services.csv": [SERVICES_HEADER, [SERVICE_ID, ORGANIZATION_ID, "Counselling", "active", "sixteen"]],
            }
        )

        records, problems = tabular.package_to_records(make_zip(files))

        self.assertNotIn("minimum_age", records[0])
        self.assertEqual((problems[0]["record"], problems[0]["field"]), (SERVICE_ID, "minimum_age"))
        self.assertEqual(problems[0]["level"], tabular.WARNING)

    def test_a_repeated_id_keeps_the_first_row(self):
        files = small_package(
            **{"organizations.csv": [*ORGANIZATIONS, [ORGANIZATION_ID, "Second", "Another."]]},
        )

        records, problems = tabular.package_to_records(make_zip(files))

        self.assertEqual(records[0]["name"], "Croal Valley Welcome")
        self.assertIn("repeats an id", problems[0]["reason"])

    def test_a_path_outside_the_package_is_not_read(self):
        files = small_package(**{"organizations.csv": ORGANIZATIONS})
        descriptor = json.loads(files["datapackage.json"])
        descriptor["resources"][0]["path"] = "../../etc/organizations.csv"
        files["datapackage.json"] = json.dumps(descriptor)

        problems = tabular.package_to_records(make_zip(files))[1]

        self.assertIn("outside the package", problems[0]["reason"])

    def test_text_that_is_not_utf8_is_reported(self):
        files = small_package(**{"organizations.csv": ORGANIZATIONS})
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("datapackage.json", files["datapackage.json"])
            archive.writestr("organizations.csv", "id,name,description\r\nx,Caf\xe9,A\r\n".encode("latin-1"))

        problems = tabular.package_to_records(buffer)[1]

        self.assertIn("not UTF-8", problems[0]["reason"])
