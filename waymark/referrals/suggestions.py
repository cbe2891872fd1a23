"""Services to refer a person to for a need, ranked by how well they fit, with the reason for
each point of the ranking. "No unsuitable referrals" (issue 7) starts here.

``suggest(person, need)`` does this:

1. Candidates: active services on the public map (not temporarily closed: a referral there
   would wait) listed under the need or a need within it. The need filter is the map's own
   (``search_facets`` tokens of the need's branch, ``directory/search.py``), so suggestions
   and the map agree. For an immigration-advice need only regulated services whose level
   covers the matter are candidates at all (``eligibility.advice_check``): advice from anyone
   else is an offence, so those are never shown, not even as "not eligible".
2. At most ``MAX_CANDIDATES`` are weighed: when the person's home area has a known position,
   the nearest ones with a place within 10 km, or 25 km, or 50 km, the first that finds
   enough (``RADII_M``), then, while there is room, those with no place at all (by phone or
   online); otherwise the first by name. This keeps the work bounded on a map of 200,000
   services: the fit of a service 300 km away hardly matters. Like the map, this relies on
   ``search_facets`` being up to date, which whatever changes a service's needs or places
   keeps (``Service.build_search_text``, ``directory/signals.py``).
3. Each candidate is weighed on every factor; each factor adds points and gives its reason:

   - eligibility (``eligibility.check_eligibility``): each criterion met adds points; an
     unknown one (the person's value is not recorded) adds none and gives a warning: the filter
     is not applied. A service whose eligibility is known not to be met is moved to
     ``not_eligible`` (with the reasons), so the sender still sees why, and may still choose
     it with an override reason when referring;
   - language: the person's languages among the service's, else interpreters, else a warning;
   - distance from where the person lives to the service's nearest place. Areas have no
     coordinates of their own, so the position of the person's home area is the centre of the
     map's located places in that area; with none, distance is not used and a warning says so;
   - capacity: taking new people, places available (HSDS 3.1 capacities), a waiting list, or
     full (fewer points, with the reason);
   - response statistics (``statistics.py``): faster and more accepting ranks higher;
     suppressed figures are neutral;
   - taking referrals through Waymark (the answer comes back to the sender).

4. Ranked by score, then name. Queries: a bounded number whatever the map's size (needs stamp,
   the person's facts, the home position, two for the candidates, the candidates with their
   languages, places, areas and capacities, and one for the statistics).
"""

from dataclasses import dataclass, field

from django.db.models import Avg, Exists, FloatField, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waymark.accounts.models import ImmigrationRegulator
from waymark.directory.listing_data import language_name
from waymark.directory.models import (
    NEEDS_TAXONOMY_NAME,
    Language,
    Location,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    TaxonomyTerm,
)
from waymark.directory.search import NEAR_RADIUS_M, WIDER_RADIUS_M, near_cells
from waymark.directory.search_index import FacetsMatch, need_token
from waymark.directory.search_needs import needs_index
from waymark.places.geo import bounding_box, distance_m_expression, haversine_m
from waymark.referrals import eligibility
from waymark.referrals.eligibility import Eligibility
from waymark.referrals.statistics import response_statistics

# How many services are weighed at most: four times the 20 shown, enough to fill both lists
# after the eligibility check, and few enough to weigh in Python well within a page's time
# (bench/referral_suggestions.py). The nearest are looked for within the first radius, then
# within the next when too few are found there.
MAX_CANDIDATES = 80
RADII_M = (NEAR_RADIUS_M, 25_000, WIDER_RADIUS_M)

# The points each factor gives. Being near and speaking their language weigh most: a service
# they cannot reach or understand does not help, however good its figures.
POINTS_CRITERION_MET = 5
POINTS_LANGUAGE = 20
POINTS_INTERPRETERS = 10
POINTS_DISTANCE = 20  # at 0 km; half at DISTANCE_HALF_KM
DISTANCE_HALF_KM = 5
POINTS_NO_PLACE = 5  # by phone or online: reachable from anywhere, but not in person
POINTS_TAKING_NEW = 10
POINTS_PLACES_AVAILABLE = 5
POINTS_WAITING_LIST = 2
POINTS_FULL = -30  # a service that cannot take them now goes below nearly any that can
POINTS_NO_PLACES_LEFT = -5
POINTS_FAST = 10  # answering the same day; none at FAST_DAYS days or more
FAST_DAYS = 10
POINTS_ACCEPTING = 10  # all accepted
POINTS_WAYMARK = 3

# The kinds of reason, for the API and the page.
ELIGIBILITY = "eligibility"
ADVICE = "advice"
LANGUAGE = "language"
DISTANCE = "distance"
CAPACITY = "capacity"
STATISTICS = "statistics"
DELIVERY = "delivery"


@dataclass
class Suggestion:
    service: Service
    score: float = 0.0
    reasons: list = field(default_factory=list)  # (kind, text), in the active language
    warnings: list = field(default_factory=list)  # texts
    eligibility: Eligibility | None = None
    stats: object = None  # statistics.Stats
    distance_km: float | None = None

    @property
    def eligible(self):
        return self.eligibility.is_eligible

    def add(self, kind, text, points=0.0):
        self.reasons.append((kind, text))
        self.score += points


class Suggestions(list):
    """The suggestions the person is eligible for, best first; ``not_eligible`` holds those
    whose eligibility they do not meet, ranked the same way, and ``warnings`` what applies to
    every suggestion (where they live not known, languages not recorded)."""

    def __init__(self, items=(), *, not_eligible=(), warnings=(), need=None):
        super().__init__(items)
        self.not_eligible = list(not_eligible)
        self.warnings = list(warnings)
        self.need = need


def find_need(value):
    """The needs taxonomy term named by ``value`` (its id, as the ORUK API gives it, or its
    slug), with its parent (``is_advice_need`` reads it); None when there is none."""
    term_id = needs_index().find((value or "").strip())
    if term_id is None:
        return None
    return TaxonomyTerm.objects.filter(id=term_id, taxonomy__name=NEEDS_TAXONOMY_NAME).select_related("parent").first()


def advice_q(level):
    """Services that may take an immigration-advice referral needing OISC ``level`` (the same
    rule as ``eligibility.advice_check``, as a filter)."""
    regulated = ~Q(advice_regulator="") & Q(regulator_not_confirmed=False)
    return regulated & (~Q(advice_regulator=ImmigrationRegulator.OISC) | Q(advice_oisc_level__gte=level))


def home_position(area_id):
    """(latitude, longitude) standing for the area where someone lives: the centre of the map's
    located places in it. None when the area has none. One query."""
    if area_id is None:
        return None
    centre = Location.objects.filter(area_id=area_id, latitude__isnull=False, longitude__isnull=False).aggregate(
        latitude=Avg("latitude"), longitude=Avg("longitude")
    )
    if centre["latitude"] is None:
        return None
    return (float(centre["latitude"]), float(centre["longitude"]))


def _nearest_ids(services, tokens, home, radius_m):
    """The ids of at most MAX_CANDIDATES services with a place within ``radius_m`` of
    ``home``, nearest first (the map's own "near" search, ``directory/search.py``)."""
    latitude, longitude = home
    box = bounding_box(latitude, longitude, radius_m)
    within = (
        ServiceAtLocation.objects.filter(box.q("location__latitude", "location__longitude"))
        .annotate(d=distance_m_expression(latitude, longitude, "location__latitude", "location__longitude"))
        .filter(d__lte=radius_m)
    )
    cells = near_cells(latitude, longitude, radius_m)
    if cells is not None:
        near = services.filter(FacetsMatch([tokens, cells]))
    else:
        near = services.filter(FacetsMatch([tokens]), id__in=within.values("service_id"))
    nearest = within.filter(service=OuterRef("pk")).order_by("d").values("d")[:1]
    near = near.annotate(distance_m=Subquery(nearest, output_field=FloatField())).filter(distance_m__isnull=False)
    return list(near.order_by("distance_m", "name", "id").values_list("id", flat=True)[:MAX_CANDIDATES])


def _candidate_ids(services, tokens, home):
    """The ids of at most MAX_CANDIDATES services to weigh (see the module docstring)."""
    if home is None:
        found = services.filter(FacetsMatch([tokens])).order_by("name", "id")
        return list(found.values_list("id", flat=True)[:MAX_CANDIDATES])
    for radius_m in RADII_M:
        ids = _nearest_ids(services, tokens, home, radius_m)
        if len(ids) >= MAX_CANDIDATES:
            return ids
    placed = ServiceAtLocation.objects.filter(
        service=OuterRef("pk"), location__latitude__isnull=False, location__longitude__isnull=False
    )
    remote = services.filter(FacetsMatch([tokens])).exclude(Exists(placed)).order_by("name", "id")
    return ids + list(remote.values_list("id", flat=True)[: MAX_CANDIDATES - len(ids)])


def _candidates(ids):
    """The services with what weighing them reads, in a fixed number of queries."""
    if not ids:
        return []
    return list(
        Service.objects.filter(id__in=ids)
        .defer("search_text", "search_facets")
        .select_related("organization")
        .prefetch_related(
            # Only what weighing reads: building whole rows cost more than the queries did.
            Prefetch("languages", queryset=Language.objects.only("id", "service_id", "code").order_by()),
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location")
                .only("id", "service_id", "location__id", "location__latitude", "location__longitude")
                .order_by(),
            ),
            "restricted_to_areas",
            Prefetch("capacities", queryset=ServiceCapacity.objects.select_related("unit").order_by()),
        )
    )


def _weigh_eligibility(suggestion, facts, level):
    service = suggestion.service
    if level is not None:
        check = eligibility.advice_check(service, level)
        suggestion.add(ADVICE, check.reason)
    result = eligibility.check_eligibility(
        facts, service, area_ids={area.pk for area in service.restricted_to_areas.all()}
    )
    suggestion.eligibility = result
    if not result.checks:
        suggestion.add(ELIGIBILITY, _("No eligibility rules: open to anyone."))
    for check in result.met:
        suggestion.add(ELIGIBILITY, check.reason, POINTS_CRITERION_MET)
    for check in result.unmet:
        suggestion.add(ELIGIBILITY, check.reason)
    for check in result.unknown:
        suggestion.warnings.append(_("%(reason)s Not used to filter the suggestions.") % {"reason": check.reason})


def _weigh_language(suggestion, facts):
    service = suggestion.service
    spoken = {language.code.lower() for language in service.languages.all() if language.code}
    shared = [code for code in facts.languages if code.lower() in spoken]
    if shared:
        names = ", ".join(str(language_name(code)) for code in shared)
        suggestion.add(LANGUAGE, _("Speaks %(languages)s.") % {"languages": names}, POINTS_LANGUAGE)
    elif service.interpreters_available:
        suggestion.add(LANGUAGE, _("Interpreters available."), POINTS_INTERPRETERS)
    elif facts.languages:
        names = ", ".join(str(language_name(code)) for code in facts.languages)
        suggestion.warnings.append(
            _("Does not list %(languages)s, nor interpreters: ask how they will understand each other.")
            % {"languages": names}
        )


def _weigh_distance(suggestion, home):
    points = [
        (float(link.location.latitude), float(link.location.longitude))
        for link in suggestion.service.service_at_locations.all()
        if link.location.latitude is not None and link.location.longitude is not None
    ]
    if not points:
        suggestion.add(DISTANCE, _("No fixed place: by phone or online."), POINTS_NO_PLACE)
        return
    if home is None:
        return
    km = min(haversine_m(home[0], home[1], latitude, longitude) for latitude, longitude in points) / 1000
    suggestion.distance_km = round(km, 1)
    suggestion.add(
        DISTANCE,
        _("%(km)s km from where they live.") % {"km": suggestion.distance_km},
        POINTS_DISTANCE / (1 + km / DISTANCE_HALF_KM),
    )


def _weigh_capacity(suggestion):
    service = suggestion.service
    status = service.capacity_status
    if status == Service.CapacityStatus.FULL:
        suggestion.add(CAPACITY, _("Full at the moment."), POINTS_FULL)
    elif status == Service.CapacityStatus.WAITING_LIST:
        suggestion.add(CAPACITY, _("Has a waiting list."), POINTS_WAITING_LIST)
    elif status == Service.CapacityStatus.TAKING_NEW:
        suggestion.add(CAPACITY, _("Taking new people."), POINTS_TAKING_NEW)
    capacities = list(service.capacities.all())
    available = [capacity for capacity in capacities if capacity.available > 0]
    if available:
        text = "; ".join(f"{capacity.available.normalize():f} {capacity.unit.name}" for capacity in available)
        suggestion.add(CAPACITY, _("Available: %(places)s.") % {"places": text}, POINTS_PLACES_AVAILABLE)
    elif capacities and status != Service.CapacityStatus.FULL:
        suggestion.add(CAPACITY, _("No places available at the moment."), POINTS_NO_PLACES_LEFT)
    if not status and not capacities:
        suggestion.add(CAPACITY, _("Capacity not known."))


def _weigh_statistics(suggestion, stats):
    suggestion.stats = stats
    if stats.suppressed:
        suggestion.add(STATISTICS, _("Too few referrals through Waymark yet to show how it answers."))
        return
    if stats.median_days_to_respond is not None:
        suggestion.add(
            STATISTICS,
            # A figure with a decimal ("1.5 days"): the plural form whatever its value.
            _("Answers referrals in a median of %(days)s days.") % {"days": stats.median_days_to_respond},
            POINTS_FAST * max(0.0, 1 - stats.median_days_to_respond / FAST_DAYS),
        )
    if stats.share_accepted is not None:
        suggestion.add(
            STATISTICS,
            ngettext(
                "Accepted %(percent)s%% of referrals (from %(count)s referral).",
                "Accepted %(percent)s%% of referrals (from %(count)s referrals).",
                stats.referrals,
            )
            % {"percent": stats.percent_accepted, "count": stats.referrals},
            POINTS_ACCEPTING * stats.share_accepted,
        )


def _weigh_delivery(suggestion):
    if suggestion.service.accepts_waymark_referrals:
        suggestion.add(DELIVERY, _("Takes referrals through Waymark: the answer comes back here."), POINTS_WAYMARK)
    else:
        suggestion.add(DELIVERY, _("Not on Waymark: the referral goes as a letter and you record the answer."))


def _order(suggestions):
    return sorted(suggestions, key=lambda item: (-item.score, item.service.name, str(item.service.id)))


def suggest(person, need, *, limit=20, matter=None, now=None):
    """Services for ``person``'s ``need`` (a needs TaxonomyTerm), best first (see the module
    docstring). ``matter`` (an ImmigrationMatter) sets the OISC level an immigration-advice
    need requires (level 1 without one). Returns ``Suggestions``: at most ``limit`` eligible
    ones, and at most ``limit`` in ``not_eligible``."""
    now = now or timezone.now()
    facts = eligibility.person_facts(person, today=timezone.localdate(now))
    warnings = []
    if not facts.languages:
        warnings.append(_("Their languages are not recorded: language is not used to rank the suggestions."))

    services = Service.objects.public(now).filter(status=Service.Status.ACTIVE)
    level = None
    if eligibility.is_advice_need(need):
        level = eligibility.required_advice_level(matter)
        services = services.filter(advice_q(level))
    tokens = [need_token(term_id) for term_id in needs_index().branch(need.id)]

    home = home_position(facts.home_area_id)
    if facts.home_area_id is None:
        warnings.append(_("Where they live is not recorded: distance is not used to rank the suggestions."))
    elif home is None:
        warnings.append(
            _("No position is known for the area where they live: distance is not used to rank the suggestions.")
        )

    found = _candidates(_candidate_ids(services, tokens, home))
    stats = response_statistics([service.id for service in found])
    eligible, not_eligible = [], []
    for service in found:
        suggestion = Suggestion(service=service)
        _weigh_eligibility(suggestion, facts, level)
        _weigh_language(suggestion, facts)
        _weigh_distance(suggestion, home)
        _weigh_capacity(suggestion)
        _weigh_statistics(suggestion, stats[service.id])
        _weigh_delivery(suggestion)
        suggestion.score = round(suggestion.score, 1)
        (eligible if suggestion.eligible else not_eligible).append(suggestion)
    return Suggestions(
        _order(eligible)[:limit], not_eligible=_order(not_eligible)[:limit], warnings=warnings, need=need
    )
