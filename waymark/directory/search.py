"""Searching the public map.

The public results page, the print and share versions and the bench all call
``SearchForm(request.GET)`` then, when it is valid, ``search_services(form.query(), language=...)``.

What a search does, in order:

1. Only ``Service.objects.public(now)``: active or temporarily closed, checked within a year.
2. Filters, each a plain condition on the service row or an ``IN`` subquery (no joins that
   could repeat a service): ``need`` (the term and every need within it) and ``speaks`` (a
   ``Language.code`` of the service) are tokens of ``search_facets``, so both together are
   one lookup in the full-text index; ``for`` (services "for anyone" count), ``free`` (no
   cost option above 0), ``access``.
3. Text (``q``): the words are normalised like ``search_text`` (``waymark.lib.text``), so an
   Arabic-keyboard spelling finds Persian text. Every word must be in the service's
   ``search_text`` as a whole word; the last may be the beginning of one ("dent" finds
   "dentist"). The full-text index does the matching (``search_index.py``: FTS5 on SQLite,
   GIN on PostgreSQL; the same result set on both). A run of words that is a need's name or
   one of its synonyms in ``Synonym`` ("dentist", "طبيب أسنان") also finds every service
   listed under that need or a need within it, so a synonym added by staff works at once
   without re-saving services (``search_needs.py``).
4. ``near``: a postcode, an outcode or "lat,lng". Placed offline (``places.postcodes.locate``);
   a place we do not know sets ``unknown_place`` and the search goes on without distance.
   Services with a location within ``NEAR_RADIUS_M`` are kept (bounding box on the indexed
   coordinates, then haversine in SQL); when none is, the radius widens once to
   ``WIDER_RADIUS_M``. ``distance_m`` is the distance to the service's nearest location.
5. ``open_now``: most schedules are plain weekly ones in UK time ("MO,WE 10:00–13:00"):
   on a day with no clock change, SQL decides those exactly (``_plain_weekly_q``,
   ``_plain_weekly_open_q``), the same as ``opening.open_now`` would. Every other schedule
   (monthly, every other week, a count, another zone, or any schedule on a clock-change
   day) goes the careful way: a cheap SQL test keeps those that could be open now (today's or
   yesterday's weekday, times within an hour of the London wall-clock time, date bounds),
   then ``opening.open_now`` decides exactly, in Python, for those candidates only (their
   schedules read in one query, as tuples of the fields it reads; each different schedule is
   decided once). One query reads the ordered services open the first way or maybe open the
   second, with a flag for the first; the page is cut in Python.

Ranking (deterministic; the same formula on both databases):

- ``relevance = 1 + the number of query words found in the service's name`` (lower-cased;
  see ``search_index.WordsInName``);
- with text and ``near``: by ``relevance / (1 + distance_m / DISTANCE_SCALE_M)``, highest
  first: each word in the name weighs as much as being ``DISTANCE_SCALE_M`` nearer for a
  service 0 m away, and proportionally more further out;
- text only: by relevance; ``near`` only: nearest first; neither: by name.
- Ties: by name, then id.

"Did you mean": when a text search finds fewer than ``SUGGEST_BELOW`` services (that is,
none), the query is
corrected in Python over the map's vocabulary (``spelling.py``) and ``suggestion`` holds the
corrected (normalised) query, or "".

Nothing here stores or logs what was searched.

Queries: a constant number for each kind of search (see the tests): the needs stamp when
``q`` or ``need`` is given; the place lookup for a postcode; the count and the page (or, with
``open_now``, the ordered candidates and their schedules); then the page's related rows
(``prefetch_for_results``: organisation in the same query, locations with their area,
addresses, schedules).
"""

import datetime as dt
import math
import re
from collections import namedtuple
from dataclasses import dataclass, field

from django import forms
from django.db.models import Count, Exists, F, FloatField, OuterRef, Prefetch, Q, Subquery, Value, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.directory.models import CostOption, Schedule, Service, ServiceAtLocation
from waymark.directory.opening import LONDON, WEEKDAY_CODES, open_now, weekday_rules
from waymark.directory.search_index import (
    FacetsMatch,
    WordsInName,
    WordsMatch,
    cell_tokens_for_box,
    language_token,
    need_token,
)
from waymark.directory.search_needs import needs_index
from waymark.lib.text import normalise_search_text, normalise_words
from waymark.places.geo import bounding_box, distance_m_expression, haversine_m
from waymark.places.postcodes import locate, normalise_outcode, normalise_postcode

PAGE_SIZE = 20
# How far "near" looks, and how far once more when nothing is that close.
NEAR_RADIUS_M = 10_000
WIDER_RADIUS_M = 50_000
# In the text-and-distance score, the distance at which a service counts half as much.
DISTANCE_SCALE_M = 5_000
# A text search with fewer results than this gets a "did you mean" when one exists. Only
# searches that find nothing: the map's vocabulary is checked with a scan of the services table
# (see spelling.vocabulary_for_map), too dear for every search at 200,000 services.
SUGGEST_BELOW = 1
# The most ids put into one query as parameters.
MAX_IDS_PER_QUERY = 30_000
# The most words of a query that are searched for (the rest are ignored).
MAX_WORDS = 12

_LAT_LNG = re.compile(r"^\s*([+-]?\d{1,3}(?:\.\d+)?)\s*,\s*([+-]?\d{1,3}(?:\.\d+)?)\s*$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


@dataclass
class SearchQuery:
    """What a person asked for, validated. Empty strings / False mean "not asked"."""

    q: str = ""
    near: str = ""  # a postcode, an outcode or "lat,lng"
    need: str = ""  # a needs taxonomy term slug or UUID
    speaks: str = ""  # a language code the service speaks
    open_now: bool = False
    for_: str = ""  # an ImmigrationSituation value
    free: bool = False
    access: str = ""  # an AccessMethod value
    page: int = 1


@dataclass
class SearchResults:
    services: list = field(default_factory=list)  # this page; each has .distance_m (or None)
    total: int = 0
    page: int = 1
    pages: int = 1
    suggestion: str = ""  # "did you mean" query text, or ""
    place: object = None  # where "near" was found: (latitude, longitude, label) or None
    unknown_place: bool = False  # "near" given but not known: say so, search without distance
    # Added: the radius "near" searched within, in metres (0 without a place).
    radius_m: int = 0


class _FlagInput(forms.CheckboxInput):
    """A checkbox that also reads "0", "false", "off" and "no" in a URL as unticked."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str) and value.strip().lower() in ("", "0", "false", "off", "no"):
            return False
        return super().value_from_datadict(data, files, name)


def parse_lat_lng(text):
    """(latitude, longitude) from "53.48,-2.24", or None when it is not written that way.
    Raises ValueError when it is, but outside the Earth's ranges."""
    match = _LAT_LNG.match(text or "")
    if not match:
        return None
    latitude, longitude = float(match.group(1)), float(match.group(2))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError("out of range")
    return latitude, longitude


class SearchForm(forms.Form):
    q = forms.CharField(label=_("What do you need?"), required=False, max_length=200)
    near = forms.CharField(label=_("Postcode or area"), required=False, max_length=60)
    need = forms.CharField(label=_("Need"), required=False, max_length=80)
    speaks = forms.CharField(label=_("Language spoken"), required=False, max_length=10)
    open_now = forms.BooleanField(label=_("Open now"), required=False, widget=_FlagInput)
    free = forms.BooleanField(label=_("Free"), required=False, widget=_FlagInput)
    access = forms.ChoiceField(
        label=_("How to get it"),
        required=False,
        choices=[("", "")] + Service.AccessMethod.choices,
        error_messages={"invalid_choice": _("Choose how you can get to the service from the list.")},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=1000,
        error_messages={
            "invalid": _("The page must be a whole number."),
            "min_value": _("The page must be 1 or more."),
            "max_value": _("The page must be 1000 or less."),
        },
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["for"] = forms.ChoiceField(
            label=_("Who it is for"),
            required=False,
            choices=[("", "")] + Service.ImmigrationSituation.choices,
            error_messages={"invalid_choice": _("Choose who the service is for from the list.")},
        )

    def clean_near(self):
        text = self.cleaned_data.get("near", "").strip()
        if not text:
            return ""
        try:
            point = parse_lat_lng(text)
        except ValueError:
            raise forms.ValidationError(
                _("A position needs a latitude from -90 to 90 and a longitude from -180 to 180."), code="out_of_range"
            ) from None
        if point is not None:
            return f"{point[0]:.6f},{point[1]:.6f}"
        if "," in text or _looks_numeric(text):
            raise forms.ValidationError(
                _("Give a position as latitude and longitude separated by a comma, e.g. 53.4808,-2.2426."),
                code="invalid_position",
            )
        postcode = normalise_postcode(text) or normalise_outcode(text)
        if postcode is None:
            raise forms.ValidationError(
                _("Enter a postcode, e.g. M13 9PL, or its first part, e.g. M13."), code="invalid_postcode"
            )
        return postcode

    def clean_need(self):
        value = self.cleaned_data.get("need", "").strip()
        if value and needs_index().find(value) is None:
            raise forms.ValidationError(_("Choose a need from the list."), code="unknown_need")
        return value

    def clean_speaks(self):
        value = self.cleaned_data.get("speaks", "").strip().lower().replace("_", "-")
        if value and not _LANGUAGE_CODE.match(value):
            raise forms.ValidationError(_("Choose a language from the list."), code="invalid_language")
        return value

    def query(self):
        data = self.cleaned_data
        return SearchQuery(
            q=data.get("q", ""),
            near=data.get("near", ""),
            need=data.get("need", ""),
            speaks=data.get("speaks", ""),
            open_now=data.get("open_now", False),
            for_=data.get("for", ""),
            free=data.get("free", False),
            access=data.get("access", ""),
            page=data.get("page") or 1,
        )


def _looks_numeric(text):
    return bool(re.fullmatch(r"[\s\d.+-]+", text))


# --- What a results page shows ---------------------------------------------------------------


def prefetch_for_results(queryset):
    """``queryset`` with what a results list shows, in a fixed number of queries: the
    organisation (joined), the service's locations with their area and addresses, and its
    schedules (for "open now" and "next open"). Read ``service.service_at_locations.all()``,
    ``sal.location.area``, ``sal.location.addresses.all()`` (mind ``location.address_hidden``)
    and ``service.schedules.all()``."""
    return queryset.select_related("organization").prefetch_related(
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location__area").prefetch_related("location__addresses"),
        ),
        "schedules",
    )


def _result_location(service, place):
    """The location to show for a result: the nearest to ``place`` with coordinates, else the
    first physical one, else the first; None when the service has no location."""
    locations = [link.location for link in service.service_at_locations.all()]
    if not locations:
        return None
    if place is not None:
        placed = [location for location in locations if location.latitude is not None]
        if placed:
            return min(
                placed,
                key=lambda location: haversine_m(
                    place[0], place[1], float(location.latitude), float(location.longitude)
                ),
            )
    physical = [location for location in locations if location.location_type == "physical"]
    return (physical or locations)[0]


# --- The search ------------------------------------------------------------------------------


def _filter(services, query, needs):
    # "need" (the term or a need within it) and "speaks" are tokens of search_facets: both
    # together are one lookup in the full-text index, whichever is given.
    groups = []
    if query.need:
        term_id = needs.find(query.need)
        if term_id is None:
            return services.none()
        groups.append([need_token(branch_id) for branch_id in needs.branch(term_id)])
    if query.speaks:
        # Codes are stored in lower case, and the form lower-cases what is asked.
        groups.append([language_token(query.speaks)])
    if groups:
        services = services.filter(FacetsMatch(groups))
    if query.for_:
        services = services.filter(Service.q_for_situation(query.for_))
    if query.free:
        services = services.exclude(Exists(CostOption.objects.filter(service=OuterRef("pk"), amount__gt=0)))
    if query.access:
        services = services.filter(Service.q_access(query.access))
    return services


def text_filter(services, words, needs, *, within=None):
    """Services matching ``words`` (normalised), annotated with ``relevance``. ``within``: the
    map cells a "near" filter also keeps them to (see ``WordsMatch``)."""
    last = len(words) - 1
    expansions = needs.expansions(words) if needs is not None else []
    covered = {position for start, end, _terms in expansions for position in range(start, end)}
    plain = [position for position in range(len(words)) if position not in covered]
    if plain:
        services = services.filter(
            WordsMatch([words[position] for position in plain], prefix_last=plain[-1] == last, within=within)
        )
    for start, end, term_ids in expansions:
        services = services.filter(
            WordsMatch(words[start:end], prefix_last=end - 1 == last, or_needs=term_ids, within=within)
        )
    needles = [f" {word}" if position == last else f" {word} " for position, word in enumerate(words)]
    return services.annotate(relevance=WordsInName(needles))


def near_cells(latitude, longitude, radius_m):
    """The map-cell tokens a circle touches (None when too many to look up by cell)."""
    return cell_tokens_for_box(bounding_box(latitude, longitude, radius_m))


def _near(services, latitude, longitude, radius_m):
    """Services with a location within ``radius_m``, annotated with ``distance_m`` to the nearest.

    The map cells the circle touches (tokens of ``search_facets``) choose the candidates in
    the full-text index, together with the other conditions; the distance to each
    candidate's nearest location then decides."""
    box = bounding_box(latitude, longitude, radius_m)
    within = (
        ServiceAtLocation.objects.filter(box.q("location__latitude", "location__longitude"))
        .annotate(d=distance_m_expression(latitude, longitude, "location__latitude", "location__longitude"))
        .filter(d__lte=radius_m)
    )
    cells = near_cells(latitude, longitude, radius_m)
    if cells is None:
        services = services.filter(id__in=within.values("service_id"))
    else:
        services = services.filter(FacetsMatch([cells]))
    nearest = within.filter(service=OuterRef("pk")).order_by("d").values("d")[:1]
    return services.annotate(distance_m=Subquery(nearest, output_field=FloatField())).filter(distance_m__isnull=False)


def _maybe_open_q(now):
    """A filter on schedules keeping every one that could be open at ``now`` (and a few that
    are not: ``opening.open_now`` decides). Wall-clock times are compared within an hour either
    side, which covers the hour a clock change adds or removes."""
    local = now.astimezone(LONDON)
    today = local.date()
    yesterday = today - dt.timedelta(days=1)
    day_q = Q(byday="") | Q(byday__icontains=WEEKDAY_CODES[today.weekday()])
    day_q |= Q(byday__icontains=WEEKDAY_CODES[yesterday.weekday()])
    earliest, latest = local - dt.timedelta(hours=1), local + dt.timedelta(hours=1)
    same_day = Q(closes_at__gt=F("opens_at"))
    if latest.date() == today:
        same_day &= Q(opens_at__lte=latest.time())
    if earliest.date() == today:
        same_day &= Q(closes_at__gt=earliest.time())
    overnight = Q(closes_at__lte=F("opens_at"))
    other_zone = Q(timezone__isnull=False) & ~Q(timezone__in=[0, 1])
    return (
        Q(opens_at__isnull=False, closes_at__isnull=False)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=today + dt.timedelta(days=1)))
        & (Q(dtstart__isnull=True) | Q(dtstart__lte=today + dt.timedelta(days=1)))
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=yesterday - dt.timedelta(days=1)))
        & (Q(until__isnull=True) | Q(until__gte=yesterday - dt.timedelta(days=1)))
        & (other_zone | (day_q & (same_day | overnight)))
    )


# Weekday codes as stored in ``byday``: two letters, comma-separated ("MO,WE").
_PLAIN_BYDAY = r"^[A-Za-z]{2}(,[A-Za-z]{2})*$"


def _plain_weekly_q():
    """Schedules whose opening SQL can decide exactly: weekly (or days with no frequency),
    every week, no count, plain weekday codes, UK time, with both times."""
    return (
        (Q(timezone__isnull=True) | Q(timezone__in=[0, 1]))
        & Q(freq__in=["", Schedule.Frequency.WEEKLY])
        & (Q(interval__isnull=True) | Q(interval__lte=1))
        & Q(count__isnull=True)
        & Q(opens_at__isnull=False, closes_at__isnull=False)
        & Q(byday__regex=_PLAIN_BYDAY)
    )


def _occurs_on_q(day):
    """A plain weekly schedule has an opening beginning on ``day`` (see ``opening.occurs_on``)."""
    return (
        Q(byday__icontains=WEEKDAY_CODES[day.weekday()])
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        & (Q(dtstart__isnull=True) | Q(dtstart__lte=day))
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        & (Q(until__isnull=True) | Q(until__gte=day))
    )


def _plain_weekly_open_q(local):
    """Of the plain weekly schedules, those open at London wall-clock time ``local``: an
    opening today (ending today, or running past midnight), or one from yesterday still
    running past midnight. Exact only on a day with no clock change (``_clocks_steady``)."""
    today = local.date()
    now = local.time()
    overnight = Q(closes_at__lte=F("opens_at"))
    return _plain_weekly_q() & (
        (_occurs_on_q(today) & Q(opens_at__lte=now) & (Q(closes_at__gt=now) | overnight))
        | (_occurs_on_q(today - dt.timedelta(days=1)) & overnight & Q(closes_at__gt=now))
    )


def _clocks_steady(local):
    """Whether London's offset from UTC is the same all through yesterday and today, so that
    its wall-clock times compare as plainly as SQL compares them."""
    today = local.date()
    offsets = {
        dt.datetime.combine(today + dt.timedelta(days=days), dt.time(), tzinfo=LONDON).utcoffset()
        for days in (-1, 0, 1)
    }
    return len(offsets) == 1


def _ordered(services, *, text, near):
    if text and near:
        score = F("relevance") / (Value(1.0) + F("distance_m") / Value(float(DISTANCE_SCALE_M)))
        return services.annotate(score=score).order_by("-score", "name", "id")
    if text:
        return services.order_by("-relevance", "name", "id")
    if near:
        return services.order_by("distance_m", "name", "id")
    return services.order_by("name", "id")


def _place(near):
    """(latitude, longitude, label) for a validated ``near``, or None when not known."""
    try:
        point = parse_lat_lng(near)
    except ValueError:
        return None
    if point is not None:
        return (point[0], point[1], near)
    found = locate(near)
    if not found:
        return None
    return (found.latitude, found.longitude, found.query)


def _page(ids, distances):
    """The services with these ids, in this order, with what a results page shows."""
    if not ids:
        return []
    # search_text (the longest column) is never shown; leaving it out halves what is read.
    services = Service.objects.filter(id__in=ids).defer("search_text")
    by_id = {service.id: service for service in prefetch_for_results(services)}
    page = [by_id[service_id] for service_id in ids]
    for service in page:
        service.distance_m = distances.get(service.id)
    return page


# What ``opening.open_now`` reads of a schedule.
_OpeningFields = namedtuple(
    "_OpeningFields",
    "timezone byday bymonthday freq interval valid_from dtstart wkst valid_to until count opens_at closes_at",
)


# Schedules are in zones within a day of London, so "open now" reads only the dates from two
# days before today to two days after it.
_DATES_READ = dt.timedelta(days=3)


def _for_deciding(schedule, today):
    """``schedule`` with the dates that cannot change whether it is open now left out, so that
    schedules with the same opening times but different start dates are decided once.

    A start or end date only bounds when the schedule occurs, unless it is also what repeats
    are counted from: with an interval above 1, with ``count``, or without ``byday`` (see
    ``opening._matches_pattern``). A bound days away from today bounds nothing that is read."""
    if (schedule.interval or 1) > 1 or schedule.count or not weekday_rules(schedule):
        return schedule
    far_past, far_future = today - _DATES_READ, today + _DATES_READ
    return schedule._replace(
        valid_from=None if schedule.valid_from and schedule.valid_from <= far_past else schedule.valid_from,
        dtstart=None if schedule.dtstart and schedule.dtstart <= far_past else schedule.dtstart,
        valid_to=None if schedule.valid_to and schedule.valid_to >= far_future else schedule.valid_to,
        until=None if schedule.until and schedule.until >= far_future else schedule.until,
    )


def _evaluate(services, query, now, page_size, *, near):
    """(total, the page's services in order) for an ordered queryset.

    The ranking query returns only ids (and distances), so the database sorts narrow rows;
    the page's services are then read by id with what a results page shows."""
    offset = (query.page - 1) * page_size
    fields = ["id", "distance_m"] if near else ["id"]
    if not query.open_now:
        # The total rides along on each row (COUNT(*) OVER ()): the matching is done once.
        rows = list(
            services.annotate(_total=Window(Count("pk"))).values_list(*fields, "_total")[offset : offset + page_size]
        )
        # A page past the end has no row to carry the total.
        total = rows[0][-1] if rows else (services.count() if offset else 0)
        distances = {row[0]: row[1] for row in rows} if near else {}
        return total, _page([row[0] for row in rows], distances)
    return _evaluate_open_now(services, query, now, page_size, near=near)


def _evaluate_open_now(services, query, now, page_size, *, near):
    """``_evaluate`` for a search with "open now".

    One query reads the ordered services with a schedule that is open now (a plain weekly one,
    decided in SQL on a day with no clock change) or could be (any other, decided next); a
    second reads the other schedules of the services not already known to be open, only
    those, and ``opening.open_now`` decides them in Python. The page is cut in Python."""
    local = now.astimezone(LONDON)
    maybe_open = _maybe_open_q(now)
    fields = ["id", "distance_m"] if near else ["id"]
    if _clocks_steady(local):
        plain_open = _plain_weekly_open_q(local)
        careful = maybe_open & ~_plain_weekly_q()
        candidates = services.filter(Exists(Schedule.objects.filter(plain_open | careful, service=OuterRef("pk"))))
        candidates = candidates.annotate(_open=Exists(Schedule.objects.filter(plain_open, service=OuterRef("pk"))))
        rows = list(candidates.values_list(*fields, "_open"))
    else:
        careful = maybe_open
        candidates = services.filter(Exists(Schedule.objects.filter(careful, service=OuterRef("pk"))))
        rows = [(*row, False) for row in candidates.values_list(*fields)]
    open_ids = _decided_open([row[0] for row in rows if not row[-1]], careful, now)
    open_rows = [row for row in rows if row[-1] or row[0] in open_ids]
    offset = (query.page - 1) * page_size
    page_rows = open_rows[offset : offset + page_size]
    distances = {row[0]: row[1] for row in page_rows} if near else {}
    return len(open_rows), _page([row[0] for row in page_rows], distances)


def _decided_open(ids, maybe_open, now):
    """The set of those service ids with a schedule that ``maybe_open`` keeps and that
    ``opening.open_now`` finds open at ``now``.

    The schedules are read by id, in chunks that stay under SQLite's limit on parameters
    (only the fields "open now" reads, as plain tuples, no model instances); many services
    share the same opening times, so each different schedule is decided once."""
    rows = []
    for start in range(0, len(ids), MAX_IDS_PER_QUERY):
        found = Schedule.objects.filter(maybe_open, service_id__in=ids[start : start + MAX_IDS_PER_QUERY])
        rows.extend(found.order_by().values_list("service_id", *_OpeningFields._fields))
    decided = {}
    open_ids = set()
    today = now.astimezone(LONDON).date()
    for service_id, *values in rows:
        if service_id in open_ids:
            continue
        schedule = _OpeningFields(*values)
        if schedule not in decided:
            key = _for_deciding(schedule, today)
            if key not in decided:
                decided[key] = open_now([key], now)
            decided[schedule] = decided[key]
        if decided[schedule]:
            open_ids.add(service_id)
    return open_ids


def search_services(query, *, language="en", now=None, page_size=PAGE_SIZE):
    """Search the public map. ``query`` is a ``SearchQuery`` (from ``SearchForm.query()``).

    ``language`` is the interface language (kept for what a page shows; matching covers every
    language at once). ``now`` fixes the clock for "open now" and for which services are
    public. Returns ``SearchResults`` whose services are this page's, with ``distance_m``
    (None without a place) and ``result_location`` (the location to show, nearest first).
    """
    now = now or timezone.now()
    results = SearchResults(page=query.page)
    words = normalise_words(query.q)[:MAX_WORDS]
    needs = needs_index() if (words or query.need) else None

    place = None
    if query.near:
        place = _place(query.near)
        results.unknown_place = place is None
        results.place = place

    services = _filter(Service.objects.public(now), query, needs)

    radii = [NEAR_RADIUS_M, WIDER_RADIUS_M] if place is not None else [0]
    for radius in radii:
        searched = services
        if words:
            cells = near_cells(place[0], place[1], radius) if place is not None else None
            searched = text_filter(searched, words, needs, within=cells)
        if place is not None:
            searched = _near(searched, place[0], place[1], radius)
        ordered = _ordered(searched, text=bool(words), near=place is not None)
        total, page = _evaluate(ordered, query, now, page_size, near=place is not None)
        results.radius_m = radius
        if total:
            break

    for service in page:
        service.result_location = _result_location(service, place)
    results.services = page
    results.total = total
    results.pages = max(1, math.ceil(total / page_size))

    if words and total < SUGGEST_BELOW:
        from waymark.directory.spelling import suggest, vocabulary_for_map

        corrected = suggest(" ".join(words), vocabulary_for_map())
        if corrected and corrected != normalise_search_text(query.q):
            results.suggestion = corrected
    return results
