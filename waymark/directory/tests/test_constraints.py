"""Rules the database keeps, each refused with a message an editor can act on."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import TestCase

from waymark.directory.models import (
    Attribute,
    Funding,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Synonym,
    TaxonomyTerm,
)
from waymark.directory.tests.builders import give_need, make_need, make_organization, make_service
from waymark.testing import make_area, make_organisation


class ConstraintsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.service = make_service("Drop-in")
        cls.location = Location.objects.create(location_type="physical", name="Library")
        cls.need = make_need("food")

    def assert_refused(self, obj, message):
        with self.assertRaises(ValidationError) as raised:
            obj.validate_constraints()
        self.assertIn(message, raised.exception.messages)

    def test_it_refuses_each_broken_rule_with_its_message(self):
        service = self.service
        ServiceAtLocation.objects.create(service=service, location=self.location)
        give_need(service, self.need)
        Synonym.objects.create(term=self.need, language="en", word="meals")
        cases = [
            (
                Service(organization=service.organization, name="x", minimum_age=18, maximum_age=16),
                "The minimum age must not be above the maximum age.",
            ),
            (Service(organization=service.organization, name="x", status="closed"), "Choose a status from the list."),
            (
                Location(location_type="physical", latitude=53.5),
                "Give both latitude (−90 to 90) and longitude (−180 to 180), or neither.",
            ),
            (
                Location(location_type="physical", address_hidden=True),
                "A location with a hidden address must show its area.",
            ),
            (Phone(number="0161 000 0000"), "A phone number belongs to an organisation, service, location or contact."),
            (Language(code="ar"), "A language belongs to a service, a location or a phone number."),
            (Schedule(byday="MO"), "Opening times belong to a service or a location."),
            (Funding(source="Lottery"), "Funding belongs to an organisation or a service."),
            (ServiceAtLocation(service=service, location=self.location), "This service is already at this location."),
            (TaxonomyTerm(slug="food", name="Meals", description="-"), "Another term already has this slug."),
            (Synonym(term=self.need, language="en", word="meals"), "This term already has this word in this language."),
            (
                Attribute(taxonomy_term=self.need, link_entity="service", link_id=service.id, link_type="need"),
                "This term is already applied to this object.",
            ),
        ]
        for obj, message in cases:
            with self.subTest(message=message):
                self.assert_refused(obj, message)

    def test_it_lets_terms_without_a_slug_share_the_empty_slug(self):
        TaxonomyTerm.objects.create(name="Imported A", description="-")
        TaxonomyTerm(name="Imported B", description="-").validate_constraints()

    def test_it_accepts_a_hidden_address_that_shows_its_area(self):
        Location(location_type="physical", address_hidden=True, area=make_area("Bolton")).validate_constraints()

    def test_the_database_itself_refuses_a_phone_belonging_to_nothing(self):
        with self.assertRaises(IntegrityError):
            Phone.objects.create(number="0161 000 0000")


class WaymarkOrganisationLinkTestCase(TestCase):
    def test_it_links_a_directory_organisation_to_the_organisation_using_waymark(self):
        organisation = make_organisation("Croal Valley Welcome Project")
        organization = make_organization(waymark_organisation=organisation)
        self.assertEqual(organisation.directory_organization, organization)
        self.assertEqual(organization.data_sharing_with_authorities, "unknown")
