"""Suggested services for a person's need: ranking and its reasons, warnings where a value is
not recorded, ineligible services set apart, immigration advice only to regulated services."""

import datetime as dt
from decimal import Decimal
from unittest import mock

from django.test import TestCase

from waymark.casework.models import ImmigrationMatter
from waymark.directory.models import Language, Location, Service, ServiceAtLocation, ServiceCapacity, Unit
from waymark.directory.search_needs import forget
from waymark.directory.signals import refresh_search_fields
from waymark.directory.tests.builders import give_need, make_need, make_organization, make_service
from waymark.people.models import Gender
from waymark.people.tests.helpers import make_person
from waymark.referrals.models import Referral
from waymark.referrals.statistics import MIN_REFERRALS
from waymark.referrals.suggestions import suggest
from waymark.referrals.tests.helpers import ReferralWorld
from waymark.referrals.tests.test_statistics import make_referral
from waymark.testing import make_area

# Bolton town centre, a place 2 km north of it, and Wigan, about 14 km away.
BOLTON = (Decimal("53.578000"), Decimal("-2.429000"))
NEAR_BOLTON = (Decimal("53.596000"), Decimal("-2.429000"))
WIGAN = (Decimal("53.545000"), Decimal("-2.632000"))


def place(service, point, area=None):
    location = Location.objects.create(
        location_type="physical",
        organization=service.organization,
        name=f"{service.name} place",
        latitude=point[0],
        longitude=point[1],
        area=area,
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    return location


def speaks(service, *codes):
    for code in codes:
        Language.objects.create(service=service, code=code, name=code)


def names(suggestions):
    return [suggestion.service.name for suggestion in suggestions]


def reason_texts(suggestion, kind=None):
    return [text for reason_kind, text in suggestion.reasons if kind is None or reason_kind == kind]


class SuggestionWorld(ReferralWorld):
    @classmethod
    def build_suggestion_world(cls):
        cls.build_world()
        forget()
        cls.bolton = make_area("Bolton")
        cls.food = make_need("suggest-food", "Food")
        cls.parcels = make_need("suggest-food-parcels", "Food parcels", parent=cls.food)
        charity = make_organization("Croal Food Network")
        # A hub in Bolton gives the area its position on the map.
        cls.hub = make_service("Croal hub", charity)
        place(cls.hub, BOLTON, cls.bolton)  # the only place in the area: its centre

        cls.pantry = make_service(
            "Bolton pantry", charity, capacity_status=Service.CapacityStatus.TAKING_NEW, for_seeking_asylum=True
        )
        give_need(cls.pantry, cls.parcels)
        place(cls.pantry, NEAR_BOLTON)
        speaks(cls.pantry, "en", "ar")

        cls.kitchen = make_service("Wigan kitchen", charity, interpreters_available=True)
        give_need(cls.kitchen, cls.food)
        place(cls.kitchen, WIGAN)

        cls.full = make_service("Full larder", charity, capacity_status=Service.CapacityStatus.FULL)
        give_need(cls.full, cls.food)
        place(cls.full, NEAR_BOLTON)
        speaks(cls.full, "ar")

        cls.closed = make_service("Closed cupboard", charity, status=Service.Status.TEMPORARILY_CLOSED)
        give_need(cls.closed, cls.food)
        place(cls.closed, NEAR_BOLTON)

        cls.not_food = make_service("Bolton English class", charity)
        place(cls.not_food, NEAR_BOLTON)

        cls.person.home_area = cls.bolton
        cls.person.save()
        refresh_search_fields(Service.objects.values_list("id", flat=True))


class SuggestTests(SuggestionWorld, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_suggestion_world()

    def test_it_ranks_the_near_service_in_their_language_taking_new_people_first(self):
        found = suggest(self.person, self.food)

        self.assertEqual(names(found), ["Bolton pantry", "Wigan kitchen", "Full larder"])
        pantry = found[0]
        self.assertIn("Speaks Arabic.", reason_texts(pantry, "language"))
        self.assertIn("Taking new people.", reason_texts(pantry, "capacity"))
        self.assertEqual(pantry.distance_km, 2.0)
        self.assertIn("2.0 km from where they live.", reason_texts(pantry, "distance"))
        self.assertIn("For people in their immigration situation.", reason_texts(pantry, "eligibility"))
        self.assertTrue(pantry.eligible)
        self.assertEqual(found.warnings, [])

    def test_it_ranks_a_full_service_lower_and_says_why(self):
        found = suggest(self.person, self.food)

        full = found[-1]
        self.assertEqual(full.service, self.full)
        self.assertIn("Full at the moment.", reason_texts(full, "capacity"))
        self.assertLess(full.score, found[0].score)

    def test_it_counts_interpreters_and_warns_when_neither_language_nor_interpreters(self):
        self.kitchen.interpreters_available = False
        self.kitchen.save(update_fields=["interpreters_available"])

        found = suggest(self.person, self.food)

        kitchen = next(item for item in found if item.service == self.kitchen)
        self.assertEqual(reason_texts(kitchen, "language"), [])
        self.assertIn(
            "Does not list Arabic, nor interpreters: ask how they will understand each other.", kitchen.warnings
        )

    def test_it_leaves_out_closed_services_and_services_for_other_needs(self):
        found = suggest(self.person, self.food)

        self.assertNotIn("Closed cupboard", names(found))
        self.assertNotIn("Bolton English class", names(found))
        self.assertEqual(found.not_eligible, [])

    def test_it_finds_the_services_of_a_narrower_need_only_for_that_need(self):
        self.assertEqual(names(suggest(self.person, self.parcels)), ["Bolton pantry"])

    def test_it_warns_when_a_criterion_is_not_recorded_and_does_not_filter_on_it(self):
        self.pantry.minimum_age = 18
        self.pantry.save(update_fields=["minimum_age"])

        found = suggest(self.person, self.food)

        pantry = next(item for item in found if item.service == self.pantry)
        self.assertTrue(pantry.eligible)
        self.assertIn(
            "Their age is not recorded: this service has an age limit. Not used to filter the suggestions.",
            pantry.warnings,
        )

    def test_it_sets_apart_services_they_are_not_eligible_for_with_the_reasons(self):
        self.pantry.gender = Service.Gender.WOMEN
        self.pantry.save(update_fields=["gender"])
        self.person.gender = Gender.MAN
        self.person.save()

        found = suggest(self.person, self.food)

        self.assertNotIn("Bolton pantry", names(found))
        self.assertEqual(names(found.not_eligible), ["Bolton pantry"])
        refused = found.not_eligible[0]
        self.assertFalse(refused.eligible)
        self.assertEqual([check.reason for check in refused.eligibility.unmet], ["For another gender."])
        self.assertIn("For another gender.", reason_texts(refused, "eligibility"))

    def test_it_sets_apart_services_for_another_immigration_situation(self):
        self.pantry.for_seeking_asylum = False
        self.pantry.for_refugee_hp = True
        self.pantry.save(update_fields=["for_seeking_asylum", "for_refugee_hp"])

        found = suggest(self.person, self.food)

        self.assertEqual(names(found.not_eligible), ["Bolton pantry"])
        self.assertIn("Not for people in their immigration situation.", reason_texts(found.not_eligible[0]))

    def test_it_says_when_where_they_live_is_not_known(self):
        person = make_person(self.sender, "Bashir", by=self.caseworker, languages=["fa"])

        found = suggest(person, self.food)

        self.assertIn("Where they live is not recorded: distance is not used to rank the suggestions.", found.warnings)
        self.assertTrue(all(item.distance_km is None for item in found))
        self.assertEqual(sorted(names(found)), ["Bolton pantry", "Full larder", "Wigan kitchen"])

    def test_it_says_when_their_area_has_no_position(self):
        person = make_person(self.sender, "Bashir", by=self.caseworker, home_area=make_area("Bury"))

        found = suggest(person, self.food)

        self.assertIn(
            "No position is known for the area where they live: distance is not used to rank the suggestions.",
            found.warnings,
        )
        self.assertIn("Their languages are not recorded: language is not used to rank the suggestions.", found.warnings)

    def test_it_ranks_a_service_that_answers_fast_and_accepts_higher(self):
        twin = make_service(
            "Bolton pantry two", self.pantry.organization, capacity_status=Service.CapacityStatus.TAKING_NEW
        )
        give_need(twin, self.parcels)
        place(twin, NEAR_BOLTON)
        speaks(twin, "ar")
        refresh_search_fields([twin.id])
        for _number in range(MIN_REFERRALS):
            make_referral(self, twin, Referral.State.ACCEPTED, answered_after_days=1)

        found = suggest(self.person, self.parcels)

        self.assertEqual(names(found), ["Bolton pantry two", "Bolton pantry"])
        self.assertIn("Answers referrals in a median of 1.0 days.", reason_texts(found[0], "statistics"))
        self.assertIn("Accepted 100% of referrals (from 10 referrals).", reason_texts(found[0], "statistics"))
        self.assertEqual(found[0].stats.referrals, 10)
        self.assertTrue(found[1].stats.suppressed)
        self.assertIn(
            "Too few referrals through Waymark yet to show how it answers.", reason_texts(found[1], "statistics")
        )

    def test_it_gives_services_by_phone_a_place_in_the_list(self):
        helpline = make_service("Food helpline", self.pantry.organization)
        give_need(helpline, self.food)
        refresh_search_fields([helpline.id])

        found = suggest(self.person, self.food)

        helpline_suggestion = next(item for item in found if item.service == helpline)
        self.assertIsNone(helpline_suggestion.distance_km)
        self.assertIn("No fixed place: by phone or online.", reason_texts(helpline_suggestion, "distance"))

    def test_it_weighs_only_the_nearest_when_many_meet_the_need(self):
        with mock.patch("waymark.referrals.suggestions.MAX_CANDIDATES", 2):
            found = suggest(self.person, self.food)

        # Both 2 km away; Wigan, 14 km away, is not weighed at all.
        self.assertEqual(names(found), ["Bolton pantry", "Full larder"])

    def test_it_asks_the_database_the_same_number_of_times_for_more_services(self):
        suggest(self.person, self.food)  # the needs index is built once per process
        with self.assertNumQueries(15) as few:
            suggest(self.person, self.food)
        for number in range(5):
            extra = make_service(f"Extra pantry {number}", self.pantry.organization)
            give_need(extra, self.food)
            place(extra, NEAR_BOLTON)
            speaks(extra, "ar", "en")
            unit = Unit.objects.create(name="Parcel")
            ServiceCapacity.objects.create(service=extra, unit=unit, available=3)
        suggest(self.person, self.food)
        with self.assertNumQueries(len(few.captured_queries)):
            found = suggest(self.person, self.food)
        self.assertEqual(len(found), 8)


class AdviceRoutingTests(ReferralWorld, TestCase):
    """An immigration-advice need: only regulated services whose level covers the matter."""

    @classmethod
    def setUpTestData(cls):
        cls.build_world()
        forget()
        lawyers = make_organization("Advice Collective")
        cls.level_1 = make_service("OISC 1 desk", lawyers, advice_regulator="oisc", advice_oisc_level=1)
        cls.level_3 = make_service("OISC 3 chambers", lawyers, advice_regulator="oisc", advice_oisc_level=3)
        cls.unregulated = make_service("Friendly chat", lawyers)
        cls.unconfirmed = make_service("Imported advice", lawyers, advice_regulator="sra", regulator_not_confirmed=True)
        # From the world: the clinic (OISC 2, for people seeking asylum), the surgery (SRA).
        for service in (cls.level_1, cls.level_3, cls.unregulated, cls.unconfirmed, cls.clinic, cls.surgery):
            give_need(service, cls.advice_need)
        refresh_search_fields(Service.objects.values_list("id", flat=True))

    def test_it_offers_only_regulated_services_at_level_one_without_a_matter(self):
        found = suggest(self.person, self.advice_need)

        self.assertEqual(
            sorted(names(found)), ["Asylum appeals clinic", "Drop-in legal surgery", "OISC 1 desk", "OISC 3 chambers"]
        )
        self.assertEqual(found.not_eligible, [])

    def test_it_offers_only_services_of_the_level_the_matter_needs(self):
        matter = ImmigrationMatter(required_level=2)

        found = suggest(self.person, self.advice_need, matter=matter)

        self.assertEqual(sorted(names(found)), ["Asylum appeals clinic", "Drop-in legal surgery", "OISC 3 chambers"])
        clinic = next(item for item in found if item.service == self.clinic)
        self.assertIn("Regulated by the OISC at level 2.", reason_texts(clinic, "advice"))

    def test_it_never_lists_an_unregulated_service_even_as_not_eligible(self):
        matter = ImmigrationMatter(required_level=3)

        found = suggest(self.person, self.advice_need, matter=matter)

        self.assertEqual(sorted(names(found)), ["Drop-in legal surgery", "OISC 3 chambers"])
        self.assertEqual(found.not_eligible, [])


class SuggestAtAnyAgeTests(SuggestionWorld, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_suggestion_world()

    def test_it_applies_the_age_range_when_the_date_of_birth_is_known(self):
        self.pantry.minimum_age = 18
        self.pantry.save(update_fields=["minimum_age"])
        child = make_person(
            self.sender, "Samir", by=self.caseworker, home_area=self.bolton, date_of_birth=dt.date(2015, 1, 1)
        )

        found = suggest(child, self.food)

        self.assertIn("Bolton pantry", names(found.not_eligible))
        self.assertIn("Outside this service's age range.", reason_texts(found.not_eligible[0], "eligibility"))
