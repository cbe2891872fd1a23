"""The whole public map, exported and imported into an empty map, is the same public map.

The demo map (352 services: hidden addresses, restrictions to areas, regulated advice,
translations, opening times of every kind) is exported as Waymark publishes it, every listing
is then removed, and the export is imported back as a directory editor would. What the ORUK
API then publishes must be what it published before, record for record.
"""

import re
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase, override_settings

from waymark.directory.actions.imports import do_import
from waymark.directory.models import (
    Attribute,
    ChangeRequest,
    Contact,
    Funding,
    Location,
    Organization,
    Phone,
    Program,
    Schedule,
    Service,
    ServiceAtLocation,
    Translation,
)
from waymark.directory.oruk import export, serialise
from waymark.hubs.models import Hub, Visit
from waymark.referrals.models import Referral, Signposting


def canonical(value):
    """The record with every list in a fixed order (by id where its items have one), so that
    two records equal in content compare equal whatever order their rows were read in."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [canonical(item) for item in value]
        return sorted(items, key=_order)
    return value


def _order(item):
    if not isinstance(item, dict):
        return str(item)
    if "taxonomy_term_id" in item:  # an attribute: by what it says, not by its own id
        return f"{item['taxonomy_term_id']} {item.get('value', '')}"
    return str(item.get("id", item))


def differences(before, after, path=""):
    """[(path, before, after)] for every place two records differ; list items are matched by
    position (``canonical`` has put them in order)."""
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in sorted(set(before) | set(after)):
            found += differences(before.get(key, "(absent)"), after.get(key, "(absent)"), f"{path}.{key}")
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        found = []
        for index, (one, other) in enumerate(zip(before, after, strict=True)):
            found += differences(one, other, f"{path}[{index}]")
        return found
    return [] if before == after else [(path, before, after)]


def public_map():
    """{service id: its full ORUK record} for the whole public map."""
    return {record["id"]: canonical(record) for record in serialise.iter_full_services(serialise.public_services())}


def empty_the_map():
    """Remove every listing and what hangs on it; the taxonomies (Waymark's needs and details,
    loaded by migrations) stay, as on a new Waymark. The demo hubs go first (their sessions
    meet at the map's locations), with the visits, signposting and referrals recorded at them."""
    Referral.objects.all().delete()
    Signposting.objects.all().delete()
    Visit.objects.all().delete()
    Hub.objects.all().delete()
    listed = ("service", "organization", "location", "service_at_location", "phone", "contact", "schedule")
    Attribute.objects.filter(link_entity__in=listed).delete()
    Translation.objects.all().delete()
    ChangeRequest.objects.all().delete()
    for model in (Phone, Contact, Schedule, Funding, ServiceAtLocation, Service, Program, Location):
        model.objects.all().delete()
    Organization.objects.all().delete()


@override_settings(WAYMARK_DEMO=True)
class RoundTripTests(TestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=StringIO())
        cls.before = public_map()

    def assert_same_map(self, after):
        self.assertEqual(sorted(after), sorted(self.before))
        # Every difference, grouped by where it is (list positions left out), with one example
        # each: a readable failure even when the same difference is in every service.
        found = {}
        for service_id, record in self.before.items():
            for path, was, now in differences(record, after[service_id]):
                found.setdefault(re.sub(r"\[\d+\]", "[]", path), (record["name"], path, was, now))
        self.assertEqual(found, {})

    def test_the_tabular_package_imports_back_as_the_same_map(self):
        self.assertGreater(len(self.before), 300)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "waymark-directory-hsds.zip"
            export.save_tabular(path)
            empty_the_map()
            self.assertEqual(public_map(), {})

            run = do_import(str(path), source_name="Waymark export")

        self.assertEqual((run.error, run.rejected), ("", 0), run.report[:5])
        self.assertEqual(run.created, len(self.before))
        self.assert_same_map(public_map())

    def test_the_ndjson_export_imports_back_as_the_same_map(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "waymark-directory.ndjson"
            with path.open("wb") as out:
                export.write_ndjson(out)
            empty_the_map()

            run = do_import(str(path), source_name="Waymark export")

        self.assertEqual((run.error, run.rejected), ("", 0), run.report[:5])
        self.assertEqual(run.created, len(self.before))
        self.assert_same_map(public_map())
