"""Importing many services at once: a chunk's new services are written in bulk with the same
result as record by record (one bad record still rejected alone), in a number of queries that
does not grow with the services, with their search fields as the map's search needs them;
after an editor approves a change an import proposed, the feed's next change applies
directly; an address with an unknown postcode or country is kept and still published as
Open Referral requires; no deprecated Django API is used."""

import copy
import uuid
import warnings

from django.db import connection
from django.test.utils import CaptureQueriesContext

from waymark.directory.actions.changes import do_approve_change
from waymark.directory.actions.imports import do_import
from waymark.directory.listing_data import apply_service_data
from waymark.directory.models import (
    Address,
    Attribute,
    ChangeRequest,
    Feed,
    ImportedRecord,
    Language,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    Synonym,
    TaxonomyTerm,
    Translation,
)
from waymark.directory.oruk import extensions
from waymark.directory.oruk import importer as importer_module
from waymark.directory.oruk.importer import record_local_state
from waymark.directory.oruk.importer_checks import prepare_record
from waymark.directory.oruk.schemas import validator
from waymark.directory.search import SearchQuery, search_services
from waymark.directory.tests.builders import make_need
from waymark.directory.tests.test_oruk_import import a_service, as_upload
from waymark.testing import BaseTestCase

NAMESPACE = uuid.UUID("0b6f0d4e-5a1c-4c55-9f7a-3d2f6f1e8a90")
OUTSIDE_TERM = "9b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a02"


def uid(*parts):
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def many_services(count, *, organizations=3, need=None, term_description="Food banks"):
    """``count`` services of a few organisations, each at its own location with languages, an
    outside taxonomy term they all share and (with ``need``) a Waymark need."""
    records = []
    for number in range(count):
        org = number % organizations
        attributes = [
            {
                "id": uid("attribute", number),
                "taxonomy_term": {
                    "id": OUTSIDE_TERM,
                    "name": "Food banks",
                    "description": term_description,
                    "taxonomy": "Bolton categories",
                },
            }
        ]
        if need is not None:
            attributes.append({"id": uid("need", number), "taxonomy_term_id": str(need.id), "link_type": "need"})
        record = a_service(
            id=uid("service", number),
            name=f"Welcome café {number}",
            description=f"Tea and advice, group {number}.",
            organization={"id": uid("org", org), "name": f"Friends {org}", "description": f"Volunteers {org}."},
            schedules=[{"id": uid("schedule", number), "freq": "WEEKLY", "byday": "TU", "opens_at": "10:00"}],
            languages=[
                {"id": uid("english", number), "name": "English", "code": "en"},
                {"id": uid("arabic", number), "name": "Arabic", "code": "ar"},
            ],
            attributes=attributes,
        )
        link = record["service_at_locations"][0]
        link["id"] = uid("link", number)
        link["location"]["id"] = uid("location", number)
        link["location"]["latitude"] = 53.57 + number / 1000
        link["location"]["addresses"][0]["id"] = uid("address", number)
        records.append(record)
    return records


def map_state():
    """What the import wrote, comparable between databases: every row that is not provenance."""
    return {
        "services": sorted(
            Service.objects.values_list(
                "id",
                "name",
                "description",
                "organization_id",
                "search_text",
                "search_facets",
                "regulator_not_confirmed",
            )
        ),
        "organizations": sorted(Organization.objects.values_list("id", "name")),
        "locations": sorted(Location.objects.values_list("id", "latitude")),
        "addresses": sorted(Address.objects.values_list("id", "location_id", "postal_code", "country")),
        "links": sorted(ServiceAtLocation.objects.values_list("id", "service_id", "location_id")),
        "languages": sorted(Language.objects.values_list("id", "service_id", "code")),
        "attributes": sorted(Attribute.objects.values_list("id", "taxonomy_term_id", "link_id", "link_type")),
        "terms": sorted(TaxonomyTerm.objects.filter(id=OUTSIDE_TERM).values_list("id", "name", "description")),
    }


class BulkWriteTests(BaseTestCase):
    def test_new_services_written_in_bulk_are_what_record_by_record_writes(self):
        need = make_need("food")
        records = many_services(12, need=need)
        run = do_import(as_upload(records), source_name="Bolton directory")
        in_bulk = map_state()
        self.assertEqual((run.created, run.rejected), (12, 0))
        for model in (Attribute, ServiceAtLocation, Language, Address, Service, Location, Organization, TaxonomyTerm):
            model.objects.filter(id__in=[row[0] for rows in in_bulk.values() for row in rows]).delete()
        ImportedRecord.objects.all().delete()

        # The same feed again, with a record the database refuses (a capacity below zero),
        # so that its chunk is written again record by record.
        bad = copy.deepcopy(records[5])
        bad["id"] = uid("bad service")
        bad["service_at_locations"] = []
        bad["capacities"] = [
            {"id": uid("capacity"), "available": -1, "unit": {"id": uid("unit"), "name": "Places"}},
        ]
        run = do_import(as_upload([*records[:6], bad, *records[6:]]), source_name="Bolton directory")

        self.assertEqual((run.created, run.rejected), (12, 1))
        self.assertEqual({line["record"] for line in run.report if line["level"] == "error"}, {bad["id"]})
        self.assertEqual(map_state(), in_bulk)
        self.assertFalse(Service.objects.filter(id=bad["id"]).exists())
        self.assertFalse(ServiceCapacity.objects.exists())

    def test_areas_a_service_is_restricted_to_are_linked_in_bulk(self):
        area = extensions.TERMS_BY_CODE["restricted_to_area"]
        records = many_services(3)
        for record in records[:2]:
            record["attributes"].append(
                {"id": uid("area", record["id"]), "taxonomy_term": extensions.term_dict(area), "value": "bolton"}
            )

        run = do_import(as_upload(records), source_name="Bolton directory")

        self.assertEqual((run.created, run.rejected), (3, 0))
        restricted = {
            service.name: [place.slug for place in service.restricted_to_areas.all()]
            for service in Service.objects.prefetch_related("restricted_to_areas")
        }
        self.assertEqual(restricted, {"Welcome café 0": ["bolton"], "Welcome café 1": ["bolton"], "Welcome café 2": []})

    def test_the_queries_do_not_grow_with_the_number_of_new_services(self):
        need = make_need("food")

        def queries_for(count, prefix):
            records = many_services(count, need=need)
            for record in records:
                # New ids, so that every service is new.
                record["id"] = uid(prefix, record["id"])
                record["organization"]["id"] = uid(prefix, record["organization"]["id"])
                link = record["service_at_locations"][0]
                link["id"] = uid(prefix, link["id"])
                link["location"]["id"] = uid(prefix, link["location"]["id"])
                link["location"]["addresses"][0]["id"] = uid(prefix, link["location"]["addresses"][0]["id"])
                for item in (*record["schedules"], *record["languages"], *record["attributes"]):
                    item["id"] = uid(prefix, item["id"])
            with CaptureQueriesContext(connection) as queries:
                run = do_import(as_upload(records), source_name=f"Feed {prefix}")
            self.assertEqual(run.created, count)
            return len(queries)

        twenty, sixty = queries_for(20, "a"), queries_for(60, "b")

        self.assertLessEqual(sixty, twenty + 5, f"20 services: {twenty} queries; 60 services: {sixty}")

    def test_search_fields_are_what_the_service_itself_builds(self):
        need = make_need("food", name="Food")
        Synonym.objects.create(term=need, word="groceries", language="en")
        Translation.for_object(need, "name", "ar", "طعام").save()
        Translation.objects.filter(object_id=need.id).update(status=Translation.Status.REVIEWED)

        do_import(as_upload(many_services(5, need=need)), source_name="Bolton directory")

        for service in Service.objects.select_related("organization"):
            stored = (service.search_text, service.search_facets)
            service.build_search_text()
            self.assertEqual(stored, (service.search_text, service.search_facets))
            self.assertIn("groceries", service.search_text.split())
            self.assertIn("طعام", service.search_text.split())
        # The map's search finds them by word, need and language.
        results = search_services(SearchQuery(q="groceries", speaks="ar"))
        self.assertEqual(results.total, 5)
        self.assertEqual(search_services(SearchQuery(need="food")).total, 5)

    def test_a_term_every_record_names_ends_as_the_last_record_gives_it(self):
        records = many_services(4)
        records[-1]["attributes"][0]["taxonomy_term"]["description"] = "Food parcels and community larders."

        do_import(as_upload(records), source_name="Bolton directory")

        self.assertEqual(TaxonomyTerm.objects.get(id=OUTSIDE_TERM).description, "Food parcels and community larders.")

    def test_importing_again_writes_nothing(self):
        records = many_services(8)
        do_import(as_upload(records), source_name="Bolton directory")
        before = map_state()

        with CaptureQueriesContext(connection) as queries:
            run = do_import(as_upload(records), source_name="Bolton directory")

        self.assertEqual((run.unchanged, run.created, run.updated), (8, 0, 0))
        self.assertEqual(map_state(), before)
        writes = [
            query["sql"]
            for query in queries
            if query["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
            and "directory_service" in query["sql"].split("(")[0]
        ]
        self.assertEqual(writes, [])

    def test_an_import_uses_no_deprecated_django_api(self):
        records = many_services(3)
        bad = copy.deepcopy(records[0])
        bad["id"] = uid("bad service")
        bad["capacities"] = [{"id": uid("capacity"), "available": -1, "unit": {"id": uid("unit"), "name": "Places"}}]

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run = do_import(as_upload([*records, bad]), source_name="Bolton directory")
            do_import(as_upload([*records, bad]), source_name="Bolton directory")

        self.assertEqual((run.created, run.rejected), (3, 1))
        deprecated = [str(warning.message) for warning in caught if "RemovedInDjango" in warning.category.__name__]
        self.assertEqual(deprecated, [])


class ApprovedChangeTests(BaseTestCase):
    def setUp(self):
        self.feed = Feed.objects.create(
            name="Bolton directory", url="https://bolton.example/services", area=self.bolton, mode=Feed.Mode.PUBLISH
        )

    def import_record(self, **changes):
        return do_import(as_upload(a_service(**changes)), feed=self.feed, publish=True)

    def test_after_an_approved_change_the_feed_s_next_change_is_applied_directly(self):
        self.import_record()
        service = Service.objects.get()
        apply_service_data(service, {"description": "Edited by the organisation."}, organization=service.organization)
        queued = self.import_record(name="Welcome café (Mondays)")
        self.assertEqual(queued.queued, 1)
        change = ChangeRequest.objects.get(status=ChangeRequest.Status.PENDING)

        do_approve_change(change, acting_user=self.editor)

        service.refresh_from_db()
        self.assertEqual(service.name, "Welcome café (Mondays)")
        run = self.import_record(name="Welcome café (Mondays and Thursdays)")

        self.assertEqual((run.updated, run.queued), (1, 0))
        service.refresh_from_db()
        self.assertEqual(service.name, "Welcome café (Mondays and Thursdays)")
        self.assertEqual(ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING).count(), 0)
        # The same record again changes nothing.
        self.assertEqual(self.import_record(name="Welcome café (Mondays and Thursdays)").unchanged, 1)

    def test_a_local_edit_after_the_approval_is_still_protected(self):
        self.import_record()
        service = Service.objects.get()
        apply_service_data(service, {"description": "Edited by the organisation."}, organization=service.organization)
        self.import_record(name="Welcome café (Mondays)")
        change = ChangeRequest.objects.get(status=ChangeRequest.Status.PENDING)
        do_approve_change(change, acting_user=self.editor)
        service.refresh_from_db()
        apply_service_data(service, {"description": "Edited again here."}, organization=service.organization)

        run = self.import_record(name="Welcome café (Fridays)")

        self.assertEqual((run.updated, run.queued), (0, 1))
        service.refresh_from_db()
        self.assertEqual(service.description, "Edited again here.")

    def test_only_the_proposing_source_takes_the_listing_as_its_own(self):
        self.import_record()
        service = Service.objects.get()
        other = ImportedRecord.objects.create(
            entity="service", object_id=service.id, source_key="name:Another map", original_id="x1", local_hash="old"
        )
        apply_service_data(service, {"description": "Edited by the organisation."}, organization=service.organization)
        queued = self.import_record(name="Welcome café (Mondays)")

        updated = record_local_state([service.id], run=queued)

        self.assertEqual(updated, 1)
        other.refresh_from_db()
        self.assertEqual(other.local_hash, "old")
        self.assertEqual(
            ImportedRecord.objects.get(feed=self.feed, entity="service").local_hash,
            importer_module.local_fingerprint(service),
        )


class AddressTests(BaseTestCase):
    def test_an_address_with_an_unknown_postcode_and_country_is_kept_and_published_validly(self):
        record = a_service()
        address = record["service_at_locations"][0]["location"]["addresses"][0]
        address.update(postal_code="ZZ99 9ZZ", country="Narnia", state_province="")

        run = do_import(as_upload(record), source_name="Bolton directory")

        self.assertEqual((run.created, run.rejected), (1, 0))
        stored = Address.objects.get()
        self.assertEqual((stored.address_1, stored.postal_code, stored.country), ("1 Church Street", "", "GB"))
        # Published with every field Open Referral requires of an address, and schema-valid.
        response = self.client.get(f"/api/oruk/services/{record['id']}")
        self.assertEqual(response.status_code, 200)
        published = response.json()
        published_address = published["service_at_locations"][0]["location"]["addresses"][0]
        self.assertEqual(
            {key: published_address[key] for key in ("postal_code", "country", "state_province")},
            {"postal_code": "", "country": "GB", "state_province": ""},
        )
        self.assertEqual(list(validator("service").iter_errors(published)), [])
        # And another Waymark (or this one) takes the published record in.
        _record, _original, _originals, errors, _warnings = prepare_record(
            published, source_key="https://waymark.example/api/oruk", known_outcodes={"BL1"}
        )
        self.assertEqual(errors, [])

    def test_an_address_with_no_country_is_read_as_a_uk_one(self):
        record = a_service()
        del record["service_at_locations"][0]["location"]["addresses"][0]["country"]

        run = do_import(as_upload(record), source_name="Bolton directory")

        # Open Referral requires the country: the record is rejected, as before.
        self.assertEqual(run.rejected, 1)
        record["service_at_locations"][0]["location"]["addresses"][0]["country"] = ""

        run = do_import(as_upload(record), source_name="Bolton directory")

        self.assertEqual((run.created, run.rejected), (1, 0))
        self.assertEqual(Address.objects.get().country, "GB")
        self.assertNotIn("country", {line["field"].rsplit(".", 1)[-1] for line in run.report})
