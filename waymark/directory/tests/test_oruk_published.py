"""The stored ORUK records (waymark/directory/oruk/published.py) as a partner system sees them:
a change to anything a record holds shows at once in /services/{id}, in the lists and in the
ndjson, whoever made it and however (a save, QuerySet.update, bulk_create, raw SQL); a service
that leaves the public map leaves every answer at once, by a change or by time passing."""

import json
from datetime import timedelta
from io import BytesIO

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.test import TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from waymark.directory.models import (
    Address,
    Contact,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceCapacity,
    TaxonomyTerm,
    Unit,
)
from waymark.directory.oruk import export, published, serialise
from waymark.directory.tests.builders import make_organization, make_service
from waymark.directory.tests.test_oruk_api import SECRETS, OrukTestCase
from waymark.places.models import Area

API = "/api/oruk"


class RecordsTestCase(OrukTestCase):
    def ndjson(self):
        response = self.client.get(f"{API}/services?format=ndjson")
        self.assertEqual(response.status_code, 200)
        return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]

    def find(self, items, service):
        found = [item for item in items if item["id"] == str(service.id)]
        return found[0] if found else None

    def full_records(self, service):
        """The service's full record as every answer that holds it gives it now: its own
        address, a page of the full list, a filtered page of it, and the ndjson."""
        organization = f"{API}/services?full=true&organization_id={service.organization_id}"
        return [
            self.get_json(f"{API}/services/{service.id}"),
            self.find(self.get_json(f"{API}/services?full=true&per_page=50")["contents"], service),
            self.find(self.get_json(organization)["contents"], service),
            self.find(self.ndjson(), service),
        ]

    def list_items(self, service):
        """The service's list item on the plain list and on a filtered one."""
        return [
            self.find(self.get_json(f"{API}/services?per_page=50")["contents"], service),
            self.find(self.get_json(f"{API}/services?modified_after=2000-01-01")["contents"], service),
        ]

    def assertEverywhere(self, service, read, expected):
        records = self.full_records(service)
        for record in records:
            self.assertIsNotNone(record)
            self.assertEqual(read(record), expected)
            self.assertValid("service", record)

    def warm(self, service):
        """Every answer asked once, so that the records are stored before the change."""
        self.full_records(service)
        self.list_items(service)


class ChangesShowAtOnceTests(RecordsTestCase):
    def test_a_phone_number_changed_without_signals(self):
        self.warm(self.food_bank)
        Phone.objects.filter(service=self.food_bank).update(number="0800 000 111")

        self.assertEverywhere(self.food_bank, lambda record: record["phones"][0]["number"], "0800 000 111")

    def test_opening_times(self):
        self.warm(self.food_bank)
        schedule = Schedule.objects.get(service=self.food_bank)
        schedule.byday = "TH"
        schedule.save()

        self.assertEverywhere(self.food_bank, lambda record: record["schedules"][0]["byday"], "TH")

    def test_an_address(self):
        self.warm(self.food_bank)
        address = Address.objects.get(location=self.centre)
        address.address_1 = "14 Derby Street"
        address.save()

        def street(record):
            return record["service_at_locations"][0]["location"]["addresses"][0]["address_1"]

        self.assertEverywhere(self.food_bank, street, "14 Derby Street")

    def test_the_organisationʼs_name_in_records_and_list_items(self):
        self.warm(self.food_bank)
        Organization.objects.filter(id=self.organization.id).update(name="Croal Valley Welcome")

        self.assertEverywhere(self.food_bank, lambda record: record["organization"]["name"], "Croal Valley Welcome")
        for item in self.list_items(self.food_bank):
            self.assertEqual(item["organization"]["name"], "Croal Valley Welcome")

    def test_the_serviceʼs_own_fields_in_records_and_list_items(self):
        self.warm(self.food_bank)
        Service.objects.filter(id=self.food_bank.id).update(description="Food parcels on Wednesdays.")

        self.assertEverywhere(self.food_bank, lambda record: record["description"], "Food parcels on Wednesdays.")
        for item in self.list_items(self.food_bank):
            self.assertEqual(item["description"], "Food parcels on Wednesdays.")

    def test_a_need_renamed(self):
        self.warm(self.food_bank)
        TaxonomyTerm.objects.filter(id=self.food.id).update(name="Food and groceries")

        def need_names(record):
            return [item["taxonomy_term"]["name"] for item in record["attributes"] if item["link_type"] == "need"]

        self.assertEverywhere(self.food_bank, need_names, ["Food and groceries"])

    def test_an_area_the_service_is_restricted_to(self):
        self.warm(self.food_bank)
        salford = Area.objects.create(name="Salford", slug="salford-test", gss_code="E08000006")
        self.food_bank.restricted_to_areas.add(salford)

        def areas(record):
            return sorted(
                item["value"]
                for item in record["attributes"]
                if item["taxonomy_term"].get("code") == "restricted_to_area"
            )

        self.assertEverywhere(self.food_bank, areas, ["E08000001", "E08000006"])
        Area.objects.filter(id=salford.id).update(gss_code="E08000099")
        self.assertEverywhere(self.food_bank, areas, ["E08000001", "E08000099"])
        self.food_bank.restricted_to_areas.remove(salford)
        self.assertEverywhere(self.food_bank, areas, ["E08000001"])

    def test_languages_added_in_bulk(self):
        self.warm(self.food_bank)
        Language.objects.bulk_create([Language(location=self.centre, name="Urdu", code="ur")])

        def languages(record):
            return [item["code"] for item in record["service_at_locations"][0]["location"].get("languages", [])]

        self.assertEverywhere(self.food_bank, languages, ["ur"])

    def test_a_contact_deleted(self):
        contact = Contact.objects.create(service=self.lawyer, name="Duty adviser")
        self.warm(self.lawyer)
        contact.delete()

        self.assertEverywhere(self.lawyer, lambda record: "contacts" in record, False)

    def test_a_capacity_unit_renamed(self):
        unit = Unit.objects.create(name="Bed")
        ServiceCapacity.objects.create(service=self.refuge, unit=unit, available=2)
        self.warm(self.refuge)
        Unit.objects.filter(id=unit.id).update(name="Room")

        self.assertEverywhere(self.refuge, lambda record: record["capacities"][0]["unit"]["name"], "Room")

    def test_a_change_made_in_raw_sql(self):
        self.warm(self.food_bank)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE directory_phone SET number = %s", ["0800 222 333"])

        self.assertEverywhere(self.food_bank, lambda record: record["phones"][0]["number"], "0800 222 333")

    def test_an_address_hidden_later_stays_hidden(self):
        self.warm(self.food_bank)
        Location.objects.filter(id=self.centre.id).update(
            address_hidden=True, name="Safe house", transportation="Ring the blue door"
        )

        for record in self.full_records(self.food_bank):
            text = json.dumps(record)
            self.assertNotIn("Derby Street", text)
            for secret in SECRETS:
                self.assertNotIn(secret, text)


class LeavingTheMapTests(RecordsTestCase):
    def assertGone(self, service):
        self.get_json(f"{API}/services/{service.id}", status=404)
        for url in (f"{API}/services?per_page=50", f"{API}/services?full=true&per_page=50"):
            self.assertIsNone(self.find(self.get_json(url)["contents"], service))
        self.assertIsNone(self.find(self.ndjson(), service))

    def test_a_service_closed_leaves_every_answer(self):
        self.warm(self.food_bank)
        Service.objects.filter(id=self.food_bank.id).update(status=Service.Status.DEFUNCT)

        self.assertGone(self.food_bank)
        self.assertEqual(self.get_json(f"{API}/services")["total_items"], 2)

    def test_a_service_not_checked_for_too_long_leaves_as_time_passes(self):
        days = settings.DIRECTORY_HIDE_AFTER_DAYS
        Service.objects.filter(id=self.food_bank.id).update(verified_at=timezone.now() - timedelta(days=days - 2))
        self.warm(self.food_bank)
        self.assertEqual(published.public_page(published.LIST_ITEM, 1, 50)[0], 3)

        # Three days on, with nothing changed in the database.
        later = timezone.now() + timedelta(days=3)
        total, texts = published.public_page(published.LIST_ITEM, 1, 50, now=later)
        self.assertEqual(total, 2)
        self.assertNotIn(str(self.food_bank.id), [json.loads(text)["id"] for text in texts])
        self.assertIsNone(published.public_record(self.food_bank.id, now=later))
        self.assertIsNotNone(published.public_record(self.lawyer.id, now=later))

    def test_a_notice_leaves_the_record_the_day_after_it_ends(self):
        today = timezone.localdate()
        ends = self.food_bank.alert_ends_on
        self.assertIn("alert", json.loads(published.public_record(self.food_bank.id, today=today)))

        for day, shown in ((ends, True), (ends + timedelta(days=1), False)):
            with self.subTest(day=day):
                record = json.loads(published.public_record(self.food_bank.id, today=day))
                self.assertEqual("alert" in record, shown)
                item = json.loads(published.records_for([self.food_bank.id], published.LIST_ITEM, day)[0])
                self.assertEqual("alert" in item, shown)


class MapVersionTests(RecordsTestCase):
    def version(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT version FROM directory_published_version WHERE id = 1")
            return cursor.fetchone()[0]

    def test_every_way_of_writing_replaces_it(self):
        writes = {
            "save": lambda: self.food_bank.save(),
            "update": lambda: Phone.objects.filter(service=self.lawyer).update(extension="12"),
            "bulk_create": lambda: Phone.objects.bulk_create([Phone(service=self.lawyer, number="0161 000 0000")]),
            "delete": lambda: Language.objects.filter(service=self.lawyer).delete(),
            "many to many": lambda: self.lawyer.restricted_to_areas.add(self.bolton),
        }
        for name, write in writes.items():
            with self.subTest(name):
                before = self.version()
                write()
                self.assertNotEqual(self.version(), before)

    def test_storing_records_does_not_replace_it(self):
        before = self.version()
        self.full_records(self.food_bank)

        self.assertEqual(self.version(), before)

    def test_a_lost_trigger_is_put_back_and_the_records_built_again(self):
        self.warm(self.food_bank)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER published_map_directory_phone_update")
            else:
                cursor.execute("DROP TRIGGER published_map_changed ON directory_phone")
            cursor.execute("UPDATE directory_phone SET number = %s", ["0800 444 555"])

        self.assertTrue(published.ensure_published_tables())
        self.assertFalse(published.ensure_published_tables())
        self.assertEverywhere(self.food_bank, lambda record: record["phones"][0]["number"], "0800 444 555")
        Phone.objects.filter(service=self.food_bank).update(number="0800 666 777")
        self.assertEverywhere(self.food_bank, lambda record: record["phones"][0]["number"], "0800 666 777")


class StoredByALongReadTests(TransactionTestCase):
    """A full export outside any transaction (``export_directory``) stores every record it had
    to build: on PostgreSQL from a writer thread on its own connection, while the next chunk
    is built. The next export then reads them as they are."""

    def test_the_records_an_export_built_are_stored_for_the_next_one(self):
        organization = make_organization("Irwell Welcome Hub")
        services = [make_service(f"Service {index}", organization=organization) for index in range(5)]
        ids = [service.id for service in services]

        texts = list(published.iter_records(serialise.public_services(), published.FULL, chunk_size=2))

        self.assertEqual(sorted(json.loads(text)["id"] for text in texts), sorted(str(i) for i in ids))
        _version, stored = published._current_records(ids, published.FULL, timezone.localdate())
        self.assertEqual(sorted(stored), sorted(ids))
        self.assertEqual(sorted(stored.values()), sorted(texts))
        with CaptureQueriesContext(connection) as context:
            again = list(published.iter_records(serialise.public_services(), published.FULL, chunk_size=10))
        self.assertEqual(again, [stored[service_id] for service_id in sorted(ids)])
        self.assertEqual(len(context.captured_queries), 1)


# The export command forks its workers from a process with one thread; a pytest-xdist worker
# has another of its own (idle), which makes Python warn that forking it could deadlock.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
class BuiltOnEveryCoreTests(TransactionTestCase):
    """Before a full export after a change, the records are built by worker processes (one per
    core), each on its own connection, and come out exactly as built one by one."""

    def setUp(self):
        organization = make_organization("Irwell Welcome Hub")
        self.ids = sorted(make_service(f"Service {index}", organization=organization).id for index in range(6))

    def test_the_workers_build_and_store_every_stale_record_once(self):
        expected = published.build_records(self.ids, published.FULL, timezone.localdate())

        built = published.build_in_parallel(serialise.public_services(), workers=2, at_least=1)

        self.assertEqual(built, 6)
        _version, stored = published._current_records(self.ids, published.FULL, timezone.localdate())
        self.assertEqual(stored, {service_id: text for service_id, (text, _until) in expected.items()})
        self.assertEqual(published.build_in_parallel(serialise.public_services(), workers=2, at_least=1), 0)

    def test_the_ndjson_export_is_the_same_built_in_parallel(self):
        with override_settings(DIRECTORY_EXPORT_WORKERS=1):
            serial = BytesIO()
            export.write_ndjson(serial)
        Service.objects.filter(pk=self.ids[0]).update(name=F("name"))  # every record out of date
        with override_settings(DIRECTORY_EXPORT_WORKERS=2):
            parallel = BytesIO()
            self.assertEqual(export.write_ndjson(parallel, at_least=1), 6)
        self.assertEqual(parallel.getvalue(), serial.getvalue())

    def test_too_few_to_be_worth_it_or_inside_a_transaction_are_built_in_line(self):
        self.assertEqual(published.build_in_parallel(serialise.public_services(), workers=2, at_least=7), 0)
        with transaction.atomic():
            self.assertEqual(published.build_in_parallel(serialise.public_services(), workers=2, at_least=1), 0)
