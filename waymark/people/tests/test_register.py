import datetime as dt

from django.db import connection

from waymark.audit.models import Event
from waymark.people.models import Consent, JourneyRecord, Person, PersonNameWord
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase

URL = "/people/new/"


def minimum(**extra):
    return {
        "display_name": "Amina",
        "keep_details": "on",
        "consent_how": "spoken",
        "privacy_notice_language": "ar",
        **extra,
    }


class RegisterTestCase(BaseTestCase):
    def test_a_volunteer_registers_a_person_with_a_display_name_only(self):
        self.login(self.volunteer)
        response = self.client.post(URL, minimum())
        person = Person.objects.get()
        self.assertRedirects(response, f"/people/{person.uuid}/", fetch_redirect_response=False)
        self.assertEqual(
            (person.display_name, person.organisation, person.registered_by), ("Amina", self.hub_org, self.volunteer)
        )
        self.assertEqual((person.full_name, person.date_of_birth, person.phone), ("", None, ""))
        self.assertEqual(len(person.reference), 8)
        consent = Consent.objects.get(person=person)
        self.assertEqual(
            (consent.purpose, consent.how, consent.privacy_notice_language), ("keep_details", "spoken", "ar")
        )
        self.assertFalse(person.may_contact())
        self.assertEqual(list(PersonNameWord.objects.filter(person=person).values_list("word", flat=True)), ["amina"])
        event = Event.objects.get(action="person.registered")
        self.assertEqual(event.object_id, str(person.uuid))
        self.assertNotIn("Amina", str(event.details))

    def test_it_shows_the_card_reference_after_registering(self):
        self.login(self.volunteer)
        response = self.client.post(URL, minimum(), follow=True)
        person = Person.objects.get()
        self.assertContains(response, person.printed_reference)

    def test_it_records_everything_given_with_contact_consent_and_journey(self):
        self.login(self.caseworker)
        response = self.client.post(
            URL,
            minimum(
                display_name="Yonas",
                full_name="Yonas Tesfaye Gebre",
                date_of_birth="17/04/1990",
                dob_estimated="on",
                phone="07700 900123",
                gender="man",
                home_area=self.bolton.pk,
                languages=["ti", "am"],
                interpreter_needed="on",
                may_call="on",
                contact_language="ti",
                contact_consent="on",
                stage="awaiting_decision",
                support_type="s95",
                accommodation_type="dispersal",
                since="01/02/2025",
            ),
        )
        person = Person.objects.get()
        self.assertEqual(response.status_code, 302)
        self.assertEqual(person.full_name, "Yonas Tesfaye Gebre")
        self.assertEqual(person.date_of_birth, dt.date(1990, 4, 17))
        self.assertTrue(person.dob_estimated)
        self.assertEqual(person.phone, "+447700900123")
        self.assertEqual(person.languages, ["ti", "am"])
        self.assertTrue(person.may_contact())
        journey = JourneyRecord.objects.get(person=person)
        self.assertEqual(
            (journey.stage, journey.support_type, journey.since), ("awaiting_decision", "s95", dt.date(2025, 2, 1))
        )
        self.assertEqual(sorted(person.consents.values_list("purpose", flat=True)), ["contact_welfare", "keep_details"])

    def test_it_refuses_without_a_name_or_consent(self):
        self.login(self.volunteer)
        response = self.client.post(URL, {"display_name": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Enter a name to call them by", status_code=400)
        self.assertContains(response, "Ask whether they agree that we keep their details", status_code=400)
        self.assertFalse(Person.objects.exists())

    def test_it_refuses_a_phone_number_that_is_not_one(self):
        self.login(self.volunteer)
        response = self.client.post(URL, minimum(phone="12ab"))
        self.assertContains(response, "Enter a phone number like", status_code=400)
        self.assertFalse(Person.objects.exists())

    def test_the_form_explains_the_optional_fields(self):
        self.login(self.volunteer)
        response = self.client.get(URL)
        self.assertContains(response, "A first name or a nickname is enough")
        self.assertContains(response, "Full name (optional)")
        self.assertContains(response, "Kept encrypted")
        self.assertContains(response, 'href="/people/privacy-notice/"')

    def test_it_is_not_found_for_a_member_without_roles(self):
        self.login(self.council)
        self.assertEqual(self.client.get(URL).status_code, 404)
        self.assertEqual(self.client.post(URL, minimum()).status_code, 404)
        self.assertFalse(Person.objects.exists())

    def test_it_asks_an_anonymous_visitor_to_sign_in(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_it_registers_an_outsider_s_person_in_their_own_organisation(self):
        self.login(self.outsider)
        self.client.post(URL, minimum())
        self.assertEqual(Person.objects.get().organisation, self.other_org)


class DuplicateWarningTestCase(BaseTestCase):
    def setUp(self):
        self.existing = make_person(
            self.hub_org, "Mohammad Rezaei", by=self.caseworker, phone="07700 900123", date_of_birth=dt.date(1988, 3, 9)
        )

    def test_it_warns_of_a_similar_name_and_registers_only_when_confirmed(self):
        self.login(self.volunteer)
        response = self.client.post(URL, minimum(display_name="Mohamad Rezaei"))
        self.assertContains(response, "They may already be registered")
        self.assertContains(response, f"/people/{self.existing.uuid}/")
        self.assertContains(response, "similar name")
        self.assertEqual(Person.objects.count(), 1)
        response = self.client.post(URL, minimum(display_name="Mohamad Rezaei", confirm_new="on"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Person.objects.count(), 2)

    def test_it_warns_of_the_same_phone_number_written_another_way(self):
        self.login(self.volunteer)
        response = self.client.post(URL, minimum(display_name="Someone Else", phone="+44 7700 900 123"))
        self.assertContains(response, "same phone number")

    def test_it_warns_of_the_same_date_of_birth(self):
        self.login(self.volunteer)
        response = self.client.post(URL, minimum(display_name="Zahra", date_of_birth="1988-03-09"))
        self.assertContains(response, "same date of birth")

    def test_it_finds_no_duplicate_in_another_organisation(self):
        self.login(self.outsider)
        response = self.client.post(URL, minimum(display_name="Mohammad Rezaei", phone="07700 900123"))
        self.assertEqual(response.status_code, 302)

    def test_a_different_person_is_registered_at_once(self):
        self.login(self.volunteer)
        response = self.client.post(URL, minimum(display_name="Fatima"))
        self.assertEqual(response.status_code, 302)


class EncryptionTestCase(BaseTestCase):
    def test_the_sensitive_columns_are_encrypted_in_the_database(self):
        person = make_person(
            self.hub_org,
            "Amina",
            by=self.caseworker,
            full_name="Amina Yusuf Ali",
            phone="07700 900123",
            date_of_birth=dt.date(1990, 4, 17),
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT full_name, phone, date_of_birth, display_name, phone_index, dob_index"
                " FROM people_person WHERE id = %s",
                [person.pk],
            )
            full_name, phone, date_of_birth, display_name, phone_index, dob_index = cursor.fetchone()
        for raw, clear in ((full_name, "Yusuf"), (phone, "7700900123"), (date_of_birth, "1990")):
            self.assertTrue(raw.startswith("gAAAAA"), raw)
            self.assertNotIn(clear, raw)
        self.assertEqual(display_name, "Amina")
        self.assertEqual(len(phone_index), 64)
        self.assertNotIn("7700", phone_index)
        self.assertEqual(len(dob_index), 64)
        reread = Person.objects.get(pk=person.pk)
        self.assertEqual(
            (reread.full_name, reread.phone, reread.date_of_birth),
            ("Amina Yusuf Ali", "+447700900123", dt.date(1990, 4, 17)),
        )
