"""Distances without GDAL: haversine in Python and in the ORM, and the bounding-box prefilter."""

import math

from django.test import SimpleTestCase, TestCase

from waymark.places.geo import bounding_box, distance_m_expression, haversine_m, within_radius
from waymark.places.models import OutcodeCentroid

MANCHESTER = (53.4808, -2.2426)  # Albert Square
BOLTON = (53.5769, -2.4282)  # Victoria Square
LONDON = (51.5073, -0.1277)  # Charing Cross
EDINBURGH = (55.9533, -3.1883)  # Waverley


class HaversineTests(SimpleTestCase):
    def test_it_gives_known_distances(self):
        for start, end, expected_km in [
            (MANCHESTER, BOLTON, 16.3),
            (LONDON, EDINBURGH, 534.0),
            # Either side of the Greenwich meridian: 0.2° of longitude at 51.5° N.
            ((51.5, -0.1), (51.5, 0.1), 13.84),
        ]:
            with self.subTest(start=start, end=end):
                self.assertAlmostEqual(haversine_m(*start, *end) / 1000, expected_km, delta=expected_km * 0.005)

    def test_it_is_symmetric_and_zero_at_a_point(self):
        self.assertEqual(haversine_m(*BOLTON, *BOLTON), 0)
        self.assertAlmostEqual(haversine_m(*MANCHESTER, *BOLTON), haversine_m(*BOLTON, *MANCHESTER))

    def test_it_survives_opposite_ends_of_the_earth(self):
        self.assertAlmostEqual(haversine_m(0, 0, 0, 180), math.pi * 6_371_008.8, delta=1)


class BoundingBoxTests(SimpleTestCase):
    def test_it_holds_every_point_of_the_circle(self):
        box = bounding_box(*BOLTON, 10_000)
        # Walk round the circle at 10 km, and just inside it.
        for bearing in range(0, 360, 5):
            with self.subTest(bearing=bearing):
                point = _destination(*BOLTON, bearing, 9_999)
                self.assertTrue(box.contains(*point))

    def test_it_is_no_bigger_than_it_needs_to_be(self):
        box = bounding_box(*BOLTON, 10_000)

        for point in [
            (box.max_latitude + 0.001, BOLTON[1]),
            (box.min_latitude - 0.001, BOLTON[1]),
            (BOLTON[0], box.max_longitude + 0.001),
            (BOLTON[0], box.min_longitude - 0.001),
        ]:
            with self.subTest(point=point):
                self.assertGreater(haversine_m(*BOLTON, *point), 10_000)
        self.assertAlmostEqual(box.max_latitude - box.min_latitude, 2 * 10 / 111.195, places=3)

    def test_it_spans_the_greenwich_meridian_as_plain_numbers(self):
        box = bounding_box(51.48, 0.0, 5_000)

        self.assertLess(box.min_longitude, 0)
        self.assertGreater(box.max_longitude, 0)
        self.assertTrue(box.contains(51.48, -0.05))
        self.assertTrue(box.contains(51.48, 0.05))

    def test_it_widens_to_every_longitude_near_a_pole_or_the_date_line(self):
        for centre in [(89.99, 10.0), (0.0, 179.99)]:
            with self.subTest(centre=centre):
                box = bounding_box(*centre, 5_000)
                self.assertEqual((box.min_longitude, box.max_longitude), (-180.0, 180.0))

    def test_it_refuses_a_negative_radius(self):
        with self.assertRaises(ValueError):
            bounding_box(*BOLTON, -1)


class DistanceInTheDatabaseTests(TestCase):
    # The outcode centroids loaded by the data migration are the rows to measure.

    def test_it_computes_the_same_distance_as_python(self):
        centre = OutcodeCentroid.objects.annotate(distance_m=distance_m_expression(*MANCHESTER)).get(outcode="BL1")

        self.assertAlmostEqual(centre.distance_m, haversine_m(*MANCHESTER, centre.latitude, centre.longitude), places=3)

    def test_it_finds_exactly_the_rows_within_a_radius(self):
        nearby = within_radius(OutcodeCentroid.objects.all(), *BOLTON, 5_000).order_by("distance_m")

        expected = sorted(
            (haversine_m(*BOLTON, row.latitude, row.longitude), row.outcode)
            for row in OutcodeCentroid.objects.all()
            if haversine_m(*BOLTON, row.latitude, row.longitude) <= 5_000
        )
        self.assertEqual([row.outcode for row in nearby], [outcode for _distance, outcode in expected])
        self.assertIn("BL1", [row.outcode for row in nearby])
        self.assertNotIn("M1", [row.outcode for row in nearby])


def _destination(latitude, longitude, bearing_degrees, distance_m):
    """The point ``distance_m`` from a start along a bearing, on the same sphere as haversine_m."""
    angle = distance_m / 6_371_008.8
    phi1, lambda1, theta = math.radians(latitude), math.radians(longitude), math.radians(bearing_degrees)
    phi2 = math.asin(math.sin(phi1) * math.cos(angle) + math.cos(phi1) * math.sin(angle) * math.cos(theta))
    lambda2 = lambda1 + math.atan2(
        math.sin(theta) * math.sin(angle) * math.cos(phi1), math.cos(angle) - math.sin(phi1) * math.sin(phi2)
    )
    return math.degrees(phi2), math.degrees(lambda2)
