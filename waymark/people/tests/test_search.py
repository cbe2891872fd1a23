import datetime as dt

from waymark.people.identifiers import normalise_phone, normalise_reference
from waymark.people.search import find_people
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase


class FindPeopleTestCase(BaseTestCase):
    def setUp(self):
        by = self.caseworker
        self.amina = make_person(
            self.hub_org, "Amina Yusuf", by=by, phone="07700 900123", date_of_birth=dt.date(1990, 4, 17)
        )
        self.ali = make_person(self.hub_org, "علی رضایی", by=by)
        self.yonas = make_person(self.hub_org, "Yonas Tesfaye", by=by)
        self.tigrinya = make_person(self.hub_org, "ዮናስ", by=by)
        self.elsewhere = make_person(self.other_org, "Amina Yusuf", by=self.outsider, phone="07700 900123")

    def find(self, query, **kwargs):
        return find_people(self.hub_org, query, **kwargs)

    def test_it_finds_by_the_first_letters_of_any_name(self):
        self.assertEqual(self.find("ami"), [self.amina])
        self.assertEqual(self.find("yus"), [self.amina])
        self.assertEqual(self.find("YUSUF am"), [self.amina])
        self.assertEqual(self.find("ዮና"), [self.tigrinya])

    def test_it_folds_arabic_and_persian_letters(self):
        # Typed on an Arabic keyboard: ي and no Persian yeh.
        self.assertEqual(self.find("علي"), [self.ali])
        self.assertEqual(self.find("رضايي"), [self.ali])

    def test_it_forgives_a_typo(self):
        self.assertEqual(self.find("Yusef"), [self.amina])
        self.assertEqual(self.find("Tesfay Yonass"), [self.yonas])

    def test_it_finds_by_card_reference_in_any_case_and_spacing(self):
        reference = self.yonas.reference
        self.assertEqual(self.find(f"{reference[:4].lower()} {reference[4:]}"), [self.yonas])

    def test_it_finds_by_full_phone_number_however_written(self):
        self.assertEqual(self.find("+44 (0)7700 900123"), [self.amina])
        self.assertEqual(self.find("07700900124"), [])

    def test_it_finds_by_date_of_birth(self):
        self.assertEqual(self.find("17/04/1990"), [self.amina])
        self.assertEqual(self.find("1990-04-17"), [self.amina])

    def test_it_never_finds_another_organisation_s_people(self):
        self.assertEqual(find_people(self.other_org, "amina"), [self.elsewhere])
        self.assertEqual(find_people(self.other_org, "yonas"), [])

    def test_it_leaves_out_merged_records(self):
        from waymark.people.actions import do_merge_people

        twin = make_person(self.hub_org, "Amina Y", by=self.caseworker)
        do_merge_people(self.amina, twin, acting_user=self.coordinator)
        self.assertEqual(self.find("amina"), [self.amina])

    def test_an_empty_query_finds_nobody(self):
        self.assertEqual(self.find("   "), [])

    def test_it_puts_the_exact_name_first(self):
        longer = make_person(self.hub_org, "Amina Yusufzai", by=self.caseworker)
        self.assertEqual(self.find("amina yusuf"), [self.amina, longer])


class IdentifiersTestCase(BaseTestCase):
    def test_phone_numbers_are_normalised_to_international_form(self):
        for typed in ("07700 900123", "+44 7700 900123", "+44 (0)7700 900123", "0044 7700 900123", "447700900123"):
            self.assertEqual(normalise_phone(typed), "+447700900123", typed)
        self.assertEqual(normalise_phone("+33 6 12 34 56 78"), "+33612345678")
        for wrong in ("12345", "0770090012", "hello", "+44 7700 900 1234"):
            self.assertIsNone(normalise_phone(wrong), wrong)

    def test_references_are_read_the_way_people_type_them(self):
        self.assertEqual(normalise_reference("k7mx-3tac"), "K7MX3TAC")
        self.assertIsNone(normalise_reference("K7MX3TA0"))  # 0 is never in a reference
        self.assertIsNone(normalise_reference("amina"))
