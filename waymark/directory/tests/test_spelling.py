""" "Did you mean": misspelt search words corrected against the map's words, in any of the
interface languages, with Arabic and Persian letter variants folded."""

from django.test import SimpleTestCase, TestCase, override_settings

from waymark.directory import spelling
from waymark.directory.models import Service, Synonym
from waymark.directory.spelling import Vocabulary, edit_distance, suggest, vocabulary_for_map
from waymark.directory.tests.builders import make_need, make_service
from waymark.lib.text import normalise_search_text


class SuggestTestCase(SimpleTestCase):
    vocabulary = Vocabulary.from_texts(
        [
            "Emergency dentist appointments",
            "Immigration advice and foodbank",
            "Logement et sans-abrisme",
            # Arabic, with Arabic yeh: "lawyer", "immigration lawyer".
            "محامي محامي هجرة",
            # Persian, with Persian yeh and keheh: "asylum case", "asylum claim".
            "کیس پناهندگی درخواست پناهندگی",
            "Імміграційна та юридична консультація",
            # Tigrinya: "immigration and legal advice".
            "ምኽሪ ኢሚግሬሽንን ሕጊን",
            "best best best last",
            "Help to find accommodation",
        ]
    )

    def test_it_corrects_english_misspellings(self):
        self.assertEqual(suggest("dentsit", self.vocabulary), "dentist")
        self.assertEqual(suggest("imigration", self.vocabulary), "immigration")

    def test_it_keeps_known_words(self):
        self.assertIsNone(suggest("foodbank", self.vocabulary))
        self.assertIsNone(suggest("Emergency DENTIST", self.vocabulary))

    def test_it_corrects_french(self):
        self.assertEqual(suggest("logment", self.vocabulary), "logement")

    def test_it_corrects_arabic(self):
        # "محمي" has lost the alef of "محامي".
        self.assertEqual(suggest("محمي", self.vocabulary), normalise_search_text("محامي"))

    def test_it_finds_persian_words_typed_on_an_arabic_keyboard_without_correcting_them(self):
        # Arabic kaf and yeh for Persian keheh and yeh: the same word once folded.
        self.assertIsNone(suggest("كيس پناهندگي", self.vocabulary))

    def test_it_corrects_persian(self):
        # The dal of پناهندگی is missing.
        self.assertEqual(suggest("کیس پناهنگی", self.vocabulary), "کیس پناهندگی")

    def test_it_corrects_ukrainian(self):
        self.assertEqual(suggest("конультація", self.vocabulary), "консультація")

    def test_it_corrects_tigrinya(self):
        # ረ for ሬ: one syllable of the Ge'ez word wrong.
        self.assertEqual(suggest("ኢሚግረሽንን", self.vocabulary), "ኢሚግሬሽንን")

    def test_it_corrects_only_the_misspelt_word_of_several(self):
        self.assertEqual(suggest("emergency dentsit appointments", self.vocabulary), "emergency dentist appointments")

    def test_it_finds_a_long_word_misspelt_at_its_start(self):
        # Both letters missing shift the whole word: its beginning no longer lines up.
        self.assertEqual(suggest("ccomodation", self.vocabulary), "accommodation")

    def test_it_keeps_an_unknown_word_with_nothing_near(self):
        self.assertEqual(suggest("zzzzzzz dentsit", self.vocabulary), "zzzzzzz dentist")
        self.assertIsNone(suggest("zzzzzzz", self.vocabulary))

    def test_it_leaves_short_words_and_numbers_alone(self):
        self.assertIsNone(suggest("et", self.vocabulary))
        self.assertIsNone(suggest("bt", self.vocabulary))
        self.assertIsNone(suggest("m13", self.vocabulary))

    def test_it_prefers_the_more_frequent_word_at_the_same_distance(self):
        # "bast" is one letter from both "best" (three times) and "last" (once).
        self.assertEqual(suggest("bast", self.vocabulary), "best")

    def test_it_offers_more_than_one_suggestion_when_asked(self):
        self.assertEqual(suggest("bast", self.vocabulary, max_suggestions=2), ["best", "last"])

    def test_it_counts_a_swap_of_neighbouring_letters_as_one_edit(self):
        self.assertEqual(edit_distance("dentsit", "dentist", 2), 1)
        self.assertEqual(edit_distance("abc", "xyz", 1), 2)


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
class VocabularyForMapTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.dental = make_need("dental", "Dental care")
        Synonym.objects.create(term=cls.dental, language="fa", word="دندانپزشک")
        cls.service = make_service("Smile clinic")
        cls.service.search_text = "smile clinic emergency dental appointments"
        cls.service.save()

    def setUp(self):
        # Each test starts with nothing built, in the cache or in this process.
        from django.core.cache import cache

        cache.clear()
        spelling._latest = (None, None)

    def test_it_holds_services_needs_and_synonyms_in_every_language(self):
        vocabulary = vocabulary_for_map()
        self.assertIn("appointments", vocabulary)
        self.assertIn("dental", vocabulary)
        # A Persian synonym, and a French need name loaded with the needs data.
        self.assertIn("دندانپزشک", vocabulary)
        self.assertIn("logement", vocabulary)
        self.assertEqual(suggest("apointments", vocabulary), "appointments")
        self.assertEqual(suggest("logment", vocabulary), "logement")

    def test_it_leaves_out_defunct_services(self):
        closed = make_service("Old clinic", status=Service.Status.DEFUNCT)
        closed.search_text = "lighthouse"
        closed.save()
        self.assertNotIn("lighthouse", vocabulary_for_map())

    def test_it_reads_the_database_in_a_few_queries_and_then_reuses_the_cache(self):
        # The stamp, the services' words, and the needs' words.
        with self.assertNumQueries(3):
            first = vocabulary_for_map()
        # Only the stamp.
        with self.assertNumQueries(1):
            self.assertIs(vocabulary_for_map(), first)
        # Another process finds the words in the shared cache.
        spelling._latest = (None, None)
        with self.assertNumQueries(1):
            self.assertEqual(vocabulary_for_map().frequencies, first.frequencies)

    def test_it_is_rebuilt_when_a_service_changes(self):
        self.assertNotIn("physiotherapy", vocabulary_for_map())
        self.service.search_text += " physiotherapy"
        self.service.save()
        self.assertIn("physiotherapy", vocabulary_for_map())

    def test_it_is_rebuilt_when_a_service_is_deleted(self):
        self.assertIn("smile", vocabulary_for_map())
        self.service.delete()
        self.assertNotIn("smile", vocabulary_for_map())

    def test_it_is_rebuilt_when_a_synonym_is_added(self):
        self.assertNotIn("toothache", vocabulary_for_map())
        Synonym.objects.create(term=self.dental, language="en", word="toothache")
        self.assertIn("toothache", vocabulary_for_map())
