"""Distances on the Earth without GDAL: haversine in Python and in the ORM, and a bounding box
to prefilter rows with plain indexed comparisons.

A spherical Earth is off by at most about 0.5 % against the ellipsoid: tens of metres over a
city, which nobody choosing a service to walk to would notice, and it gives the same answer
on SQLite and PostgreSQL. Coordinates are WGS84 degrees, distances metres.
"""

import math
from dataclasses import dataclass

from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

# The mean radius of the Earth (IUGG), in metres.
EARTH_RADIUS_M = 6_371_008.8


def haversine_m(latitude1: float, longitude1: float, latitude2: float, longitude2: float) -> float:
    """The great-circle distance in metres between two points given in degrees."""
    phi1, phi2 = math.radians(latitude1), math.radians(latitude2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(longitude2 - longitude1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    # min() guards asin against rounding just above 1 for points at opposite ends of the Earth.
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class BoundingBox:
    """The latitudes and longitudes (degrees) of a box holding every point within a radius.

    Every point within the radius is inside the box; some points inside the box (its
    corners) are farther, so a prefilter by the box is followed by the exact distance.
    """

    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float

    def contains(self, latitude: float, longitude: float) -> bool:
        return (
            self.min_latitude <= latitude <= self.max_latitude and self.min_longitude <= longitude <= self.max_longitude
        )

    def q(self, latitude_field: str = "latitude", longitude_field: str = "longitude") -> Q:
        """A filter keeping the rows whose two fields fall inside the box (index-friendly ranges)."""
        return Q(
            **{
                f"{latitude_field}__gte": self.min_latitude,
                f"{latitude_field}__lte": self.max_latitude,
                f"{longitude_field}__gte": self.min_longitude,
                f"{longitude_field}__lte": self.max_longitude,
            }
        )


def bounding_box(latitude: float, longitude: float, radius_m: float) -> BoundingBox:
    """The smallest latitude/longitude box holding the circle of ``radius_m`` around a point.

    The longitude half-width uses the circle's widest point, which lies poleward of the
    centre's latitude (asin(sin r / cos φ), not r / cos φ), so no point of the circle is cut.
    Near a pole, or where the circle would cross the 180° meridian (never in Great Britain,
    which the Greenwich meridian crosses without any special case), the box spans every
    longitude: a looser prefilter, never a wrong one.
    """
    if radius_m < 0:
        raise ValueError("The radius must not be negative.")
    angle = radius_m / EARTH_RADIUS_M
    d_latitude = math.degrees(angle)
    min_latitude, max_latitude = latitude - d_latitude, latitude + d_latitude
    if min_latitude <= -90 or max_latitude >= 90 or angle >= math.pi / 2:
        return BoundingBox(max(min_latitude, -90.0), min(max_latitude, 90.0), -180.0, 180.0)
    d_longitude = math.degrees(math.asin(math.sin(angle) / math.cos(math.radians(latitude))))
    min_longitude, max_longitude = longitude - d_longitude, longitude + d_longitude
    if min_longitude < -180 or max_longitude > 180:
        min_longitude, max_longitude = -180.0, 180.0
    return BoundingBox(min_latitude, max_latitude, min_longitude, max_longitude)


def distance_m_expression(latitude: float, longitude: float, latitude_field="latitude", longitude_field="longitude"):
    """An ORM expression: the haversine distance in metres from the point to each row.

    Built from Django's own math functions, which both SQLite and PostgreSQL evaluate, so
    it gives the same figure as ``haversine_m`` on either database.
    """
    phi1 = math.radians(latitude)
    phi2 = Radians(F(latitude_field))
    half_d_phi = (phi2 - Value(phi1)) / Value(2.0)
    half_d_lambda = (Radians(F(longitude_field)) - Value(math.radians(longitude))) / Value(2.0)
    a = Power(Sin(half_d_phi), 2) + Value(math.cos(phi1)) * Cos(phi2) * Power(Sin(half_d_lambda), 2)
    return Value(2 * EARTH_RADIUS_M) * ASin(Sqrt(a), output_field=FloatField())


def within_radius(
    queryset,
    latitude: float,
    longitude: float,
    radius_m: float,
    *,
    latitude_field="latitude",
    longitude_field="longitude",
    name="distance_m",
):
    """Rows of ``queryset`` within ``radius_m`` of the point, each annotated with ``name`` (its
    distance in metres). The box is applied first, so the distance is worked out only for the
    rows the indexes let through. Ordering is left to the caller."""
    box = bounding_box(latitude, longitude, radius_m)
    return (
        queryset.filter(box.q(latitude_field, longitude_field))
        .annotate(**{name: distance_m_expression(latitude, longitude, latitude_field, longitude_field)})
        .filter(**{f"{name}__lte": radius_m})
    )
