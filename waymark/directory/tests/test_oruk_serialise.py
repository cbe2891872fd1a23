"""The model-to-ORUK serialiser the API, the ndjson and the tabular export share, and Waymark's
extensions published as attributes and read back (the importer's way in)."""

import uuid
from datetime import timedelta

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from waymark.directory.models import Location, Organization, Service, Taxonomy, TaxonomyTerm
from waymark.directory.oruk import extensions, serialise
from waymark.directory.tests.builders import make_organization
from waymark.directory.tests.test_oruk_api import OrukTestCase, make_listing, make_place

# Every Waymark field the details taxonomy carries, with a value that is not the default.
SERVICE_DETAILS = {
    "for_seeking_asylum": True,
    "for_refused_are": True,
    "for_refugee_hp": True,
    "for_nrpf": True,
    "for_unaccompanied_children": True,
    "for_anyone": True,
    "gender": "men",
    "for_families": True,
    "for_lgbt": True,
    "access_drop_in": True,
    "access_appointment": True,
    "access_referral": True,
    "access_self_referral": True,
    "accepts_waymark_referrals": True,
    "interpreters_available": True,
    "advice_regulator": "oisc",
    "advice_registration_number": "F201900123",
    "advice_oisc_level": 3,
    "regulator_not_confirmed": True,
    "capacity_status": "full",
    "verification_method": "visit",
}


class DetailsTaxonomyTests(OrukTestCase):
    def test_the_migration_published_the_taxonomy_with_its_fixed_ids(self):
        taxonomy = Taxonomy.objects.get(id=extensions.TAXONOMY_ID)

        self.assertEqual(taxonomy.name, "Waymark service details")
        self.assertEqual(extensions.TAXONOMY_ID, uuid.uuid5(extensions.NAMESPACE, "taxonomy"))
        terms = {term.id: term.code for term in TaxonomyTerm.objects.filter(taxonomy=taxonomy)}
        self.assertEqual(terms, {term.id: term.code for term in extensions.TERMS})

    def test_loading_again_duplicates_nothing(self):
        extensions.load_details_taxonomy()

        self.assertEqual(Taxonomy.objects.filter(name=extensions.TAXONOMY_NAME).count(), 1)
        self.assertEqual(TaxonomyTerm.objects.filter(taxonomy_id=extensions.TAXONOMY_ID).count(), len(extensions.TERMS))

    def test_every_choice_matches_the_models(self):
        choices = {term.code: set(term.choices) for term in extensions.TERMS if term.kind == "choice"}

        self.assertEqual(choices["advice_regulator"], set(Service.Regulator.values))
        self.assertEqual(choices["capacity_status"], set(Service.CapacityStatus.values))
        self.assertEqual(choices["verification_method"], set(Service.VerificationMethod.values))
        self.assertEqual(choices["gender"], set(Service.Gender.values) - {"any"})
        self.assertEqual(choices["data_sharing_with_authorities"], set(Organization.DataSharing.values) - {"unknown"})


class RoundTripTests(OrukTestCase):
    def test_service_details_come_back_as_they_went_out(self):
        verified = timezone.now() - timedelta(days=3)
        service = make_listing(
            "Everything service",
            organization=self.organization,
            verified_at=verified,
            alert="Closed Friday",
            alert_ends_on=timezone.localdate() + timedelta(days=2),
            **SERVICE_DETAILS,
        )
        service.restricted_to_areas.add(self.bolton, self.salford)
        record = serialise.full_service(service)
        self.assertValid("service", record)

        fields = {}
        warnings = extensions.apply_waymark_attributes(fields, record["attributes"])

        self.assertEqual(warnings, [])
        for name, value in SERVICE_DETAILS.items():
            self.assertEqual(fields[name], value, name)
        self.assertEqual(fields["verified_at"], verified)
        self.assertEqual(fields["alert_ends_on"], service.alert_ends_on)
        self.assertEqual(set(fields["restricted_to_areas"]), {self.bolton, self.salford})

    def test_defaults_come_back_as_defaults(self):
        record = serialise.full_service(self.lawyer)
        fields = {"for_nrpf": True, "gender": "women"}

        extensions.apply_waymark_attributes(fields, record["attributes"])

        self.assertFalse(fields["for_nrpf"])
        self.assertEqual(fields["gender"], "any")
        self.assertEqual(fields["restricted_to_areas"], [])
        self.assertEqual(fields["advice_regulator"], "oisc")

    def test_a_record_without_waymark_attributes_changes_nothing(self):
        fields = {"for_nrpf": True}
        foreign = [{"id": str(uuid.uuid4()), "taxonomy_term": {"id": str(uuid.uuid4()), "name": "Food"}}]

        self.assertEqual(extensions.apply_waymark_attributes(fields, foreign), [])
        self.assertEqual(fields, {"for_nrpf": True})

    def test_terms_are_recognised_by_code_when_ids_are_missing(self):
        attributes = [{"taxonomy_term": {"code": "for_nrpf", "taxonomy": "Waymark service details"}, "value": "true"}]
        fields = {}

        extensions.apply_waymark_attributes(fields, attributes)

        self.assertTrue(fields["for_nrpf"])

    def test_bad_values_are_left_out_with_a_warning(self):
        def attribute(code, value):
            return {"taxonomy_term_id": str(extensions.term_id(code)), "value": value}

        fields = {}
        warnings = extensions.apply_waymark_attributes(
            fields,
            [
                attribute("advice_oisc_level", "7"),
                attribute("capacity_status", "bursting"),
                attribute("verified_at", "last week"),
                attribute("restricted_to_area", "Atlantis"),
                attribute("for_nrpf", "false"),
            ],
        )

        self.assertEqual(len(warnings), 4)
        self.assertIsNone(fields["advice_oisc_level"])
        self.assertEqual(fields["capacity_status"], "")
        self.assertFalse(fields["for_nrpf"])
        self.assertEqual(fields["restricted_to_areas"], [])

    def test_organisation_and_location_details_come_back(self):
        record = serialise.full_service(self.refuge)
        organization_fields, location_fields = {}, {}

        extensions.apply_organization_attributes(organization_fields, record["organization"]["attributes"])
        extensions.apply_location_attributes(
            location_fields, record["service_at_locations"][0]["location"]["attributes"]
        )

        self.assertEqual(organization_fields, {"data_sharing_with_authorities": "never_without_consent"})
        self.assertEqual(location_fields, {"address_hidden": True, "area": self.bolton})

    def test_needs_come_back_as_waymark_needs(self):
        record = serialise.full_service(self.refuge)

        self.assertEqual(extensions.need_term_ids(record["attributes"]), [self.hot_meals.id])
        need = next(item for item in record["attributes"] if item["link_type"] == "need")
        self.assertEqual(need["taxonomy_term"]["taxonomy"], "Waymark needs")
        self.assertEqual(need["taxonomy_term"]["parent_id"], str(self.food.id))


class PublicDataTests(OrukTestCase):
    def test_public_services_and_organisations_are_the_public_mapʼs(self):
        self.assertEqual(set(serialise.public_services()), set(Service.objects.public()))
        self.assertEqual(set(serialise.public_organizations()), {self.organization, self.lawyers})

    def test_a_hidden_location_publishes_only_its_type(self):
        location = Location.objects.select_related("area").get(id=self.refuge_place.id)

        self.assertEqual(serialise.location_dict(location), {"id": str(location.id), "location_type": "physical"})

    def test_full_records_leave_out_empty_values(self):
        service = make_listing("Bare service", organization=make_organization("Bare charity"))
        record = serialise.full_service(service)

        for name in ("alternate_name", "url", "email", "minimum_age", "alert", "service_at_locations", "funding"):
            self.assertNotIn(name, record)
        self.assertEqual(record["organization"]["description"], "Bare charity welcomes people.")
        self.assertValid("service", record)


class IterFullServicesTests(OrukTestCase):
    def test_it_yields_every_service_of_the_queryset_once(self):
        records = list(serialise.iter_full_services(serialise.public_services(), chunk_size=2))

        self.assertEqual(sorted(record["id"] for record in records), sorted(str(s.id) for s in self.public))
        for record in records:
            self.assertValid("service", record)

    def test_it_asks_the_same_queries_for_every_chunk(self):
        def queries(chunk_size):
            with CaptureQueriesContext(connection) as context:
                count = sum(1 for _record in serialise.iter_full_services(serialise.public_services(), chunk_size))
            return count, len(context.captured_queries)

        def cold_and_warm(chunk_size):
            # The records are stored until the map changes (published.py): built again after a
            # change ("cold"), read as stored the next time ("warm").
            Service.objects.filter(pk=self.public[0].pk).update(name=F("name"))
            cold, warm = queries(chunk_size), queries(chunk_size)
            self.assertEqual(cold[0], warm[0])
            return cold[0], cold[1], warm[1]

        count, one_chunk, one_stored_chunk = cold_and_warm(chunk_size=10)
        self.assertEqual(count, 3)
        self.assertEqual(one_stored_chunk, 1)
        # Three chunks of one: three times what one chunk asks (the last chunk is short, so
        # nothing more is asked after it).
        self.assertEqual(cold_and_warm(chunk_size=1), (3, 3 * one_chunk + 1, 3 * one_stored_chunk + 1))
        for index in range(5):
            make_listing(f"More {index}", organization=self.organization, location=make_place(self.organization))
        self.assertEqual(cold_and_warm(chunk_size=10), (8, one_chunk, one_stored_chunk))
