"""A service offering immigration advice must name its regulator (giving unregulated advice
is an offence); an import that could not tell is kept, flagged, and not offered for regulated
referrals."""

from django.core.exceptions import ValidationError
from django.test import TestCase

from waymark.directory import needs_data
from waymark.directory.models import IMMIGRATION_ADVICE_SLUG, Service
from waymark.directory.tests.builders import give_need, make_need, make_service


class ImmigrationAdviceRegulatorTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.immigration_advice = make_need(IMMIGRATION_ADVICE_SLUG)
        cls.food = make_need("food")

    def make_advice_service(self, **fields):
        service = make_service("Asylum appeals clinic", **fields)
        give_need(service, self.immigration_advice)
        return service

    def test_it_refuses_immigration_advice_without_a_regulator(self):
        service = self.make_advice_service()
        with self.assertRaises(ValidationError) as raised:
            service.full_clean()
        self.assertEqual(
            raised.exception.message_dict["advice_regulator"],
            ["Immigration advice must be regulated: give the adviser's regulator."],
        )

    def test_it_accepts_immigration_advice_with_its_regulator(self):
        service = self.make_advice_service(
            advice_regulator=Service.Regulator.OISC, advice_registration_number="F202412345", advice_oisc_level=2
        )
        service.full_clean()
        self.assertTrue(service.is_regulated_adviser)

    def test_it_counts_a_need_within_immigration_advice(self):
        service = make_service("Family reunion advice")
        give_need(service, make_need("family-reunion", parent=self.immigration_advice))
        with self.assertRaises(ValidationError):
            service.full_clean()

    def test_it_leaves_other_needs_alone(self):
        service = make_service("Food bank")
        give_need(service, self.food)
        service.full_clean()

    def test_it_checks_needs_a_form_is_about_to_give(self):
        service = Service(name="New clinic", organization=make_service().organization)
        self.assertTrue(service.offers_immigration_advice([self.food, self.immigration_advice]))
        self.assertFalse(service.offers_immigration_advice([self.food]))

    def test_it_keeps_an_import_without_a_known_regulator_but_never_as_regulated(self):
        service = self.make_advice_service(regulator_not_confirmed=True)
        service.full_clean()
        self.assertFalse(service.is_regulated_adviser)
        service.advice_regulator = Service.Regulator.SRA
        self.assertFalse(service.is_regulated_adviser)

    def test_it_asks_for_the_oisc_level(self):
        service = self.make_advice_service(advice_regulator=Service.Regulator.OISC)
        with self.assertRaises(ValidationError) as raised:
            service.full_clean()
        self.assertEqual(raised.exception.message_dict["advice_oisc_level"], ["Give the OISC level (1, 2 or 3)."])

    def test_it_refuses_an_oisc_level_under_another_regulator(self):
        service = self.make_advice_service(advice_regulator=Service.Regulator.SRA)
        service.advice_oisc_level = 2
        with self.assertRaises(ValidationError) as raised:
            service.validate_constraints()
        self.assertIn("An OISC level needs the OISC as regulator.", raised.exception.messages)

    def test_it_knows_immigration_advice_by_the_slug_the_needs_data_gives_it(self):
        self.assertEqual(IMMIGRATION_ADVICE_SLUG, needs_data.IMMIGRATION_ADVICE)
