"""The search text normaliser, script by script."""

import random
import unicodedata

from django.test import SimpleTestCase

from waymark.lib.text import normalise_search_text, normalise_words

ZWNJ = "\u200c"
ZWJ = "\u200d"


class EnglishAndFrenchTests(SimpleTestCase):
    def test_it_folds_case_and_collapses_whitespace(self):
        self.assertEqual(normalise_search_text("  Food   BANK\tBolton\n"), "food bank bolton")

    def test_it_turns_punctuation_and_symbols_into_spaces(self):
        self.assertEqual(normalise_search_text("Drop-in (Mon/Wed) — £0, free!"), "drop in mon wed 0 free")

    def test_it_strips_french_accents(self):
        self.assertEqual(
            normalise_search_text("Hébergement d'URGENCE à Évry, garçon"), "hebergement d urgence a evry garcon"
        )

    def test_it_treats_every_apostrophe_shape_alike_outside_cyrillic(self):
        for name in ("O'Brien", "O’Brien", "Oʼ Brien", "O`Brien", "O´Brien"):
            with self.subTest(name=name):
                self.assertEqual(normalise_search_text(name), "o brien")

    def test_it_expands_sharp_s_and_ligatures(self):
        self.assertEqual(normalise_search_text("Straße"), "strasse")
        self.assertEqual(normalise_search_text("cœur Æsir ﬁnance"), "coeur aesir finance")

    def test_it_folds_latin_letters_that_do_not_decompose(self):
        self.assertEqual(normalise_search_text("Łódź Ørsted Đorđe"), "lodz orsted dorde")

    def test_it_folds_full_width_latin(self):
        self.assertEqual(normalise_search_text("ＷＡＹＭＡＲＫ"), "waymark")

    def test_it_returns_empty_text_for_nothing(self):
        self.assertEqual(normalise_search_text(""), "")
        self.assertEqual(normalise_search_text(None), "")
        self.assertEqual(normalise_search_text(" \u200c - "), "")


class ArabicTests(SimpleTestCase):
    def test_it_removes_harakat_and_shadda(self):
        self.assertEqual(normalise_search_text("مُحَمَّدٌ"), "محمد")

    def test_it_removes_superscript_alef_and_quranic_marks(self):
        self.assertEqual(normalise_search_text("هٰذَا"), "هذا")
        self.assertEqual(normalise_search_text("الرَّحِيمِ ۝ ۖ"), "الرحیم")

    def test_it_removes_tatweel(self):
        self.assertEqual(normalise_search_text("مـــرحـــبا"), normalise_search_text("مرحبا"))

    def test_it_unifies_alef_variants(self):
        for word in ("أحمد", "إحمد", "آحمد", "ٱحمد", "احمد"):
            with self.subTest(word=word):
                self.assertEqual(normalise_search_text(word), "احمد")

    def test_it_drops_hamza_from_waw_and_yeh(self):
        self.assertEqual(normalise_search_text("مؤسسة"), "موسسة")
        self.assertEqual(normalise_search_text("مسئول"), "مسیول")

    def test_it_unifies_yeh_and_kaf(self):
        # Arabic yeh, alef maksura and Persian yeh; Arabic kaf and keheh.
        self.assertEqual(normalise_search_text("علي"), "علی")
        self.assertEqual(normalise_search_text("على"), "علی")
        self.assertEqual(normalise_search_text("علی"), "علی")
        self.assertEqual(normalise_search_text("كتاب"), normalise_search_text("کتاب"))
        self.assertEqual(normalise_search_text("كتاب"), "\u06a9تاب")

    def test_it_keeps_teh_marbuta_and_heh_apart(self):
        self.assertNotEqual(normalise_search_text("مدرسة"), normalise_search_text("مدرسه"))

    def test_it_folds_presentation_forms(self):
        # ﻻ is the lam-alef ligature; ﺳﻼﻡ is "salam" in presentation forms.
        self.assertEqual(normalise_search_text("ﻻ ﺳﻼﻡ"), "لا سلام")

    def test_it_turns_arabic_punctuation_into_spaces(self):
        self.assertEqual(normalise_search_text("كيف حالك؟ بخير، شكرا؛"), "کیف حالک بخیر شکرا")


class PersianTests(SimpleTestCase):
    def test_it_treats_zero_width_non_joiner_as_nothing(self):
        self.assertEqual(normalise_search_text(f"می{ZWNJ}خواهم"), "میخواهم")
        self.assertEqual(normalise_search_text(f"می{ZWNJ}خواهم"), normalise_search_text("میخواهم"))

    def test_it_treats_zero_width_joiner_as_nothing(self):
        self.assertEqual(normalise_search_text(f"کتاب{ZWJ}ها"), "کتابها")

    def test_it_matches_arabic_and_persian_keyboards(self):
        # The same Persian word typed on an Arabic keyboard (ي, ك) and a Persian one (ی, ک).
        self.assertEqual(normalise_search_text("كمك يك"), normalise_search_text("کمک یک"))

    def test_it_folds_ezafe_on_heh(self):
        for word in ("خانۀ", "خانهٔ", "خانه"):
            with self.subTest(word=word):
                self.assertEqual(normalise_search_text(word), "خانه")

    def test_it_converts_persian_and_arabic_digits(self):
        self.assertEqual(normalise_search_text("۰۱۲۳۴۵۶۷۸۹"), "0123456789")
        self.assertEqual(normalise_search_text("٠١٢٣٤٥٦٧٨٩"), "0123456789")
        self.assertEqual(normalise_search_text("تلفن: ۰۷۷۰۰ ٩٠٠١٢٣"), "تلفن 07700 900123")


class UrduPashtoKurdishTests(SimpleTestCase):
    def test_it_keeps_urdu_letters_distinct(self):
        # ہ (heh goal), ھ (do-chashmi heh) and ے (yeh barree) are letters of their own in Urdu.
        self.assertEqual(normalise_search_text("پاکستان ہے بھائی"), "پاکستان ہے بھایی")
        self.assertNotEqual(normalise_search_text("ہ"), normalise_search_text("ھ"))
        self.assertNotEqual(normalise_search_text("ے"), normalise_search_text("ی"))

    def test_it_folds_urdu_heh_goal_with_hamza(self):
        self.assertEqual(normalise_search_text("ۂ"), "ہ")

    def test_it_keeps_pashto_letters(self):
        text = "پښتو ږ ځ ټ ډ ړ ګ ڼ ې ۍ"
        self.assertEqual(normalise_search_text(text), text)

    def test_it_keeps_pashto_yehs_apart_from_persian_yeh(self):
        self.assertEqual(len({normalise_search_text(yeh) for yeh in ("ی", "ې", "ۍ")}), 3)

    def test_it_keeps_sorani_letters(self):
        text = "ڕێکخراوی کۆمەڵایەتی"
        self.assertEqual(normalise_search_text(text), text)

    def test_it_unifies_kaf_and_yeh_in_sorani(self):
        # Sorani typed with Arabic kaf and yeh reads the same as with keheh and Persian yeh.
        self.assertEqual(normalise_search_text("كوردي"), normalise_search_text("کوردی"))


class EthiopicTests(SimpleTestCase):
    def test_it_leaves_geez_syllables_untouched(self):
        for text in ("ሰላም", "ትግርኛ", "ኣማርኛ", "እንኳን ደህና መጡ", "ኢትዮጵያ ኤርትራ"):
            with self.subTest(text=text):
                self.assertEqual(normalise_search_text(text), text)

    def test_it_treats_ethiopic_punctuation_as_spaces(self):
        self.assertEqual(normalise_search_text("ሰላም፡ዓለም። ሓገዝ፣ምግቢ"), "ሰላም ዓለም ሓገዝ ምግቢ")

    def test_it_keeps_ethiopic_numerals(self):
        # Ge'ez numerals are not positional digits; rewriting them would change the number.
        self.assertEqual(normalise_search_text("፲፪"), "፲፪")


class UkrainianTests(SimpleTestCase):
    def test_it_folds_case(self):
        self.assertEqual(normalise_search_text("ДОПОМОГА Біженцям"), "допомога біженцям")

    def test_it_keeps_short_i_and_yi_distinct(self):
        self.assertEqual(normalise_search_text("Їжа й житло"), "їжа й житло")
        self.assertNotEqual(normalise_search_text("й"), normalise_search_text("и"))
        self.assertNotEqual(normalise_search_text("ї"), normalise_search_text("і"))
        self.assertNotEqual(normalise_search_text("є"), normalise_search_text("е"))

    def test_it_gives_precomposed_and_decomposed_letters_the_same_form(self):
        self.assertEqual(normalise_search_text("\u0438\u0306"), "й")
        self.assertEqual(normalise_search_text("\u0456\u0308"), "ї")

    def test_it_drops_apostrophes_inside_cyrillic_words(self):
        for word in ("сім'я", "сім’я", "сімʼя", "сімя"):
            with self.subTest(word=word):
                self.assertEqual(normalise_search_text(word), "сімя")


class OtherScriptsTests(SimpleTestCase):
    def test_it_keeps_indic_vowel_signs_and_virama(self):
        for text in ("हिन्दी", "বাংলা", "ਪੰਜਾਬੀ", "தமிழ்"):
            with self.subTest(text=text):
                self.assertEqual(normalise_search_text(text), unicodedata.normalize("NFC", text))

    def test_it_converts_digits_of_other_scripts(self):
        self.assertEqual(normalise_search_text("०१२ ৩৪৫ ９"), "012 345 9")


class MixedScriptTests(SimpleTestCase):
    def test_it_normalises_each_script_in_one_string(self):
        text = f"Café «Ça va» — کمك می{ZWNJ}خواهم, Їжа ሰላም ٣ ۴"
        self.assertEqual(normalise_search_text(text), "cafe ca va کمک میخواهم їжа ሰላም 3 4")

    def test_it_drops_marks_only_after_latin_letters(self):
        # The same combining acute accent goes after a Latin e, then a Cyrillic е.
        self.assertEqual(normalise_search_text("e\u0301 е\u0301"), "e \u0435\u0301")

    def test_it_drops_a_mark_with_no_letter_to_attach_to(self):
        self.assertEqual(normalise_search_text("\u0301abc - \u0308d"), "abc d")

    def test_it_removes_direction_marks_and_soft_hyphens(self):
        self.assertEqual(normalise_search_text("\u200fسلام\u200e hel\u00adlo\ufeff"), "سلام hello")

    def test_it_treats_a_zero_width_space_as_a_word_break(self):
        self.assertEqual(normalise_search_text("food\u200bbank"), "food bank")

    def test_words_are_the_normalised_words_in_order(self):
        self.assertEqual(normalise_words("Légal — ADVICE, كمك"), ["legal", "advice", "کمک"])
        self.assertEqual(normalise_words("  "), [])


SAMPLES = [
    "Élodie Ça VA? Straße",
    "مُحَمَّد أحمد إبراهيم آمنة ٱلله",
    f"می{ZWNJ}خواهم خانۀ ۱۲۳",
    "پښتو ږ ځ ې ۍ",
    "ڕێکخراوی کۆمەڵایەتی ئەمە",
    "اردو ہے ے ۂ",
    "ሰላም፡ዓለም። ፲፪",
    "Йосип Їжак п'ять сім’я",
    "हिन्दी தமிழ்",
    "ＡＢＣ ﬁne ﻻ İstanbul ǅ ℌ ẞ",
    "e\u0301\u0301 \u0301 \u0670 ـ \u200d",
]


class IdempotenceTests(SimpleTestCase):
    def test_it_changes_nothing_the_second_time(self):
        for text in SAMPLES:
            once = normalise_search_text(text)
            with self.subTest(text=text):
                self.assertEqual(normalise_search_text(once), once)

    def test_it_changes_nothing_the_second_time_for_random_text(self):
        # Random strings drawn from the scripts above, with marks, joiners and punctuation
        # mixed in anywhere; seeded, so every run checks the same strings.
        alphabet = "".join(SAMPLES) + "\u064b\u0654\u0655\u0306\u0308\u093f\u094d\u200b\u200c'’.,- \t"
        rng = random.Random(2)
        for _ in range(2000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
            once = normalise_search_text(text)
            with self.subTest(text=text):
                self.assertEqual(normalise_search_text(once), once)

    def test_it_changes_nothing_the_second_time_across_the_basic_plane(self):
        rng = random.Random(3)
        for _ in range(2000):
            text = "".join(chr(rng.randint(0x20, 0xFFFD)) for _ in range(rng.randint(1, 8)))
            once = normalise_search_text(text)
            with self.subTest(text=text):
                self.assertEqual(normalise_search_text(once), once)
