"""Does a person meet a service's "who it is for"? Each criterion is met, not met, or unknown
(their value is not recorded: the filter is not applied and a warning says so); and the
immigration-advice rule, which only regulated services of a high enough level pass."""

import datetime as dt

from django.test import TestCase

from waymark.directory.models import Service
from waymark.directory.models.base import IMMIGRATION_ADVICE_SLUG
from waymark.directory.tests.builders import make_need, make_service
from waymark.people.models import JourneyRecord
from waymark.people.tests.helpers import make_person
from waymark.referrals.eligibility import (
    MET,
    NOT_MET,
    UNKNOWN,
    PersonFacts,
    advice_check,
    check_eligibility,
    is_advice_need,
    person_facts,
    required_advice_level,
)
from waymark.testing import make_area, make_member, make_organisation

SEEKING_ASYLUM = Service.ImmigrationSituation.SEEKING_ASYLUM
REFUGEE = Service.ImmigrationSituation.REFUGEE_HP


def facts(**values):
    defaults = {
        "situations": (SEEKING_ASYLUM,),
        "stage_known": True,
        "age": 30,
        "gender": "woman",
        "has_household": False,
        "home_area_id": None,
        "languages": ("ar",),
        "interpreter_needed": False,
    }
    return PersonFacts(**{**defaults, **values})


def results(eligibility):
    return {check.criterion: check.result for check in eligibility.checks}


class CheckEligibilityTests(TestCase):
    def check(self, service, **person):
        return check_eligibility(facts(**person), service, area_ids=set())

    def test_a_service_for_everyone_makes_no_checks(self):
        result = self.check(Service(name="Open to all"))
        self.assertEqual(result.checks, [])
        self.assertTrue(result.is_eligible)

    def test_immigration_situation(self):
        refugees_only = Service(name="Move-on support", for_refugee_hp=True)
        refused = self.check(refugees_only)
        self.assertEqual(results(refused), {"situation": NOT_MET})
        self.assertFalse(refused.is_eligible)
        self.assertEqual(results(self.check(refugees_only, situations=(REFUGEE,))), {"situation": MET})
        unknown = self.check(refugees_only, situations=(), stage_known=False)
        self.assertEqual(results(unknown), {"situation": UNKNOWN})
        self.assertTrue(unknown.is_eligible)
        self.assertIn("not recorded", unknown.unknown[0].reason)
        # "For anyone" overrides the ticks.
        self.assertEqual(self.check(Service(name="x", for_refugee_hp=True, for_anyone=True)).checks, [])

    def test_age(self):
        adults = Service(name="Adults", minimum_age=18)
        young = Service(name="Youth club", minimum_age=13, maximum_age=25)
        self.assertEqual(results(self.check(adults, age=17)), {"age": NOT_MET})
        self.assertEqual(results(self.check(adults, age=18)), {"age": MET})
        self.assertEqual(results(self.check(young, age=25)), {"age": MET})
        self.assertEqual(results(self.check(young, age=26)), {"age": NOT_MET})
        self.assertEqual(results(self.check(young, age=12)), {"age": NOT_MET})
        self.assertEqual(results(self.check(young, age=None)), {"age": UNKNOWN})

    def test_gender(self):
        women = Service(name="Women's group", gender=Service.Gender.WOMEN)
        men = Service(name="Men's group", gender=Service.Gender.MEN)
        self.assertEqual(results(self.check(women, gender="woman")), {"gender": MET})
        self.assertEqual(results(self.check(women, gender="man")), {"gender": NOT_MET})
        self.assertEqual(results(self.check(men, gender="man")), {"gender": MET})
        for gender in ("", "not_said", "non_binary", "self_described"):
            with self.subTest(gender=gender):
                self.assertEqual(results(self.check(women, gender=gender)), {"gender": UNKNOWN})

    def test_family(self):
        families = Service(name="Family centre", for_families=True)
        self.assertEqual(results(self.check(families, has_household=True)), {"family": MET})
        # No household recorded is a warning, never a refusal.
        self.assertEqual(results(self.check(families, has_household=False)), {"family": UNKNOWN})

    def test_area(self):
        bolton, salford = make_area("Bolton"), make_area("Salford")
        service = make_service("Bolton only")
        service.restricted_to_areas.add(bolton)
        self.assertEqual(results(check_eligibility(facts(home_area_id=bolton.pk), service)), {"area": MET})
        self.assertEqual(results(check_eligibility(facts(home_area_id=salford.pk), service)), {"area": NOT_MET})
        self.assertEqual(results(check_eligibility(facts(home_area_id=None), service)), {"area": UNKNOWN})
        # The set given (for many services at once) is used instead of a query.
        with self.assertNumQueries(0):
            self.assertEqual(
                results(check_eligibility(facts(home_area_id=salford.pk), service, area_ids={salford.pk})),
                {"area": MET},
            )

    def test_several_rules_each_give_a_check(self):
        service = Service(name="x", for_refugee_hp=True, minimum_age=18, gender=Service.Gender.MEN)
        result = self.check(service, age=16, gender="woman")
        self.assertEqual(results(result), {"situation": NOT_MET, "age": NOT_MET, "gender": NOT_MET})
        self.assertEqual(len(result.unmet), 3)
        self.assertEqual(result.met, [])


class PersonFactsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.organisation = make_organisation("Croal Hub Charity")
        cls.caseworker = make_member("case@croal.test", cls.organisation, roles=["caseworker"])

    def test_facts_from_the_record(self):
        person = make_person(
            self.organisation,
            "Yonas",
            by=self.caseworker,
            date_of_birth=dt.date(2009, 6, 2),
            gender="man",
            home_area=make_area("Bolton"),
        )
        JourneyRecord.objects.create(
            person=person, stage="claim_lodged", since=dt.date(2026, 1, 5), recorded_by=self.caseworker
        )
        result = person_facts(person, today=dt.date(2026, 6, 1))
        self.assertEqual(result.age, 16)
        self.assertEqual(person_facts(person, today=dt.date(2026, 6, 2)).age, 17)
        # A child seeking asylum is treated as an unaccompanied child for "who it is for".
        self.assertEqual(set(result.situations), {"seeking_asylum", "unaccompanied_children"})
        self.assertTrue(result.stage_known)
        self.assertEqual(result.gender, "man")
        self.assertEqual(result.home_area_id, person.home_area_id)

    def test_the_latest_stage_counts_and_an_unmapped_stage_is_unknown(self):
        person = make_person(self.organisation, "Amina", by=self.caseworker)
        self.assertFalse(person_facts(person).stage_known)
        JourneyRecord.objects.create(
            person=person, stage="awaiting_decision", since=dt.date(2025, 3, 1), recorded_by=self.caseworker
        )
        JourneyRecord.objects.create(
            person=person, stage="granted", since=dt.date(2026, 2, 1), recorded_by=self.caseworker
        )
        self.assertEqual(person_facts(person).situations, ("refugee_hp",))
        JourneyRecord.objects.create(
            person=person, stage="not_known", since=dt.date(2026, 3, 1), recorded_by=self.caseworker
        )
        self.assertEqual(person_facts(person).situations, ())
        self.assertFalse(person_facts(person).stage_known)
        self.assertIsNone(person_facts(person).age)


class AdviceCheckTests(TestCase):
    def test_regulators_and_levels(self):
        self.assertEqual(advice_check(Service(name="Food bank"), 1).result, NOT_MET)
        self.assertEqual(
            advice_check(
                Service(name="Import", advice_regulator="oisc", advice_oisc_level=3, regulator_not_confirmed=True), 1
            ).result,
            NOT_MET,
        )
        level_one = Service(name="Level 1", advice_regulator="oisc", advice_oisc_level=1)
        self.assertEqual(advice_check(level_one, 1).result, MET)
        refused = advice_check(level_one, 2)
        self.assertEqual(refused.result, NOT_MET)
        self.assertIn("level 2", refused.reason)
        self.assertEqual(
            advice_check(Service(name="Level 3", advice_regulator="oisc", advice_oisc_level=3), 3).result, MET
        )
        for regulator in ("sra", "bsb"):
            with self.subTest(regulator=regulator):
                self.assertEqual(advice_check(Service(name="Solicitors", advice_regulator=regulator), 3).result, MET)

    def test_advice_needs_and_levels(self):
        advice = make_need(IMMIGRATION_ADVICE_SLUG, "Immigration advice")
        appeal = make_need("appeal-advice-test", "Appeal advice", parent=advice)
        food = make_need("food-test", "Food")
        self.assertTrue(is_advice_need(advice))
        self.assertTrue(is_advice_need(appeal))
        self.assertFalse(is_advice_need(food))
        self.assertFalse(is_advice_need(None))
        self.assertEqual(required_advice_level(None), 1)
