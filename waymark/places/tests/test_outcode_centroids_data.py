"""The committed outcode centroids, loaded into every install by a data migration."""

import csv
from pathlib import Path

from django.test import SimpleTestCase, TestCase

from waymark.places import codepoint
from waymark.places.geo import haversine_m
from waymark.places.models import OutcodeCentroid

DATA = Path(__file__).resolve().parent.parent / "data"


class OutcodeCentroidDataTests(TestCase):
    def test_it_loads_every_outcode_of_the_committed_file(self):
        with open(DATA / "outcodes.csv", encoding="utf-8", newline="") as file:
            outcodes = {row["outcode"] for row in csv.DictReader(file)}

        self.assertEqual(set(OutcodeCentroid.objects.values_list("outcode", flat=True)), outcodes)
        self.assertGreater(len(outcodes), 2800)

    def test_it_puts_the_demo_towns_outcodes_where_the_towns_are(self):
        # Town halls, from the map: every district's middle is within a few km of its town.
        for outcode, (latitude, longitude), within_m in [
            ("BL1", (53.5780, -2.4290), 3000),  # Bolton
            ("M1", (53.4794, -2.2453), 1500),  # Manchester
            ("M5", (53.4875, -2.2901), 4000),  # Salford
            ("NE1", (54.9738, -1.6131), 1500),  # Newcastle upon Tyne
        ]:
            with self.subTest(outcode=outcode):
                centre = OutcodeCentroid.objects.get(outcode=outcode)
                self.assertLess(haversine_m(centre.latitude, centre.longitude, latitude, longitude), within_m)
                self.assertGreater(centre.postcode_count, 0)


class OutcodeSourceNoteTests(SimpleTestCase):
    def test_it_keeps_the_source_and_licence_attribution_beside_the_data(self):
        note = (DATA / "SOURCE.md").read_text(encoding="utf-8")

        self.assertIn("Open Government Licence v3.0", note)
        for sentence in codepoint.ATTRIBUTION.split(". "):
            with self.subTest(sentence=sentence):
                self.assertIn(sentence.rstrip("."), note)
