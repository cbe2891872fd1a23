"""Reading what people type as a postcode or an outcode."""

from django.test import SimpleTestCase

from waymark.places.postcodes import normalise_outcode, normalise_postcode, outcode_of


class NormalisePostcodeTests(SimpleTestCase):
    def test_it_writes_a_postcode_the_standard_way_however_it_was_typed(self):
        for typed in ("bl11aa", " BL1 1AA ", "Bl1  1aA", "BL1\t1AA", "BL11AA"):
            with self.subTest(typed=typed):
                self.assertEqual(normalise_postcode(typed), "BL1 1AA")

    def test_it_knows_every_shape_of_outward_code(self):
        for typed, expected in [
            ("m11ad", "M1 1AD"),  # A9
            ("m601ad", "M60 1AD"),  # A99
            ("w1t1aa", "W1T 1AA"),  # A9A
            ("ne11aa", "NE1 1AA"),  # AA9
            ("bl111aa", "BL11 1AA"),  # AA99
            ("sw1a1aa", "SW1A 1AA"),  # AA9A
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(normalise_postcode(typed), expected)

    def test_it_accepts_the_girobank_postcode(self):
        self.assertEqual(normalise_postcode("gir0aa"), "GIR 0AA")
        self.assertIsNone(normalise_postcode("GIR 1AA"))

    def test_it_reads_digits_from_other_keyboards(self):
        # Arabic-Indic, Persian and full-width digits, as phone keyboards give them.
        self.assertEqual(normalise_postcode("BL\u0661 \u0661AA"), "BL1 1AA")
        self.assertEqual(normalise_postcode("BL\u06f1 \u06f1AA"), "BL1 1AA")
        self.assertEqual(normalise_postcode("ＢＬ１ １ＡＡ"), "BL1 1AA")

    def test_it_refuses_what_is_not_a_full_postcode(self):
        not_postcodes = ("", "   ", "BL1", "BL1 1A", "1BL 1AA", "BL1 AAA", "BL1-1AA", "BLAH 1AA", "ß1 1AA", "x" * 500)
        for typed in (*not_postcodes, None, 42):
            with self.subTest(typed=typed):
                self.assertIsNone(normalise_postcode(typed))

    def test_it_gives_the_outcode_of_a_postcode(self):
        self.assertEqual(outcode_of("sw1a1aa"), "SW1A")
        self.assertEqual(outcode_of("M1 1AD"), "M1")
        self.assertIsNone(outcode_of("BL1"))

    def test_it_reads_a_bare_outcode(self):
        self.assertEqual(normalise_outcode(" bl1 "), "BL1")
        self.assertEqual(normalise_outcode("sw1a"), "SW1A")
        for typed in ("BL1 1AA", "BL", "1BL", "GIR", "", None):
            with self.subTest(typed=typed):
                self.assertIsNone(normalise_outcode(typed))
