"""HSDS 3.0's own example service, built into the models: every field keeps its HSDS name and
value, and the objects relate as HSDS nests them."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import TestCase

from waymark.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Metadata,
    Organization,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from waymark.directory.tests import hsds_example as example

# Where Waymark stores an example value differently, and why:
# - service.assured_date is derived from verified_at (checked below); assurer_email is not kept,
#   as it would publish the checker's own address;
# - the location's latitude 100 and longitude 101 are impossible, and refused (tested below);
# - attribute.link_entity is "link_entity" in the example: Waymark stores the table the
#   attribute is nested under, "service", so that it can find the object;
# - taxonomy_term.taxonomy (free text) is taxonomy_name, since taxonomy is the taxonomy_id key.
NOT_STORED = {"assured_date", "assurer_email", "latitude", "longitude", "link_entity", "taxonomy"}


def build_example():
    """The example's objects, created field by field under their HSDS names."""
    # The example's parent organisation and parent term are referred to but not included.
    Organization.objects.create(id=example.ORGANIZATION["parent_organization_id"], name="Parent", description="-")
    organization = Organization.objects.create(**example.ORGANIZATION)
    OrganizationIdentifier.objects.create(organization=organization, **example.ORGANIZATION_IDENTIFIER)
    program = Program.objects.create(organization=organization, **example.PROGRAM)
    service_fields = {key: value for key, value in example.SERVICE.items() if key not in NOT_STORED}
    service = Service.objects.create(
        organization=organization,
        program=program,
        verified_at=datetime.datetime(2005, 1, 1, 12, tzinfo=datetime.UTC),
        verification_method=Service.VerificationMethod.IMPORT,
        **service_fields,
    )
    Funding.objects.create(organization=organization, service=service, **example.FUNDING)
    location_fields = {key: value for key, value in example.LOCATION.items() if key not in NOT_STORED}
    location = Location.objects.create(organization=organization, **location_fields)
    at_location = ServiceAtLocation.objects.create(service=service, location=location, **example.SERVICE_AT_LOCATION)
    contact = Contact.objects.create(
        organization=organization,
        service=service,
        service_at_location=at_location,
        location=location,
        **example.CONTACT,
    )
    phone = Phone.objects.create(
        organization=organization,
        service=service,
        service_at_location=at_location,
        location=location,
        contact=contact,
        **example.PHONE,
    )
    Language.objects.create(service=service, location=location, phone=phone, **example.LANGUAGE)
    Schedule.objects.create(service=service, location=location, service_at_location=at_location, **example.SCHEDULE)
    ServiceArea.objects.create(service=service, **example.SERVICE_AREA)
    Address.objects.create(location=location, **example.ADDRESS)
    Accessibility.objects.create(location=location, **example.ACCESSIBILITY)
    CostOption.objects.create(service=service, **example.COST_OPTION)
    RequiredDocument.objects.create(service=service, **example.REQUIRED_DOCUMENT)
    taxonomy = Taxonomy.objects.create(**example.TAXONOMY)
    TaxonomyTerm.objects.create(id=example.TAXONOMY_TERM["parent_id"], name="Parent", description="-")
    term_fields = {key: value for key, value in example.TAXONOMY_TERM.items() if key not in NOT_STORED}
    term = TaxonomyTerm.objects.create(
        taxonomy=taxonomy, taxonomy_name=example.TAXONOMY_TERM["taxonomy"], **term_fields
    )
    attribute_fields = {key: value for key, value in example.ATTRIBUTE.items() if key not in NOT_STORED}
    Attribute.objects.create(taxonomy_term=term, link_entity="service", link_id=service.id, **attribute_fields)
    Metadata.objects.create(**example.METADATA)
    return service


class HsdsExampleTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.service = build_example()

    def assert_round_trip(self, model, values):
        row = model.objects.get(id=values["id"])
        for name, value in values.items():
            if name in NOT_STORED:
                continue
            with self.subTest(model=model.__name__, field=name):
                # The field's own parsing turns the JSON value into what the database must give back.
                expected = model._meta.get_field(name).to_python(value)
                self.assertEqual(getattr(row, name), expected)

    def test_it_keeps_every_field_under_its_hsds_name_and_value(self):
        for model, values in [
            (Organization, example.ORGANIZATION),
            (OrganizationIdentifier, example.ORGANIZATION_IDENTIFIER),
            (Program, example.PROGRAM),
            (Funding, example.FUNDING),
            (Service, example.SERVICE),
            (Phone, example.PHONE),
            (Language, example.LANGUAGE),
            (Schedule, example.SCHEDULE),
            (ServiceArea, example.SERVICE_AREA),
            (ServiceAtLocation, example.SERVICE_AT_LOCATION),
            (Contact, example.CONTACT),
            (Location, example.LOCATION),
            (Address, example.ADDRESS),
            (Accessibility, example.ACCESSIBILITY),
            (CostOption, example.COST_OPTION),
            (RequiredDocument, example.REQUIRED_DOCUMENT),
            (Attribute, example.ATTRIBUTE),
            (TaxonomyTerm, example.TAXONOMY_TERM),
            (Taxonomy, example.TAXONOMY),
            (Metadata, example.METADATA),
        ]:
            self.assert_round_trip(model, values)

    def test_it_keeps_numbers_exact(self):
        schedule = Schedule.objects.get()
        self.assertEqual(schedule.timezone, Decimal("3"))
        self.assertEqual(schedule.opens_at, datetime.time(10, 0))
        self.assertEqual(CostOption.objects.get().amount, Decimal("35.00"))

    def test_it_relates_objects_as_hsds_nests_them(self):
        service = Service.objects.get(id=example.SERVICE["id"])
        self.assertEqual(str(service.organization_id), example.ORGANIZATION["id"])
        self.assertEqual(str(service.program.organization_id), example.ORGANIZATION["id"])
        at_location = service.service_at_locations.get()
        self.assertEqual(str(at_location.location.addresses.get().id), example.ADDRESS["id"])
        self.assertEqual(str(at_location.location.accessibility.get().id), example.ACCESSIBILITY["id"])
        self.assertEqual(
            str(service.organization.organization_identifiers.get().id), example.ORGANIZATION_IDENTIFIER["id"]
        )
        self.assertEqual(str(service.organization.locations.get().id), example.LOCATION["id"])
        self.assertEqual(
            str(service.organization.parent_organization_id), example.ORGANIZATION["parent_organization_id"]
        )
        self.assertEqual(str(service.cost_options.get().id), example.COST_OPTION["id"])
        self.assertEqual(str(service.required_documents.get().id), example.REQUIRED_DOCUMENT["id"])
        self.assertEqual(str(service.service_areas.get().id), example.SERVICE_AREA["id"])
        self.assertEqual(str(service.funding.get().id), example.FUNDING["id"])
        self.assertEqual(str(service.organization.funding.get().id), example.FUNDING["id"])

    def test_it_shares_one_phone_between_everything_the_example_nests_it_under(self):
        service = Service.objects.get(id=example.SERVICE["id"])
        at_location = service.service_at_locations.get()
        phone_lists = [
            service.phones.all(),
            service.organization.phones.all(),
            at_location.phones.all(),
            at_location.location.phones.all(),
            service.contacts.get().phones.all(),
        ]
        for phones in phone_lists:
            self.assertEqual([str(phone.id) for phone in phones], [example.PHONE["id"]])
        self.assertEqual(Phone.objects.get().languages.get().code, "ur")
        self.assertEqual(str(at_location.schedules.get().id), example.SCHEDULE["id"])
        self.assertEqual(str(at_location.location.schedules.get().id), example.SCHEDULE["id"])
        self.assertEqual(str(at_location.contacts.get().id), example.CONTACT["id"])

    def test_it_finds_the_services_attributes_and_their_taxonomy(self):
        service = Service.objects.get(id=example.SERVICE["id"])
        attribute = Attribute.objects.linked_to(service).get()
        self.assertEqual(str(attribute.id), example.ATTRIBUTE["id"])
        self.assertEqual(str(attribute.taxonomy_term.taxonomy_id), example.TAXONOMY["id"])
        self.assertEqual(str(attribute.taxonomy_term.parent_id), example.TAXONOMY_TERM["parent_id"])
        self.assertEqual(attribute.taxonomy_term.taxonomy_name, "taxonomy")
        # The example's term belongs to its own taxonomy, not to Waymark's needs: it is kept
        # as an attribute but does not list the service under a need.
        self.assertEqual(list(service.needs()), [])

    def test_it_derives_the_assured_date_from_the_last_check(self):
        service = Service.objects.get(id=example.SERVICE["id"])
        self.assertEqual(service.assured_date.isoformat(), example.SERVICE["assured_date"])

    def test_it_refuses_the_examples_impossible_coordinates(self):
        location = Location.objects.get()
        location.latitude, location.longitude = example.LOCATION["latitude"], example.LOCATION["longitude"]
        with self.assertRaises(ValidationError) as raised:
            location.validate_constraints()
        self.assertIn("Give both latitude (−90 to 90) and longitude (−180 to 180), or neither.", str(raised.exception))
