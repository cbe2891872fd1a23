"""The demo's asylum accommodation sites: a handful in the demo areas, invented by name.

Read by ``seed_accommodation_sites`` (wired into ``manage.py seed_demo``). The areas and the
providers are real (the providers are reference data from the ``national_bodies`` migration:
Serco holds the North West contract, Mears the North East); every site name is invented, and
no site is at a real address. Each site has a fixed UUID (uuid5 of its name), so a re-run
finds and resets the same rows instead of adding more.
"""

import datetime as dt
import uuid

from waymark.accounts.models import NationalBody
from waymark.places.models import AccommodationSite, Area

_NAMESPACE = uuid.UUID("0b6a3f64-6f2e-4b8e-9c39-3d8f0b1a5e21")

# name, kind, area slug, provider slug, opened on, closed on.
SITES = [
    ("Croal View Hotel", "contingency_hotel", "bolton", "serco", dt.date(2023, 2, 1), None),
    ("Moss Bank Dispersal Houses", "dispersal", "bolton", "serco", dt.date(2019, 6, 1), None),
    ("Irwell Lodge Hotel", "contingency_hotel", "salford", "serco", dt.date(2022, 9, 15), dt.date(2025, 3, 31)),
    ("Kersal Road Flats", "dispersal", "salford", "serco", dt.date(2020, 1, 10), None),
    ("Medlock House", "initial_accommodation", "manchester", "serco", dt.date(2018, 4, 1), None),
    ("Piccadilly Fold Hotel", "contingency_hotel", "manchester", "serco", dt.date(2023, 7, 1), None),
    ("Roch Valley Houses", "dispersal", "rochdale", "serco", dt.date(2021, 3, 1), None),
    ("Ouseburn Quay Hotel", "contingency_hotel", "newcastle-upon-tyne", "mears", dt.date(2022, 11, 1), None),
    ("Lort Burn Houses", "dispersal", "newcastle-upon-tyne", "mears", dt.date(2019, 8, 1), None),
]


def site_uuid(name):
    return uuid.uuid5(_NAMESPACE, name)


def seed_accommodation_sites(stdout=None):
    """Create or reset the demo's accommodation sites. Sites in an area that is not there yet
    are left out (seed the areas first)."""
    areas = {area.slug: area for area in Area.objects.filter(slug__in={site[2] for site in SITES})}
    providers = {body.slug: body for body in NationalBody.objects.filter(slug__in={site[3] for site in SITES})}
    count = 0
    for name, kind, area_slug, provider_slug, opened_on, closed_on in SITES:
        if area_slug not in areas:
            continue
        AccommodationSite.objects.update_or_create(
            uuid=site_uuid(name),
            defaults={
                "name": name,
                "kind": kind,
                "area": areas[area_slug],
                "provider": providers.get(provider_slug),
                "opened_on": opened_on,
                "closed_on": closed_on,
            },
        )
        count += 1
    if stdout is not None:
        stdout.write(f"Accommodation sites: {count}")
    return count
