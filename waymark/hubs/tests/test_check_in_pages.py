"""The check-in desk on the session page and a visit's page: as the hub team (allowed), a
member of the lead organisation off the team (404), and an outsider (404)."""

import datetime as dt
import uuid

from waymark.directory.models import TaxonomyTerm
from waymark.directory.tests.builders import give_need, make_organization, make_service
from waymark.hubs.checkins import do_check_in
from waymark.hubs.models import LONDON, Offer, RotaInvitation, Visit
from waymark.hubs.tests.helpers import HubTestCase, at
from waymark.people.models import Person
from waymark.people.tests.helpers import make_person
from waymark.referrals.models import Signposting

TUESDAY = dt.datetime(2026, 3, 3, 10, 30, tzinfo=LONDON)
LAST_WEEK = dt.datetime(2026, 2, 24, 11, 0, tzinfo=LONDON)


class CheckInPagesTestCase(HubTestCase):
    def setUp(self):
        self.generate()
        self.tuesday = self.session_on(dt.date(2026, 3, 3))
        self.url = f"/organisation/sessions/{self.tuesday.uuid}/"
        self.amina = make_person(self.hub_org, "Amina Yusuf", by=self.volunteer, languages=["ar"])

    def get(self, user, url, data=None):
        self.login(user)
        with at(TUESDAY):
            return self.client.get(url, data)

    def post(self, user, url, data, **kwargs):
        self.login(user)
        with at(TUESDAY):
            return self.client.post(url, data, **kwargs)

    def check_in(self, person=None, session=None, moment=TUESDAY):
        with at(moment):
            return do_check_in(session or self.tuesday, person, acting_user=self.volunteer)[0]


class DeskTests(CheckInPagesTestCase):
    def test_the_team_finds_a_person_by_a_few_letters(self):
        response = self.get(self.volunteer, self.url, {"q": "ami"})
        self.assertContains(response, "Amina Yusuf")
        self.assertContains(response, "First visit")
        self.assertContains(response, "Speaks: Arabic")
        self.assertContains(response, f'name="person" value="{self.amina.uuid}"')

    def test_a_returning_person_shows_their_visits_and_who_is_here_today_for_their_needs(self):
        last_week = self.hub.sessions.create(
            site=self.site, date=dt.date(2026, 2, 24), starts_at=dt.time(10), ends_at=dt.time(14)
        )
        with at(LAST_WEEK):
            do_check_in(
                last_week,
                self.amina,
                acting_user=self.volunteer,
                needs=[TaxonomyTerm.objects.get(slug="immigration-advice")],
            )
        RotaInvitation.objects.create(
            session=self.tuesday,
            organisation=self.partner_org,
            invited_by=self.coordinator,
            status="confirmed",
            offers=[Offer.IMMIGRATION_ADVICE],
        )
        response = self.get(self.volunteer, self.url, {"q": "amina"})
        self.assertContains(response, "Returning: 1 visit before, last on 24 Feb 2026.")
        self.assertContains(
            response, "Here today for “Immigration and legal advice”: Medlock Immigration Advice Centre"
        )

    def test_needs_are_named_in_the_interface_language(self):
        last_week = self.hub.sessions.create(
            site=self.site, date=dt.date(2026, 2, 24), starts_at=dt.time(10), ends_at=dt.time(14)
        )
        with at(LAST_WEEK):
            do_check_in(
                last_week,
                self.amina,
                acting_user=self.volunteer,
                needs=[TaxonomyTerm.objects.get(slug="immigration-advice")],
            )
        response = self.get(self.volunteer, f"/ar{self.url}", {"q": "amina"})
        self.assertContains(response, "الهجرة والمشورة القانونية")

    def test_the_desk_shows_who_is_already_checked_in(self):
        visit = self.check_in(self.amina)
        response = self.get(self.volunteer, self.url, {"q": "amina"})
        self.assertContains(response, "Checked in at 10:30.")
        self.assertContains(response, f'href="/organisation/visits/{visit.uuid}/"')
        self.assertNotContains(response, f'name="person" value="{self.amina.uuid}"')
        self.assertContains(response, "1 person. First visits: 1; returning: 0; anonymous: 0.")

    def test_checking_in_from_the_desk(self):
        key = uuid.uuid4()
        response = self.post(
            self.volunteer, f"{self.url}check-in/", {"client_id": key, "person": self.amina.uuid}, follow=True
        )
        visit = Visit.objects.get()
        self.assertEqual((visit.person, visit.client_id, visit.first_visit), (self.amina, key, True))
        self.assertEqual(response.redirect_chain, [(f"{self.url}?checked_in={visit.uuid}#check-in", 302)])
        self.assertContains(response, "Amina Yusuf is checked in.")
        self.assertContains(response, "record needs, signposting and what was given")

    def test_sending_the_check_in_form_twice_checks_in_once(self):
        data = {"client_id": uuid.uuid4(), "person": self.amina.uuid}
        self.post(self.volunteer, f"{self.url}check-in/", data)
        response = self.post(self.volunteer, f"{self.url}check-in/", data, follow=True)
        self.assertEqual(Visit.objects.count(), 1)
        self.assertContains(response, "Amina Yusuf is checked in.")

    def test_a_second_check_in_of_the_same_person_is_shown_as_a_conflict(self):
        self.check_in(self.amina)
        response = self.post(
            self.volunteer, f"{self.url}check-in/", {"client_id": uuid.uuid4(), "person": self.amina.uuid}, follow=True
        )
        self.assertContains(response, "Amina Yusuf is already checked in at this session (at 10:30).")
        self.assertEqual(Visit.objects.count(), 1)

    def test_counting_someone_anonymously(self):
        response = self.post(
            self.volunteer, f"{self.url}check-in/", {"client_id": uuid.uuid4(), "anonymous": "on"}, follow=True
        )
        self.assertContains(response, "Counted: one more person at this session, anonymously.")
        self.assertTrue(Visit.objects.get().anonymous)
        self.assertContains(response, "1 person. First visits: 0; returning: 0; anonymous: 1.")

    def test_registering_someone_new_from_the_desk_checks_them_in(self):
        data = {
            "new-display_name": "  Yonas  ",
            "new-keep_details": "on",
            "new-consent_how": "spoken_with_interpreter",
            "new-privacy_notice_language": "ti",
            "new-client_id": uuid.uuid4(),
        }
        response = self.post(self.volunteer, f"{self.url}check-in/new-person/", data, follow=True)
        person = Person.objects.get(display_name="Yonas")
        self.assertEqual(person.organisation, self.hub_org)
        visit = Visit.objects.get(person=person)
        self.assertTrue(visit.first_visit)
        self.assertContains(
            response, f"Yonas is registered and checked in. Their card reference is {person.printed_reference}."
        )
        # The same form again (a reload) neither registers nor checks in twice.
        self.post(self.volunteer, f"{self.url}check-in/new-person/", data)
        self.assertEqual(Person.objects.filter(display_name="Yonas").count(), 1)
        self.assertEqual(Visit.objects.count(), 1)

    def test_registering_warns_of_someone_already_registered(self):
        data = {
            "new-display_name": "Amina Yusuf",
            "new-keep_details": "on",
            "new-consent_how": "spoken",
            "new-privacy_notice_language": "en",
            "new-client_id": uuid.uuid4(),
        }
        response = self.post(self.volunteer, f"{self.url}check-in/new-person/", data)
        self.assertContains(response, "They may already be registered")
        self.assertContains(response, f'name="person" value="{self.amina.uuid}"')
        self.assertEqual(Person.objects.count(), 1)
        self.post(self.volunteer, f"{self.url}check-in/new-person/", {**data, "confirm_new": "yes"})
        self.assertEqual(Person.objects.filter(display_name="Amina Yusuf").count(), 2)

    def test_registering_needs_a_name_and_consent(self):
        response = self.post(
            self.volunteer, f"{self.url}check-in/new-person/", {"new-display_name": " ", "new-client_id": uuid.uuid4()}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertContains(response, "Enter a name to call them by", status_code=400)
        self.assertContains(response, "Ask whether they agree that we keep their details", status_code=400)
        self.assertFalse(Visit.objects.exists())

    def test_check_in_is_closed_before_the_day_and_for_a_cancelled_session(self):
        later = self.session_on(dt.date(2026, 3, 10))
        response = self.get(self.volunteer, f"/organisation/sessions/{later.uuid}/")
        self.assertContains(response, "Check-in opens on the day of the session.")
        self.assertNotContains(response, "Count someone anonymously")
        response = self.post(
            self.volunteer,
            f"/organisation/sessions/{later.uuid}/check-in/",
            {"client_id": uuid.uuid4(), "anonymous": "on"},
            follow=True,
        )
        self.assertContains(response, "This session has not started yet")
        self.assertFalse(Visit.objects.exists())

    def test_the_desk_reads_a_fixed_number_of_queries(self):
        # Ten people found (a full page: no typo corrections are looked up), all checked in.
        for number in range(10):
            self.check_in(make_person(self.hub_org, f"Amir {number}", by=self.volunteer))
        self.login(self.volunteer)
        with at(TUESDAY):
            self.client.get(self.url)
        # (One of them reads the ids of the people whose names begin with "amir".)
        with at(TUESDAY), self.assertNumQueries(17):
            response = self.client.get(self.url, {"q": "amir"})
        self.assertContains(response, "10 people. First visits: 10; returning: 0; anonymous: 0.")
        for number in range(10):
            self.check_in(None)
            self.check_in(make_person(self.hub_org, f"Bea {number}", by=self.volunteer))
        with at(TUESDAY), self.assertNumQueries(17):
            response = self.client.get(self.url, {"q": "amir"})
        self.assertContains(response, "30 people. First visits: 20; returning: 0; anonymous: 10.")

    def test_the_desk_is_404_off_the_team_and_for_outsiders(self):
        for user in (self.caseworker, self.outsider, self.partner):
            with self.subTest(user=user.email):
                self.assertEqual(self.get(user, self.url, {"q": "ami"}).status_code, 404)
                response = self.post(user, f"{self.url}check-in/", {"client_id": uuid.uuid4(), "anonymous": "on"})
                self.assertEqual(response.status_code, 404)
                response = self.post(
                    user,
                    f"{self.url}check-in/new-person/",
                    {"new-display_name": "X", "new-keep_details": "on", "new-consent_how": "spoken"},
                )
                self.assertEqual(response.status_code, 404)
        self.assertFalse(Visit.objects.exists())

    def test_a_person_of_another_organisation_cannot_be_checked_in(self):
        stranger = make_person(self.other_org, "Stranger", by=self.outsider)
        response = self.post(
            self.volunteer, f"{self.url}check-in/", {"client_id": uuid.uuid4(), "person": stranger.uuid}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Visit.objects.exists())


class VisitPageTests(CheckInPagesTestCase):
    def setUp(self):
        super().setUp()
        self.visit = self.check_in(self.amina)
        self.visit_url = f"/organisation/visits/{self.visit.uuid}/"
        advice = make_organization("Medlock Immigration Advice Centre", waymark_organisation=self.partner_org)
        self.clinic = make_service("Thursday legal clinic", organization=advice)
        RotaInvitation.objects.create(
            session=self.tuesday, organisation=self.partner_org, invited_by=self.coordinator, status="confirmed"
        )

    def test_it_lists_needs_and_the_services_of_todays_rota(self):
        response = self.get(self.volunteer, self.visit_url)
        self.assertContains(response, "Immigration and legal advice")
        self.assertContains(response, "Thursday legal clinic (Medlock Immigration Advice Centre)")
        self.assertContains(response, "Hot meals")

    def test_recording_needs_signposting_and_what_was_given(self):
        response = self.post(
            self.volunteer,
            self.visit_url,
            {
                "needs": ["immigration-advice", "food"],
                "given_hot_meals": "1",
                "given_food_parcels": "1",
                "signpost": [str(self.clinic.id)],
                "signpost_note": "Thursdays at 2",
                "notes": "",
            },
        )
        self.assertRedirects(response, f"{self.url}#check-in", fetch_redirect_response=False)
        self.visit.refresh_from_db()
        self.assertEqual({term.slug for term in self.visit.needs.all()}, {"immigration-advice", "food"})
        self.assertEqual(self.visit.given(), {"hot_meals": 1, "food_parcels": 1})
        signposting = Signposting.objects.get()
        self.assertEqual(
            (signposting.person, signposting.visit, signposting.service), (self.amina, self.visit, self.clinic)
        )

    def test_searching_the_map_for_a_service_to_signpost(self):
        dentist = make_service("Smile dental surgery", organization=make_organization("Smile"))
        give_need(dentist, TaxonomyTerm.objects.get(slug="dental"))
        dentist.build_search_text()
        dentist.save()
        response = self.get(self.volunteer, self.visit_url, {"service_q": "smile"})
        self.assertContains(response, "Smile dental surgery (Smile)")

    def test_it_refuses_too_many_given(self):
        response = self.post(self.volunteer, self.visit_url, {"given_hot_meals": "99"})
        self.assertContains(response, "Enter a number from 0 to 20", status_code=400)
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.given(), {})

    def test_the_visit_page_is_404_off_the_team_and_for_outsiders(self):
        for user in (self.caseworker, self.outsider, self.partner):
            with self.subTest(user=user.email):
                self.assertEqual(self.get(user, self.visit_url).status_code, 404)
                self.assertEqual(self.post(user, self.visit_url, {"given_hot_meals": "1"}).status_code, 404)


class CardScanTests(CheckInPagesTestCase):
    def test_a_card_scan_opens_the_persons_check_in_at_todays_session(self):
        response = self.get(self.volunteer, f"/people/card/{self.amina.reference}/")
        self.assertRedirects(response, f"{self.url}?person={self.amina.uuid}#check-in", fetch_redirect_response=False)
        response = self.get(self.volunteer, f"{self.url}?person={self.amina.uuid}")
        self.assertContains(response, f'name="person" value="{self.amina.uuid}"')

    def test_a_card_scan_opens_the_person_when_there_is_no_session_today(self):
        self.login(self.volunteer)
        with at(dt.datetime(2026, 3, 4, 10, tzinfo=LONDON)):
            response = self.client.get(f"/people/card/{self.amina.reference}/")
        self.assertRedirects(response, f"/people/{self.amina.uuid}/", fetch_redirect_response=False)

    def test_a_card_scan_by_a_member_off_the_team_opens_the_person(self):
        response = self.get(self.caseworker, f"/people/card/{self.amina.reference}/")
        self.assertRedirects(response, f"/people/{self.amina.uuid}/", fetch_redirect_response=False)

    def test_a_card_scan_by_an_outsider_is_404(self):
        self.assertEqual(self.get(self.outsider, f"/people/card/{self.amina.reference}/").status_code, 404)


class ServiceWorkerTests(CheckInPagesTestCase):
    def test_the_service_worker_is_served_beside_the_session_pages(self):
        response = self.client.get("/organisation/sessions/check-in-sw.js")
        self.assertEqual(response["Content-Type"], "text/javascript; charset=utf-8")
        self.assertEqual(response["Service-Worker-Allowed"], "/organisation/sessions/")
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertIn(b'addEventListener("fetch"', response.content)
