"""When a service is open: "open now", "next open" and a weekly summary, from HSDS schedules.

Schedules are iCalendar-style recurrences (RFC 5545) with local opening and closing times. The
times are wall-clock times in the schedule's own zone, so "10:00–14:00" on the Sunday the clocks
change is still 10:00–14:00 on the clock on the wall; every comparison is made in UTC so that a
change of offset never shifts an opening.

Everything here is pure Python over objects that have the Schedule fields (a ``Schedule`` or
any object with those attributes), so it never queries the database: callers prefetch
``schedules`` for a whole results page.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LONDON = ZoneInfo("Europe/London")

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"))

# How far ahead "next open" looks: a little over a year, so that a monthly schedule repeating
# every twelve months (or a first opening after a long closure) is still found.
SEARCH_DAYS = 400
# A service open round the clock chains one opening into the next for ever; "open until" stops
# looking this far ahead.
LONGEST_OPENING = dt.timedelta(days=7)


def schedule_zone(schedule):
    """The zone a schedule's dates and times are in: Europe/London unless it says otherwise.

    HSDS gives a UTC offset in hours. An offset of 0 or 1 from a British publisher means UK
    time (GMT in winter, BST in summer), not a fixed offset that would be an hour out for half
    the year, so those are read as Europe/London. Any other offset is taken as fixed. A zone
    name ("Europe/Paris") is accepted from plain values.
    """
    zone = getattr(schedule, "timezone", None)
    if zone is None or zone == "":
        return LONDON
    if isinstance(zone, dt.tzinfo):
        return zone
    if isinstance(zone, str):
        try:
            zone = Decimal(zone)
        except ArithmeticError:
            return ZoneInfo(zone)
    if zone in (0, 1):
        return LONDON
    return dt.timezone(dt.timedelta(hours=float(zone)))


def _codes(text):
    return [part.strip().upper() for part in (text or "").split(",") if part.strip()]


def weekday_rules(schedule):
    """The ``byday`` rules as (ordinal or None, weekday 0–6) pairs; unknown parts are ignored."""
    rules = []
    for code in _codes(getattr(schedule, "byday", "")):
        day, ordinal = code[-2:], code[:-2]
        if day not in WEEKDAY_CODES:
            continue
        try:
            number = int(ordinal) if ordinal not in ("", "+") else None
        except ValueError:
            continue
        rules.append((number, WEEKDAY_CODES.index(day)))
    return rules


def _bymonthday(schedule):
    days = []
    for code in _codes(getattr(schedule, "bymonthday", "")):
        try:
            days.append(int(code))
        except ValueError:
            continue
    return days


def _frequency(schedule):
    freq = (getattr(schedule, "freq", "") or "").upper()
    # Much published data gives only the days: "MO,WE" with no frequency means every week.
    if not freq and weekday_rules(schedule):
        return "WEEKLY"
    return freq


def _interval(schedule):
    return max(getattr(schedule, "interval", None) or 1, 1)


def _first_day(schedule):
    """The first date the schedule can occur on, or None if unbounded."""
    starts = [day for day in (getattr(schedule, "valid_from", None), getattr(schedule, "dtstart", None)) if day]
    return max(starts) if starts else None


def _anchor(schedule):
    """The date repeats are counted from ("every 2 weeks" from when?): dtstart, else valid_from."""
    return getattr(schedule, "dtstart", None) or getattr(schedule, "valid_from", None)


def _days_in_month(day):
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (following - dt.timedelta(days=1)).day


def _matches_pattern(schedule, day):
    """Whether ``day`` fits the schedule's repeat pattern, ignoring its start and end dates."""
    freq = _frequency(schedule)
    interval = _interval(schedule)
    anchor = _anchor(schedule)
    rules = weekday_rules(schedule)
    if freq == "WEEKLY":
        weekdays = {weekday for _ordinal, weekday in rules}
        if not weekdays and anchor:
            weekdays = {anchor.weekday()}
        if day.weekday() not in weekdays:
            return False
        if interval > 1:
            if not anchor:
                # "Every other week" from an unknown start could be either week: claiming it
                # open would send people to a closed door, so it is never open.
                return False
            week_start = WEEKDAY_CODES.index(getattr(schedule, "wkst", "") or "MO")
            weeks = (_week_of(day, week_start) - _week_of(anchor, week_start)).days // 7
            return weeks % interval == 0
        return True
    if freq == "MONTHLY":
        if interval > 1:
            if not anchor:
                return False
            months = (day.year - anchor.year) * 12 + day.month - anchor.month
            if months % interval:
                return False
        monthdays = _bymonthday(schedule)
        if monthdays:
            length = _days_in_month(day)
            if not any(day.day == (n if n > 0 else length + n + 1) for n in monthdays):
                return False
        if rules:
            return any(_is_nth_weekday(day, ordinal, weekday) for ordinal, weekday in rules)
        if monthdays:
            return True
        return bool(anchor) and day.day == anchor.day
    return False


def _week_of(day, week_start):
    return day - dt.timedelta(days=(day.weekday() - week_start) % 7)


def _is_nth_weekday(day, ordinal, weekday):
    """Whether ``day`` is the ``ordinal``-th ``weekday`` of its month (negative: from the end)."""
    if day.weekday() != weekday:
        return False
    if ordinal is None:
        return True
    if ordinal > 0:
        return (day.day - 1) // 7 + 1 == ordinal
    return (_days_in_month(day) - day.day) // 7 + 1 == -ordinal


def _last_day(schedule):
    """The last date the schedule can occur on, or None if it goes on for ever."""
    ends = [day for day in (getattr(schedule, "valid_to", None), getattr(schedule, "until", None)) if day]
    count = getattr(schedule, "count", None)
    first = _first_day(schedule)
    if count and first:
        ends.append(_day_of_occurrence(schedule, first, count))
    return min(ends) if ends else None


def _day_of_occurrence(schedule, first, count):
    # Counting the occurrences needs a walk from the first date; ``count`` is small in practice
    # ("the next six Saturdays"), and the walk stops at the search horizon either way.
    seen = 0
    for offset in range(SEARCH_DAYS * 3):
        day = first + dt.timedelta(days=offset)
        if _matches_pattern(schedule, day):
            seen += 1
            if seen == count:
                return day
    return first + dt.timedelta(days=SEARCH_DAYS * 3)


def occurs_on(schedule, day):
    """Whether the schedule has an opening that begins on the local date ``day``."""
    first = _first_day(schedule)
    if first and day < first:
        return False
    last = _last_day(schedule)
    if last and day > last:
        return False
    return _matches_pattern(schedule, day)


def opening_on(schedule, day):
    """The (start, end) of the schedule's opening beginning on local date ``day``, or None.

    Both are aware datetimes in the schedule's zone. A closing time at or before the opening
    time means the opening runs past midnight and closes the next day.
    """
    opens_at = getattr(schedule, "opens_at", None)
    closes_at = getattr(schedule, "closes_at", None)
    if opens_at is None or closes_at is None or not occurs_on(schedule, day):
        return None
    zone = schedule_zone(schedule)
    closing_day = day + dt.timedelta(days=1) if closes_at <= opens_at else day
    start = dt.datetime.combine(day, opens_at, tzinfo=zone)
    end = dt.datetime.combine(closing_day, closes_at, tzinfo=zone)
    return start, end


def _utc(moment):
    # Aware datetimes sharing one ZoneInfo compare by wall-clock time, ignoring the offset;
    # comparing in UTC is what makes an hour lost or gained at a clock change count.
    return moment.astimezone(dt.UTC)


def _openings_on_days(schedules, moment, first_offset, last_offset):
    """Every opening whose start date, counted in days from ``moment``'s date in the
    schedule's own zone, is between ``first_offset`` and ``last_offset``."""
    openings = []
    for schedule in schedules:
        # Stepping through local dates, not through 24-hour periods: a day at a clock change
        # is 23 or 25 hours long.
        local_day = moment.astimezone(schedule_zone(schedule)).date()
        for offset in range(first_offset, last_offset + 1):
            opening = opening_on(schedule, local_day + dt.timedelta(days=offset))
            if opening:
                openings.append(opening)
    return openings


def _require_aware(moment):
    if timezone.is_naive(moment):
        raise ValueError("Opening times are compared with aware datetimes only.")


def is_open_at(schedules, moment):
    """Whether any of the schedules is open at the aware datetime ``moment``."""
    _require_aware(moment)
    at = _utc(moment)
    # An opening that began yesterday may still be going after midnight.
    return any(_utc(start) <= at < _utc(end) for start, end in _openings_on_days(schedules, moment, -1, 0))


def open_now(schedules, now=None):
    """Whether any of the schedules is open now (or at ``now``)."""
    return is_open_at(schedules, now or timezone.now())


def next_opening(schedules, after):
    """The opening in progress at ``after``, or else the next to begin, as (start, end); or None.

    ``start`` and ``end`` are aware datetimes in the zone of the schedule the opening came from.
    Openings that overlap or follow on without a gap (10:00–12:00 then 12:00–16:00) are joined,
    so ``end`` is when the doors actually close. None when nothing opens within about a year.
    """
    _require_aware(after)
    at = _utc(after)
    schedules = list(schedules)
    found = []
    first_day_found = None
    for offset in range(-1, SEARCH_DAYS):
        if first_day_found is not None and offset > first_day_found + 1:
            # Schedules in other zones can start a day apart in local dates; one more day
            # covers them, and nothing later can begin sooner.
            break
        day_openings = [
            opening for opening in _openings_on_days(schedules, after, offset, offset) if _utc(opening[1]) > at
        ]
        if day_openings and first_day_found is None:
            first_day_found = offset
        found.extend(day_openings)
    if not found:
        return None
    start, end = min(found, key=lambda opening: _utc(opening[0]))
    return start, _closing_time(schedules, start, end)


def _closing_time(schedules, start, end):
    """When the doors close: ``end`` extended by openings that overlap or follow on from it."""
    limit = _utc(start) + LONGEST_OPENING
    while _utc(end) < limit:
        later = [
            opening_end
            for opening_start, opening_end in _openings_on_days(schedules, end, -1, 0)
            if _utc(opening_start) <= _utc(end) < _utc(opening_end)
        ]
        if not later:
            break
        end = max(later, key=_utc)
    return end


def _in_effect(schedule, today):
    first = _first_day(schedule)
    last = _last_day(schedule)
    return not (first and today < first) and not (last and today > last)


def _hours(schedule):
    return f"{schedule.opens_at:%H:%M}–{schedule.closes_at:%H:%M}"


def describe_opening_times(schedules, today=None):
    """A summary for a service page: a list of (label, times) rows.

    Every-week schedules in effect on ``today`` (default: today in London) give one row per
    weekday, Monday first, labelled with the translated day name, their hours joined
    ("10:00–12:00, 14:00–16:00"). Any other schedule (monthly, fortnightly, no hours) gives its
    own description as the label and its hours, if it has both, as the times; one with neither
    description nor a weekly pattern gives no row. Schedules that have ended or not yet begun
    are left out.
    """
    today = today or timezone.localdate(timezone=LONDON)
    by_weekday = {}
    others = []
    for schedule in schedules:
        if not _in_effect(schedule, today):
            continue
        has_hours = schedule.opens_at is not None and schedule.closes_at is not None
        weekdays = sorted({weekday for ordinal, weekday in weekday_rules(schedule) if ordinal is None})
        plain_weekly = (
            _frequency(schedule) == "WEEKLY"
            and _interval(schedule) == 1
            and weekdays
            and len(weekdays) == len(weekday_rules(schedule))
        )
        if plain_weekly and has_hours:
            for weekday in weekdays:
                by_weekday.setdefault(weekday, []).append((schedule.opens_at, _hours(schedule)))
        elif schedule.description:
            others.append((schedule.description, _hours(schedule) if has_hours else ""))
    rows = [
        (WEEKDAY_NAMES[weekday], ", ".join(hours for _opens, hours in sorted(by_weekday[weekday])))
        for weekday in sorted(by_weekday)
    ]
    return rows + others
