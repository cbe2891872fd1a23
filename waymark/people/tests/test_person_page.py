import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from waymark.audit.models import RecordAccess
from waymark.people.actions import do_record_journey
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase


class PersonPageTestCase(BaseTestCase):
    def setUp(self):
        self.person = make_person(
            self.hub_org,
            "Amina",
            by=self.caseworker,
            full_name="Amina Yusuf Ali",
            phone="07700 900123",
            date_of_birth=dt.date(1990, 4, 17),
            languages=["ar", "en"],
            interpreter_needed=True,
            may_call=True,
            contact_consent=True,
        )
        do_record_journey(self.person, acting_user=self.caseworker, stage="awaiting_decision", support_type="s95")
        self.url = f"/people/{self.person.uuid}/"

    def test_a_caseworker_sees_the_details_and_the_opening_is_logged(self):
        self.login(self.caseworker)
        response = self.client.get(self.url)
        self.assertContains(response, "Amina Yusuf Ali")
        self.assertContains(response, "+447700900123")
        self.assertContains(response, "17 April 1990")
        self.assertContains(response, "Waiting for interview or decision")
        self.assertContains(response, "Keep my details")
        access = RecordAccess.objects.get(user=self.caseworker)
        self.assertEqual(
            (access.person_uuid, access.organisation, access.what), (self.person.uuid, self.hub_org, "person")
        )

    def test_a_volunteer_sees_name_languages_and_contact_preferences_only(self):
        self.login(self.volunteer)
        response = self.client.get(self.url)
        self.assertContains(response, "Amina")
        self.assertContains(response, "Arabic, English")
        self.assertContains(response, "Needs an interpreter")
        self.assertContains(response, "May call")
        self.assertNotContains(response, "Amina Yusuf Ali")
        self.assertNotContains(response, "+447700900123")
        self.assertNotContains(response, "1990")
        self.assertNotContains(response, "Waiting for interview")
        self.assertEqual(RecordAccess.objects.filter(user=self.volunteer).count(), 1)

    def test_a_volunteer_cannot_open_the_detail_pages(self):
        self.login(self.volunteer)
        for part in ("edit", "journey", "household", "consents"):
            self.assertEqual(self.client.get(f"{self.url}{part}/").status_code, 404, part)

    def test_an_outsider_gets_404_and_nothing_is_logged(self):
        self.login(self.outsider)
        for part in ("", "edit/", "journey/", "household/", "consents/", "merge/", "card/"):
            self.assertEqual(self.client.get(f"{self.url}{part}").status_code, 404, part)
        self.assertFalse(RecordAccess.objects.filter(user=self.outsider).exists())

    def test_a_member_with_no_role_gets_404(self):
        self.login(self.council)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_an_unknown_person_is_404(self):
        self.login(self.caseworker)
        self.assertEqual(self.client.get("/people/6f1c1f1e-0000-4000-8000-000000000000/").status_code, 404)


class EditTestCase(BaseTestCase):
    def setUp(self):
        self.person = make_person(self.hub_org, "Amina", by=self.caseworker)
        self.url = f"/people/{self.person.uuid}/edit/"

    def test_a_caseworker_changes_the_name_and_adds_a_phone(self):
        self.login(self.caseworker)
        response = self.client.post(self.url, {"display_name": "Amina Y", "phone": "07700 900999"})
        self.assertRedirects(response, f"/people/{self.person.uuid}/", fetch_redirect_response=False)
        self.person.refresh_from_db()
        self.assertEqual(
            (self.person.display_name, self.person.search_name, self.person.phone),
            ("Amina Y", "amina y", "+447700900999"),
        )
        self.assertEqual(sorted(self.person.name_words_index.values_list("word", flat=True)), ["amina", "y"])
        self.assertTrue(RecordAccess.objects.filter(user=self.caseworker, what="edit").exists())

    def test_it_shows_what_is_wrong(self):
        self.login(self.caseworker)
        response = self.client.post(self.url, {"display_name": "", "date_of_birth": "31/02/1990"})
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertContains(response, "Enter a date of birth like 17/04/1990", status_code=400)

    def test_a_volunteer_cannot_edit(self):
        self.login(self.volunteer)
        self.assertEqual(self.client.post(self.url, {"display_name": "X"}).status_code, 404)
        self.person.refresh_from_db()
        self.assertEqual(self.person.display_name, "Amina")


class ListTestCase(BaseTestCase):
    URL = "/people/"

    def test_a_volunteer_finds_a_person_by_a_few_letters(self):
        make_person(self.hub_org, "Amina Yusuf", by=self.caseworker)
        make_person(self.hub_org, "Yonas", by=self.caseworker)
        make_person(self.other_org, "Amina Elsewhere", by=self.outsider)
        self.login(self.volunteer)
        response = self.client.get(self.URL, {"q": "yus"})
        self.assertContains(response, "Amina Yusuf")
        self.assertNotContains(response, "Yonas")
        self.assertNotContains(response, "Elsewhere")

    def test_a_card_reference_opens_the_person(self):
        person = make_person(self.hub_org, "Amina", by=self.caseworker)
        self.login(self.volunteer)
        response = self.client.get(self.URL, {"q": person.printed_reference.lower()})
        self.assertRedirects(response, f"/people/{person.uuid}/", fetch_redirect_response=False)

    def test_the_list_shows_only_the_organisation_s_people(self):
        make_person(self.hub_org, "Amina", by=self.caseworker)
        make_person(self.other_org, "Someone Elsewhere", by=self.outsider)
        self.login(self.outsider)
        response = self.client.get(self.URL)
        self.assertContains(response, "Someone Elsewhere")
        self.assertNotContains(response, "Amina")

    def test_it_is_not_found_for_a_member_without_roles(self):
        self.login(self.council)
        self.assertEqual(self.client.get(self.URL).status_code, 404)

    def test_it_uses_the_same_number_of_queries_however_many_people(self):
        make_person(self.hub_org, "Amina", by=self.caseworker, home_area=self.bolton)
        self.login(self.volunteer)
        self.client.get(self.URL)
        for query in ({}, {"q": "am"}):
            with CaptureQueriesContext(connection) as few:
                self.client.get(self.URL, query)
            for n in range(10):
                make_person(self.hub_org, f"Amir {n}", by=self.caseworker, home_area=self.salford, languages=["fa"])
            with self.assertNumQueries(len(few.captured_queries)):
                response = self.client.get(self.URL, query)
            self.assertContains(response, "Amir 9")
