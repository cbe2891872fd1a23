"""Placing a typed postcode on the map from our own tables, never failing on what was typed."""

from django.test import TestCase

from waymark.places.models import OutcodeCentroid, PostcodeCentroid
from waymark.places.postcodes import Location, locate


class LocateTests(TestCase):
    # The outcode centroids are real rows, loaded by the data migration.

    def test_it_places_a_postcode_by_its_outcode_when_full_postcodes_are_not_loaded(self):
        location = locate("bl11aa")

        bl1 = OutcodeCentroid.objects.get(outcode="BL1")
        self.assertEqual(
            location, Location(True, "BL1 1AA", bl1.latitude, bl1.longitude, precision="outcode", reason=None)
        )

    def test_it_places_a_loaded_postcode_by_its_own_position(self):
        PostcodeCentroid.objects.create(postcode="BL1 1AA", latitude=53.578124, longitude=-2.429871)

        location = locate(" BL1 1AA ")

        self.assertTrue(location)
        self.assertEqual((location.latitude, location.longitude), (53.578124, -2.429871))
        self.assertEqual(location.precision, "postcode")

    def test_it_falls_back_to_the_outcode_for_a_postcode_missing_from_the_loaded_ones(self):
        PostcodeCentroid.objects.create(postcode="BL1 1AA", latitude=53.578124, longitude=-2.429871)

        location = locate("BL1 9ZZ")

        self.assertEqual(location.precision, "outcode")
        self.assertEqual(location.query, "BL1 9ZZ")
        self.assertEqual(location.latitude, OutcodeCentroid.objects.get(outcode="BL1").latitude)

    def test_it_places_a_bare_outcode(self):
        location = locate("ne1")

        self.assertTrue(location.found)
        self.assertEqual((location.query, location.precision), ("NE1", "outcode"))
        # Newcastle upon Tyne's city centre.
        self.assertAlmostEqual(location.latitude, 54.97, delta=0.02)
        self.assertAlmostEqual(location.longitude, -1.61, delta=0.02)

    def test_it_says_unknown_for_a_well_formed_postcode_of_an_outcode_we_do_not_have(self):
        # Northern Ireland is not in Code-Point Open; ZZ is no postcode area at all.
        for typed, query in [("BT1 1AA", "BT1 1AA"), ("zz9", "ZZ9")]:
            with self.subTest(typed=typed):
                location = locate(typed)
                self.assertFalse(location)
                self.assertEqual((location.reason, location.query, location.latitude), ("unknown", query, None))

    def test_it_says_invalid_for_garbage_without_raising(self):
        for typed in ("", "my house", "BL1 1AA; DROP TABLE", "🙂", "x" * 10_000, None):
            with self.subTest(typed=typed):
                location = locate(typed)
                self.assertFalse(location)
                self.assertEqual(location.reason, "invalid")

    def test_it_asks_the_database_at_most_twice(self):
        with self.assertNumQueries(2):
            locate("BL1 1AA")
        with self.assertNumQueries(1):
            locate("BL1")
        with self.assertNumQueries(0):
            locate("nonsense")
