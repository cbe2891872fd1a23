"""The seed data of the needs taxonomy: complete, translated, in the right script, unambiguous."""

import re
import unicodedata

from django.conf import settings
from django.test import SimpleTestCase

from waymark.directory.needs_data import IMMIGRATION_ADVICE, NEEDS
from waymark.lib.text import normalise_search_text

LANGUAGES = [code for code, _name in settings.LANGUAGES]
OTHER_LANGUAGES = [code for code in LANGUAGES if code != "en"]
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

ARABIC_SCRIPT = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
ETHIOPIC = ((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F))
CYRILLIC = ((0x0400, 0x052F),)
SCRIPTS = {
    "ar": ARABIC_SCRIPT,
    "fa": ARABIC_SCRIPT,
    "ps": ARABIC_SCRIPT,
    "ckb": ARABIC_SCRIPT,
    "ur": ARABIC_SCRIPT,
    "ti": ETHIOPIC,
    "am": ETHIOPIC,
    "uk": CYRILLIC,
}
# Letters that belong to a neighbouring language's alphabet: an Arabic word typed with a
# Persian keyboard (ی ک), a Persian word with an Arabic one (ي ك), Urdu with the Persian heh.
# Pashto writes ي for its own vowel, so only ك and ى are foreign to it.
FOREIGN_LETTERS = {
    "ar": "یکگپچژۀەھہے",
    "fa": "يكىةەہے",
    "ps": "كىة",
    "ckb": "يكىة",
    "ur": "يكىةهە",
}
# Labels that are rightly the same as the English one.
SAME_AS_ENGLISH = {("fr", "lgbt")}


def in_ranges(char, ranges):
    return any(low <= ord(char) <= high for low, high in ranges)


def letters(text):
    return [char for char in text if unicodedata.category(char)[0] in "LM"]


def is_latin(char):
    return unicodedata.name(char, "").startswith("LATIN ")


def script_problems(language, text):
    """The letters of ``text`` that do not belong to ``language``'s script, as a string."""
    if language in ("en", "fr"):
        return "".join(char for char in letters(text) if not is_latin(char))
    ranges = SCRIPTS[language]
    wrong = [char for char in letters(text) if not in_ranges(char, ranges)]
    if language == "uk":
        # Ukrainian text keeps Latin acronyms as they are printed: SIM, ASPEN, ESOL.
        wrong = [char for char in wrong if not ("A" <= char <= "Z")]
    if not any(in_ranges(char, ranges) for char in text):
        return text
    return "".join(wrong) + "".join(char for char in text if char in FOREIGN_LETTERS.get(language, ""))


def all_labels():
    """(language, slug, text) for every name and synonym."""
    for need in NEEDS:
        yield "en", need["slug"], need["name"]
        for language, name in need["names"].items():
            yield language, need["slug"], name
        for language, words in need["synonyms"].items():
            for word in words:
                yield language, need["slug"], word


class NeedsShapeTests(SimpleTestCase):
    def test_it_has_a_sensible_number_of_needs(self):
        self.assertGreaterEqual(len(NEEDS), 30)
        self.assertLessEqual(len(NEEDS), 40)

    def test_it_keeps_the_immigration_advice_slug_validation_relies_on(self):
        self.assertEqual(IMMIGRATION_ADVICE, "immigration-advice")
        self.assertIn(IMMIGRATION_ADVICE, [need["slug"] for need in NEEDS])

    def test_it_gives_every_need_the_same_fields(self):
        fields = {"slug", "parent", "position", "name", "description", "names", "synonyms"}
        for need in NEEDS:
            with self.subTest(need=need.get("slug")):
                self.assertEqual(set(need), fields)

    def test_it_gives_every_need_a_unique_well_formed_slug(self):
        slugs = [need["slug"] for need in NEEDS]
        self.assertEqual(len(slugs), len(set(slugs)))
        for slug in slugs:
            with self.subTest(slug=slug):
                self.assertRegex(slug, SLUG)
                self.assertLessEqual(len(slug), 50)

    def test_it_lists_needs_in_the_order_of_their_unique_positions(self):
        positions = [need["position"] for need in NEEDS]
        self.assertTrue(all(isinstance(position, int) for position in positions))
        self.assertEqual(positions, sorted(set(positions)))

    def test_it_gives_every_need_an_english_name_and_a_one_sentence_description(self):
        for need in NEEDS:
            with self.subTest(slug=need["slug"]):
                self.assertTrue(need["name"].strip())
                self.assertTrue(need["description"].endswith("."))
                self.assertNotIn(". ", need["description"])
                self.assertEqual(script_problems("en", need["name"]), "")

    def test_it_makes_names_unique_in_every_language(self):
        for language in LANGUAGES:
            with self.subTest(language=language):
                names = [need["name"] if language == "en" else need["names"][language] for need in NEEDS]
                normalised = [normalise_search_text(name) for name in names]
                self.assertEqual(len(normalised), len(set(normalised)))

    def test_it_writes_labels_without_stray_whitespace(self):
        for language, slug, text in all_labels():
            with self.subTest(language=language, slug=slug, text=text):
                self.assertIsInstance(text, str)
                self.assertTrue(text)
                self.assertEqual(text, " ".join(text.split()))


class NeedsHierarchyTests(SimpleTestCase):
    def test_it_only_names_parents_that_exist(self):
        slugs = {need["slug"] for need in NEEDS}
        for need in NEEDS:
            with self.subTest(slug=need["slug"]):
                self.assertTrue(need["parent"] is None or need["parent"] in slugs)
                self.assertNotEqual(need["parent"], need["slug"])

    def test_it_has_no_cycles(self):
        parents = {need["slug"]: need["parent"] for need in NEEDS}
        for slug in parents:
            with self.subTest(slug=slug):
                seen = {slug}
                parent = parents[slug]
                while parent is not None:
                    self.assertNotIn(parent, seen)
                    seen.add(parent)
                    parent = parents[parent]

    def test_it_stays_one_level_deep(self):
        # The home page shows top-level needs and a results filter their children; a deeper
        # tree would hide needs from both.
        parents = {need["slug"]: need["parent"] for need in NEEDS}
        for slug, parent in parents.items():
            if parent is not None:
                with self.subTest(slug=slug):
                    self.assertIsNone(parents[parent])


class NeedsTranslationTests(SimpleTestCase):
    def test_it_names_every_need_in_every_other_language(self):
        for need in NEEDS:
            with self.subTest(slug=need["slug"]):
                self.assertEqual(set(need["names"]), set(OTHER_LANGUAGES))
                for language, name in need["names"].items():
                    self.assertTrue(name.strip(), language)

    def test_it_does_not_leave_english_in_place_of_a_translation(self):
        for need in NEEDS:
            for language, name in need["names"].items():
                if (language, need["slug"]) in SAME_AS_ENGLISH:
                    continue
                with self.subTest(slug=need["slug"], language=language):
                    self.assertNotEqual(name.casefold(), need["name"].casefold())

    def test_it_writes_each_language_in_its_own_script_and_letters(self):
        for language, slug, text in all_labels():
            with self.subTest(language=language, slug=slug, text=text):
                self.assertEqual(script_problems(language, text), "")


class NeedsSynonymTests(SimpleTestCase):
    def test_it_has_synonyms_in_english_arabic_and_farsi_for_every_need(self):
        for need in NEEDS:
            with self.subTest(slug=need["slug"]):
                self.assertLessEqual({"en", "ar", "fa"}, set(need["synonyms"]))
                self.assertLessEqual(set(need["synonyms"]), set(LANGUAGES))

    def test_it_gives_synonyms_as_non_empty_lists_of_non_empty_strings(self):
        for need in NEEDS:
            for language, words in need["synonyms"].items():
                with self.subTest(slug=need["slug"], language=language):
                    self.assertIsInstance(words, list)
                    self.assertTrue(words)
                    for word in words:
                        self.assertIsInstance(word, str)
                        self.assertTrue(normalise_search_text(word), word)

    def test_it_does_not_repeat_a_synonym_within_a_need(self):
        for need in NEEDS:
            for language, words in need["synonyms"].items():
                with self.subTest(slug=need["slug"], language=language):
                    normalised = [normalise_search_text(word) for word in words]
                    self.assertEqual(len(normalised), len(set(normalised)))

    def test_it_never_gives_one_word_to_two_needs_in_the_same_language(self):
        # Search as people see it: words that normalise alike (ي and ی, é and e) are the same word.
        for language in LANGUAGES:
            with self.subTest(language=language):
                owner = {}
                clashes = []
                for need in NEEDS:
                    for word in need["synonyms"].get(language, []):
                        key = normalise_search_text(word)
                        if owner.setdefault(key, need["slug"]) != need["slug"]:
                            clashes.append((word, owner[key], need["slug"]))
                self.assertEqual(clashes, [])

    def test_it_never_makes_a_synonym_of_one_need_the_name_of_another(self):
        for language in LANGUAGES:
            names = {
                normalise_search_text(need["name"] if language == "en" else need["names"][language]): need["slug"]
                for need in NEEDS
            }
            for need in NEEDS:
                for word in need["synonyms"].get(language, []):
                    with self.subTest(language=language, word=word):
                        self.assertIn(names.get(normalise_search_text(word), need["slug"]), {need["slug"]})
