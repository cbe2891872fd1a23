"""The demo's hubs: Step Change's ten Greater Manchester hubs and InterAction's Newcastle
drop-in on two sites, with teams, partners, six months of past sessions, the coming weeks and
their rotas. ``seed_hubs`` is a seed_demo step; it can run again at any time and changes
nothing that is already there (sessions are only added for missing dates).

Hubs, their map services, patterns and sessions are made through the actions, like a
coordinator would. The rota's history (who came to past sessions) is written directly: the
actions refuse to invite anyone to a session that is over, as they should. Attendance of
people (check-ins) comes with check-in.
"""

import datetime as dt
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from waymark.accounts.models import Membership, Organisation, User
from waymark.directory.models import Address, Location, LocationType
from waymark.hubs import actions
from waymark.hubs.models import LONDON, Hub, HubSession, Offer, RotaInvitation
from waymark.places.models import Area
from waymark.places.postcodes import locate

NAMESPACE = uuid.UUID("5b0f2f4e-7d1c-4c55-9d0f-2b3c1f0e8a61")

# How much history and future the demo has.
PAST = dt.timedelta(weeks=26)
AHEAD = dt.timedelta(weeks=6)

W, C, IA, E, F, A, S, H, OR, J, HE = (
    Offer.WELCOME,
    Offer.CASEWORK,
    Offer.IMMIGRATION_ADVICE,
    Offer.ESOL_REGISTRATION,
    Offer.HOT_FOOD,
    Offer.ACTIVITIES,
    Offer.SOCIAL_SPACE,
    Offer.HOUSING_ADVICE,
    Offer.ORIENTATION,
    Offer.EMPLOYABILITY,
    Offer.HEALTH,
)

# The lead organisations are those of waymark/accounts/demo.py, by slug (made here with the
# name given if that step has not run). Sites are invented community buildings, placed at
# their postcode district's middle. Patterns: (site index, weekdays, starts, ends, offers).
HUBS = [
    {
        "name": "Bolton Hub",
        "area": "bolton",
        "lead": ("croal-valley-welcome-project", "Croal Valley Welcome Project"),
        "model": Hub.Model.LOCAL_PROVIDER,
        "description": (
            "A warm welcome on Tuesdays and Thursdays: advice, casework, English class sign-up and a hot lunch."
        ),
        "sites": [("Derby Street Community Centre", "12 Derby Street", "Bolton", "BL3 6HH")],
        "patterns": [(0, ["TU", "TH"], "10:00", "14:00", [W, C, F, S, OR])],
        "partners": ["medlock-immigration-advice-centre", "halliwell-faith-pantry", "bolton-council"],
        "team": ["volunteer@demo.waymark", "caseworker@demo.waymark", "coordinator@demo.waymark"],
    },
    {
        "name": "Bury Hub",
        "area": "bury",
        "lead": ("bury-hearthside-welcome-hub", "Bury Hearthside Welcome Hub"),
        "model": Hub.Model.WEEKLY_DROP_IN,
        "description": "A one-day-a-week drop-in in a church hall, run with a visiting national charity.",
        "sites": [("St Anne's Church Hall", "4 Tottington Road", "Bury", "BL9 0AA")],
        "patterns": [(0, ["WE"], "11:00", "15:00", [W, C, F, S])],
        "partners": ["harbourline-refugee-trust", "medlock-immigration-advice-centre"],
    },
    {
        "name": "Leigh Hub",
        "area": "wigan",
        "lead": ("leigh-canalside-conversation-club", "Leigh Canalside Conversation Club"),
        "model": Hub.Model.WEEKLY_DROP_IN,
        "description": "Friday conversation club and drop-in at Leigh library.",
        "sites": [("Leigh Library Meeting Room", "Turnpike Centre", "Leigh", "WN7 1EB")],
        "patterns": [(0, ["FR"], "13:00", "16:00", [W, E, S, A])],
        "partners": ["pennine-tongues-interpreting-co-op"],
    },
    {
        "name": "Manchester Hub",
        "area": "manchester",
        "lead": ("irk-valley-welcome-partnership", "Irk Valley Welcome Partnership"),
        "model": Hub.Model.LOCAL_PROVIDER,
        "description": "Open four days a week near the city centre: casework, advice, meals and activities.",
        "sites": [("Irk Valley Welcome Centre", "30 Rochdale Road", "Manchester", "M4 4HW")],
        "patterns": [(0, ["MO", "TU", "WE", "TH"], "10:00", "16:00", [W, C, F, S, A, J])],
        "partners": ["medlock-immigration-advice-centre", "harbourline-refugee-trust", "sale-water-spokes"],
    },
    {
        "name": "Oldham Hub",
        "area": "oldham",
        "lead": ("alexandra-park-newcomers-hub", "Alexandra Park Newcomers Hub"),
        "model": Hub.Model.COORDINATED_SERVICES,
        "description": (
            "Several organisations across two sites: advice at the hub, a supper club at the interfaith centre."
        ),
        "sites": [
            ("Alexandra Park Lodge", "Kings Road", "Oldham", "OL8 2BN"),
            ("Werneth Interfaith Centre", "Manchester Road", "Oldham", "OL9 7AA"),
        ],
        "patterns": [
            (0, ["MO", "TH"], "10:00", "14:00", [W, C, H, OR]),
            (1, ["WE"], "17:00", "20:00", [F, S, A]),
        ],
        "partners": ["werneth-interfaith-supper-table", "roch-valley-health-inclusion-team"],
    },
    {
        "name": "Rochdale Hub",
        "area": "rochdale",
        "lead": ("spotland-friends-of-newcomers", "Spotland Friends of Newcomers"),
        "model": Hub.Model.COORDINATED_SERVICES,
        "description": "Advice and health drop-ins on Tuesdays, English and activities on Thursdays.",
        "sites": [("Spotland Community Rooms", "Edenfield Road", "Rochdale", "OL11 5AA")],
        "patterns": [(0, ["TU"], "10:00", "13:00", [W, C, HE]), (0, ["TH"], "13:00", "16:00", [E, A, S])],
        "partners": ["roch-valley-health-inclusion-team", "pennine-tongues-interpreting-co-op"],
    },
    {
        "name": "Salford Hub",
        "area": "salford",
        "lead": ("kersal-moor-welcome-centre", "Kersal Moor Welcome Centre"),
        "model": Hub.Model.LOCAL_PROVIDER,
        "description": "Open Monday, Wednesday and Friday: a welcome, casework, food and counselling referrals.",
        "sites": [("Kersal Moor Welcome Centre", "Moor Lane", "Salford", "M7 3PZ")],
        "patterns": [(0, ["MO", "WE", "FR"], "10:00", "15:00", [W, C, F, S])],
        "partners": ["kersal-quiet-rooms-counselling", "medlock-immigration-advice-centre"],
    },
    {
        "name": "Tameside Hub",
        "area": "tameside",
        "lead": ("ashton-lockside-welcome-group", "Ashton Lockside Welcome Group"),
        "model": Hub.Model.WEEKLY_DROP_IN,
        "description": "Thursday drop-in at the neighbours' association hall.",
        "sites": [("Tame Bridge Hall", "Park Parade", "Ashton-under-Lyne", "OL6 6AA")],
        "patterns": [(0, ["TH"], "10:00", "14:00", [W, C, F, S])],
        "partners": ["tame-bridge-neighbours-association"],
    },
    {
        "name": "Wigan Hub",
        "area": "wigan",
        "lead": ("douglas-bank-welcome-project", "Douglas Bank Welcome Project"),
        "model": Hub.Model.COORDINATED_SERVICES,
        "description": "Casework and housing advice with partners, and an online advice line.",
        "sites": [("Douglas Bank Centre", "Wallgate", "Wigan", "WN1 1BA")],
        "patterns": [(0, ["TU", "FR"], "10:00", "14:00", [W, C, H, J])],
        "partners": ["pennine-tongues-interpreting-co-op"],
    },
    {
        "name": "Stockport Hub",
        "area": "stockport",
        "lead": ("mersey-vale-newcomers-project", "Mersey Vale Newcomers Project"),
        "model": Hub.Model.LOCAL_PROVIDER,
        "description": "A welcome, casework and English class sign-up, Monday to Wednesday.",
        "sites": [("Mersey Vale Centre", "Wellington Road South", "Stockport", "SK1 3AA")],
        "patterns": [(0, ["MO", "TU", "WE"], "10:00", "15:00", [W, C, E, S])],
        "partners": ["pennine-tongues-interpreting-co-op"],
    },
    {
        "name": "Newcastle Multi-Agency Drop-in",
        "area": "newcastle-upon-tyne",
        "lead": ("lort-burn-welcome-drop-in", "Lort Burn Welcome Drop-in"),
        "model": Hub.Model.COORDINATED_SERVICES,
        "description": (
            "A drop-in on two sites with a rota of organisations and statutory services: advice, English "
            "class registration and a hot meal. First visits and returning visitors welcome."
        ),
        "sites": [
            ("City Centre Drop-in", "Clayton Street", "Newcastle upon Tyne", "NE1 5PN"),
            ("West End Library", "Condercum Road", "Newcastle upon Tyne", "NE4 8XJ"),
        ],
        "patterns": [
            (0, ["TU"], "10:00", "14:00", [W, C, E, F, S]),
            (1, ["TH"], "12:00", "15:00", [W, E, S, A]),
        ],
        "partners": [
            "benwell-kettle-english-club",
            "heaton-lanes-law-practice",
            "ouse-burn-faith-kitchen",
            "newcastle-city-council",
        ],
    },
]

# What each kind of partner brings to a session.
PARTNER_OFFERS = {
    "medlock-immigration-advice-centre": [IA],
    "heaton-lanes-law-practice": [IA],
    "benwell-kettle-english-club": [E],
    "halliwell-faith-pantry": [F],
    "ouse-burn-faith-kitchen": [F],
    "werneth-interfaith-supper-table": [F, S],
    "roch-valley-health-inclusion-team": [HE],
    "kersal-quiet-rooms-counselling": [HE],
    "harbourline-refugee-trust": [C],
    "bolton-council": [H],
    "newcastle-city-council": [H],
    "sale-water-spokes": [A],
    "tame-bridge-neighbours-association": [S, A],
    "pennine-tongues-interpreting-co-op": [W],
}


def demo_id(*key):
    return uuid.uuid5(NAMESPACE, "/".join(map(str, key)))


def _say(stdout, text):
    if stdout is not None:
        stdout.write(text)


def _site(area, organization, name, street, town, postcode):
    """The demo community building, made once (with a fixed id) and placed by its postcode.
    Listed under the lead organisation's map entry, which books it for the hub's sessions
    (a location with no organisation would not come back the same through an ORUK import)."""
    location = Location.objects.filter(id=demo_id("site", name)).first()
    if location is not None:
        return location
    place = locate(postcode)
    location = Location.objects.create(
        id=demo_id("site", name),
        location_type=LocationType.PHYSICAL,
        name=name,
        area=area,
        organization=organization,
        latitude=Decimal(str(round(place.latitude, 6))) if place else None,
        longitude=Decimal(str(round(place.longitude, 6))) if place else None,
    )
    Address.objects.create(
        location=location,
        address_1=street,
        city=town,
        state_province="Tyne and Wear" if postcode.startswith("NE") else "Greater Manchester",
        postal_code=postcode,
        address_type=LocationType.PHYSICAL,
    )
    return location


def _time(text):
    return dt.time.fromisoformat(text)


def _rota_status(index, session, today):
    """A believable rota, the same on every run: most partners come, some cannot."""
    if session.date < today:
        return RotaInvitation.Status.DECLINED if index % 7 == 3 else RotaInvitation.Status.CONFIRMED
    weeks_ahead = (session.date - today).days // 7
    if weeks_ahead >= 3:
        return RotaInvitation.Status.INVITED
    return RotaInvitation.Status.DECLINED if index % 5 == 2 else RotaInvitation.Status.CONFIRMED


def _seed_rota(hub, partners, coordinator, today):
    """Each session gets one partner in turn; past ones with attendance recorded."""
    if not partners:
        return 0
    have = set(RotaInvitation.objects.filter(session__hub=hub).values_list("session_id", flat=True))
    now = timezone.now()
    rows = []
    for index, session in enumerate(hub.sessions.order_by("date", "starts_at")):
        if session.pk in have or session.is_cancelled:
            continue
        organisation = partners[index % len(partners)]
        status = _rota_status(index, session, today)
        past = session.date < today
        answered = status != RotaInvitation.Status.INVITED
        rows.append(
            RotaInvitation(
                session=session,
                organisation=organisation,
                status=status,
                offers=PARTNER_OFFERS.get(organisation.slug, []),
                invited_by=coordinator,
                invited_at=min(now, session.starts - dt.timedelta(days=14)),
                responded_at=min(now, session.starts - dt.timedelta(days=10)) if answered else None,
                attended=(index % 9 != 4) if past and status == RotaInvitation.Status.CONFIRMED else None,
            )
        )
    RotaInvitation.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def seed_hubs(stdout=None):
    """Create the demo hubs (or fill in what is missing); return the hubs."""
    today = timezone.localdate(timezone=LONDON)
    first_day = today - PAST
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    hubs = []
    for spec in HUBS:
        area, _made = Area.objects.get_or_create(slug=spec["area"], defaults={"name": spec["area"].title()})
        lead_slug, lead_name = spec["lead"]
        lead, _made = Organisation.objects.get_or_create(slug=lead_slug, defaults={"name": lead_name})
        members = Membership.objects.filter(organisation=lead).select_related("user").order_by("pk")
        lead_member = next((member for member in members if member.has_role("coordinator")), None)
        coordinator = lead_member.user if lead_member else admin
        if coordinator is None:
            coordinator = User.objects.get_or_create(email="hubs-demo@demo.waymark", defaults={"name": "Hubs demo"})[0]
        sites = [_site(area, actions._directory_organization(lead), *site) for site in spec["sites"]]

        hub = Hub.objects.filter(name=spec["name"], lead_organisation=lead).first()
        if hub is None:
            hub = actions.do_create_hub(
                name=spec["name"],
                description=spec["description"],
                area=area,
                lead_organisation=lead,
                model=spec["model"],
                sites=sites,
                acting_user=coordinator,
            )
        partners = list(Organisation.objects.filter(slug__in=spec["partners"]).order_by("slug"))
        if set(hub.partners.all()) != set(partners):
            actions.do_set_partners(hub, partners, acting_user=coordinator)
        team = list(Membership.objects.filter(organisation=lead, user__email__in=spec.get("team", [])))
        if team and set(hub.team.all()) != set(team):
            actions.do_set_team(hub, team, acting_user=coordinator)

        for site_index, weekdays, starts, ends, offers in spec["patterns"]:
            site = sites[site_index]
            pattern = hub.patterns.filter(site=site, weekdays=weekdays, starts_at=_time(starts)).first()
            if pattern is None:
                pattern = actions.do_add_pattern(
                    hub,
                    site=site,
                    weekdays=weekdays,
                    starts_at=_time(starts),
                    ends_at=_time(ends),
                    starts_on=first_day,
                    offers=offers,
                    acting_user=coordinator,
                )
            actions.do_generate_sessions(pattern, today + AHEAD, acting_user=coordinator)

        # One cancelled session coming up, so the pages show what that looks like.
        coming = hub.sessions.filter(date__gt=today + dt.timedelta(weeks=2)).order_by("date").first()
        if coming is not None and not hub.sessions.filter(status=HubSession.Status.CANCELLED).exists():
            actions.do_cancel_session(coming, reason="Closed for staff training.", acting_user=coordinator)

        made = _seed_rota(hub, partners, coordinator, today)
        hubs.append(hub)
        _say(stdout, f"{hub.name}: {hub.sessions.count()} sessions, {made} rota places added.")
    return hubs
