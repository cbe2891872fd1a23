"""The search column: the service's words, its organisation's and its needs', normalised so
that an Arabic-keyboard spelling finds Persian text and the other way round."""

from django.test import TestCase

from waymark.directory.models import Synonym, Translation
from waymark.directory.tests.builders import give_need, make_need, make_organization, make_service
from waymark.lib.text import normalise_search_text


class SearchTextTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.dental = make_need("dental", "Dental care")
        # Persian, typed with Persian yeh and keheh: "dentist".
        Synonym.objects.create(term=cls.dental, language="fa", word="دندانپزشک")
        # Arabic, with Arabic yeh: "dentist".
        Synonym.objects.create(term=cls.dental, language="ar", word="طبيب أسنان")
        cls.service = make_service(
            "Smile clinic",
            organization=make_organization("Irwell Health Trust"),
            description="Emergency dental appointments.",
        )
        give_need(cls.service, cls.dental)

    def test_it_holds_the_services_organisations_and_needs_words(self):
        text = self.service.build_search_text()
        for words in ["smile clinic", "emergency dental appointments", "irwell health trust", "dental care"]:
            self.assertIn(words, text)

    def test_it_finds_arabic_spellings_with_persian_letters_and_the_other_way_round(self):
        text = self.service.build_search_text()
        # Typed on a Persian keyboard (ی), the Arabic synonym is found …
        self.assertIn(normalise_search_text("طبیب اسنان"), text)
        # … and typed on an Arabic keyboard (ي ك), the Persian one.
        self.assertIn(normalise_search_text("دندانپزشك"), text)

    def test_it_includes_reviewed_translations_only(self):
        Translation.for_object(self.service, "name", "fr", "Clinique du sourire", status="reviewed").save()
        Translation.for_object(self.service, "description", "fr", "Rendez-vous dentaires", status="draft").save()
        text = self.service.build_search_text()
        self.assertIn("clinique du sourire", text)
        self.assertNotIn("rendez vous", text)


class SearchFacetsTestCase(TestCase):
    def test_facets_hold_the_needs_and_languages_as_tokens_each_once(self):
        from waymark.directory.models import Language
        from waymark.directory.search_index import facet_tokens

        dental = make_need("dental", "Dental care")
        service = make_service("Smile clinic")
        give_need(service, dental)
        Language.objects.create(service=service, code="pt-br", name="Portuguese (Brazil)")
        Language.objects.create(service=service, code="ar", name="Arabic")
        service.build_search_text()
        self.assertEqual(service.search_facets, f"lar lptbr n{dental.id.hex}")
        self.assertEqual(facet_tokens([dental.id, dental.id], ["AR", "ar", ""]), f"lar n{dental.id.hex}")
