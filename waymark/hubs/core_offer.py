"""The core minimum offer of a hub, computed from what actually happened, with the evidence.

The Step Change consortium's offer (domain.md) has these lines, each checked for a week (Monday
to Sunday) or a month:

- a welcoming point of contact, and casework, each on at least N days a week: the days with a
  session held (not cancelled, and over) that offered it; N is the ``CoreOfferThreshold`` row in
  force on the week's Monday (policy, not code);
- an initial assessment of needs including vulnerability: met in a week when the hub's lead
  organisation recorded at least one assessment (``casework.Assessment``) that week of a person
  who came to one of the hub's sessions (a visit, at any time); the evidence is how many. A
  lead organisation that has recorded no assessment in Waymark at all may well assess on paper,
  so then it says it is not recorded rather than "not met";
- each part of the support package (immigration advice, housing support and advice,
  orientation, English language, employability): provided at the hub (a session held offering
  it, or a confirmed rota organisation that came bringing it), signposted (a
  ``referrals.Signposting`` given at a visit to one of the hub's sessions, to a service on the
  map listed under that need) or referred (a ``referrals.Referral`` made at such a visit to
  such a service, sent and not withdrawn; the evidence says how many the service completed):
  issue 7's "provided or referred";
- a social space, and local activities: a session held offering them.

A month is the weeks whose Monday falls in it; a line counted in days, and the initial
assessment, is met in the month when it is met in each of those weeks. Everything for any
number of hubs is read in a fixed number of queries (the network's grid and the API list many
hubs).
"""

import calendar
import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from waymark.casework.models import Assessment
from waymark.directory.models import NEED_LINK_TYPE, NEEDS_TAXONOMY_NAME, Attribute
from waymark.hubs.models import LONDON, CoreOfferThreshold, HubSession, Offer, RotaInvitation, Visit
from waymark.referrals.models import Referral, Signposting

DAYS = "days"  # met on at least N days a week (a threshold row)
ASSESSED = "assessed"  # assessments recorded each week
PACKAGE = "package"  # provided at the hub, or signposted or referred
HELD = "held"  # a session held offered it

# The kinds of evidence signposted_by_need reads in one query.
SIGNPOSTED = "signposted"
REFERRED = "referred"


@dataclass(frozen=True)
class Line:
    slug: str
    label: str
    kind: str
    offer: str = ""
    # Needs (slugs of the needs taxonomy) a service is listed under for signposting to it to
    # count for this line.
    needs: tuple = ()


LINES = [
    Line("welcome", gettext_lazy("Welcoming point of contact"), DAYS, Offer.WELCOME),
    Line("initial_assessment", gettext_lazy("Initial assessment of needs, including vulnerability"), ASSESSED),
    Line("casework", gettext_lazy("Casework"), DAYS, Offer.CASEWORK),
    Line(
        "immigration_advice",
        gettext_lazy("Immigration advice"),
        PACKAGE,
        Offer.IMMIGRATION_ADVICE,
        ("immigration-advice",),
    ),
    Line(
        "housing_advice",
        gettext_lazy("Housing support and advice"),
        PACKAGE,
        Offer.HOUSING_ADVICE,
        ("housing", "move-on-support"),
    ),
    Line("orientation", gettext_lazy("Orientation"), PACKAGE, Offer.ORIENTATION, ("orientation",)),
    Line("english_language", gettext_lazy("English language"), PACKAGE, Offer.ESOL_REGISTRATION, ("esol",)),
    Line("employability", gettext_lazy("Employability"), PACKAGE, Offer.EMPLOYABILITY, ("employment", "volunteering")),
    Line("social_space", gettext_lazy("Social space"), HELD, Offer.SOCIAL_SPACE),
    Line("activities", gettext_lazy("Local activities: sport, wellbeing, arts"), HELD, Offer.ACTIVITIES),
]
LINE_SLUGS = [line.slug for line in LINES]


@dataclass(frozen=True)
class Period:
    """Whole weeks, Monday to Sunday: one week, or the weeks whose Monday is in a month."""

    kind: str  # "week" or "month"
    mondays: tuple

    @property
    def first(self):
        return self.mondays[0]

    @property
    def last(self):
        return self.mondays[-1] + dt.timedelta(days=6)

    def previous(self):
        if self.kind == "week":
            return week_of(self.first - dt.timedelta(days=7))
        before = self.first.replace(day=1) - dt.timedelta(days=1)
        return month_of(before.year, before.month)

    def next(self):
        if self.kind == "week":
            return week_of(self.first + dt.timedelta(days=7))
        after = self.first.replace(day=28) + dt.timedelta(days=7)
        return month_of(after.year, after.month)

    def describe(self):
        if self.kind == "week":
            return _("Week of %(monday)s") % {"monday": date_format(self.first, "l j F Y")}
        return date_format(self.first, "F Y")

    def query(self):
        """The query string that asks for this period on the pages."""
        if self.kind == "week":
            return f"week={self.first:%Y-%m-%d}"
        return f"month={self.first:%Y-%m}"


def week_of(day):
    """The week (Monday to Sunday) that ``day`` is in."""
    return Period("week", (day - dt.timedelta(days=day.weekday()),))


def month_of(year, month):
    """The weeks whose Monday falls in the month."""
    first = dt.date(year, month, 1)
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    mondays = []
    while monday <= last:
        mondays.append(monday)
        monday += dt.timedelta(days=7)
    return Period("month", tuple(mondays))


def this_week(now=None):
    return week_of(timezone.localdate(now or timezone.now(), timezone=LONDON))


@dataclass
class Result:
    """One line of one hub's offer for a period: met (True, False, or None when it cannot be
    said), why in a sentence, and the evidence: sessions held, rota organisations that came,
    services signposted to (service name, count), services referred to (service name, count,
    completed), assessments recorded (a count) and sessions still to come."""

    line: Line
    met: bool | None
    why: str
    sessions: list = field(default_factory=list)
    rota: list = field(default_factory=list)
    signposted: list = field(default_factory=list)
    referred: list = field(default_factory=list)
    planned: list = field(default_factory=list)
    assessments: int = 0

    @property
    def slug(self):
        return self.line.slug

    @property
    def label(self):
        return self.line.label


def _day_list(days):
    return ", ".join(date_format(day, "D j M") for day in sorted(days))


def thresholds_for(period, rows):
    """{line: {monday: days_per_week or None}} from threshold rows (any order)."""
    ordered = sorted(rows, key=lambda row: row.valid_from, reverse=True)
    found = {}
    for line in CoreOfferThreshold.Line.values:
        found[line] = {
            monday: next(
                (row.days_per_week for row in ordered if row.line == line and row.valid_from <= monday),
                None,
            )
            for monday in period.mondays
        }
    return found


def signposted_by_need(hub_ids, period):
    """({hub_id: {need slug: [(service name, count), …]}}, {hub_id: {need slug: [(service
    name, count, completed), …]}}): the signposting given, and the referrals made, at visits
    to the hubs' sessions in the period (cancelled sessions have no visits), by the needs the
    service is listed under on the map.

    A referral counts once it has left its draft and was not withdrawn (sent, answered,
    redirected, closed, or not answered in time: the hub referred the person); ``completed`` is
    how many of them the service completed. A redirected referral counts under the service it
    is at now. Two queries: the signposting and the referrals in one (UNION ALL), then the
    services' needs.
    """
    where = {
        "visit__session__hub_id__in": hub_ids,
        "visit__session__date__gte": period.first,
        "visit__session__date__lte": period.last,
    }
    signposted = (
        Signposting.objects.filter(**where)
        .values(hub_pk=F("visit__session__hub_id"), service_pk=F("service_id"), service_name=F("service__name"))
        .annotate(kind=Value(SIGNPOSTED), count=Count("id"), completed=Value(0))
        .order_by()
    )
    referred = (
        Referral.objects.filter(**where)
        .exclude(state__in=[Referral.State.DRAFT, Referral.State.WITHDRAWN])
        .values(hub_pk=F("visit__session__hub_id"), service_pk=F("service_id"), service_name=F("service__name"))
        .annotate(
            kind=Value(REFERRED),
            count=Count("id"),
            completed=Count("id", filter=Q(state=Referral.State.COMPLETED)),
        )
        .order_by()
    )
    rows = list(signposted.union(referred, all=True).order_by("service_name"))
    if not rows:
        return {}, {}
    needs = defaultdict(set)
    for attribute in Attribute.objects.filter(
        link_entity=Attribute.LinkEntity.SERVICE,
        link_type=NEED_LINK_TYPE,
        link_id__in={row["service_pk"] for row in rows},
        taxonomy_term__taxonomy__name=NEEDS_TAXONOMY_NAME,
    ).values("link_id", "taxonomy_term__slug"):
        needs[attribute["link_id"]].add(attribute["taxonomy_term__slug"])
    found = {kind: defaultdict(lambda: defaultdict(list)) for kind in (SIGNPOSTED, REFERRED)}
    for row in sorted(rows, key=lambda row: (row["service_name"], str(row["service_pk"]))):
        if row["kind"] == SIGNPOSTED:
            evidence = (row["service_name"], row["count"])
        else:
            evidence = (row["service_name"], str(row["service_pk"]), row["count"], row["completed"])
        for need in needs[_uuid(row["service_pk"])]:
            found[row["kind"]][row["hub_pk"]][need].append(evidence)
    return found[SIGNPOSTED], found[REFERRED]


def _uuid(value):
    # A UNION's rows are not converted by the model field: on SQLite a UUID comes back as text.
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def assessments_by_week(hubs, period):
    """({hub_id: {monday: count}}, {ids of the lead organisations that have recorded any
    assessment by the period's end}): the assessments recorded in the period by each hub's lead
    organisation of people who came to one of the hub's sessions. Two queries."""
    start = dt.datetime.combine(period.first, dt.time.min, tzinfo=LONDON)
    end = dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON)
    # From the visits: one row per (hub, assessment), however many times the person came.
    rows = (
        Visit.objects.filter(
            session__hub_id__in=[hub.pk for hub in hubs],
            person__assessments__organisation_id=F("session__hub__lead_organisation_id"),
            person__assessments__assessed_at__gte=start,
            person__assessments__assessed_at__lt=end,
        )
        .values_list("session__hub_id", "person__assessments__id", "person__assessments__assessed_at")
        .order_by()
        .distinct()
    )
    counts = defaultdict(lambda: defaultdict(int))
    for hub_id, _assessment_id, assessed_at in rows:
        day = timezone.localtime(assessed_at, LONDON).date()
        counts[hub_id][day - dt.timedelta(days=day.weekday())] += 1
    recording = set(
        Assessment.objects.filter(organisation_id__in={hub.lead_organisation_id for hub in hubs}, assessed_at__lt=end)
        .values_list("organisation_id", flat=True)
        .order_by()
        .distinct()
    )
    return counts, recording


def compute(hubs, period, *, now=None):
    """{hub.pk: [Result for each line of LINES]} for ``hubs`` over ``period``, in seven queries
    at most, however many hubs."""
    now = now or timezone.now()
    hub_ids = [hub.pk for hub in hubs]
    sessions = list(
        HubSession.objects.filter(hub_id__in=hub_ids, date__gte=period.first, date__lte=period.last)
        .select_related("site")
        .order_by("date", "starts_at")
    )
    held = [s for s in sessions if not s.is_cancelled and s.ends <= now]
    planned = [s for s in sessions if not s.is_cancelled and s.ends > now]
    held_ids = {s.pk for s in held}
    rota = [
        invitation
        for invitation in RotaInvitation.objects.filter(
            session__hub_id__in=hub_ids,
            session__date__gte=period.first,
            session__date__lte=period.last,
            status=RotaInvitation.Status.CONFIRMED,
        )
        .select_related("organisation", "session")
        .order_by("session__date", "organisation__name")
        # Confirmed and not recorded as absent: they came, as far as anyone has said.
        if invitation.session_id in held_ids and invitation.attended is not False
    ]
    thresholds = thresholds_for(period, CoreOfferThreshold.objects.filter(valid_from__lte=period.last))
    signposted, referred = signposted_by_need(hub_ids, period)
    assessed, recording = assessments_by_week(hubs, period)

    held_by_hub, planned_by_hub, rota_by_hub = defaultdict(list), defaultdict(list), defaultdict(list)
    for session in held:
        held_by_hub[session.hub_id].append(session)
    for session in planned:
        planned_by_hub[session.hub_id].append(session)
    for invitation in rota:
        rota_by_hub[invitation.session.hub_id].append(invitation)
    return {
        hub.pk: [
            _assessment_result(line, period, assessed.get(hub.pk, {}), hub.lead_organisation_id in recording)
            if line.kind == ASSESSED
            else _line_result(
                line,
                period,
                held_by_hub[hub.pk],
                planned_by_hub[hub.pk],
                rota_by_hub[hub.pk],
                signposted.get(hub.pk, {}),
                referred.get(hub.pk, {}),
                thresholds,
            )
            for line in LINES
        ]
        for hub in hubs
    }


def compute_one(hub, period, *, now=None):
    return compute([hub], period, now=now)[hub.pk]


def _line_result(line, period, held, planned, rota, signposted, referred, thresholds):
    offering = [s for s in held if line.offer in s.offers]
    coming = [s for s in planned if line.offer in s.offers]
    if line.kind == DAYS:
        return _days_result(line, period, offering, coming, thresholds[line.slug])
    if line.kind == HELD:
        if offering:
            why = _("Offered on %(days)s.") % {"days": _day_list({s.date for s in offering})}
            return Result(line, True, why, sessions=offering, planned=coming)
        return Result(line, False, _("No session held offered it."), planned=coming)
    # PACKAGE: provided at the hub, or signposted or referred.
    bringing = [invitation for invitation in rota if line.offer in invitation.offers]
    services = [pair for need in line.needs for pair in signposted.get(need, [])]
    referrals = _once([row for need in line.needs for row in referred.get(need, [])])
    reasons = []
    if offering:
        reasons.append(_("Provided at the hub on %(days)s.") % {"days": _day_list({s.date for s in offering})})
    if bringing:
        names = sorted({invitation.organisation.name for invitation in bringing})
        reasons.append(
            _("Brought by %(organisations)s on %(days)s.")
            % {"organisations": ", ".join(names), "days": _day_list({i.session.date for i in bringing})}
        )
    if services:
        total = sum(count for _name, count in services)
        reasons.append(ngettext("Signposted %(count)d time.", "Signposted %(count)d times.", total) % {"count": total})
    if referrals:
        total = sum(count for _name, _service, count, _completed in referrals)
        completed = sum(completed for _name, _service, _count, completed in referrals)
        reasons.append(
            ngettext(
                "Referred %(count)d time (%(completed)d completed).",
                "Referred %(count)d times (%(completed)d completed).",
                total,
            )
            % {"count": total, "completed": completed}
        )
    if not reasons:
        # (Nor referred: a referral at a visit counts above. The sentence keeps its translations.)
        return Result(line, False, _("Not provided at the hub, and nobody was signposted for it."), planned=coming)
    return Result(
        line,
        True,
        " ".join(reasons),
        sessions=offering,
        rota=bringing,
        signposted=services,
        referred=[(name, count, completed) for name, _service, count, completed in referrals],
        planned=coming,
    )


def _once(rows):
    # A service listed under two of a line's needs (housing, and move-on support) counts once.
    return list(dict.fromkeys(rows))


def _assessment_result(line, period, by_week, records_assessments):
    total = sum(by_week.values())
    if not total and not records_assessments:
        return Result(
            line,
            None,
            _("Not yet recorded: the hub's lead organisation has recorded no assessments in Waymark."),
        )
    if period.kind == "month":
        met_weeks = sum(1 for monday in period.mondays if by_week.get(monday))
        why = _("Assessments recorded in %(met)d of %(weeks)d weeks (%(count)d in all).") % {
            "met": met_weeks,
            "weeks": len(period.mondays),
            "count": total,
        }
        return Result(line, met_weeks == len(period.mondays), why, assessments=total)
    if not total:
        return Result(line, False, _("No assessment recorded this week of someone who came to the hub."))
    why = ngettext(
        "%(count)d assessment recorded of someone who came to the hub.",
        "%(count)d assessments recorded of people who came to the hub.",
        total,
    ) % {"count": total}
    return Result(line, True, why, assessments=total)


def _days_result(line, period, offering, coming, needed_by_week):
    weeks = []
    for monday in period.mondays:
        sunday = monday + dt.timedelta(days=6)
        days = {s.date for s in offering if monday <= s.date <= sunday}
        needed = needed_by_week[monday]
        weeks.append((days, needed, None if needed is None else len(days) >= needed))
    if any(met is None for _days, _needed, met in weeks):
        return Result(
            line,
            None,
            _("No threshold is in force for this period: an administrator adds one."),
            sessions=offering,
            planned=coming,
        )
    if period.kind == "month":
        met_weeks = sum(1 for _days, _needed, met in weeks if met)
        why = _("Met in %(met)d of %(weeks)d weeks (at least %(needed)d days a week).") % {
            "met": met_weeks,
            "weeks": len(weeks),
            "needed": max(needed for _days, needed, _met in weeks),
        }
        return Result(line, met_weeks == len(weeks), why, sessions=offering, planned=coming)
    days, needed, met = weeks[0]
    if days:
        why = ngettext(
            "Held on %(count)d day (%(days)s); at least %(needed)d needed.",
            "Held on %(count)d days (%(days)s); at least %(needed)d needed.",
            len(days),
        ) % {"count": len(days), "days": _day_list(days), "needed": needed}
    else:
        why = _("Held on no day; at least %(needed)d needed.") % {"needed": needed}
    if not met and coming:
        why += " " + _("Still planned: %(days)s.") % {"days": _day_list({s.date for s in coming})}
    return Result(line, met, why, sessions=offering, planned=coming)
