"""Referral policy as data: the rules in force on a day, and working days.

A receiver has ``ReferralPolicy.response_working_days`` working days to answer. A working day
is Monday to Friday and not a bank holiday in England and Wales (``BankHoliday``, from GOV.UK's
list). The deadline is the end of the last working day (17:00 London time), so a referral sent
on Friday afternoon with five working days is due the Friday after at 17:00.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from waymark.referrals.models import BankHoliday, ReferralPolicy, SituationMapping

LONDON = ZoneInfo("Europe/London")
END_OF_WORKING_DAY = dt.time(17, 0)
DIVISION = BankHoliday.Division.ENGLAND_AND_WALES


class NoPolicy(LookupError):
    """No policy row is in force on the day asked about (an administrator must add one)."""


def policy_on(day=None):
    """The ReferralPolicy in force on ``day`` (default today)."""
    day = day or timezone.localdate()
    policy = ReferralPolicy.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    if policy is None:
        raise NoPolicy(f"No referral policy is in force on {day}.")
    return policy


def bank_holidays(start, end):
    """The bank holidays between two dates (both included), as a set of dates. One query."""
    return set(BankHoliday.objects.filter(division=DIVISION, date__range=(start, end)).values_list("date", flat=True))


def is_working_day(day, holidays):
    return day.weekday() < 5 and day not in holidays


def add_working_days(start, count):
    """The date ``count`` working days after ``start`` (a date; ``start`` itself does not count)."""
    # Generous enough for any run of weekends and holidays (Christmas to New Year).
    holidays = bank_holidays(start, start + dt.timedelta(days=count * 2 + 14))
    day = start
    while count > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            count -= 1
    return day


def subtract_working_days(end, count):
    """The date ``count`` working days before ``end``."""
    holidays = bank_holidays(end - dt.timedelta(days=count * 2 + 14), end)
    day = end
    while count > 0:
        day -= dt.timedelta(days=1)
        if is_working_day(day, holidays):
            count -= 1
    return day


def end_of_day(day):
    """17:00 London time on ``day``, as an aware datetime."""
    return dt.datetime.combine(day, END_OF_WORKING_DAY, tzinfo=LONDON)


def response_deadline(sent_at, policy=None):
    """When the answer to a referral sent at ``sent_at`` is due."""
    policy = policy or policy_on(sent_at.astimezone(LONDON).date())
    return end_of_day(add_working_days(sent_at.astimezone(LONDON).date(), policy.response_working_days))


def reminder_time(respond_by, policy=None):
    """When to remind the receiver that an answer is due: the start (09:00) of the working day
    ``reminder_working_days`` before the deadline's day."""
    day = respond_by.astimezone(LONDON).date()
    policy = policy or policy_on(day)
    return dt.datetime.combine(subtract_working_days(day, policy.reminder_working_days), dt.time(9, 0), tzinfo=LONDON)


def situations_for_stage(stage, day=None):
    """The Service.ImmigrationSituation values a person at journey ``stage`` falls under on
    ``day``: the rows of the latest date in force for that stage. Empty means unknown."""
    day = day or timezone.localdate()
    rows = list(
        SituationMapping.objects.filter(stage=stage, valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("valid_from", "situation")
    )
    if not rows:
        return []
    latest = rows[0][0]
    return sorted({situation for valid_from, situation in rows if valid_from == latest})
