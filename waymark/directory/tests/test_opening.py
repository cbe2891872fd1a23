"""Open now, next open and the weekly summary, from HSDS schedules in Europe/London time.

Moments are given in UTC, as a server clock gives them, so the tests show that local opening
hours hold across the clock changes (29 March and 25 October 2026).
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.test import SimpleTestCase, TestCase
from django.utils import translation

from waymark.directory.models import Schedule, Service
from waymark.directory.opening import describe_opening_times, is_open_at, next_opening, open_now
from waymark.directory.tests.builders import make_service

UTC = dt.UTC


def utc(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def schedule(byday="", opens="10:00", closes="14:00", freq="WEEKLY", **fields):
    return Schedule(
        freq=freq,
        byday=byday,
        opens_at=dt.time.fromisoformat(opens) if opens else None,
        closes_at=dt.time.fromisoformat(closes) if closes else None,
        **fields,
    )


def as_utc(opening):
    start, end = opening
    return start.astimezone(UTC), end.astimezone(UTC)


class ClockChangeTestCase(SimpleTestCase):
    sundays = [schedule("SU")]

    def test_it_opens_at_ten_local_on_the_sunday_the_clocks_go_forward(self):
        # 29 March 2026: from 01:00 UTC the clocks show BST, so 10:00 local is 09:00 UTC.
        self.assertFalse(is_open_at(self.sundays, utc(2026, 3, 29, 8, 30)))
        self.assertTrue(is_open_at(self.sundays, utc(2026, 3, 29, 9, 0)))
        self.assertTrue(is_open_at(self.sundays, utc(2026, 3, 29, 12, 59)))
        self.assertFalse(is_open_at(self.sundays, utc(2026, 3, 29, 13, 0)))

    def test_it_opens_at_ten_local_on_the_sunday_the_clocks_go_back(self):
        # 25 October 2026: from 01:00 UTC the clocks show GMT again, so 10:00 local is 10:00 UTC.
        self.assertFalse(is_open_at(self.sundays, utc(2026, 10, 25, 9, 30)))
        self.assertTrue(is_open_at(self.sundays, utc(2026, 10, 25, 10, 0)))
        self.assertTrue(is_open_at(self.sundays, utc(2026, 10, 25, 13, 59)))
        self.assertFalse(is_open_at(self.sundays, utc(2026, 10, 25, 14, 0)))

    def test_it_gives_the_next_opening_on_the_spring_change_in_local_time(self):
        start, end = next_opening(self.sundays, utc(2026, 3, 28, 12))
        self.assertEqual((start.astimezone(UTC), end.astimezone(UTC)), (utc(2026, 3, 29, 9), utc(2026, 3, 29, 13)))
        self.assertEqual((start.hour, end.hour), (10, 14))

    def test_it_gives_the_next_opening_on_the_autumn_change_in_local_time(self):
        start, end = next_opening(self.sundays, utc(2026, 10, 24, 12))
        self.assertEqual((start.astimezone(UTC), end.astimezone(UTC)), (utc(2026, 10, 25, 10), utc(2026, 10, 25, 14)))
        self.assertEqual((start.hour, end.hour), (10, 14))

    def test_it_does_not_skip_the_short_day_when_looking_ahead_from_late_evening(self):
        # 23:30 UTC on Saturday 28 March is 23:30 GMT; 24 hours later it is already Monday in BST.
        self.assertEqual(as_utc(next_opening(self.sundays, utc(2026, 3, 28, 23, 30)))[0], utc(2026, 3, 29, 9))

    def test_it_closes_at_two_local_across_the_spring_change_overnight(self):
        # Saturday 22:00 GMT until Sunday 02:00 BST: three hours, ending at 01:00 UTC.
        late = [schedule("SA", "22:00", "02:00")]
        self.assertTrue(is_open_at(late, utc(2026, 3, 29, 0, 30)))
        self.assertFalse(is_open_at(late, utc(2026, 3, 29, 1, 0)))


class WeeklyTestCase(SimpleTestCase):
    def test_it_is_open_on_a_listed_day_during_the_hours(self):
        mondays_and_thursdays = [schedule("MO,TH")]
        self.assertTrue(is_open_at(mondays_and_thursdays, utc(2026, 1, 5, 11)))  # Monday
        self.assertTrue(is_open_at(mondays_and_thursdays, utc(2026, 1, 8, 11)))  # Thursday
        self.assertFalse(is_open_at(mondays_and_thursdays, utc(2026, 1, 6, 11)))  # Tuesday

    def test_it_is_closed_at_closing_time(self):
        self.assertFalse(is_open_at([schedule("MO")], utc(2026, 1, 5, 14)))

    def test_it_stays_open_past_midnight_when_closing_is_before_opening(self):
        fridays_late = [schedule("FR", "22:00", "02:00")]
        self.assertFalse(is_open_at(fridays_late, utc(2026, 1, 2, 21, 59)))
        self.assertTrue(is_open_at(fridays_late, utc(2026, 1, 2, 23)))
        self.assertTrue(is_open_at(fridays_late, utc(2026, 1, 3, 1, 30)))  # Saturday morning
        self.assertFalse(is_open_at(fridays_late, utc(2026, 1, 3, 2)))

    def test_it_gives_a_midnight_crossing_opening_ending_the_next_day(self):
        start, end = as_utc(next_opening([schedule("FR", "22:00", "02:00")], utc(2026, 1, 1)))
        self.assertEqual((start, end), (utc(2026, 1, 2, 22), utc(2026, 1, 3, 2)))

    def test_it_opens_every_other_week_from_dtstart_when_interval_is_two(self):
        fortnightly = [schedule("WE", interval=2, dtstart=dt.date(2026, 1, 7))]
        self.assertTrue(is_open_at(fortnightly, utc(2026, 1, 7, 11)))
        self.assertFalse(is_open_at(fortnightly, utc(2026, 1, 14, 11)))
        self.assertTrue(is_open_at(fortnightly, utc(2026, 1, 21, 11)))
        self.assertEqual(as_utc(next_opening(fortnightly, utc(2026, 1, 8)))[0], utc(2026, 1, 21, 10))

    def test_it_never_claims_open_for_every_other_week_without_a_start(self):
        self.assertIsNone(next_opening([schedule("WE", interval=2)], utc(2026, 1, 1)))

    def test_it_reads_days_without_a_frequency_as_every_week(self):
        self.assertTrue(is_open_at([schedule("MO", freq="")], utc(2026, 1, 5, 11)))

    def test_it_uses_the_weekday_of_dtstart_when_no_days_are_given(self):
        self.assertTrue(is_open_at([schedule("", dtstart=dt.date(2026, 1, 6))], utc(2026, 1, 13, 11)))
        self.assertFalse(is_open_at([schedule("", dtstart=dt.date(2026, 1, 6))], utc(2026, 1, 12, 11)))

    def test_it_is_never_open_without_hours(self):
        self.assertFalse(is_open_at([schedule("MO", opens=None, closes=None)], utc(2026, 1, 5, 11)))


class MonthlyTestCase(SimpleTestCase):
    def test_it_opens_on_the_first_tuesday_of_the_month(self):
        first_tuesdays = [schedule("1TU", freq="MONTHLY")]
        self.assertTrue(is_open_at(first_tuesdays, utc(2026, 6, 2, 10)))  # 11:00 BST
        self.assertFalse(is_open_at(first_tuesdays, utc(2026, 6, 9, 10)))
        self.assertEqual(as_utc(next_opening(first_tuesdays, utc(2026, 6, 3)))[0], utc(2026, 7, 7, 9))

    def test_it_opens_on_the_last_friday_of_the_month(self):
        last_fridays = [schedule("-1FR", freq="MONTHLY")]
        self.assertTrue(is_open_at(last_fridays, utc(2026, 5, 29, 10)))
        self.assertFalse(is_open_at(last_fridays, utc(2026, 5, 22, 10)))

    def test_it_opens_on_days_of_the_month(self):
        first_and_last = [schedule("", freq="MONTHLY", bymonthday="1,-1")]
        self.assertTrue(is_open_at(first_and_last, utc(2026, 2, 1, 11)))
        self.assertTrue(is_open_at(first_and_last, utc(2026, 2, 28, 11)))
        self.assertFalse(is_open_at(first_and_last, utc(2026, 2, 27, 11)))

    def test_it_opens_every_other_month_from_dtstart(self):
        alternate = [schedule("1TU", freq="MONTHLY", interval=2, dtstart=dt.date(2026, 1, 6))]
        self.assertTrue(is_open_at(alternate, utc(2026, 3, 3, 11)))
        self.assertFalse(is_open_at(alternate, utc(2026, 2, 3, 11)))


class DateBoundsTestCase(SimpleTestCase):
    def test_it_is_closed_and_never_opens_again_after_valid_to(self):
        ended = [schedule("MO", valid_to=dt.date(2026, 1, 31))]
        self.assertTrue(is_open_at(ended, utc(2026, 1, 26, 11)))
        self.assertFalse(is_open_at(ended, utc(2026, 2, 2, 11)))
        self.assertIsNone(next_opening(ended, utc(2026, 2, 1)))

    def test_it_first_opens_on_valid_from(self):
        later = [schedule("MO", valid_from=dt.date(2026, 2, 1))]
        self.assertFalse(is_open_at(later, utc(2026, 1, 26, 11)))
        self.assertEqual(as_utc(next_opening(later, utc(2026, 1, 20)))[0], utc(2026, 2, 2, 10))

    def test_it_respects_dtstart_and_until(self):
        bounded = [schedule("MO", dtstart=dt.date(2026, 1, 12), until=dt.date(2026, 1, 19))]
        self.assertFalse(is_open_at(bounded, utc(2026, 1, 5, 11)))
        self.assertTrue(is_open_at(bounded, utc(2026, 1, 19, 11)))
        self.assertIsNone(next_opening(bounded, utc(2026, 1, 20)))

    def test_it_stops_after_count_occurrences(self):
        twice = [schedule("SA", count=2, dtstart=dt.date(2026, 1, 3))]
        self.assertTrue(is_open_at(twice, utc(2026, 1, 10, 11)))
        self.assertFalse(is_open_at(twice, utc(2026, 1, 17, 11)))


class NextOpeningTestCase(SimpleTestCase):
    def test_it_is_closed_with_no_next_opening_without_schedules(self):
        self.assertFalse(is_open_at([], utc(2026, 1, 5, 11)))
        self.assertFalse(open_now([], now=utc(2026, 1, 5, 11)))
        self.assertIsNone(next_opening([], utc(2026, 1, 5, 11)))

    def test_it_gives_the_opening_in_progress(self):
        self.assertEqual(
            as_utc(next_opening([schedule("MO")], utc(2026, 1, 5, 11))), (utc(2026, 1, 5, 10), utc(2026, 1, 5, 14))
        )

    def test_it_gives_the_earliest_of_several_schedules(self):
        schedules = [schedule("TH"), schedule("TU", "13:00", "15:00")]
        self.assertEqual(as_utc(next_opening(schedules, utc(2026, 1, 5)))[0], utc(2026, 1, 6, 13))

    def test_it_joins_openings_that_follow_on(self):
        schedules = [schedule("MO", "10:00", "12:00"), schedule("MO", "12:00", "16:00")]
        self.assertEqual(as_utc(next_opening(schedules, utc(2026, 1, 5, 11)))[1], utc(2026, 1, 5, 16))

    def test_it_refuses_a_naive_datetime(self):
        with self.assertRaises(ValueError):
            is_open_at([schedule("MO")], dt.datetime(2026, 1, 5, 11))

    def test_it_answers_open_now_for_the_moment_given(self):
        self.assertTrue(open_now([schedule("MO")], now=utc(2026, 1, 5, 11)))
        self.assertFalse(open_now([schedule("MO")], now=utc(2026, 1, 5, 15)))


class TimeZoneTestCase(SimpleTestCase):
    def test_it_uses_a_schedules_own_offset(self):
        india = [schedule("MO", timezone=Decimal("5.5"))]
        self.assertTrue(is_open_at(india, utc(2026, 1, 5, 4, 30)))
        self.assertFalse(is_open_at(india, utc(2026, 1, 5, 10, 30)))

    def test_it_reads_an_offset_of_zero_as_uk_time(self):
        # A British publisher writing 0 means local time, which is BST in summer.
        self.assertTrue(is_open_at([schedule("MO", timezone=Decimal("0"))], utc(2026, 6, 1, 9)))

    def test_it_takes_plain_values_with_a_zone_name(self):
        paris = SimpleNamespace(
            freq="WEEKLY", byday="MO", opens_at=dt.time(10), closes_at=dt.time(14), timezone="Europe/Paris"
        )
        self.assertTrue(is_open_at([paris], utc(2026, 1, 5, 9)))
        self.assertFalse(is_open_at([paris], utc(2026, 1, 5, 13, 30)))


class DescribeOpeningTimesTestCase(SimpleTestCase):
    today = dt.date(2026, 1, 5)

    def test_it_lists_weekly_days_monday_first_with_hours_joined(self):
        rows = describe_opening_times(
            [schedule("FR,MO", "14:00", "16:00"), schedule("MO", "09:00", "12:00")], today=self.today
        )
        self.assertEqual(
            [(str(day), hours) for day, hours in rows],
            [("Monday", "09:00–12:00, 14:00–16:00"), ("Friday", "14:00–16:00")],
        )

    def test_it_translates_the_day_names(self):
        rows = describe_opening_times([schedule("MO")], today=self.today)
        with translation.override("fr"):
            self.assertEqual(str(rows[0][0]).lower(), "lundi")

    def test_it_falls_back_to_the_description_for_other_schedules(self):
        monthly = schedule("1TU", freq="MONTHLY", description="First Tuesday of the month")
        self.assertEqual(
            describe_opening_times([monthly, schedule("WE")], today=self.today),
            [("Wednesday", "10:00–14:00"), ("First Tuesday of the month", "10:00–14:00")],
        )

    def test_it_leaves_out_schedules_that_have_ended(self):
        ended = schedule("MO", valid_to=dt.date(2025, 12, 31))
        self.assertEqual(describe_opening_times([ended], today=self.today), [])


class QueriesTestCase(TestCase):
    def test_it_makes_no_queries_over_prefetched_schedules(self):
        service = make_service()
        Schedule.objects.create(service=service, freq="WEEKLY", byday="MO", opens_at=dt.time(10), closes_at=dt.time(14))
        service = Service.objects.prefetch_related("schedules").get(pk=service.pk)
        with self.assertNumQueries(0):
            self.assertTrue(is_open_at(service.schedules.all(), utc(2026, 1, 5, 11)))
            self.assertIsNotNone(next_opening(service.schedules.all(), utc(2026, 1, 6)))
            self.assertEqual(len(describe_opening_times(service.schedules.all(), today=dt.date(2026, 1, 5))), 1)
