"""Importing Open Referral records: the validator's own fixtures and HSDS's examples go in as
the standard means them, rejected records are reported field by field and leave nothing
behind, and importing again is idempotent (unchanged, updated, or queued for an editor when
the listing was edited here)."""

import copy
import json
from pathlib import Path

from waymark.audit.models import Event
from waymark.directory.actions.imports import do_import, report_csv
from waymark.directory.listing_data import apply_service_data, service_data
from waymark.directory.models import (
    NEED_LINK_TYPE,
    Address,
    Attribute,
    ChangeRequest,
    Contact,
    ImportedRecord,
    ImportRun,
    Language,
    Location,
    NeedMapping,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from waymark.directory.oruk import extensions
from waymark.directory.oruk.cleaning import html_to_text, stable_uuid
from waymark.directory.tests.builders import make_need, make_organization
from waymark.testing import BaseTestCase

STANDARDS = Path(__file__).resolve().parent.parent / "standards"
MOCKS = STANDARDS / "oruk-3.0" / "validator" / "mocks"
DEFAULT_SERVICE = MOCKS / "V3.0-UK-Default" / "service_full.json"
FAIL_SERVICE = MOCKS / "V3.0-UK-Fail" / "service_full.json"
FAIL_LIST = MOCKS / "V3.0-UK-Fail" / "service_list.json"
HSDS_SERVICE = STANDARDS / "hsds-3.0" / "examples" / "service_full.json"
ORUK_SERVICE = STANDARDS / "oruk-3.0" / "examples" / "service_full.json"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def as_upload(data):
    return json.dumps(data).encode()


def a_service(**changes):
    """A small, valid UK service record (ORUK 3.0 shape), in Bolton."""
    record = {
        "id": "5b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a01",
        "name": "Welcome café",
        "description": "Tea, advice and friendship every week.",
        "status": "active",
        "organization": {
            "id": "5b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a02",
            "name": "Croal Valley Friends",
            "description": "Volunteers welcoming newcomers to Bolton.",
        },
        "schedules": [
            {
                "id": "5b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a03",
                "freq": "WEEKLY",
                "byday": "MO",
                "opens_at": "10:00",
                "closes_at": "12:00",
            }
        ],
        "service_at_locations": [
            {
                "id": "5b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a04",
                "location": {
                    "id": "5b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a05",
                    "location_type": "physical",
                    "name": "Church hall",
                    "latitude": 53.578,
                    "longitude": -2.429,
                    "addresses": [
                        {
                            "id": "5b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a06",
                            "address_1": "1 Church Street",
                            "city": "Bolton",
                            "state_province": "Greater Manchester",
                            "postal_code": "BL1 1AA",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
    }
    record.update(changes)
    return record


class DefaultFixtureTests(BaseTestCase):
    def test_it_imports_the_validators_default_service_with_one_warning_for_its_latitude(self):
        run = do_import(str(DEFAULT_SERVICE), acting_user=self.editor, source_name="Example directory")

        self.assertEqual(run.status, ImportRun.Status.FINISHED)
        self.assertEqual((run.created, run.rejected), (1, 0))
        self.assertEqual(run.format, ImportRun.Format.HSDS_JSON)
        self.assertEqual([line["level"] for line in run.report if line["level"] == "error"], [])
        latitude = [line for line in run.report if line["field"].endswith("latitude")]
        self.assertEqual(len(latitude), 1)
        self.assertEqual(latitude[0]["record"], SERVICE_ID)
        service = Service.objects.get(id=SERVICE_ID)
        self.assertEqual(service.name, "Community Counselling")
        self.assertEqual(service.fees, "fees_description")
        self.assertEqual(service.fees_description, "fees_description")
        self.assertEqual(service.organization.name, "Example Organization Inc.")
        self.assertEqual(service.verification_method, Service.VerificationMethod.IMPORT)
        self.assertEqual(service.assured_date.isoformat(), "2005-01-01")
        location = Location.objects.get(id="3a19ff88-4620-4d17-9830-ac1d859eb5d5")
        self.assertIsNone(location.latitude)
        self.assertIsNone(location.longitude)
        self.assertEqual(location.organization_id, service.organization_id)
        address = location.addresses.get()
        self.assertEqual((address.country, address.postal_code), ("US", "ABC 1234"))
        self.assertEqual(service.schedules.get().byday, "TH,FR")
        self.assertEqual(service.contacts.get().name, "Ann Persona")
        self.assertEqual(service.cost_options.get().amount, 35)
        self.assertEqual(service.service_areas.get().extent_type, "geojson")
        outside_term = TaxonomyTerm.objects.get(id="3f7b145d-84af-42d7-8fae-eaca714b02b2")
        self.assertEqual(outside_term.taxonomy_name, "taxonomy")
        self.assertTrue(Attribute.objects.linked_to(service).filter(taxonomy_term=outside_term).exists())
        self.assertIn("counselling", service.search_text)

    def test_it_keeps_where_the_listing_came_from(self):
        run = do_import(str(DEFAULT_SERVICE), source_name="Example directory")

        record = ImportedRecord.objects.get(entity="service", object_id=SERVICE_ID)
        self.assertEqual(record.source_name, "Example directory")
        self.assertEqual(record.original_id, SERVICE_ID)
        self.assertEqual(record.last_run, run)
        self.assertTrue(record.incoming_hash and record.local_hash)
        self.assertTrue(ImportedRecord.objects.filter(entity="organization", source_key=record.source_key).exists())

    def test_it_writes_one_audit_event_per_run(self):
        run = do_import(str(DEFAULT_SERVICE), acting_user=self.editor)

        events = Event.objects.filter(action="directory.import_run")
        self.assertEqual(events.count(), 1)
        self.assertEqual(events.get().object_id, str(run.uuid))
        self.assertEqual(events.get().actor, self.editor)
        self.assertEqual(events.get().details["created"], 1)


class FailFixtureTests(BaseTestCase):
    def test_it_rejects_each_failing_record_with_its_id_field_and_reason_and_writes_nothing(self):
        run = do_import(str(FAIL_LIST))

        records = load(FAIL_LIST)["contents"]
        self.assertEqual((run.created, run.rejected), (0, len(records)))
        self.assertEqual(run.error, "")
        errors = [line for line in run.report if line["level"] == "error"]
        self.assertEqual({line["record"] for line in errors}, {record["id"] for record in records})
        self.assertIn(("b644a0d2-9e8a-4c33-9390-ae9ee93fc056", "name"), {(e["record"], e["field"]) for e in errors})
        self.assertIn(("b644a0d2-9e8a-4c33-9390-ae9ee93fc056", "email"), {(e["record"], e["field"]) for e in errors})
        self.assertTrue(all(line["reason"] for line in errors))
        self.assertFalse(Service.objects.exists())
        self.assertFalse(Organization.objects.filter(name="Example Organization Inc.").exists())
        self.assertFalse(ImportedRecord.objects.exists())

    def test_a_failing_record_does_not_stop_the_good_ones(self):
        good = a_service()
        bad = a_service(id="0b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a99", email="not-an-address", name="Bad")

        run = do_import(as_upload([bad, good]), filename="mixed.json")

        self.assertEqual((run.created, run.rejected), (1, 1))
        self.assertEqual(list(Service.objects.values_list("name", flat=True)), ["Welcome café"])
        self.assertEqual(run.report[0]["record"], bad["id"])
        self.assertEqual(run.report[0]["field"], "email")

    def test_the_report_downloads_as_csv(self):
        run = do_import(str(FAIL_SERVICE))

        lines = report_csv(run).splitlines()
        self.assertEqual(lines[0], "level,record id,field,reason")
        self.assertEqual(lines[1].split(",")[:3], ["error", SERVICE_ID, "email"])

    def test_a_record_contradicting_itself_is_rejected(self):
        record = a_service()
        record["schedules"][0]["service_id"] = "6b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a01"
        record["organization_id"] = "7b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a01"

        run = do_import(as_upload(record), filename="contradictions.json")

        self.assertEqual(run.rejected, 1)
        self.assertEqual(
            {line["field"] for line in run.report if line["level"] == "error"},
            {"schedules[0].service_id", "organization_id"},
        )
        self.assertFalse(Service.objects.exists())

    def test_an_id_given_to_two_kinds_of_object_is_rejected(self):
        record = a_service()
        record["organization"]["id"] = record["id"]

        run = do_import(as_upload(record), filename="same-id.json")

        self.assertEqual(run.rejected, 1)
        self.assertEqual(run.report[0]["field"], "organization.id")

    def test_a_service_at_an_unknown_location_is_rejected_whole(self):
        record = a_service()
        link = record["service_at_locations"][0]
        link["location_id"] = "8b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a01"
        del link["location"]

        run = do_import(as_upload(record), filename="unknown-location.json")

        self.assertEqual(run.rejected, 1)
        self.assertEqual(run.report[0]["field"], "service_at_locations.location_id")
        self.assertFalse(Organization.objects.filter(name="Croal Valley Friends").exists())


class HsdsExampleTests(BaseTestCase):
    def test_it_imports_hsds_s_full_example_as_one_row_per_object(self):
        run = do_import(str(HSDS_SERVICE))

        self.assertEqual((run.created, run.rejected), (1, 0))
        service = Service.objects.get(id=SERVICE_ID)
        self.assertEqual(service.program.name, "Community Mental Health Support")
        self.assertEqual(service.fees_description[:24], "Non-NHS patients are exp")
        self.assertEqual(service.required_documents.count(), 1)
        # One phone nested under five parents is one row linked to all of them.
        phone = Phone.objects.get()
        self.assertEqual(phone.number, "+44 1234 234567")
        self.assertEqual(
            (phone.service_id, phone.organization_id, phone.location_id),
            (service.id, service.organization_id, service.service_at_locations.get().location_id),
        )
        self.assertIsNotNone(phone.contact_id)
        self.assertIsNotNone(phone.service_at_location_id)
        self.assertEqual(Contact.objects.count(), 1)
        self.assertEqual(Schedule.objects.count(), 1)
        self.assertEqual(Language.objects.get().code, "ur")
        self.assertEqual(service.cost_options.get().currency, "GBP")
        term = TaxonomyTerm.objects.get(id="3f7b145d-84af-42d7-8fae-eaca714b02b2")
        self.assertEqual(str(term.taxonomy_id), "5c4d79d7-cc55-470e-9f1f-8cad074e4892")

    def test_it_imports_the_oruk_example(self):
        run = do_import(str(ORUK_SERVICE))

        self.assertEqual((run.created, run.rejected), (1, 0))
        self.assertTrue(Service.objects.filter(name="Community Counselling").exists())


class IdempotencyTests(BaseTestCase):
    def test_importing_the_same_feed_again_changes_nothing(self):
        do_import(str(HSDS_SERVICE), source_name="Example")
        before = {model: list(model.objects.values()) for model in (Service, Location, Phone, Schedule, Attribute)}

        run = do_import(str(HSDS_SERVICE), source_name="Example")

        self.assertEqual((run.created, run.updated, run.unchanged, run.queued), (0, 0, 1, 0))
        for model, rows in before.items():
            self.assertEqual(list(model.objects.values()), rows, model.__name__)

    def test_a_changed_record_updates_the_listing_and_drops_what_the_source_dropped(self):
        record = a_service(email="cafe@example.org")
        do_import(as_upload(record), source_name="Bolton directory")
        changed = copy.deepcopy(record)
        changed["name"] = "Welcome café and advice"
        del changed["email"]
        changed["schedules"] = []

        run = do_import(as_upload(changed), source_name="Bolton directory")

        self.assertEqual((run.created, run.updated, run.unchanged), (0, 1, 0))
        service = Service.objects.get(id=record["id"])
        self.assertEqual(service.name, "Welcome café and advice")
        self.assertEqual(service.email, "")
        self.assertFalse(service.schedules.exists())
        self.assertIn("advice", service.search_text)
        self.assertEqual(Service.objects.count(), 1)

    def test_a_listing_edited_here_since_is_not_overwritten_but_queued_for_an_editor(self):
        record = a_service()
        first = do_import(as_upload(record), source_name="Bolton directory")
        service = Service.objects.get(id=record["id"])
        apply_service_data(service, {"description": "Edited by the organisation."}, organization=service.organization)
        changed = a_service(name="Welcome café (Mondays)")

        run = do_import(as_upload(changed), source_name="Bolton directory")

        self.assertEqual((run.updated, run.queued), (0, 1))
        service.refresh_from_db()
        self.assertEqual(service.name, "Welcome café")
        self.assertEqual(service.description, "Edited by the organisation.")
        change = ChangeRequest.objects.get()
        self.assertEqual(change.kind, ChangeRequest.Kind.UPDATE)
        self.assertEqual(change.status, ChangeRequest.Status.PENDING)
        self.assertIsNone(change.submitted_by)
        self.assertEqual(change.import_run, run)
        self.assertEqual(change.target_id, service.id)
        self.assertEqual(change.proposed["name"], "Welcome café (Mondays)")
        self.assertEqual(change.previous["name"], "Welcome café")
        self.assertEqual(change.proposed["description"], "Tea, advice and friendship every week.")
        self.assertEqual(set(change.proposed), set(change.previous))
        self.assertLessEqual(set(change.proposed), set(service_data(service)))
        self.assertNotEqual(first.pk, run.pk)

        again = do_import(as_upload(changed), source_name="Bolton directory")

        self.assertEqual((again.queued, again.unchanged), (0, 1))
        self.assertEqual(ChangeRequest.objects.count(), 1)

    def test_non_uuid_ids_get_the_same_uuids_every_time(self):
        record = a_service(id="svc-42")
        record["organization"]["id"] = "org-7"
        record["schedules"][0]["id"] = 9

        first = do_import(as_upload(record), source_name="Council")
        second = do_import(as_upload(record), source_name="Council")

        self.assertEqual((first.created, second.unchanged), (1, 1))
        service = Service.objects.get()
        self.assertEqual(str(service.id), stable_uuid("name:Council", "service", "svc-42"))
        self.assertEqual(str(service.organization_id), stable_uuid("name:Council", "organization", "org-7"))
        self.assertEqual(str(service.schedules.get().id), stable_uuid("name:Council", "schedule", "9"))
        self.assertEqual(ImportedRecord.objects.get(entity="service").original_id, "svc-42")
        self.assertEqual(ImportedRecord.objects.get(entity="organization").original_id, "org-7")


class CleaningTests(BaseTestCase):
    def test_html_is_cleaned_to_text(self):
        self.assertEqual(
            html_to_text("<p>Hot food &amp; tea</p><ul><li>Mondays</li><li>Thursdays</li></ul><script>x()</script>"),
            "Hot food & tea\n- Mondays\n- Thursdays",
        )
        self.assertEqual(html_to_text("  Plain text, 3 < 4  "), "Plain text, 3 < 4")

    def test_messy_values_are_cleaned_or_dropped_with_a_warning(self):
        record = a_service(
            description="<p>Tea &amp; <b>advice</b></p>",
            email="",
            url="   ",
            alternate_name=None,
        )
        address = record["service_at_locations"][0]["location"]["addresses"][0]
        address["postal_code"] = "ZZ99 9ZZ"
        address["country"] = "Narnia"

        run = do_import(as_upload(record), filename="messy.json")

        self.assertEqual((run.created, run.rejected), (1, 0))
        service = Service.objects.get()
        self.assertEqual(service.description, "Tea & advice")
        self.assertEqual((service.email, service.url, service.alternate_name), ("", "", ""))
        address = Address.objects.get()
        # The unknown postcode is left empty; an address of no known country is read as a UK one.
        self.assertEqual((address.postal_code, address.country), ("", "GB"))
        fields = {line["field"] for line in run.report if line["level"] == "warning"}
        self.assertIn("service_at_locations[0].location.addresses[0].country", fields)
        self.assertIn("service_at_locations[0].location.addresses[0].postal_code", fields)

    def test_a_known_postcode_is_written_the_standard_way(self):
        record = a_service()
        record["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = "bl11aa"

        do_import(as_upload(record), filename="postcode.json")

        self.assertEqual(Address.objects.get().postal_code, "BL1 1AA")


class RunModeTests(BaseTestCase):
    def test_a_dry_run_reports_but_writes_nothing(self):
        run = do_import(str(DEFAULT_SERVICE), dry_run=True)

        self.assertTrue(run.dry_run)
        self.assertEqual(run.created, 1)
        self.assertTrue(any(line["field"].endswith("latitude") for line in run.report))
        self.assertFalse(Service.objects.exists())
        self.assertFalse(Organization.objects.filter(name="Example Organization Inc.").exists())
        self.assertFalse(ImportedRecord.objects.exists())
        self.assertTrue(ImportRun.objects.filter(pk=run.pk, dry_run=True).exists())

    def test_review_mode_queues_a_new_listing_for_an_editor(self):
        run = do_import(as_upload(a_service()), publish=False, source_name="Bolton directory")

        self.assertEqual((run.created, run.queued), (0, 1))
        self.assertFalse(Service.objects.exists())
        change = ChangeRequest.objects.get()
        self.assertEqual(change.kind, ChangeRequest.Kind.CREATE)
        self.assertIsNone(change.submitted_by)
        self.assertEqual(change.import_run, run)
        self.assertEqual(change.organization.name, "Croal Valley Friends")
        self.assertEqual(change.proposed["name"], "Welcome café")
        self.assertEqual(
            change.proposed["opening_times"], [{"days": ["MO"], "opens_at": "10:00", "closes_at": "12:00"}]
        )
        self.assertEqual(change.proposed["location"], "5b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a05")

        again = do_import(as_upload(a_service()), publish=False, source_name="Bolton directory")

        self.assertEqual((again.queued, again.unchanged), (0, 1))
        self.assertEqual(ChangeRequest.objects.count(), 1)

    def test_review_mode_queues_a_change_to_an_imported_listing(self):
        do_import(as_upload(a_service()), source_name="Bolton directory")

        run = do_import(as_upload(a_service(name="Renamed café")), publish=False, source_name="Bolton directory")

        self.assertEqual(run.queued, 1)
        self.assertEqual(Service.objects.get().name, "Welcome café")
        self.assertEqual(ChangeRequest.objects.get().proposed, {"name": "Renamed café"})

    def test_a_listing_made_in_waymark_is_never_overwritten_by_an_import(self):
        organization = make_organization()
        service = apply_service_data(Service(organization=organization), {"name": "Our own"}, organization=organization)
        record = a_service(id=str(service.id))

        run = do_import(as_upload(record), filename="same-id.json")

        self.assertEqual(run.queued, 1)
        service.refresh_from_db()
        self.assertEqual(service.name, "Our own")


class NeedsTests(BaseTestCase):
    def outside_term_record(self, name="Food banks"):
        return a_service(
            attributes=[
                {
                    "id": "9b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a01",
                    "taxonomy_term": {
                        "id": "9b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a02",
                        "name": name,
                        "description": name,
                        "taxonomy": "Bolton categories",
                    },
                }
            ]
        )

    def test_a_mapped_outside_term_gives_the_service_the_waymark_need(self):
        food = make_need("food")
        do_import(as_upload(self.outside_term_record()), source_name="Bolton directory")
        outside = TaxonomyTerm.objects.get(id="9b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a02")
        NeedMapping.objects.create(term=outside, need=food, mapped_by=self.editor)

        run = do_import(as_upload(self.outside_term_record()), source_name="Bolton directory")

        self.assertEqual(run.updated, 1)
        service = Service.objects.get()
        self.assertTrue(
            Attribute.objects.filter(
                link_id=service.id, taxonomy_term=food, link_type=NEED_LINK_TYPE, link_entity="service"
            ).exists()
        )
        self.assertIn(food, service.needs())
        # The map's need filter finds it.
        self.assertIn(f"n{food.id.hex}", service.search_facets.split())

    def test_immigration_advice_with_no_known_regulator_is_kept_but_not_confirmed(self):
        advice = make_need("immigration-advice")
        outside = TaxonomyTerm.objects.create(name="Immigration", description="Immigration")
        NeedMapping.objects.create(term=outside, need=advice)
        record = a_service(
            attributes=[{"id": "9b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a03", "taxonomy_term_id": str(outside.id)}]
        )

        run = do_import(as_upload(record), source_name="Bolton directory")

        self.assertEqual(run.created, 1)
        service = Service.objects.get()
        self.assertTrue(service.regulator_not_confirmed)
        self.assertFalse(service.is_regulated_adviser)
        self.assertTrue(service.offers_immigration_advice())
        self.assertIn("advice_regulator", {line["field"] for line in run.report})

    def test_waymark_s_own_attributes_come_back_as_its_fields(self):
        drop_in = extensions.TERMS_BY_CODE["access_drop_in"]
        regulator = extensions.TERMS_BY_CODE["advice_regulator"]
        level = extensions.TERMS_BY_CODE["advice_oisc_level"]
        advice = make_need("immigration-advice")
        attributes = [
            {
                "id": "9b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a11",
                "taxonomy_term": extensions.term_dict(drop_in),
                "value": "true",
            },
            {
                "id": "9b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a12",
                "taxonomy_term": extensions.term_dict(regulator),
                "value": "oisc",
            },
            {"id": "9b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a13", "taxonomy_term": extensions.term_dict(level), "value": "2"},
            {
                "id": "9b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a14",
                "link_type": NEED_LINK_TYPE,
                "taxonomy_term": {"id": str(advice.id), "name": advice.name, "description": advice.description},
            },
        ]

        run = do_import(as_upload(a_service(attributes=attributes)), source_name="Another Waymark")

        self.assertEqual((run.created, run.rejected), (1, 0))
        service = Service.objects.get()
        self.assertTrue(service.access_drop_in)
        self.assertEqual((service.advice_regulator, service.advice_oisc_level), ("oisc", 2))
        self.assertFalse(service.regulator_not_confirmed)
        self.assertEqual(list(service.needs()), [advice])
        # Waymark's own terms are linked to, never copied or changed.
        self.assertEqual(TaxonomyTerm.objects.filter(name=advice.name).count(), 1)
        self.assertFalse(Attribute.objects.filter(taxonomy_term_id=drop_in.id).exists())

    def test_the_needs_taxonomy_is_never_changed_by_an_import(self):
        food = make_need("food")
        record = a_service(
            attributes=[
                {
                    "id": "9b0c5a57-8f0c-4a45-9a53-2f1f5f9f0a21",
                    "taxonomy_term": {"id": str(food.id), "name": "Renamed by a feed", "description": "x"},
                }
            ]
        )

        do_import(as_upload(record), source_name="Bolton directory")

        food.refresh_from_db()
        self.assertEqual(food.name, "Food")
        self.assertEqual([term.slug for term in Service.objects.get().needs()], ["food"])


class SharedObjectsTests(BaseTestCase):
    def test_two_services_of_one_organisation_share_it_and_their_location(self):
        first = a_service()
        second = a_service(id="5b0c5a57-8f0c-4a45-9a53-2f1f5f9f0b01", name="Advice drop-in")
        second["schedules"] = []
        second["service_at_locations"][0]["id"] = "5b0c5a57-8f0c-4a45-9a53-2f1f5f9f0b04"

        run = do_import(as_upload([first, second]), source_name="Bolton directory")

        self.assertEqual(run.created, 2)
        self.assertEqual(Organization.objects.filter(name="Croal Valley Friends").count(), 1)
        self.assertEqual(Location.objects.count(), 1)
        self.assertEqual(ServiceAtLocation.objects.count(), 2)

    def test_an_organisation_on_the_map_from_elsewhere_is_linked_to_not_overwritten(self):
        organization = make_organization(name="Croal Valley Welcome Project")
        record = a_service()
        record["organization"] = {"id": str(organization.id), "name": "Renamed", "description": "By a feed"}

        run = do_import(as_upload(record), source_name="Bolton directory")

        self.assertEqual(run.created, 1)
        organization.refresh_from_db()
        self.assertEqual(organization.name, "Croal Valley Welcome Project")
        self.assertEqual(Service.objects.get().organization, organization)
