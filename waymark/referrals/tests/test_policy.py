"""Referral policy as data: working days that skip weekends and bank holidays (England and
Wales), the response deadline at 17:00 London time, the reminder before it, and the policy
row in force on a day."""

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

from django.test import TestCase

from waymark.referrals import policy
from waymark.referrals.models import BankHoliday, ReferralPolicy

LONDON = ZoneInfo("Europe/London")


def london(*args):
    return dt.datetime(*args, tzinfo=LONDON)


class WorkingDayTests(TestCase):
    """The bank holidays come from the referrals data migration (GOV.UK's list)."""

    def test_christmas_and_new_year_are_skipped(self):
        # Wednesday 23 December 2026. Working days after it: Thu 24; (Fri 25 Christmas Day,
        # the weekend, Mon 28 Boxing Day substitute) Tue 29, Wed 30, Thu 31; (Fri 1 January
        # New Year's Day, the weekend) Mon 4 January 2027.
        start = dt.date(2026, 12, 23)
        self.assertEqual(policy.add_working_days(start, 1), dt.date(2026, 12, 24))
        self.assertEqual(policy.add_working_days(start, 2), dt.date(2026, 12, 29))
        self.assertEqual(policy.add_working_days(start, 4), dt.date(2026, 12, 31))
        self.assertEqual(policy.add_working_days(start, 5), dt.date(2027, 1, 4))

    def test_weekends_and_easter_are_skipped(self):
        # Friday to Friday over an ordinary weekend.
        self.assertEqual(policy.add_working_days(dt.date(2026, 11, 13), 5), dt.date(2026, 11, 20))
        # Maundy Thursday 2 April 2026: Good Friday 3 and Easter Monday 6 are bank holidays.
        self.assertEqual(policy.add_working_days(dt.date(2026, 4, 2), 5), dt.date(2026, 4, 13))
        # From a Saturday the count starts on Monday.
        self.assertEqual(policy.add_working_days(dt.date(2026, 11, 14), 1), dt.date(2026, 11, 16))

    def test_counting_back(self):
        self.assertEqual(policy.subtract_working_days(dt.date(2027, 1, 4), 1), dt.date(2026, 12, 31))
        self.assertEqual(policy.subtract_working_days(dt.date(2026, 12, 29), 1), dt.date(2026, 12, 24))
        self.assertEqual(policy.subtract_working_days(dt.date(2026, 4, 7), 1), dt.date(2026, 4, 2))

    def test_a_bank_holiday_added_by_an_administrator_counts(self):
        # A one-off bank holiday (as for a coronation) on Monday 16 November 2026.
        BankHoliday.objects.create(date=dt.date(2026, 11, 16), title="A one-off bank holiday", source="GOV.UK")
        self.assertEqual(policy.add_working_days(dt.date(2026, 11, 13), 5), dt.date(2026, 11, 23))
        # Scotland's holidays are not England and Wales's.
        BankHoliday.objects.create(
            division=BankHoliday.Division.SCOTLAND, date=dt.date(2026, 11, 30), title="St Andrew's Day", source="x"
        )
        self.assertEqual(policy.add_working_days(dt.date(2026, 11, 27), 1), dt.date(2026, 11, 30))


class DeadlineTests(TestCase):
    def test_the_deadline_is_five_working_days_later_at_five_in_london(self):
        sent = london(2026, 12, 23, 10, 0)
        self.assertEqual(policy.response_deadline(sent), london(2027, 1, 4, 17, 0))

    def test_a_friday_afternoon_referral_is_due_the_next_friday(self):
        self.assertEqual(policy.response_deadline(london(2026, 11, 13, 16, 45)), london(2026, 11, 20, 17, 0))

    def test_the_day_is_londons_not_utcs(self):
        # 23:30 UTC on Tuesday 30 June 2026 is 00:30 on Wednesday 1 July in London (summer time).
        sent = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
        due = policy.response_deadline(sent)
        self.assertEqual(due, london(2026, 7, 8, 17, 0))
        self.assertEqual(due.astimezone(dt.UTC), dt.datetime(2026, 7, 8, 16, 0, tzinfo=dt.UTC))

    def test_the_reminder_is_at_nine_the_working_day_before(self):
        self.assertEqual(policy.reminder_time(london(2027, 1, 4, 17, 0)), london(2026, 12, 31, 9, 0))
        # Over a weekend: the Friday before a Monday deadline.
        self.assertEqual(policy.reminder_time(london(2026, 11, 23, 17, 0)), london(2026, 11, 20, 9, 0))

    def test_a_later_policy_row_applies_from_its_date(self):
        ReferralPolicy.objects.create(
            valid_from=dt.date(2027, 1, 1),
            response_working_days=10,
            reminder_working_days=2,
            access_days_after_close=14,
            letter_link_days=7,
            source="The network's new partnership agreement",
        )
        self.assertEqual(policy.policy_on(dt.date(2026, 12, 31)).response_working_days, 5)
        self.assertEqual(policy.policy_on(dt.date(2027, 1, 1)).response_working_days, 10)
        # Sent on Monday 4 January 2027: ten working days is Monday 18 January.
        self.assertEqual(policy.response_deadline(london(2027, 1, 4, 9, 0)), london(2027, 1, 18, 17, 0))
        # Its reminder comes two working days before.
        self.assertEqual(policy.reminder_time(london(2027, 1, 18, 17, 0)), london(2027, 1, 14, 9, 0))
        # Referrals sent before it keep the old rule.
        self.assertEqual(policy.response_deadline(london(2026, 12, 23, 10, 0)), london(2027, 1, 4, 17, 0))

    def test_no_policy_in_force_is_an_error_not_a_guess(self):
        with self.assertRaises(policy.NoPolicy):
            policy.policy_on(dt.date(2020, 1, 1))

    def test_today_is_londons_today(self):
        # 23:30 UTC on 31 December 2026 is still 31 December in London (winter time), and the
        # policy of that day applies.
        ReferralPolicy.objects.create(
            valid_from=dt.date(2027, 1, 1),
            response_working_days=10,
            reminder_working_days=2,
            access_days_after_close=14,
            letter_link_days=7,
            source="x",
        )
        with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)):
            self.assertEqual(policy.policy_on().response_working_days, 5)
        with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2027, 1, 1, 0, 30, tzinfo=dt.UTC)):
            self.assertEqual(policy.policy_on().response_working_days, 10)


class SituationMappingTests(TestCase):
    def test_stages_map_to_situations_and_unknown_stages_to_nothing(self):
        self.assertEqual(policy.situations_for_stage("awaiting_decision"), ["seeking_asylum"])
        self.assertEqual(policy.situations_for_stage("granted"), ["refugee_hp"])
        self.assertEqual(policy.situations_for_stage("appeal_rights_exhausted"), ["nrpf", "refused_are"])
        self.assertEqual(policy.situations_for_stage("not_known"), [])
        self.assertEqual(policy.situations_for_stage("other_status"), [])
