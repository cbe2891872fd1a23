"""A listing as plain data: read, written back, created from it, and refused when invalid."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.test import TestCase

from waymark.directory.listing_data import (
    apply_location_data,
    apply_organization_data,
    apply_service_data,
    canonical_opening_times,
    location_data,
    organization_data,
    service_data,
)
from waymark.directory.models import (
    IMMIGRATION_ADVICE_SLUG,
    NEED_LINK_TYPE,
    Attribute,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
)
from waymark.directory.tests.builders import make_need, make_organization, make_service
from waymark.testing import make_area


def full_service_data(**changes):
    data = {
        "name": "Saturday food bank",
        "alternate_name": "Food parcels",
        "description": "Food parcels and toiletries, no questions asked.",
        "url": "https://example.org/food",
        "email": "food@example.org",
        "phone": "01204 000111",
        "application_process": "Just come along.",
        "free": True,
        "fees_description": "",
        "eligibility_description": "Anyone in need.",
        "minimum_age": 16,
        "maximum_age": 99,
        "for": ["refused_are", "seeking_asylum"],
        "gender": "any",
        "for_families": True,
        "for_lgbt": False,
        "access": ["drop_in"],
        "accepts_waymark_referrals": True,
        "interpreters_available": True,
        "languages": ["ar", "en"],
        "needs": ["food"],
        "advice_regulator": "",
        "advice_registration_number": "",
        "advice_oisc_level": None,
        "documents": ["Your ARC card, if you have one"],
        "location": "",
        "opening_times": [
            {"days": ["SA"], "opens_at": "10:00", "closes_at": "13:00"},
            {"days": ["MO", "WE"], "opens_at": "10:00", "closes_at": "13:00"},
            {"days": ["WE"], "opens_at": "17:30", "closes_at": "19:00"},
        ],
        "opening_times_note": "Except bank holidays.",
    }
    data.update(changes)
    return data


class ServiceDataTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.food = make_need("food")
        cls.advice = make_need(IMMIGRATION_ADVICE_SLUG)
        cls.organization = make_organization()
        cls.area = make_area("Bolton")
        cls.location = Location.objects.create(location_type="physical", name="Hall", organization=cls.organization)

    def test_it_creates_a_service_with_everything_from_the_data(self):
        data = full_service_data(location=str(self.location.id))
        service = apply_service_data(Service(organization=self.organization), data, organization=self.organization)

        service.refresh_from_db()
        self.assertEqual(service.name, "Saturday food bank")
        self.assertEqual(service.fees_description, "Free")
        self.assertTrue(service.for_seeking_asylum and service.for_refused_are and not service.for_anyone)
        self.assertTrue(service.access_drop_in and not service.access_appointment)
        self.assertEqual(service.phones.get().number, "01204 000111")
        self.assertEqual(sorted(service.languages.values_list("code", "name")), [("ar", "Arabic"), ("en", "English")])
        self.assertEqual(list(service.needs()), [self.food])
        self.assertEqual(Attribute.objects.get(link_id=service.id).link_type, NEED_LINK_TYPE)
        self.assertEqual(list(service.required_documents.values_list("document", flat=True)), data["documents"][:1])
        self.assertEqual(service.service_at_locations.get().location, self.location)
        schedules = service.schedules.order_by("byday", "opens_at")
        self.assertEqual(
            [(s.freq, s.byday, s.opens_at, s.closes_at) for s in schedules],
            [
                ("WEEKLY", "MO,WE,SA", dt.time(10), dt.time(13)),
                ("WEEKLY", "WE", dt.time(17, 30), dt.time(19)),
            ],
        )
        self.assertIn("food", service.search_text)
        self.assertIn("parcels", service.search_text)

    def test_it_reads_back_what_it_wrote(self):
        data = full_service_data(location=str(self.location.id))
        service = apply_service_data(Service(organization=self.organization), data, organization=self.organization)

        read = service_data(Service.objects.get(id=service.id))

        expected = dict(data, **{"for": ["seeking_asylum", "refused_are"], "languages": ["en", "ar"]})
        expected["opening_times"] = canonical_opening_times(data["opening_times"])
        self.assertEqual(read, expected)

    def test_it_changes_only_the_keys_given(self):
        service = apply_service_data(
            Service(organization=self.organization), full_service_data(), organization=self.organization
        )

        apply_service_data(
            service, {"name": "Food bank", "free": False, "fees_description": "£1"}, organization=self.organization
        )

        read = service_data(Service.objects.get(id=service.id))
        self.assertEqual((read["name"], read["free"], read["fees_description"]), ("Food bank", False, "£1"))
        self.assertEqual(read["languages"], ["en", "ar"])
        self.assertEqual(len(read["opening_times"]), 2)

    def test_a_phone_shared_with_the_organisation_is_left_to_it(self):
        service = make_service(organization=self.organization, fees_description="Free")
        shared = Phone.objects.create(number="01204 111111", service=service, organization=self.organization)

        apply_service_data(service, {"phone": "01204 222222"}, organization=self.organization)

        shared.refresh_from_db()
        self.assertEqual(
            (shared.number, shared.service, shared.organization), ("01204 111111", None, self.organization)
        )
        self.assertEqual(service.phones.get().number, "01204 222222")

    def test_it_keeps_opening_times_the_shape_cannot_hold(self):
        service = make_service(organization=self.organization, fees_description="Free")
        monthly = Schedule.objects.create(
            service=service, freq="MONTHLY", byday="1MO", opens_at=dt.time(10), closes_at=dt.time(12)
        )

        apply_service_data(
            service,
            {"opening_times": [{"days": ["TU"], "opens_at": "09:00", "closes_at": "12:00"}]},
            organization=self.organization,
        )

        self.assertTrue(Schedule.objects.filter(id=monthly.id).exists())
        self.assertEqual(
            service_data(service)["opening_times"], [{"days": ["TU"], "opens_at": "09:00", "closes_at": "12:00"}]
        )

    def assert_refused(self, data, key, service=None):
        service = service or Service(organization=self.organization)
        before = Service.objects.count()
        with self.assertRaises(ValidationError) as raised:
            apply_service_data(service, data, organization=self.organization)
        self.assertIn(key, raised.exception.message_dict)
        self.assertEqual(Service.objects.count(), before)
        return raised.exception.message_dict[key]

    def test_it_refuses_immigration_advice_without_a_regulator(self):
        errors = self.assert_refused(full_service_data(needs=[IMMIGRATION_ADVICE_SLUG]), "advice_regulator")
        self.assertEqual(errors, ["Immigration advice must be regulated: give the adviser's regulator."])

    def test_it_accepts_immigration_advice_with_its_regulator(self):
        data = full_service_data(
            needs=[IMMIGRATION_ADVICE_SLUG],
            advice_regulator="oisc",
            advice_registration_number="F201900001",
            advice_oisc_level=2,
        )
        service = apply_service_data(Service(organization=self.organization), data, organization=self.organization)
        self.assertTrue(service.is_regulated_adviser)
        service.full_clean()

    def test_it_refuses_an_oisc_level_without_the_oisc(self):
        self.assert_refused(full_service_data(advice_regulator="sra", advice_oisc_level=2), "advice_oisc_level")

    def test_it_refuses_the_oisc_without_a_level(self):
        self.assert_refused(full_service_data(advice_regulator="oisc"), "advice_oisc_level")

    def test_it_refuses_ages_out_of_order(self):
        self.assert_refused(full_service_data(minimum_age=30, maximum_age=18), "maximum_age")

    def test_it_refuses_an_unknown_need(self):
        self.assertEqual(
            self.assert_refused(full_service_data(needs=["food", "unicorns"]), "needs"), ["Not in the list: unicorns."]
        )

    def test_it_refuses_an_unknown_language(self):
        self.assert_refused(full_service_data(languages=["en", "klingon"]), "languages")

    def test_it_refuses_unknown_situations_and_access(self):
        self.assert_refused(full_service_data(**{"for": ["tourists"]}), "for")
        self.assert_refused(full_service_data(access=["teleport"]), "access")

    def test_it_refuses_bad_times(self):
        for opening in (
            {"days": ["MO"], "opens_at": "9am", "closes_at": "12:00"},
            {"days": ["MO"], "opens_at": "14:00", "closes_at": "12:00"},
            {"days": ["XX"], "opens_at": "10:00", "closes_at": "12:00"},
            {"days": [], "opens_at": "10:00", "closes_at": "12:00"},
        ):
            with self.subTest(opening=opening):
                self.assert_refused(full_service_data(opening_times=[opening]), "opening_times")

    def test_it_refuses_overlapping_openings(self):
        openings = [
            {"days": ["MO"], "opens_at": "10:00", "closes_at": "13:00"},
            {"days": ["MO", "TU"], "opens_at": "12:00", "closes_at": "14:00"},
        ]
        self.assert_refused(full_service_data(opening_times=openings), "opening_times")

    def test_it_refuses_a_cost_without_saying_what_it_is(self):
        self.assert_refused(full_service_data(free=False, fees_description=""), "fees_description")

    def test_it_refuses_another_organisations_location(self):
        elsewhere = Location.objects.create(location_type="physical", name="Elsewhere")
        self.assert_refused(full_service_data(location=str(elsewhere.id)), "location")

    def test_it_refuses_unknown_keys_and_a_missing_name(self):
        self.assert_refused(full_service_data(name=" "), "name")
        with self.assertRaises(ValidationError):
            apply_service_data(
                Service(organization=self.organization), {"colour": "red"}, organization=self.organization
            )

    def test_it_refuses_a_bad_web_address_and_email(self):
        self.assert_refused(full_service_data(url="javascript:alert(1)"), "url")
        self.assert_refused(full_service_data(email="not an address"), "email")

    def test_an_old_problem_of_the_listing_does_not_block_a_change_to_something_else(self):
        # Made before the rules: not free, and no cost given.
        service = make_service(organization=self.organization, fees_description="")

        apply_service_data(service, {"name": "Advice drop-in"}, organization=self.organization)

        self.assertEqual(Service.objects.get(id=service.id).name, "Advice drop-in")
        # Touching the cost itself must settle it.
        self.assert_refused({"free": False, "fees_description": ""}, "fees_description", service)

    def test_a_change_that_causes_a_problem_elsewhere_is_refused(self):
        service = make_service(organization=self.organization, fees_description="Free")
        self.assert_refused({"needs": [IMMIGRATION_ADVICE_SLUG]}, "advice_regulator", service)

    def test_an_invalid_change_leaves_the_existing_service_alone(self):
        service = apply_service_data(
            Service(organization=self.organization), full_service_data(), organization=self.organization
        )
        self.assert_refused({"name": "New name", "minimum_age": 50, "maximum_age": 10}, "maximum_age", service)
        self.assertEqual(Service.objects.get(id=service.id).name, "Saturday food bank")


class OrganizationDataTestCase(TestCase):
    def test_it_round_trips_and_rebuilds_its_services_search_text(self):
        organization = make_organization()
        service = make_service(organization=organization)
        data = {
            "name": "Wharton Welcome",
            "alternate_name": "WW",
            "description": "Welcomes people.",
            "email": "hello@example.org",
            "website": "https://example.org",
            "phone": "0161 000 0000",
            "data_sharing_with_authorities": Organization.DataSharing.NEVER_WITHOUT_CONSENT,
        }

        apply_organization_data(organization, data)

        self.assertEqual(organization_data(Organization.objects.get(id=organization.id)), data)
        service.refresh_from_db()
        self.assertIn("wharton", service.search_text)

    def test_it_creates_one_and_refuses_bad_data(self):
        organization = apply_organization_data(Organization(), {"name": "New", "description": "New one."})
        self.assertEqual(organization_data(organization)["data_sharing_with_authorities"], "unknown")
        with self.assertRaises(ValidationError) as raised:
            apply_organization_data(organization, {"data_sharing_with_authorities": "sometimes", "description": ""})
        self.assertEqual(set(raised.exception.message_dict), {"data_sharing_with_authorities", "description"})


class LocationDataTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.organization = make_organization()
        cls.area = make_area("Bolton")

    def data(self, **changes):
        return {
            "name": "Church hall",
            "description": "",
            "transportation": "Bus 501.",
            "address_1": "1 Deansgate",
            "address_2": "",
            "city": "Bolton",
            "county": "Greater Manchester",
            "postal_code": "BL1 1AA",
            "address_hidden": False,
            "area": "bolton",
            **changes,
        }

    def test_it_creates_a_location_placed_by_its_postcode_and_reads_it_back(self):
        location = apply_location_data(Location(), self.data(postal_code="bl11aa"), organization=self.organization)

        location = Location.objects.get(id=location.id)
        self.assertEqual(location.organization, self.organization)
        self.assertIsNotNone(location.latitude)
        self.assertEqual(location_data(location), self.data())

    def test_a_location_without_an_address_can_still_be_renamed(self):
        location = Location.objects.create(location_type="virtual", name="Online", organization=self.organization)

        apply_location_data(location, {"name": "Online advice"}, organization=self.organization)

        self.assertEqual(Location.objects.get(id=location.id).name, "Online advice")
        self.assertFalse(location.addresses.exists())

    def test_it_refuses_a_hidden_address_without_an_area_and_a_bad_postcode(self):
        with self.assertRaises(ValidationError) as raised:
            apply_location_data(
                Location(),
                self.data(address_hidden=True, area="", postal_code="nowhere"),
                organization=self.organization,
            )
        self.assertEqual(set(raised.exception.message_dict), {"area", "postal_code"})
        self.assertFalse(Location.objects.exists())
