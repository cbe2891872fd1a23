"""Searching the public map: text in several languages and scripts, synonyms, did you mean,
every filter, distance, open now across a clock change, and a constant number of queries.

These run on SQLite and on PostgreSQL (make test-postgres): the result sets asserted here are
what both databases must give."""

import datetime as dt
import logging
from decimal import Decimal

from django.db import connection
from django.test import TestCase
from django.utils import timezone

from waymark.directory.models import (
    CostOption,
    Language,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    Synonym,
    Translation,
)
from waymark.directory.opening import open_now
from waymark.directory.search import (
    NEAR_RADIUS_M,
    WIDER_RADIUS_M,
    SearchForm,
    SearchQuery,
    search_services,
)
from waymark.directory.search_needs import forget, needs_index
from waymark.directory.tests.builders import give_need, make_need, make_organization, make_service
from waymark.places.geo import haversine_m

# Manchester M13 (near the outcode's middle), Levenshulme (about 3 km away), Bolton (about
# 17 km away) and Newcastle.
M13 = (53.4605, -2.2155)
LEVENSHULME = (53.4440, -2.1880)
BOLTON = (53.5780, -2.4290)
NEWCASTLE = (54.9700, -1.6100)


def place(service, latitude, longitude, name="Main site"):
    location = Location.objects.create(
        location_type="physical",
        name=name,
        organization=service.organization,
        latitude=Decimal(str(latitude)),
        longitude=Decimal(str(longitude)),
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    return location


def weekly(service, byday, opens, closes):
    return Schedule.objects.create(
        service=service, freq="WEEKLY", interval=1, byday=byday, opens_at=opens, closes_at=closes
    )


def indexed(service):
    service.build_search_text()
    service.save()
    return service


def names(results):
    return [service.name for service in results.services]


def search(now=None, page_size=20, **fields):
    return search_services(SearchQuery(**fields), now=now, page_size=page_size)


class SearchTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.dental = make_need("dental", "Dental care")
        Synonym.objects.create(term=cls.dental, language="en", word="dentist")
        # Persian "dentist", typed with Persian yeh and keheh; Arabic "dentist" with hamza.
        Synonym.objects.create(term=cls.dental, language="fa", word="دندانپزشک")
        Synonym.objects.create(term=cls.dental, language="ar", word="طبيب أسنان")
        cls.food = make_need("food", "Food")
        cls.hot_meals = make_need("test-hot-meals", "Hot meals", parent=cls.food)
        cls.social = make_need("social", "Social and community")
        health_trust = make_organization("Irwell Health Trust")
        welcome = make_organization("Tyne Welcome Network")

        cls.smile = make_service(
            "Smile clinic",
            organization=health_trust,
            description="Emergency appointments for people without a GP.",
            for_seeking_asylum=True,
            access_appointment=True,
        )
        give_need(cls.smile, cls.dental)
        place(cls.smile, *M13)
        weekly(cls.smile, "MO,TU,WE,TH,FR", dt.time(9), dt.time(17))
        Language.objects.create(service=cls.smile, name="Persian", code="fa")
        Language.objects.create(service=cls.smile, name="English", code="en")
        Translation.for_object(cls.smile, "name", "fa", "کلینیک لبخند", status="reviewed").save()
        indexed(cls.smile)

        cls.teeth = make_service("Levenshulme teeth project", organization=health_trust, access_drop_in=True)
        give_need(cls.teeth, cls.dental)
        place(cls.teeth, *LEVENSHULME)
        weekly(cls.teeth, "SA", dt.time(10), dt.time(13))
        indexed(cls.teeth)

        cls.food_bank = make_service(
            "Food bank", organization=welcome, description="Parcels every week.", for_anyone=True, access_drop_in=True
        )
        give_need(cls.food_bank, cls.food)
        place(cls.food_bank, *BOLTON)
        Language.objects.create(service=cls.food_bank, name="Arabic", code="ar")
        CostOption.objects.create(service=cls.food_bank, amount=Decimal("0"), option="Free")
        weekly(cls.food_bank, "SU", dt.time(10), dt.time(14))
        indexed(cls.food_bank)

        cls.kitchen = make_service(
            "Community kitchen",
            organization=welcome,
            description="Free food and company every Saturday.",
            for_refugee_hp=True,
            access_self_referral=True,
        )
        give_need(cls.kitchen, cls.hot_meals)
        place(cls.kitchen, *NEWCASTLE)
        indexed(cls.kitchen)

        cls.cafe = make_service(
            "Welcome café", organization=welcome, description="Tea and a chat.", access_self_referral=True
        )
        give_need(cls.cafe, cls.social)
        place(cls.cafe, *NEWCASTLE)
        CostOption.objects.create(service=cls.cafe, amount=Decimal("2.50"), currency="GBP", option="Tea")
        indexed(cls.cafe)

        # Off the map: not checked for more than a year, and closed down.
        cls.stale = make_service("Old dentist desk", organization=health_trust, for_anyone=True)
        give_need(cls.stale, cls.dental)
        place(cls.stale, *M13)
        indexed(cls.stale)
        Service.objects.filter(id=cls.stale.id).update(verified_at=timezone.now() - dt.timedelta(days=400))
        cls.defunct = make_service("Closed dental practice", organization=health_trust, status=Service.Status.DEFUNCT)
        give_need(cls.defunct, cls.dental)
        indexed(cls.defunct)

    def setUp(self):
        forget()


class TextSearchTests(SearchTestCase):
    def test_english_words_find_the_service_and_the_last_word_may_be_a_beginning(self):
        self.assertEqual(names(search(q="smile clinic")), ["Smile clinic"])
        self.assertEqual(names(search(q="smile clin")), ["Smile clinic"])
        self.assertEqual(names(search(q="SMILE")), ["Smile clinic"])

    def test_only_the_last_word_may_be_a_beginning(self):
        self.assertEqual(search(q="smi clinic").total, 0)

    def test_every_word_must_be_found(self):
        self.assertEqual(search(q="smile parcels").total, 0)

    def test_organisation_and_description_words_are_searched(self):
        self.assertEqual(names(search(q="irwell trust")), ["Levenshulme teeth project", "Smile clinic"])
        self.assertEqual(names(search(q="parcels")), ["Food bank"])

    def test_a_synonym_finds_the_needs_services(self):
        self.assertEqual(names(search(q="dentist")), ["Levenshulme teeth project", "Smile clinic"])

    def test_a_synonym_staff_add_later_works_without_saving_the_services_again(self):
        self.assertEqual(search(q="toothache").total, 0)
        Synonym.objects.create(term=self.dental, language="en", word="toothache")
        self.assertEqual(names(search(q="toothache")), ["Levenshulme teeth project", "Smile clinic"])

    def test_a_need_name_finds_the_services_of_the_needs_within_it(self):
        # "food" is the name of the food need; the kitchen is under "hot meals", within food.
        self.assertEqual(set(names(search(q="food"))), {"Food bank", "Community kitchen"})

    def test_farsi_typed_on_an_arabic_keyboard_finds_persian_text(self):
        # Arabic kaf (ك) and yeh (ي) where the Persian synonym and translation have ک and ی.
        self.assertEqual(names(search(q="دندانپزشك")), ["Levenshulme teeth project", "Smile clinic"])
        self.assertEqual(names(search(q="كلينيك لبخند")), ["Smile clinic"])

    def test_arabic_without_hamza_finds_the_arabic_synonym(self):
        self.assertEqual(names(search(q="طبيب اسنان")), ["Levenshulme teeth project", "Smile clinic"])

    def test_a_misspelt_query_gets_a_suggestion(self):
        results = search(q="dentsit")
        self.assertEqual(results.total, 0)
        self.assertEqual(results.suggestion, "dentist")
        self.assertEqual(search(q="dentist").suggestion, "")

    def test_stale_and_defunct_services_are_not_found(self):
        found = names(search(q="dental"))
        self.assertNotIn("Old dentist desk", found)
        self.assertNotIn("Closed dental practice", found)
        self.assertEqual(search(q="desk").total, 0)

    def test_a_service_is_found_again_after_its_text_changes_and_not_after_it_is_deleted(self):
        self.smile.description = "Extractions and fillings."
        indexed(self.smile)
        self.assertEqual(names(search(q="fillings")), ["Smile clinic"])
        self.assertEqual(search(q="emergency").total, 0)
        self.cafe.delete()
        self.assertEqual(search(q="café").total, 0)

    def test_words_in_the_name_rank_first(self):
        self.assertEqual(names(search(q="food")), ["Food bank", "Community kitchen"])

    def test_nothing_searched_is_logged(self):
        with self.assertNoLogs(level=logging.DEBUG):
            search(q="Smile clinic", near="M13 9PL")


class FilterTests(SearchTestCase):
    def test_without_anything_asked_every_public_service_by_name(self):
        self.assertEqual(
            names(search()),
            ["Community kitchen", "Food bank", "Levenshulme teeth project", "Smile clinic", "Welcome café"],
        )

    def test_need_by_slug_or_uuid_includes_the_needs_within_it(self):
        self.assertEqual(names(search(need="food")), ["Community kitchen", "Food bank"])
        self.assertEqual(names(search(need=str(self.food.id))), ["Community kitchen", "Food bank"])
        self.assertEqual(names(search(need="test-hot-meals")), ["Community kitchen"])

    def test_language_spoken(self):
        self.assertEqual(names(search(speaks="ar")), ["Food bank"])
        self.assertEqual(names(search(speaks="fa")), ["Smile clinic"])
        self.assertEqual(search(speaks="ti").total, 0)

    def test_who_it_is_for_counts_services_for_anyone(self):
        self.assertEqual(names(search(for_="refugee_hp")), ["Community kitchen", "Food bank"])
        self.assertEqual(names(search(for_="seeking_asylum")), ["Food bank", "Smile clinic"])

    def test_free_leaves_out_services_with_a_charge(self):
        self.assertNotIn("Welcome café", names(search(free=True)))
        self.assertIn("Food bank", names(search(free=True)))
        self.assertEqual(len(names(search(free=True))), 4)

    def test_how_to_get_it(self):
        self.assertEqual(names(search(access="drop_in")), ["Food bank", "Levenshulme teeth project"])
        self.assertEqual(names(search(access="self_referral")), ["Community kitchen", "Welcome café"])

    def test_filters_combine(self):
        self.assertEqual(names(search(q="dentist", access="drop_in")), ["Levenshulme teeth project"])
        self.assertEqual(search(need="dental", speaks="ar").total, 0)

    def test_pages(self):
        first = search(page_size=2)
        self.assertEqual((first.total, first.pages, len(first.services)), (5, 3, 2))
        third = search(page=3, page_size=2)
        self.assertEqual(names(third), ["Welcome café"])
        self.assertEqual(search(page=9, page_size=2).services, [])


class NearTests(SearchTestCase):
    def test_nearest_first_with_the_distance(self):
        results = search(near=f"{M13[0]},{M13[1]}")
        self.assertEqual(names(results), ["Smile clinic", "Levenshulme teeth project"])
        self.assertEqual(results.radius_m, NEAR_RADIUS_M)
        smile, teeth = results.services
        self.assertLess(smile.distance_m, 1)
        self.assertAlmostEqual(teeth.distance_m, haversine_m(*M13, *LEVENSHULME), delta=1)
        self.assertEqual(smile.result_location.name, "Main site")

    def test_by_outcode(self):
        results = search(near="BL1")
        self.assertEqual(names(results), ["Food bank"])
        self.assertEqual(results.place[2], "BL1")
        self.assertFalse(results.unknown_place)

    def test_nothing_within_ten_kilometres_widens_once(self):
        # Warrington: about 25 km from Manchester and from Bolton.
        results = search(near="53.39,-2.59")
        self.assertEqual(results.radius_m, WIDER_RADIUS_M)
        self.assertEqual(set(names(results)), {"Smile clinic", "Levenshulme teeth project", "Food bank"})

    def test_text_and_distance_combined(self):
        # Both are dental; from Levenshulme the teeth project is nearer than the clinic.
        self.assertEqual(
            names(search(q="dentist", near=f"{LEVENSHULME[0]},{LEVENSHULME[1]}")),
            ["Levenshulme teeth project", "Smile clinic"],
        )
        # A word in the name counts: "smile" is only in the clinic's name.
        self.assertEqual(names(search(q="smile", near="M13")), ["Smile clinic"])

    def test_words_beyond_ten_kilometres_are_found_when_the_search_widens(self):
        # The words are matched within the wider circle's cells too (WordsMatch's ``within``).
        results = search(q="dentist", near="53.39,-2.59")
        self.assertEqual(results.radius_m, WIDER_RADIUS_M)
        self.assertEqual(set(names(results)), {"Smile clinic", "Levenshulme teeth project"})
        self.assertEqual(names(search(q="smile", near="53.39,-2.59")), ["Smile clinic"])

    def test_an_unknown_outcode_searches_without_distance(self):
        results = search(near="ZZ99")
        self.assertTrue(results.unknown_place)
        self.assertIsNone(results.place)
        self.assertEqual(results.total, 5)
        self.assertIsNone(results.services[0].distance_m)

    def test_without_near_no_distance(self):
        self.assertTrue(all(service.distance_m is None for service in search(q="dentist").services))

    def test_moving_linking_and_unlinking_a_location_is_followed_at_once(self):
        # The search finds services by the map cells of their locations, kept in step by
        # signals whoever saves a location or a link.
        newcastle = Service.objects.get(name="Smile clinic").service_at_locations.get().location
        newcastle.latitude, newcastle.longitude = Decimal(str(NEWCASTLE[0])), Decimal(str(NEWCASTLE[1]))
        newcastle.save()
        self.assertNotIn("Smile clinic", names(search(near=f"{M13[0]},{M13[1]}")))
        self.assertIn("Smile clinic", names(search(near="54.97,-1.61")))
        food_bank = Service.objects.get(name="Food bank")
        self.assertNotIn("Food bank", names(search(near="54.97,-1.61")))
        link = ServiceAtLocation.objects.create(service=food_bank, location=newcastle)
        self.assertIn("Food bank", names(search(near="54.97,-1.61")))
        link.delete()
        self.assertNotIn("Food bank", names(search(near="54.97,-1.61")))

    def test_a_service_just_inside_the_radius_in_another_cell_is_found_and_one_just_outside_is_not(self):
        from waymark.places.geo import bounding_box

        centre = (53.45, -2.25)
        box = bounding_box(*centre, NEAR_RADIUS_M)
        # Due north, 9.9 km and 10.1 km away: each in a cell the circle touches.
        inside = indexed(make_service("Just inside"))
        place(inside, centre[0] + (box.max_latitude - centre[0]) * 0.99, centre[1])
        outside = indexed(make_service("Just outside"))
        place(outside, centre[0] + (box.max_latitude - centre[0]) * 1.01, centre[1])
        found = names(search(near=f"{centre[0]},{centre[1]}"))
        self.assertIn("Just inside", found)
        self.assertNotIn("Just outside", found)


class CellTests(TestCase):
    def test_cells_are_tenths_of_a_degree_named_by_hemisphere(self):
        from waymark.directory.search_index import cell_token

        self.assertEqual(cell_token(53.4605, -2.2155), "gn534w23")
        self.assertEqual(cell_token(Decimal("53.4"), Decimal("0.05")), "gn534e0")
        self.assertEqual(cell_token(-33.95, 18.45), "gs340e184")

    def test_a_box_lists_every_cell_it_touches_and_a_huge_one_none(self):
        from waymark.directory.search_index import cell_tokens_for_box
        from waymark.places.geo import BoundingBox, bounding_box

        self.assertEqual(
            sorted(cell_tokens_for_box(BoundingBox(53.45, 53.55, -2.25, -2.15))),
            sorted(["gn534w23", "gn534w22", "gn535w23", "gn535w22"]),
        )
        self.assertIsNone(cell_tokens_for_box(bounding_box(53.45, -2.25, 500_000)))


class OpenNowTests(SearchTestCase):
    """The food bank opens on Sundays 10:00–14:00, London time. On 30 March 2025 the clocks go
    forward at 01:00 UTC, so that Sunday it is open from 09:00 to 13:00 UTC; a week before
    (GMT) from 10:00 to 14:00 UTC."""

    def open_now_names(self, when, **fields):
        return names(search(open_now=True, now=when, **fields))

    def test_open_now_follows_london_time_across_the_clock_change(self):
        summer = dt.datetime(2025, 3, 30, 9, 30, tzinfo=dt.UTC)  # 10:30 BST
        self.assertEqual(self.open_now_names(summer), ["Food bank"])
        after_closing = dt.datetime(2025, 3, 30, 13, 30, tzinfo=dt.UTC)  # 14:30 BST
        self.assertEqual(self.open_now_names(after_closing), [])
        winter = dt.datetime(2025, 3, 23, 13, 30, tzinfo=dt.UTC)  # 13:30 GMT
        self.assertEqual(self.open_now_names(winter), ["Food bank"])
        before_opening = dt.datetime(2025, 3, 23, 9, 30, tzinfo=dt.UTC)  # 09:30 GMT
        self.assertEqual(self.open_now_names(before_opening), [])

    def test_open_now_on_a_weekday_with_other_filters_and_pages(self):
        monday = dt.datetime(2025, 3, 31, 10, 0, tzinfo=dt.UTC)  # 11:00 BST
        self.assertEqual(self.open_now_names(monday), ["Smile clinic"])
        self.assertEqual(self.open_now_names(monday, q="dentist"), ["Smile clinic"])
        self.assertEqual(self.open_now_names(monday, speaks="ar"), [])
        weekly(self.teeth, "MO", dt.time(10), dt.time(12))
        results = search(open_now=True, now=monday, q="dentist", page_size=1)
        self.assertEqual((results.total, results.pages, names(results)), (2, 2, ["Levenshulme teeth project"]))

    def test_an_opening_past_midnight(self):
        weekly(self.cafe, "FR", dt.time(22), dt.time(2))
        saturday_night = dt.datetime(2025, 3, 29, 1, 0, tzinfo=dt.UTC)  # 01:00 GMT on Saturday
        self.assertEqual(self.open_now_names(saturday_night), ["Welcome café"])


class OpenNowInSqlTests(TestCase):
    """Plain weekly schedules are decided in SQL on days with no clock change: the answer must
    be exactly what ``opening.open_now`` gives, whatever the schedule and the moment."""

    @classmethod
    def setUpTestData(cls):
        organization = make_organization("Open hours trust")
        today = dt.date(2025, 6, 11)  # a Wednesday in summer time
        shapes = [
            ("WE", dt.time(9), dt.time(17), {}),
            ("MO,WE,FR", dt.time(9, 30), dt.time(12, 15), {}),
            ("TU", dt.time(22), dt.time(2), {}),  # Tuesday night into Wednesday
            ("WE", dt.time(22), dt.time(2), {}),
            ("WE", dt.time(8), dt.time(8), {}),  # round the clock, from 08:00 to 08:00
            ("we,th", dt.time(10), dt.time(11), {}),
            ("WE", dt.time(9), dt.time(17), {"valid_from": today}),
            ("WE", dt.time(9), dt.time(17), {"valid_from": today + dt.timedelta(days=1)}),
            ("WE", dt.time(9), dt.time(17), {"valid_to": today - dt.timedelta(days=1)}),
            ("WE", dt.time(9), dt.time(17), {"until": today}),
            ("TU", dt.time(23), dt.time(1), {"until": today - dt.timedelta(days=1)}),
            ("TU", dt.time(23), dt.time(1), {"dtstart": today}),
            ("WE", dt.time(9), dt.time(17), {"dtstart": today - dt.timedelta(days=3)}),
            ("WE", dt.time(9), dt.time(17), {"timezone": Decimal("1")}),
            ("WE", dt.time(9), dt.time(17), {"timezone": Decimal("0")}),
            ("", dt.time(9), dt.time(17), {}),
        ]
        cls.services = []
        for number, (byday, opens, closes, extra) in enumerate(shapes):
            service = make_service(f"Shape {number}", organization=organization)
            Schedule.objects.create(
                service=service, freq="WEEKLY", interval=1, byday=byday, opens_at=opens, closes_at=closes, **extra
            )
            cls.services.append(service)

    def test_sql_and_python_agree_on_every_shape_at_every_moment(self):
        london = dt.timezone(dt.timedelta(hours=1))  # BST, all through this week
        moments = [
            dt.datetime(2025, 6, 11, hour, minute, tzinfo=london)
            for hour in (0, 1, 7, 8, 9, 12, 16, 17, 22, 23)
            for minute in (0, 29, 59)
        ]
        for moment in moments:
            expected = sorted(
                service.name for service in self.services if open_now(list(service.schedules.all()), moment)
            )
            with self.subTest(moment=moment):
                self.assertEqual(names(search(open_now=True, now=moment, page_size=50)), expected)

    def test_other_schedules_are_still_decided_in_python(self):
        monthly = make_service("Monthly surgery", organization=self.services[0].organization)
        Schedule.objects.create(
            service=monthly, freq="MONTHLY", byday="2WE", opens_at=dt.time(10), closes_at=dt.time(13)
        )
        second_wednesday = dt.datetime(2025, 6, 11, 11, 0, tzinfo=dt.UTC)
        self.assertIn("Monthly surgery", names(search(open_now=True, now=second_wednesday, page_size=50)))
        third_wednesday = second_wednesday + dt.timedelta(days=7)
        self.assertNotIn("Monthly surgery", names(search(open_now=True, now=third_wednesday, page_size=50)))


class QueryCountTests(SearchTestCase):
    def test_a_constant_number_of_queries_whatever_the_number_of_results(self):
        for number in range(6):
            service = make_service(f"Dental outreach {number}", organization=self.smile.organization)
            give_need(service, self.dental)
            place(service, *M13)
            weekly(service, "MO", dt.time(9), dt.time(17))
            indexed(service)
        needs_index()
        # The needs stamp, the outcode, the count, the page, then its locations, addresses and
        # schedules.
        with self.assertNumQueries(7):
            few = search(q="smile", near="M13", speaks="fa", free=True)
        with self.assertNumQueries(7):
            many = search(q="dental", near="M13")
        self.assertEqual((few.total, many.total), (1, 8))
        monday = dt.datetime(2025, 3, 31, 10, 0, tzinfo=dt.UTC)
        # With open now the day after a clock change, when every schedule is decided in
        # Python: the needs stamp, the ordered candidates, their schedules, the page, then its
        # locations, addresses and schedules.
        with self.assertNumQueries(7):
            opened = search(q="dental", open_now=True, now=monday)
        self.assertEqual(opened.total, 7)
        # A week later (no clock change), plain weekly schedules are decided in SQL: the needs
        # stamp, the ordered open services, the page and its related rows (no other schedule
        # to read).
        with self.assertNumQueries(6):
            opened = search(q="dental", open_now=True, now=monday + dt.timedelta(days=7))
        self.assertEqual(opened.total, 7)
        # What a results page reads of each service is already there.
        with self.assertNumQueries(0):
            for service in many.services:
                str(service.organization)
                for link in service.service_at_locations.all():
                    str(link.location.area)
                    list(link.location.addresses.all())
                list(service.schedules.all())


class SearchFormTests(TestCase):
    def errors(self, **data):
        form = SearchForm(data)
        self.assertFalse(form.is_valid())
        return {name: [str(message) for message in messages] for name, messages in form.errors.items()}

    def test_a_valid_form_gives_the_query(self):
        form = SearchForm(
            {
                "q": " dentist ",
                "near": "m13 9pl",
                "need": "dental",
                "speaks": "AR",
                "open_now": "1",
                "for": "nrpf",
                "free": "1",
                "access": "drop_in",
                "page": "2",
            }
        )
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(
            form.query(),
            SearchQuery(
                q="dentist",
                near="M13 9PL",
                need="dental",
                speaks="ar",
                open_now=True,
                for_="nrpf",
                free=True,
                access="drop_in",
                page=2,
            ),
        )

    def test_nothing_asked_is_valid(self):
        form = SearchForm({})
        self.assertTrue(form.is_valid())
        self.assertEqual(form.query(), SearchQuery())

    def test_zero_in_a_link_is_not_ticked(self):
        form = SearchForm({"open_now": "0", "free": "false"})
        self.assertTrue(form.is_valid())
        self.assertFalse(form.query().open_now)
        self.assertFalse(form.query().free)

    def test_positions(self):
        form = SearchForm({"near": " 53.4808 , -2.2426 "})
        self.assertTrue(form.is_valid())
        self.assertEqual(form.query().near, "53.480800,-2.242600")
        self.assertIn("latitude from -90 to 90", self.errors(near="95,-2")["near"][0])
        self.assertIn("separated by a comma", self.errors(near="53.4,west")["near"][0])
        self.assertIn("separated by a comma", self.errors(near="53.48")["near"][0])

    def test_something_that_is_not_a_postcode(self):
        self.assertIn("Enter a postcode", self.errors(near="Manchester!")["near"][0])

    def test_an_unknown_outcode_is_not_an_error(self):
        self.assertTrue(SearchForm({"near": "ZZ99"}).is_valid())

    def test_choices_and_needs_from_the_lists(self):
        self.assertEqual(
            self.errors(access="swim", **{"for": "martians"}, need="no-such-need", speaks="no code!", page="0"),
            {
                "access": ["Choose how you can get to the service from the list."],
                "for": ["Choose who the service is for from the list."],
                "need": ["Choose a need from the list."],
                "speaks": ["Choose a language from the list."],
                "page": ["The page must be 1 or more."],
            },
        )


class SearchIndexTests(TestCase):
    def test_the_index_is_repaired_when_it_is_missing(self):
        from waymark.directory.search_index import PG_INDEX, ensure_search_index

        service = indexed(make_service("Riverside advice", description="Housing questions answered."))
        self.assertFalse(ensure_search_index())
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER directory_service_search_au")
                cursor.execute("DROP TABLE directory_service_fts")
            else:
                # The rows made above have deferred foreign-key checks; an index cannot be
                # made on a table with checks pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"DROP INDEX {PG_INDEX}")
        self.assertTrue(ensure_search_index())
        self.assertEqual(names(search(q="housing questions")), ["Riverside advice"])
        service.description = "Benefits questions answered."
        indexed(service)
        self.assertEqual(names(search(q="benefits")), ["Riverside advice"])
        self.assertEqual(search(q="housing").total, 0)

    def test_an_index_of_the_earlier_version_is_made_again_with_the_facets(self):
        from waymark.directory.search_index import ensure_search_index

        service = indexed(make_service("Riverside advice", description="Housing questions answered."))
        Language.objects.create(service=service, code="so", name="Somali")
        indexed(service)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # Issue 3's first index: search_text only, triggers that know nothing else.
                for trigger in ("directory_service_search_ai", "directory_service_search_au"):
                    cursor.execute(f"DROP TRIGGER {trigger}")
                cursor.execute("DROP TRIGGER directory_service_search_ad")
                cursor.execute("DROP TABLE directory_service_fts")
                cursor.execute(
                    "CREATE VIRTUAL TABLE directory_service_fts USING fts5(search_text, content='', tokenize='ascii')"
                )
            else:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                # Issue 3's first vector kept word positions.
                cursor.execute("ALTER TABLE directory_service DROP COLUMN search_vector")
                cursor.execute(
                    "ALTER TABLE directory_service ADD COLUMN search_vector tsvector "
                    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
                )
        self.assertTrue(ensure_search_index())
        self.assertFalse(ensure_search_index())
        self.assertEqual(names(search(q="housing", speaks="so")), ["Riverside advice"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT generation_expression FROM information_schema.columns "
                    "WHERE table_name = 'directory_service' AND column_name = 'search_vector'"
                )
                self.assertIn("strip", cursor.fetchone()[0])

    def test_bulk_writes_of_the_facets_keep_the_index_in_step(self):
        service = make_service("Bulk speaker")
        service.search_facets = "lso"
        Service.objects.bulk_update([service], ["search_facets"])
        self.assertEqual(names(search(speaks="so")), ["Bulk speaker"])
        service.search_facets = "lti"
        Service.objects.bulk_update([service], ["search_facets"])
        self.assertEqual(search(speaks="so").total, 0)
        self.assertEqual(names(search(speaks="ti")), ["Bulk speaker"])

    def test_bulk_writes_keep_the_index_in_step(self):
        services = [make_service(f"Bulk {number}") for number in range(3)]
        for service in services:
            service.search_text = f"bulk{service.name[-1]} marker"
        Service.objects.bulk_update(services, ["search_text"])
        self.assertEqual(names(search(q="marker")), ["Bulk 0", "Bulk 1", "Bulk 2"])
        Service.objects.filter(name="Bulk 1").delete()
        self.assertEqual(names(search(q="marker")), ["Bulk 0", "Bulk 2"])
