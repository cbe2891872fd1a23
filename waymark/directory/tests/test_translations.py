"""Translations of directory text: shown only when reviewed and made from the current English,
and loaded for a whole list in one query."""

from django.test import TestCase

from waymark.directory.models import Translation
from waymark.directory.tests.builders import make_organization, make_service
from waymark.directory.translation import prefetch_translations, translated


def translate(obj, field, language, text, status=Translation.Status.REVIEWED):
    translation = Translation.for_object(obj, field, language, text, status=status)
    translation.save()
    return translation


class TranslationTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.service = make_service("Food bank", description="Free food parcels on Tuesdays.")

    def test_it_shows_a_reviewed_translation(self):
        translate(self.service, "description", "fr", "Colis alimentaires gratuits le mardi.")
        self.assertEqual(translated(self.service, "description", "fr"), ("Colis alimentaires gratuits le mardi.", True))

    def test_it_shows_english_until_a_translation_is_reviewed(self):
        translate(self.service, "description", "fr", "Colis gratuits.", status=Translation.Status.DRAFT)
        self.assertEqual(translated(self.service, "description", "fr"), ("Free food parcels on Tuesdays.", False))
        self.assertEqual(translated(self.service, "description", "ar"), ("Free food parcels on Tuesdays.", False))

    def test_it_shows_english_as_it_is(self):
        self.assertEqual(translated(self.service, "description", "en"), ("Free food parcels on Tuesdays.", True))

    def test_it_knows_a_translation_is_out_of_date_when_the_english_changes(self):
        translation = translate(self.service, "description", "fr", "Colis alimentaires gratuits le mardi.")
        self.assertFalse(translation.is_out_of_date(self.service))

        self.service.description = "Free food parcels on Tuesdays and Fridays."
        self.service.save()

        self.assertTrue(translation.is_out_of_date(self.service))
        self.assertEqual(
            translated(self.service, "description", "fr"), ("Free food parcels on Tuesdays and Fridays.", False)
        )

    def test_it_is_not_out_of_date_for_a_change_of_surrounding_spaces(self):
        translation = translate(self.service, "description", "fr", "Colis alimentaires gratuits le mardi.")
        self.service.description = "Free food parcels on Tuesdays.\n"
        self.assertFalse(translation.is_out_of_date(self.service))

    def test_it_loads_the_translations_of_a_whole_list_in_one_query(self):
        organization = make_organization("Medlock Welcome")
        services = [make_service(f"Service {n}", organization=organization, description=f"Help {n}") for n in range(5)]
        for service in services[:3]:
            translate(service, "name", "ar", f"خدمة {service.name[-1]}")
            translate(service, "description", "ar", f"مساعدة {service.name[-1]}")
        translate(organization, "description", "ar", "ترحيب")

        with self.assertNumQueries(1):
            prefetch_translations([*services, organization], "ar")
        with self.assertNumQueries(0):
            shown = [translated(service, "name", "ar") for service in services]
            about = translated(organization, "description", "ar")

        self.assertEqual(shown[0], ("خدمة 0", True))
        self.assertEqual(shown[4], ("Service 4", False))
        self.assertEqual(about, ("ترحيب", True))

    def test_it_asks_nothing_for_english(self):
        with self.assertNumQueries(0):
            prefetch_translations([self.service], "en")

    def test_it_refuses_a_second_translation_of_the_same_text(self):
        translate(self.service, "name", "fr", "Banque alimentaire")
        duplicate = Translation.for_object(self.service, "name", "fr", "Banque de nourriture")
        with self.assertRaisesMessage(Exception, "This text already has a translation into this language."):
            duplicate.validate_constraints()

    def test_it_refuses_a_field_that_is_not_translated(self):
        translation = Translation.for_object(self.service, "email", "fr", "x@example.org")
        with self.assertRaisesMessage(Exception, "This field is not translated."):
            translation.full_clean()
