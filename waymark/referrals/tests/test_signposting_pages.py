"""Telling someone about services from their record, a case or a check-in, and the list they
take away (printed or as text, in their language): as the allowed member, a member of the same
organisation whose roles do not allow it (404), and an outsider (404)."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info

from waymark.accounts.models import Role
from waymark.audit.models import Event, RecordAccess
from waymark.casework.tests.part_helpers import make_case
from waymark.directory.models import Service, TaxonomyTerm
from waymark.directory.needs import load_needs_taxonomy
from waymark.directory.tests.builders import give_need, make_organization, make_service
from waymark.hubs.checkins import do_check_in, do_record_visit_details
from waymark.hubs.models import LONDON
from waymark.hubs.tests.helpers import HubTestCase, at
from waymark.people.tests.helpers import make_person
from waymark.referrals.actions import do_signpost_many
from waymark.referrals.models import Signposting
from waymark.testing import BaseTestCase, make_member, make_organisation

ARABIC_HEADING = "الخدمات التي أُخبرت عنها"  # "Services you were told about"
FRENCH_HEADING = "Services qui vous ont été indiqués"


def searchable(service):
    service.build_search_text()
    service.save()
    return service


class SignpostingPagesTestCase(BaseTestCase):
    def setUp(self):
        self.amina = make_person(self.hub_org, "Amina Yusuf", by=self.volunteer, languages=["ar"])
        self.clinic = searchable(
            make_service("Thursday legal clinic", organization=make_organization("Medlock Advice"))
        )
        self.dentist = make_service("Smile dental surgery", organization=make_organization("Smile"))
        give_need(self.dentist, TaxonomyTerm.objects.get(slug="dental"))
        searchable(self.dentist)
        self.url = f"/referrals/signpost/person/{self.amina.uuid}/"
        # A member of the organisation with no role at all (like a council officer's placeholder).
        self.no_role = make_member("no-role@example.org", self.hub_org, [])

    def get(self, user, url, data=None):
        self.login(user)
        return self.client.get(url, data)

    def post(self, user, url, data):
        self.login(user)
        return self.client.post(url, data)

    def signpost(self, *services, person=None):
        return do_signpost_many(
            organisation=self.hub_org, services=services, person=person or self.amina, acting_user=self.volunteer
        )

    def list_query(self, signpostings, **extra):
        return {"signposting": [str(item.uuid) for item in signpostings], **extra}


class TellAboutServicesTests(SignpostingPagesTestCase):
    def test_a_volunteer_searches_the_map_by_words_and_by_need(self):
        response = self.get(self.volunteer, self.url, {"q": "legal"})
        self.assertContains(response, "Thursday legal clinic (Medlock Advice)")
        self.assertNotContains(response, "Smile dental surgery")
        response = self.get(self.volunteer, self.url, {"need": "dental"})
        self.assertContains(response, "Smile dental surgery (Smile)")
        self.assertNotContains(response, "Thursday legal clinic")

    def test_opening_the_page_is_written_to_the_record_access_log(self):
        self.get(self.volunteer, self.url)
        access = RecordAccess.objects.get(what="signposting")
        self.assertEqual((access.user, access.person_uuid), (self.volunteer, self.amina.uuid))

    def test_telling_about_several_services_at_once(self):
        response = self.post(
            self.volunteer,
            self.url,
            {"services": [str(self.clinic.id), str(self.dentist.id)], "note": "Bring the letter"},
        )
        signpostings = list(Signposting.objects.order_by("service__name"))
        self.assertEqual([item.service for item in signpostings], [self.dentist, self.clinic])
        for item in signpostings:
            self.assertEqual(
                (item.person, item.organisation, item.recorded_by), (self.amina, self.hub_org, self.volunteer)
            )
            self.assertEqual(item.note, "Bring the letter")
        self.assertEqual(Event.objects.filter(action="signposting.recorded").count(), 2)
        self.assertNotIn("Bring", str(list(Event.objects.values_list("details", flat=True))))

        told = urlsplit(response["Location"])
        self.assertEqual(told.path, f"/referrals/signpost/person/{self.amina.uuid}/told/")
        self.assertEqual(set(parse_qs(told.query)["signposting"]), {str(item.uuid) for item in signpostings})
        page = self.client.get(response["Location"])
        self.assertContains(page, "<h1>Told about 2 services</h1>", html=True)
        self.assertContains(page, f"Printable list in {get_language_info('ar')['name_local']}")
        self.assertContains(page, f"/referrals/signpost/person/{self.amina.uuid}/list/?signposting=")
        self.assertContains(page, "language=ar")

    def test_nothing_ticked_is_refused_with_a_clear_message(self):
        response = self.post(self.volunteer, f"{self.url}?q=legal", {"services": []})
        self.assertContains(response, "Tick at least one service.", status_code=400)
        self.assertFalse(Signposting.objects.exists())

    def test_a_service_closed_since_the_search_is_refused_by_name(self):
        self.clinic.status = Service.Status.DEFUNCT
        self.clinic.save()
        response = self.post(self.volunteer, self.url, {"services": [str(self.clinic.id), str(self.dentist.id)]})
        self.assertContains(
            response, "Thursday legal clinic is no longer running: choose another service.", status_code=400
        )
        self.assertFalse(Signposting.objects.exists())

    def test_a_temporarily_closed_service_can_still_be_told_about_and_says_so(self):
        self.clinic.status = Service.Status.TEMPORARILY_CLOSED
        self.clinic.save()
        response = self.get(self.volunteer, self.url, {"q": "legal"})
        self.assertContains(response, "Thursday legal clinic (Medlock Advice) – temporarily closed")
        self.post(self.volunteer, self.url, {"services": [str(self.clinic.id)]})
        self.assertEqual(Signposting.objects.get().service, self.clinic)

    def test_it_is_404_without_a_role_and_for_outsiders(self):
        for user in (self.no_role, self.outsider, self.partner):
            with self.subTest(user=user.email):
                self.assertEqual(self.get(user, self.url).status_code, 404)
                self.assertEqual(self.post(user, self.url, {"services": [str(self.clinic.id)]}).status_code, 404)
        self.assertFalse(Signposting.objects.exists())

    def test_the_search_page_reads_a_fixed_number_of_queries(self):
        self.login(self.volunteer)
        self.client.get(self.url, {"q": "legal"})  # warm the needs index and the session
        with self.assertNumQueries(15):
            response = self.client.get(self.url, {"q": "legal"})
        self.assertContains(response, 'name="services"', count=1)
        for number in range(5):
            searchable(make_service(f"Evening legal clinic {number}", organization=make_organization(f"Org {number}")))
        with self.assertNumQueries(15):
            response = self.client.get(self.url, {"q": "legal"})
        self.assertContains(response, 'name="services"', count=6)


class TellFromACaseTests(SignpostingPagesTestCase):
    def setUp(self):
        super().setUp()
        self.case = make_case(self.hub_org, by=self.caseworker, person=self.amina)
        self.case_url = f"/referrals/signpost/case/{self.case.uuid}/"

    def test_a_caseworker_tells_about_services_from_a_case(self):
        response = self.get(self.caseworker, self.case_url, {"q": "legal"})
        self.assertContains(response, f'href="/cases/{self.case.uuid}/"')
        response = self.post(self.caseworker, self.case_url, {"services": [str(self.clinic.id)]})
        signposting = Signposting.objects.get()
        self.assertEqual((signposting.person, signposting.recorded_by), (self.amina, self.caseworker))
        self.assertEqual(Event.objects.get(action="signposting.recorded").details["case"], str(self.case.uuid))
        self.assertTrue(response["Location"].startswith(f"/referrals/signpost/case/{self.case.uuid}/told/?"))
        page = self.client.get(response["Location"])
        self.assertContains(page, "Told about 1 service")
        self.assertContains(page, f'href="/cases/{self.case.uuid}/"')

    def test_a_volunteer_and_an_outsider_cannot_open_a_case(self):
        for user in (self.volunteer, self.outsider):
            with self.subTest(user=user.email):
                self.assertEqual(self.get(user, self.case_url).status_code, 404)
                self.assertEqual(self.post(user, self.case_url, {"services": [str(self.clinic.id)]}).status_code, 404)
        self.assertFalse(Signposting.objects.exists())

    def test_the_action_refuses_a_case_of_another_organisation(self):
        stranger_case = make_case(self.other_org, by=self.outsider)
        with self.assertRaises(ValidationError):
            do_signpost_many(
                organisation=self.hub_org, services=[self.clinic], case=stranger_case, acting_user=self.caseworker
            )
        self.assertFalse(Signposting.objects.exists())


class TakeAwayListTests(SignpostingPagesTestCase):
    def setUp(self):
        super().setUp()
        self.signpostings = self.signpost(self.clinic, self.dentist)
        self.list_url = f"/referrals/signpost/person/{self.amina.uuid}/list/"
        self.text_url = f"/referrals/signpost/person/{self.amina.uuid}/list.txt"

    def test_the_printed_list_is_in_the_persons_language(self):
        response = self.get(self.volunteer, self.list_url, self.list_query(self.signpostings))
        self.assertContains(response, '<html lang="ar" dir="rtl">')
        self.assertContains(response, f"<h1>{ARABIC_HEADING}</h1>", html=True)
        # What the member of staff reads (not printed) stays in their language, marked as such.
        self.assertContains(response, '<div class="no-print" lang="en" dir="ltr">')
        self.assertContains(response, "Thursday legal clinic")
        self.assertContains(response, "Smile dental surgery")
        # Each service's page on the map, in the same language, to open on a phone.
        self.assertContains(response, f"http://testserver/ar/services/{self.clinic.id}/")
        self.assertEqual(RecordAccess.objects.filter(what="signposting_list").count(), 1)

    def test_another_language_can_be_chosen(self):
        response = self.get(self.volunteer, self.list_url, self.list_query(self.signpostings, language="fr"))
        self.assertContains(response, '<html lang="fr" dir="ltr">')
        self.assertContains(response, FRENCH_HEADING)
        response = self.get(self.volunteer, self.list_url, self.list_query(self.signpostings, language="xx"))
        self.assertContains(response, '<html lang="ar" dir="rtl">')

    def test_without_a_language_waymark_offers_it_is_in_the_interface_language(self):
        somebody = make_person(self.hub_org, "Hodan", by=self.volunteer, languages=["so"])
        signpostings = self.signpost(self.clinic, person=somebody)
        response = self.get(
            self.volunteer, f"/referrals/signpost/person/{somebody.uuid}/list/", self.list_query(signpostings)
        )
        self.assertContains(response, '<html lang="en" dir="ltr">')
        self.assertContains(response, "<h1>Services you were told about</h1>", html=True)

    def test_the_plain_text_list(self):
        response = self.get(self.volunteer, self.text_url, self.list_query(self.signpostings))
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        text = response.content.decode()
        self.assertTrue(text.startswith(ARABIC_HEADING))
        self.assertIn("1. Thursday legal clinic – Medlock Advice", text)
        self.assertIn("2. Smile dental surgery – Smile", text)
        self.assertIn(f"http://testserver/ar/services/{self.dentist.id}/", text)
        self.assertNotIn("<", text)

    def test_only_the_persons_own_signpostings_are_listed(self):
        other = make_person(self.hub_org, "Dawit", by=self.volunteer)
        theirs = self.signpost(self.dentist, person=other)
        response = self.get(self.volunteer, self.list_url, self.list_query([self.signpostings[0], *theirs]))
        self.assertContains(response, "Thursday legal clinic")
        self.assertNotContains(response, "Smile dental surgery")
        self.assertEqual(self.get(self.volunteer, self.list_url, self.list_query(theirs)).status_code, 404)

    def test_the_lists_and_the_told_page_are_404_without_a_role_and_for_outsiders(self):
        told_url = f"/referrals/signpost/person/{self.amina.uuid}/told/"
        for user in (self.no_role, self.outsider):
            for url in (self.list_url, self.text_url, told_url):
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.get(user, url, self.list_query(self.signpostings)).status_code, 404)


VISIT_DAY = dt.datetime(2026, 3, 3, 10, 30, tzinfo=LONDON)


class VisitTakeAwayListTests(HubTestCase):
    def setUp(self):
        self.generate()
        session = self.session_on(dt.date(2026, 3, 3))
        self.amina = make_person(self.hub_org, "Amina Yusuf", by=self.volunteer, languages=["ar"])
        self.clinic = make_service("Thursday legal clinic", organization=make_organization("Medlock Advice"))
        with at(VISIT_DAY):
            self.visit = do_check_in(session, self.amina, acting_user=self.volunteer)[0]
            do_record_visit_details(self.visit, acting_user=self.volunteer, signpost_to=[self.clinic])
        self.url = f"/referrals/signpost/visit/{self.visit.uuid}/list/"

    def test_the_hub_team_prints_what_was_signposted_at_a_visit_in_the_persons_language(self):
        self.login(self.volunteer)
        response = self.client.get(self.url)
        self.assertContains(response, '<html lang="ar" dir="rtl">')
        self.assertContains(response, ARABIC_HEADING)
        self.assertContains(response, "Thursday legal clinic")
        self.assertContains(response, f'href="/organisation/visits/{self.visit.uuid}/"')
        access = RecordAccess.objects.get(what="signposting_list")
        self.assertEqual((access.person_uuid, access.object_id), (self.amina.uuid, str(self.visit.uuid)))
        text = self.client.get(f"/referrals/signpost/visit/{self.visit.uuid}/list.txt").content.decode()
        self.assertIn("1. Thursday legal clinic – Medlock Advice", text)

    def test_it_is_404_off_the_hub_team_and_for_outsiders(self):
        # The caseworker is of the same organisation but off the hub's team.
        for user in (self.caseworker, self.outsider, self.partner):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 404)


class OftenToldAboutTests(SignpostingPagesTestCase):
    def test_the_services_the_organisation_tells_people_about_most_are_offered_without_searching(self):
        dawit = make_person(self.hub_org, "Dawit", by=self.volunteer)
        self.signpost(self.dentist, person=dawit)
        stranger = make_person(self.other_org, "Stranger", by=self.outsider)
        do_signpost_many(
            organisation=self.other_org, services=[self.clinic], person=stranger, acting_user=self.outsider
        )
        response = self.get(self.volunteer, self.url)
        self.assertContains(response, "<legend>Services you often tell people about:</legend>", html=True)
        self.assertContains(response, "Smile dental surgery (Smile)")
        self.assertNotContains(response, "Thursday legal clinic")
        # A search shows what it found apart, and not the often told about again.
        response = self.get(self.volunteer, self.url, {"q": "smile legal"})
        self.assertContains(response, "Smile dental surgery (Smile)", count=1)
        # Ticked without a search, in one press.
        response = self.post(self.volunteer, self.url, {"often": [str(self.dentist.id)]})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Signposting.objects.filter(person=self.amina).get().service, self.dentist)


@pytest.mark.browser
def test_a_volunteer_tells_about_a_service_and_prints_the_list_in_arabic(live_server, page, sign_in, assert_accessible):
    # A transactional test run before this one may have emptied the tables the migrations filled.
    load_needs_taxonomy()
    organisation = make_organisation("Croal Valley Welcome Project")
    volunteer = make_member("volunteer@example.org", organisation, [Role.VOLUNTEER])
    amina = make_person(organisation, "Amina Yusuf", by=volunteer, languages=["ar"])
    searchable(make_service("Thursday legal clinic", organization=make_organization("Medlock Advice")))

    sign_in(page.context, volunteer)
    page.goto(f"{live_server.url}/referrals/signpost/person/{amina.uuid}/")
    page.get_by_label("Words to search for").fill("legal")
    page.get_by_role("button", name="Search the map").click()
    page.get_by_label("Thursday legal clinic (Medlock Advice)").check()
    assert_accessible(page)
    page.get_by_role("button", name="Record that they were told").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Told about 1 service"
    assert_accessible(page)

    page.get_by_role("link", name="Printable list in").click()
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.get_by_role("heading", level=1).inner_text() == ARABIC_HEADING
    assert_accessible(page)
    assert Signposting.objects.get().person == amina
