"""The public service map's pages: home, results, a service's page, their text and QR versions,
and the about page. Anyone may read them; signed-in members see the same."""

import datetime as dt
import io
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import segno
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from waymark.directory.models import (
    Accessibility,
    Address,
    CostOption,
    Language,
    Location,
    LocationType,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    Translation,
)
from waymark.directory.search import SearchResults
from waymark.directory.tests.builders import give_need, make_need, make_organization, make_service
from waymark.testing import BaseTestCase

# Wednesday 25 November 2026, 11:00 in London (GMT, so also 11:00 UTC).
WEDNESDAY_11 = dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC)


def arabic(text):
    with translation.override("ar"):
        return translation.gettext(text)


def at(moment):
    """Run the views at ``moment`` (data made outside it keeps its real creation time)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def make_place(organization, *, hidden=False, area=None, street="12 Derby Street", postcode="BL3 6HH"):
    location = Location.objects.create(
        location_type=LocationType.PHYSICAL,
        organization=organization,
        name="Safe house" if hidden else "Derby Street Community Centre",
        latitude=Decimal("53.570000"),
        longitude=Decimal("-2.430000"),
        address_hidden=hidden,
        area=area,
        transportation="" if hidden else "Buses 8 and 9 stop outside.",
    )
    Address.objects.create(
        location=location,
        address_1=street,
        city="Bolton",
        state_province="Greater Manchester",
        postal_code=postcode,
        address_type=LocationType.PHYSICAL,
    )
    return location


def make_listing(
    name="Food bank", *, organization=None, location=None, byday="WE", opens="10:00", closes="13:00", **fields
):
    """A public service with a place, weekly hours, a phone and languages spoken."""
    service = make_service(name, organization=organization, **fields)
    if location is not None:
        ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(
        service=service,
        freq="WEEKLY",
        interval=1,
        byday=byday,
        opens_at=dt.time.fromisoformat(opens),
        closes_at=dt.time.fromisoformat(closes),
    )
    Phone.objects.create(service=service, number="01204 496 000", type=Phone.Type.VOICE)
    Language.objects.create(service=service, name="Arabic", code="ar")
    Language.objects.create(service=service, name="Tigrinya", code="ti")
    service.build_search_text()
    service.save(update_fields=["search_text"])
    return service


class PublicMapTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.organization = make_organization("Croal Valley Welcome Project")
        cls.centre = make_place(cls.organization, area=cls.bolton)
        cls.food = make_need("food", "Food")
        cls.food_bank = make_listing(
            "Food bank",
            organization=cls.organization,
            location=cls.centre,
            description="Food parcels every week.",
            eligibility_description="For anyone who needs food.",
            application_process="Just come along.",
            for_anyone=True,
            access_drop_in=True,
            capacity_status=Service.CapacityStatus.WAITING_LIST,
            alert="Closed on 1 December for training.",
            alert_ends_on=dt.date(2026, 12, 1),
        )
        give_need(cls.food_bank, cls.food)
        cls.food_bank.build_search_text()
        cls.food_bank.save(update_fields=["search_text"])
        RequiredDocument.objects.create(service=cls.food_bank, document="Your ARC card")
        cls.refuge = make_listing(
            "Women's refuge",
            organization=cls.organization,
            location=make_place(
                cls.organization, hidden=True, area=cls.bolton, street="7 Secret Lane", postcode="BL1 9ZZ"
            ),
            byday="FR",
        )

    def get(self, url, **kwargs):
        with at(WEDNESDAY_11):
            return self.client.get(url, **kwargs)


class HomeTests(PublicMapTestCase):
    def test_it_offers_a_search_a_place_box_and_the_grid_of_needs(self):
        response = self.get("/")

        self.assertContains(response, '<form class="search-form" method="get" action="/services/" role="search">')
        self.assertContains(response, 'name="q"')
        self.assertContains(response, 'name="near"')
        self.assertContains(response, '<a href="/services/?need=food">Food</a>', html=True)
        # Only top-level needs: a narrower one waits for the results page's filter.
        self.assertEqual(response.context["needs"], [term for term in response.context["needs"] if term.depth == 0])
        self.assertNotIn("/organisation/members/", response.text)

    def test_it_names_the_needs_in_the_visitors_language(self):
        housing = TaxonomyTerm.objects.get(slug="housing")
        arabic_name = Translation.objects.get(
            model_label="directory.taxonomyterm", object_id=housing.id, field_name="name", language="ar"
        ).text

        response = self.get("/ar/")

        self.assertContains(response, '<html lang="ar" dir="rtl">')
        self.assertContains(response, f'<a href="/ar/services/?need=housing">{arabic_name}</a>', html=True)
        self.assertContains(response, 'action="/ar/services/"')

    def test_it_shows_signed_in_members_the_same_search_and_their_pages(self):
        for user in (self.caseworker, self.outsider, self.editor):
            with self.subTest(user=user.email):
                self.login(user)
                # At today's time: a jump ahead would outlast the session's idle limit.
                response = self.client.get("/")
                self.assertContains(response, '<a href="/services/?need=food">Food</a>', html=True)
                self.assertContains(response, "Your pages")
                self.assertContains(response, 'href="/accounts/2fa/"')

    def test_it_links_to_the_map_from_the_header_of_every_page(self):
        response = self.get("/accounts/login/")

        self.assertContains(response, '<a href="/services/">Find services</a>', html=True)


class ResultsTests(PublicMapTestCase):
    def test_it_lists_each_service_with_what_a_person_needs_to_choose(self):
        response = self.get("/services/?q=food")

        self.assertContains(response, "1 service found")
        self.assertContains(response, f'<a href="/services/{self.food_bank.id}/">Food bank</a>', html=True)
        self.assertContains(response, "Croal Valley Welcome Project")
        self.assertContains(response, "12 Derby Street, Bolton, BL3 6HH")
        self.assertContains(response, '<strong class="open-now">Open now, until 13:00</strong>', html=True)
        self.assertContains(response, "Closed on 1 December for training.")
        self.assertContains(response, '<p class="capacity capacity--waiting_list">Waiting list</p>', html=True)
        self.assertNotContains(response, "Women&#x27;s refuge")

    def test_it_gives_the_next_opening_when_closed(self):
        response = self.get("/services/?q=refuge")

        self.assertContains(response, "Next open Friday 27 November at 10:00")

    def test_it_stops_showing_a_notice_after_it_ends(self):
        with at(WEDNESDAY_11 + timedelta(days=7)):
            response = self.client.get("/services/?q=food")

        self.assertNotContains(response, "Closed on 1 December for training.")

    def test_it_says_when_a_listing_has_not_been_checked_recently(self):
        Service.objects.filter(id=self.food_bank.id).update(verified_at=WEDNESDAY_11 - timedelta(days=200))

        response = self.get("/services/?q=food")

        self.assertContains(response, "Not checked recently: call before you go.")

    def test_it_shows_only_the_area_of_a_hidden_address(self):
        response = self.get("/services/?q=refuge")

        self.assertContains(response, "Bolton (address given when you contact them)")
        self.assertNotContains(response, "Secret Lane")
        self.assertNotContains(response, "BL1 9ZZ")
        self.assertNotContains(response, "Safe house")

    def test_it_keeps_the_filters_as_a_plain_form(self):
        response = self.get("/services/?q=food&need=food&open_now=1&access=drop_in&speaks=ar&for=nrpf&free=1")

        self.assertContains(response, '<option value="food" selected>Food</option>', html=True)
        self.assertContains(response, '<option value="drop_in" selected>Drop in</option>', html=True)
        self.assertContains(response, '<option value="ar" selected>Arabic</option>', html=True)
        self.assertContains(response, 'name="open_now" id="id_open_now" value="1" checked')
        self.assertContains(response, 'name="free" id="id_free" value="1" checked')
        self.assertContains(response, '<details class="filters" open>')

    def test_it_says_what_was_wrong_with_a_search_it_cannot_read(self):
        response = self.get("/services/?page=first")

        self.assertContains(response, "There is a problem")
        self.assertIsNone(response.context["found"])

    def test_it_marks_a_position_off_the_earth_beside_the_box(self):
        response = self.get("/services/?near=91,200")

        self.assertContains(response, '<a href="#id_near">', count=1)
        self.assertContains(response, '<p class="field-error" id="id_near_error">')
        self.assertContains(response, 'value="91,200"')

    def test_it_says_so_when_it_does_not_know_the_postcode(self):
        found = SearchResults(services=[], total=0, unknown_place=True)
        with mock.patch("waymark.directory.views.public.search_services", return_value=found):
            response = self.get("/services/?near=ZZ99")

        self.assertContains(response, "We don't know the postcode or place “ZZ99”.")

    def test_it_offers_the_spelling_it_thinks_was_meant(self):
        found = SearchResults(services=[], total=0, suggestion="dentist")
        with mock.patch("waymark.directory.views.public.search_services", return_value=found):
            response = self.get("/services/?q=dentsit&open_now=1")

        self.assertContains(
            response, 'Did you mean <a href="/services/?q=dentist&amp;open_now=1">dentist</a>?', html=True
        )

    def test_it_shows_the_distance_and_rounds_it_up_to_a_kilometre_for_a_hidden_address(self):
        self.food_bank.distance_m = 420
        self.refuge.distance_m = 1234
        found = SearchResults(
            services=[self.food_bank, self.refuge], total=2, place=(53.57, -2.43, "BL3"), radius_m=5000
        )
        with mock.patch("waymark.directory.views.public.search_services", return_value=found):
            response = self.get("/services/?near=BL3")

        self.assertContains(response, "2 services found · within 5 km of BL3, nearest first")
        self.assertContains(response, "BL3 6HH · 420 m")
        self.assertContains(response, "within 2 km")
        self.assertNotContains(response, "1.2 km")

    def test_it_finds_services_near_a_postcode_district(self):
        response = self.get("/services/?q=food&near=BL3")

        self.assertContains(response, f'href="/services/{self.food_bank.id}/"')
        self.assertIsNotNone(response.context["results"][0]["distance_m"])
        self.assertRegex(response.text, r"BL3 6HH · \d+ m|BL3 6HH · [\d.]+ km")

    def test_it_pages_through_results_keeping_the_search(self):
        found = SearchResults(services=[self.food_bank], total=45, page=2, pages=3)
        with mock.patch("waymark.directory.views.public.search_services", return_value=found):
            response = self.get("/services/?q=food&page=2&lang=en")

        self.assertContains(response, "Page 2 of 3")
        self.assertContains(response, '<a rel="prev" href="/services/?q=food&amp;page=1">Previous page</a>', html=True)
        self.assertContains(response, '<a rel="next" href="/services/?q=food&amp;page=3">Next page</a>', html=True)

    def test_it_shows_signed_in_members_the_same_results(self):
        for user in (self.caseworker, self.outsider):
            with self.subTest(user=user.email):
                self.login(user)
                response = self.client.get("/services/?q=food")
                self.assertContains(response, f'href="/services/{self.food_bank.id}/"')

    def test_it_asks_the_database_the_same_number_of_times_for_more_services(self):
        urls = ("/ar/services/", "/ar/services/?q=food&near=BL3&open_now=1")
        counts = {}
        for url in urls:
            self.get(url)  # the search caches the needs' words on its first run
            with CaptureQueriesContext(connection) as few:
                self.get(url)
            counts[url] = len(few.captured_queries)
        for number in range(6):
            location = make_place(self.organization, area=self.bolton, street=f"{number} Long Lane")
            service = make_listing(f"Food advice {number}", organization=self.organization, location=location)
            Translation.for_object(service, "name", "ar", f"نصيحة {number}", status="reviewed").save()

        for url, expected in counts.items():
            with self.subTest(url), self.assertNumQueries(expected):
                response = self.get(url)
        self.assertEqual(len(self.get(urls[0]).context["results"]), 8)
        self.assertEqual(len(response.context["results"]), 7)

    def test_it_loads_the_near_me_script_from_our_own_files_with_its_button_hidden(self):
        response = self.get("/services/")

        self.assertContains(response, '<script src="/static/js/near-me.js" defer></script>', html=True)
        self.assertContains(response, "data-near-me hidden")


class ServicePageTests(PublicMapTestCase):
    def url(self, service=None, suffix=""):
        return f"/services/{(service or self.food_bank).id}/{suffix}"

    def test_it_shows_everything_needed_to_go_there_today(self):
        Service.objects.filter(id=self.food_bank.id).update(verified_at=dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC))

        response = self.get(self.url())

        self.assertContains(response, "<h1>Food bank</h1>", html=True)
        self.assertContains(response, "Run by Croal Valley Welcome Project")
        self.assertContains(response, "Closed on 1 December for training.")
        self.assertContains(response, "For anyone who needs food.")
        self.assertContains(response, "<li>Drop in</li>", html=True)
        self.assertContains(response, "Just come along.")
        self.assertContains(response, '<th scope="row">Wednesday</th>', html=True)
        self.assertContains(response, "10:00–13:00")
        self.assertContains(response, "Open now, until 13:00")
        self.assertContains(response, "12 Derby Street")
        self.assertContains(response, "Buses 8 and 9 stop outside.")
        self.assertContains(response, 'href="https://www.openstreetmap.org/directions?route=%3B53.570000%2C-2.430000"')
        self.assertContains(response, '<a href="tel:01204496000" dir="ltr">01204 496 000</a>', html=True)
        self.assertContains(response, "Arabic, Tigrinya")
        self.assertContains(response, "<strong>Free</strong>", html=True)
        self.assertContains(response, "<li>Your ARC card</li>", html=True)
        self.assertContains(response, "Waiting list")
        self.assertContains(response, "has not told us whether it shares personal data")
        self.assertContains(response, "Last checked: 2 November 2026")
        self.assertContains(response, f'href="/services/{self.food_bank.id}/report/"')
        self.assertContains(response, f'href="/services/{self.food_bank.id}/feedback/"')
        self.assertContains(response, 'href="/suggest-a-service/"')
        self.assertContains(response, f'src="/services/{self.food_bank.id}/qr.svg"')

    def test_it_says_who_else_it_is_for_how_to_get_in_and_where_it_is_listed(self):
        Service.objects.filter(id=self.food_bank.id).update(for_families=True)
        self.food_bank.restricted_to_areas.add(self.bolton)
        Accessibility.objects.create(location=self.centre, description="Step-free entrance at the side.")

        response = self.get(self.url())

        self.assertContains(response, "Families welcome.")
        self.assertContains(response, "Only for people living in Bolton.")
        self.assertContains(response, "Step-free entrance at the side.")
        self.assertContains(response, 'Listed under: <a href="/services/?need=food">Food</a>', html=True)

    def test_it_says_a_temporarily_closed_service_is_closed(self):
        Service.objects.filter(id=self.food_bank.id).update(status=Service.Status.TEMPORARILY_CLOSED)

        for url in (self.url(), "/services/?q=food", self.url(suffix="share.txt")):
            with self.subTest(url):
                self.assertContains(self.get(url), "Temporarily closed.")

    def test_it_says_when_no_documents_are_needed_and_what_it_costs(self):
        CostOption.objects.create(service=self.refuge, amount=Decimal("2.00"), currency="GBP", option="Each visit")

        response = self.get(self.url(self.refuge))

        self.assertContains(response, "No documents needed.")
        self.assertContains(response, "£2.00 – Each visit")
        self.assertNotContains(response, "<strong>Free</strong>", html=True)

    def test_it_shows_the_regulator_of_immigration_advice_and_the_data_statement(self):
        advice = make_listing(
            "Asylum legal advice",
            organization=make_organization("Medlock Advice", data_sharing_with_authorities="never_without_consent"),
            advice_regulator="oisc",
            advice_oisc_level=2,
            advice_registration_number="F201900123",
        )

        response = self.get(self.url(advice))

        self.assertContains(response, "Regulated by OISC, registration number F201900123.")
        self.assertContains(response, "OISC level 2.")
        self.assertContains(response, "Never shares personal data without consent.")

    def test_it_never_shows_the_street_of_a_hidden_address(self):
        for suffix in ("", "share.txt", "qr.svg"):
            with self.subTest(suffix or "page"):
                response = self.get(self.url(self.refuge, suffix))
                self.assertEqual(response.status_code, 200)
                content = response.content.decode()
                for secret in ("Secret Lane", "BL1 9ZZ", "Safe house", "53.57", "openstreetmap"):
                    self.assertNotIn(secret, content)
        self.assertContains(self.get(self.url(self.refuge)), "Bolton (address given when you contact them)")

    def test_it_is_not_there_for_a_service_off_the_public_map(self):
        long_unchecked = make_listing("Old drop-in", verified_at=timezone.now() - timedelta(days=400))
        inactive = make_listing("Closed project", status=Service.Status.INACTIVE)
        for service in (long_unchecked, inactive):
            for user in (None, self.caseworker, self.outsider):
                if user:
                    self.login(user)
                for suffix in ("", "share.txt", "qr.svg"):
                    with self.subTest(service=service.name, user=user, suffix=suffix):
                        self.assertEqual(self.client.get(self.url(service, suffix)).status_code, 404)
                self.client.logout()

    def test_it_is_the_same_for_signed_in_members(self):
        anonymous = self.client.get(self.url()).context["item"]
        for user in (self.caseworker, self.coordinator, self.outsider):
            with self.subTest(user=user.email):
                self.login(user)
                response = self.client.get(self.url())
                self.assertContains(response, "<h1>Food bank</h1>", html=True)
                self.assertEqual(response.context["item"]["places"], anonymous["places"])

    def test_it_shows_a_reviewed_translation_and_says_what_is_still_in_english(self):
        Translation.for_object(self.food_bank, "name", "ar", "بنك الطعام", status="reviewed").save()

        response = self.get("/ar" + self.url())

        self.assertContains(response, '<html lang="ar" dir="rtl">')
        self.assertContains(response, "<h1>بنك الطعام</h1>", html=True)
        self.assertContains(response, arabic("This information is in English; no checked translation yet."))
        self.assertContains(response, '<span lang="en" dir="ltr">Food parcels every week.</span>', html=True)

    def test_it_shows_english_for_a_draft_or_out_of_date_translation(self):
        Translation.for_object(self.food_bank, "description", "ar", "مسودة", status="draft").save()
        outdated = Translation.for_object(self.food_bank, "name", "ar", "اسم قديم", status="reviewed")
        outdated.source_text_hash = "0" * 64
        outdated.save()

        response = self.get("/ar" + self.url())

        self.assertContains(response, '<h1><span lang="en" dir="ltr">Food bank</span></h1>', html=True)
        self.assertNotContains(response, "مسودة")
        self.assertNotContains(response, "اسم قديم")

    def test_it_says_nothing_about_translation_in_english(self):
        response = self.get(self.url())

        self.assertNotContains(response, "no checked translation yet")
        self.assertNotContains(response, '<span lang="en"')


class ShareTests(PublicMapTestCase):
    def test_it_gives_a_service_as_plain_text_to_send(self):
        response = self.get(f"/services/{self.food_bank.id}/share.txt")

        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        text = response.content.decode()
        self.assertIn("Food bank\nRun by Croal Valley Welcome Project\n", text)
        self.assertIn("Notice: Closed on 1 December for training.", text)
        self.assertIn("12 Derby Street, Bolton, BL3 6HH", text)
        self.assertIn("Phone: 01204 496 000", text)
        self.assertIn("Open now, until 13:00", text)
        self.assertIn("Wednesday: 10:00–13:00", text)
        self.assertIn("Documents to bring: Your ARC card", text)
        self.assertIn(f"http://testserver/services/{self.food_bank.id}/", text)
        self.assertNotIn("<", text)

    def test_it_gives_the_text_in_the_visitors_language(self):
        response = self.get(f"/ar/services/{self.food_bank.id}/share.txt")

        text = response.content.decode()
        self.assertIn(arabic("Phone:"), text)
        self.assertIn(arabic("This information is in English; no checked translation yet."), text)
        self.assertIn(f"http://testserver/ar/services/{self.food_bank.id}/", text)

    def test_it_gives_a_list_as_plain_text_to_send(self):
        response = self.get("/services/share.txt?q=food")

        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        text = response.content.decode()
        self.assertIn("1 service found", text)
        self.assertIn("1. Food bank – Croal Valley Welcome Project", text)
        self.assertIn(f"http://testserver/services/{self.food_bank.id}/", text)
        self.assertIn("http://testserver/services/?q=food", text)

    def assert_qr_code_of(self, response, url, title):
        self.assertEqual(response["Content-Type"], "image/svg+xml")
        self.assertIn("public", response["Cache-Control"])
        self.assertIn("max-age=86400", response["Cache-Control"])
        expected = io.BytesIO()
        segno.make(url, error="m").save(expected, kind="svg", scale=4, border=2, xmldecl=False, title=title)
        self.assertEqual(response.content, expected.getvalue())

    def test_it_gives_a_qr_code_of_the_service_page_as_svg(self):
        response = self.get(f"/services/{self.food_bank.id}/qr.svg")

        self.assert_qr_code_of(response, f"http://testserver/services/{self.food_bank.id}/", "Food bank")
        self.assertTrue(response.content.startswith(b"<svg"))

    def test_it_gives_a_qr_code_of_the_results_page_without_the_language_parameter(self):
        response = self.get("/ar/services/qr.svg?q=food&lang=ar&page=")

        self.assert_qr_code_of(response, "http://testserver/ar/services/?q=food", "Waymark")

    def test_it_prints_a_list_with_its_address_and_qr_code(self):
        response = self.get("/services/?q=food")

        self.assertContains(response, '<div class="print-only print-source">')
        self.assertContains(response, 'src="/services/qr.svg?q=food"')
        self.assertContains(response, "http://testserver/services/?q=food")


class AboutTests(PublicMapTestCase):
    def test_it_gives_the_sources_the_attribution_and_the_privacy_of_visitors(self):
        response = self.get("/about/")

        self.assertContains(response, "Contains Ordnance Survey data © Crown copyright and database right")
        self.assertContains(response, "Open Government Licence")
        self.assertContains(response, "Open Referral UK")
        self.assertContains(response, 'href="/open-data/"')
        self.assertContains(response, "These pages set no cookies.")
