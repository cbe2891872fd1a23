"""The needs taxonomy loaded from needs_data.py: by the data migration, and again when the data changes."""

import copy
from unittest import mock

from django.test import TestCase

from waymark.directory.models import NEEDS_TAXONOMY_NAME, Synonym, Taxonomy, TaxonomyTerm, Translation
from waymark.directory.needs import load_needs_taxonomy
from waymark.directory.needs_data import NEEDS
from waymark.directory.translation import translated


def need_data(slug, needs=NEEDS):
    return next(need for need in needs if need["slug"] == slug)


class NeedsLoaderTests(TestCase):
    def test_it_has_every_need_after_the_migrations(self):
        taxonomy = Taxonomy.objects.get(name=NEEDS_TAXONOMY_NAME)
        self.assertTrue(taxonomy.description)
        terms = {term.slug: term for term in taxonomy.terms.select_related("parent")}
        self.assertEqual(set(terms), {need["slug"] for need in NEEDS})
        for need in NEEDS:
            with self.subTest(need=need["slug"]):
                term = terms[need["slug"]]
                self.assertEqual(term.name, need["name"])
                self.assertEqual(term.description, need["description"])
                self.assertEqual(term.position, need["position"])
                self.assertEqual(term.parent.slug if term.parent else None, need["parent"])

    def test_it_shows_each_need_in_every_language_of_the_data(self):
        for need in NEEDS:
            term = TaxonomyTerm.objects.get(slug=need["slug"])
            for language, label in need["names"].items():
                with self.subTest(need=need["slug"], language=language):
                    self.assertEqual(translated(term, "name", language), (label, True))

    def test_it_knows_the_words_people_type_for_a_need(self):
        dental = TaxonomyTerm.objects.get(slug="dental")
        for language, words in need_data("dental")["synonyms"].items():
            with self.subTest(language=language):
                self.assertEqual(
                    set(dental.synonyms.filter(language=language).values_list("word", flat=True)), set(words)
                )

    def test_it_adds_nothing_when_loaded_again(self):
        before = (TaxonomyTerm.objects.count(), Synonym.objects.count(), Translation.objects.count())

        counts = load_needs_taxonomy()

        self.assertEqual(set(counts.values()), {0})
        after = (TaxonomyTerm.objects.count(), Synonym.objects.count(), Translation.objects.count())
        self.assertEqual(after, before)
        self.assertEqual(Taxonomy.objects.filter(name=NEEDS_TAXONOMY_NAME).count(), 1)

    def test_it_takes_a_changed_label_and_its_translations_from_the_data(self):
        needs = copy.deepcopy(NEEDS)
        food = need_data("food", needs)
        food["name"] = "Food and meals"
        food["names"]["fr"] = "Nourriture et repas"

        with mock.patch("waymark.directory.needs_data.NEEDS", needs):
            counts = load_needs_taxonomy()

        term = TaxonomyTerm.objects.get(slug="food")
        self.assertEqual(term.name, "Food and meals")
        self.assertEqual(translated(term, "name", "fr"), ("Nourriture et repas", True))
        # Every other language is re-fingerprinted against the new English, reviewed as it is.
        self.assertEqual(translated(term, "name", "ar"), (food["names"]["ar"], True))
        self.assertEqual(counts["terms_updated"], 1)
        self.assertEqual(counts["translations_updated"], len(food["names"]))

    def test_it_keeps_a_synonym_staff_added(self):
        dental = TaxonomyTerm.objects.get(slug="dental")
        Synonym.objects.create(term=dental, language="en", word="teeth cleaning")

        load_needs_taxonomy()

        self.assertTrue(dental.synonyms.filter(language="en", word="teeth cleaning").exists())

    def test_it_moves_a_need_under_the_parent_the_data_names(self):
        needs = copy.deepcopy(NEEDS)
        need_data("dental", needs)["parent"] = None

        with mock.patch("waymark.directory.needs_data.NEEDS", needs):
            load_needs_taxonomy()

        self.assertIsNone(TaxonomyTerm.objects.get(slug="dental").parent)
