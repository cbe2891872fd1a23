"""The demo's service map: a few hundred invented services in Greater Manchester and Newcastle.

Read by the ``seed_directory`` step of ``manage.py seed_demo``. Everything is made by a seeded
``random.Random``, so every run makes the same listings; every row has a fixed UUID (uuid5 of
its name), so a re-run finds and resets the same rows instead of adding more. Timestamps
(last checked, capacity, temporary notices) are relative to the day of the run, so a demo
seeded today shows the same mix of fresh and stale listings as one seeded last year.

The organisations are the demo's invented ones (``waymark.accounts.demo``) plus a few that
are only in the directory (not on Waymark). Places and postcode districts are real, so the map
and the distance search work; street addresses are plausible but invented, phone numbers are
in Ofcom's ranges reserved for drama, and web and e-mail addresses are on example.org.
"""

import random
import uuid
from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from waymark.accounts import demo as accounts_demo
from waymark.directory.models import (
    IMMIGRATION_ADVICE_SLUG,
    NEED_LINK_TYPE,
    NEEDS_TAXONOMY_NAME,
    Address,
    Attribute,
    CostOption,
    Language,
    Location,
    LocationType,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    Translation,
    text_hash,
)
from waymark.directory.needs_data import NEEDS
from waymark.directory.search_index import facet_tokens
from waymark.lib.text import normalise_search_text
from waymark.places.models import OutcodeCentroid

SEED = 20260403
# Where every demo row's UUID comes from: uuid5(NAMESPACE, "<kind>/<key>").
NAMESPACE = uuid.UUID("5f2d7c1e-9a43-4b8e-8c57-0d3e6a1b2c90")
# Each need in each of 10 areas (the need × area walk below), plus two more immigration-advice
# services per area: people look for regulated advice first.
ROUNDS_PER_NEED = 10
EXTRA_IMMIGRATION_ADVICE_PER_AREA = 2
STALE_DAYS = 180
VERY_STALE_DAYS = 365


def demo_id(kind, *key):
    """The fixed UUID of a demo row: the same on every run and every database."""
    return uuid.uuid5(NAMESPACE, "/".join([kind, *map(str, key)]))


# Neighbourhoods of each area with their real postcode district (outcode).
NEIGHBOURHOODS = {
    "bolton": [
        ("Bolton town centre", "BL1"),
        ("Halliwell", "BL1"),
        ("Tonge Moor", "BL2"),
        ("Breightmet", "BL2"),
        ("Deane", "BL3"),
        ("Great Lever", "BL3"),
    ],
    "bury": [("Bury town centre", "BL9"), ("Chesham", "BL9"), ("Radcliffe", "M26")],
    "manchester": [
        ("Manchester city centre", "M1"),
        ("Ancoats", "M4"),
        ("Cheetham Hill", "M8"),
        ("Harpurhey", "M9"),
        ("Openshaw", "M11"),
        ("Ardwick", "M12"),
        ("Longsight", "M13"),
        ("Moss Side", "M14"),
        ("Hulme", "M15"),
        ("Whalley Range", "M16"),
    ],
    "oldham": [("Oldham town centre", "OL1"), ("Coldhurst", "OL1"), ("Glodwick", "OL4"), ("Werneth", "OL9")],
    "rochdale": [
        ("Rochdale town centre", "OL16"),
        ("Deeplish", "OL11"),
        ("Castleton", "OL11"),
        ("Spotland", "OL12"),
        ("Milnrow", "OL16"),
    ],
    "salford": [("Pendleton", "M6"), ("Weaste", "M5"), ("Ordsall", "M5"), ("Broughton", "M7"), ("Kersal", "M7")],
    "stockport": [
        ("Stockport town centre", "SK1"),
        ("Offerton", "SK2"),
        ("Edgeley", "SK3"),
        ("Heaton Norris", "SK4"),
        ("Brinnington", "SK5"),
        ("Hazel Grove", "SK7"),
    ],
    "tameside": [
        ("Ashton-under-Lyne", "OL6"),
        ("Ashton Hurst", "OL7"),
        ("Hyde", "SK14"),
        ("Stalybridge", "SK15"),
        ("Dukinfield", "SK16"),
    ],
    "trafford": [("Stretford", "M32"), ("Sale", "M33"), ("Urmston", "M41")],
    "wigan": [
        ("Wigan town centre", "WN1"),
        ("Ince", "WN2"),
        ("Hindley", "WN2"),
        ("Pemberton", "WN5"),
        ("Leigh", "WN7"),
    ],
    "newcastle-upon-tyne": [
        ("Newcastle city centre", "NE1"),
        ("Jesmond", "NE2"),
        ("Gosforth", "NE3"),
        ("Elswick", "NE4"),
        ("Benwell", "NE4"),
        ("Fenham", "NE4"),
        ("Heaton", "NE6"),
        ("Byker", "NE6"),
        ("Walker", "NE6"),
        ("Denton Burn", "NE15"),
    ],
}

COUNTIES = {"newcastle-upon-tyne": "Tyne and Wear"}
DEFAULT_COUNTY = "Greater Manchester"
# Ofcom reserves these numbers for drama: they never ring anyone.
PHONE_PREFIX = {"newcastle-upon-tyne": "0191 498 "}
DEFAULT_PHONE_PREFIX = "0161 496 "

STREETS = [
    "Chapel Street",
    "Mill Lane",
    "Victoria Road",
    "Church Street",
    "Albert Terrace",
    "Bridge Street",
    "Canal Side",
    "Market Place",
    "Station Road",
    "Park View",
    "Union Street",
    "Queen's Road",
    "Brook Lane",
    "Foundry Street",
    "Weavers Row",
    "Spring Gardens",
]
VENUES = [
    "Community Hall",
    "Old Library",
    "Methodist Church Hall",
    "Family Centre",
    "Neighbourhood Centre",
    "Resource Centre",
    "Friends Meeting House",
    "Community Café",
    "Youth and Community Centre",
    "Adult Learning Centre",
]
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Organisations only in the directory: not (yet) on Waymark. slug, name, areas, focus needs,
# data sharing. Invented, like every demo organisation.
DIRECTORY_ONLY_ORGANISATIONS = [
    (
        "irwell-migrant-law-clinic",
        "Irwell Migrant Law Clinic",
        ["manchester", "salford", "trafford", "stockport"],
        [IMMIGRATION_ADVICE_SLUG, "detention-support", "trafficking"],
        Organization.DataSharing.NEVER_WITHOUT_CONSENT,
    ),
    (
        "pennine-rights-advice-service",
        "Pennine Rights Advice Service",
        ["oldham", "rochdale", "tameside", "bury"],
        [IMMIGRATION_ADVICE_SLUG, "money-benefits", "move-on-support"],
        Organization.DataSharing.NEVER_WITHOUT_CONSENT,
    ),
    (
        "orrell-migrant-advice-point",
        "Orrell Migrant Advice Point",
        ["wigan", "bolton"],
        [IMMIGRATION_ADVICE_SLUG, "money-benefits"],
        Organization.DataSharing.UNKNOWN,
    ),
    (
        "sycamore-door-womens-refuge",
        "Sycamore Door Women's Refuge",
        ["manchester", "oldham", "wigan", "stockport", "newcastle-upon-tyne"],
        ["domestic-abuse", "women", "trafficking"],
        Organization.DataSharing.NEVER_WITHOUT_CONSENT,
    ),
    (
        "northern-lantern-lgbt-group",
        "Northern Lantern LGBT+ Group",
        ["manchester", "salford", "newcastle-upon-tyne"],
        ["lgbt", "social", "mental-health"],
        Organization.DataSharing.NEVER_WITHOUT_CONSENT,
    ),
    (
        "quayside-young-arrivals-project",
        "Quayside Young Arrivals Project",
        ["newcastle-upon-tyne", "bolton", "rochdale", "trafford"],
        ["young-people", "education", "sport-wellbeing"],
        Organization.DataSharing.ONLY_WHERE_LAW_REQUIRES,
    ),
    (
        "threadneedle-baby-bank",
        "Threadneedle Baby Bank",
        ["stockport", "tameside", "trafford", "bury", "wigan"],
        ["baby-items", "clothing", "families-children"],
        Organization.DataSharing.UNKNOWN,
    ),
]

# What the Waymark demo organisations do, for those that do not do a bit of everything.
# Organisations missing here (the hubs' lead charities, community groups) are generalists.
WAYMARK_ORGANISATION_FOCUS = {
    accounts_demo.LEGAL_ADVICE_CHARITY: [IMMIGRATION_ADVICE_SLUG, "detention-support", "trafficking"],
    "heaton-lanes-law-practice": [IMMIGRATION_ADVICE_SLUG, "detention-support", "trafficking"],
    "brindlestone-accommodation-services": ["housing", "asylum-support", "furniture"],
    "roch-valley-health-inclusion-team": ["health", "dental", "maternity", "mental-health"],
    "kersal-quiet-rooms-counselling": ["mental-health", "women"],
    "werneth-interfaith-supper-table": ["food", "social", "destitution"],
    "halliwell-faith-pantry": ["food", "clothing", "baby-items", "destitution"],
    "sale-water-spokes": ["travel", "sport-wellbeing", "volunteering"],
    "pennine-tongues-interpreting-co-op": ["interpreting", "volunteering"],
    accounts_demo.BOLTON_COUNCIL: ["housing", "money-benefits", "education", "families-children", "move-on-support"],
    "newcastle-city-council": ["housing", "money-benefits", "education", "young-people", "move-on-support"],
    "benwell-kettle-english-club": ["esol", "social", "digital-inclusion"],
    "ouse-burn-faith-kitchen": ["food", "social", "clothing"],
    "leigh-canalside-conversation-club": ["esol", "social", "orientation"],
}

# Who regulates each organisation's immigration advice: (regulator, OISC level). Organisations
# not listed give OISC level 1 advice (the hubs' lead charities).
ADVICE_REGULATION = {
    accounts_demo.LEGAL_ADVICE_CHARITY: ("oisc", 2),
    "heaton-lanes-law-practice": ("sra", None),
    "irwell-migrant-law-clinic": ("sra", None),
    "pennine-rights-advice-service": ("oisc", 3),
    "orrell-migrant-advice-point": ("oisc", 1),
}

# Per need: kinds of service (used in names) and what it offers (the description's first
# sentence), and needs a service of this kind often meets as well.
NEED_SERVICES = {
    IMMIGRATION_ADVICE_SLUG: (
        ["Immigration advice clinic", "Asylum appeals advice", "Family reunion advice"],
        "Free, confidential advice from a regulated adviser on asylum claims, appeals, fresh claims and "
        "family reunion.",
        [],
    ),
    "asylum-support": (
        ["Asylum support help desk", "ASPEN card and Section 95 help"],
        "Help applying for asylum support, sorting out ASPEN card problems and reporting accommodation repairs.",
        ["money-benefits", "housing"],
    ),
    "housing": (
        ["Housing advice", "Homelessness drop-in"],
        "Advice for people who are homeless or about to lose their home, and help to find somewhere to stay tonight.",
        ["move-on-support", "destitution"],
    ),
    "furniture": (
        ["Furniture and household goods scheme", "Starter packs for new homes"],
        "Beds, bedding, pans and furniture for people moving into an empty flat, delivered where possible.",
        ["housing", "move-on-support"],
    ),
    "move-on-support": (
        ["Move-on support", "New refugee support"],
        "Help in the 56 days after a grant of status: Universal Credit, a bank account, a home and a National "
        "Insurance number.",
        ["money-benefits", "housing"],
    ),
    "food": (
        ["Food bank", "Community meal", "Hot lunch", "Food parcel collection"],
        "Food for anyone who needs it, with halal and vegetarian options, fresh fruit and vegetables.",
        ["destitution", "social"],
    ),
    "destitution": (
        ["Destitution fund", "Emergency help"],
        "Small emergency grants, bus tickets and toiletries for people with no money and no support.",
        ["food", "housing"],
    ),
    "clothing": (
        ["Clothing bank", "Winter coat store"],
        "Free clothes and shoes for adults and children, with winter coats from October.",
        ["destitution", "baby-items"],
    ),
    "health": (
        ["GP registration help", "Health drop-in", "Health check clinic"],
        "Help registering with a GP (no proof of address or immigration status needed), and a nurse to talk to.",
        ["mental-health", "dental"],
    ),
    "dental": (
        ["Dental access clinic", "Emergency dental help"],
        "Help finding an NHS dentist and urgent care for toothache; treatment is free for people on asylum support.",
        ["health"],
    ),
    "mental-health": (
        ["Counselling in your language", "Wellbeing group", "Trauma support"],
        "Talking therapy and peer support for people living with stress, trauma or loss, in their own language.",
        ["health", "social"],
    ),
    "maternity": (
        ["Pregnancy and new mums group", "Maternity support"],
        "Support through pregnancy and the first year, with a midwife visit and help with the maternity grant.",
        ["women", "baby-items"],
    ),
    "esol": (
        ["English conversation class", "ESOL class", "English for beginners"],
        "Friendly English classes for every level, from the alphabet to exam preparation, with childcare on site.",
        ["education", "social"],
    ),
    "education": (
        ["Education advice", "College enrolment help", "Homework club"],
        "Help getting into school, college and university, and choosing a course.",
        ["esol", "young-people"],
    ),
    "employment": (
        ["Jobs club", "CV and interview help", "Work skills course"],
        "Help with CVs, job applications and interviews, and a path to work once you have permission.",
        ["education", "volunteering"],
    ),
    "money-benefits": (
        ["Benefits advice", "Money and debt advice"],
        "Help claiming benefits, dealing with debt and managing a budget.",
        ["move-on-support"],
    ),
    "families-children": (
        ["Family play session", "Parents' group", "Holiday activities for children"],
        "Play, stories and a space for parents to meet, with snacks for the children.",
        ["social", "baby-items"],
    ),
    "baby-items": (
        ["Baby bank", "Baby essentials"],
        "Prams, cots, nappies and baby clothes, free, by appointment or at the drop-in.",
        ["families-children", "clothing"],
    ),
    "young-people": (
        ["Youth club", "Young people's support", "Young arrivals group"],
        "Activities, trips and a key worker for young people aged 16 to 25, including those who came alone.",
        ["education", "sport-wellbeing"],
    ),
    "women": (
        ["Women's group", "Women's drop-in"],
        "A safe women-only space to meet, learn and get advice, with a crèche.",
        ["social", "mental-health"],
    ),
    "domestic-abuse": (
        ["Domestic abuse support", "Refuge"],
        "Safe accommodation and support for women leaving abuse; call first, the address is given when you are safe.",
        ["women", "housing"],
    ),
    "lgbt": (
        ["LGBT+ social group", "LGBT+ asylum peer support"],
        "A social and peer-support group for LGBT+ people seeking asylum or settled here, confidential and friendly.",
        ["social", "mental-health"],
    ),
    "trafficking": (
        ["Modern slavery support", "Safe house"],
        "Support for survivors of trafficking and modern slavery, including help through the National Referral "
        "Mechanism.",
        ["mental-health", "housing"],
    ),
    "detention-support": (
        ["Detention visiting", "Detention support line"],
        "Visits and phone support for people in immigration detention, and help finding a legal representative.",
        [],
    ),
    "orientation": (
        ["Welcome session", "Getting to know the area"],
        "A welcome to the area: buses, shops, doctors, schools and where to find help.",
        ["social", "travel"],
    ),
    "social": (
        ["Welcome café", "Drop-in social", "Conversation café"],
        "Tea, a warm welcome and a chat, with games for the children and volunteers who can signpost.",
        ["esol", "food"],
    ),
    "sport-wellbeing": (
        ["Football session", "Walking group", "Women's swimming", "Yoga and stretching"],
        "Free sport and exercise for all abilities, with kit provided.",
        ["social", "mental-health"],
    ),
    "arts": (
        ["Art and craft group", "Music and singing group", "Creative writing workshop"],
        "Making art, music and stories together; no experience needed, materials provided.",
        ["social", "mental-health"],
    ),
    "digital-inclusion": (
        ["Computer help", "Digital skills drop-in"],
        "Help using phones and computers, getting online and filling in forms on the internet.",
        ["phone-data", "esol"],
    ),
    "phone-data": (
        ["SIM cards and data", "Phone bank"],
        "Free SIM cards with data and refurbished phones for people without a way to get online.",
        ["digital-inclusion"],
    ),
    "travel": (
        ["Bus passes and travel help", "Bicycle loans"],
        "Help with travel costs to appointments: bus passes, tickets and bicycles to borrow.",
        ["orientation"],
    ),
    "interpreting": (
        ["Community interpreting", "Interpreter booking"],
        "Trained community interpreters for appointments with GPs, schools and solicitors.",
        ["volunteering"],
    ),
    "volunteering": (
        ["Volunteering opportunities", "Volunteer with us"],
        "Volunteering roles that build skills and friendships: kitchen, garden, reception and interpreting.",
        ["employment", "social"],
    ),
}

# Languages spoken at services: the ten interface languages, then others people in the
# network speak. (HSDS language name, ISO 639 code.)
INTERFACE_LANGUAGES_SPOKEN = [
    ("Arabic", "ar"),
    ("Persian", "fa"),
    ("Pashto", "ps"),
    ("Kurdish (Sorani)", "ckb"),
    ("Tigrinya", "ti"),
    ("Amharic", "am"),
    ("Urdu", "ur"),
    ("French", "fr"),
    ("Ukrainian", "uk"),
]
OTHER_LANGUAGES_SPOKEN = [
    ("Kurdish (Kurmanji)", "kmr"),
    ("Somali", "so"),
    ("Albanian", "sq"),
    ("Dari", "prs"),
    ("Oromo", "om"),
    ("Vietnamese", "vi"),
    ("Lingala", "ln"),
]

# Short translated descriptions, machine-drafted like the needs' labels: "<need> in <place>.
# Come in or call us to find out more." Languages without one get the name translated only.
DESCRIPTION_TEMPLATES = {
    "ar": "{need} في {place}. تعال إلينا أو اتصل بنا لمعرفة المزيد.",
    "fa": "{need} در {place}. برای اطلاعات بیشتر بیایید یا با ما تماس بگیرید.",
    "ps": "{need} په {place} کې. د نورو معلوماتو لپاره راشئ یا موږ ته زنګ ووهئ.",
    "ur": "{place} میں {need}۔ مزید معلومات کے لیے آئیں یا ہمیں فون کریں۔",
    "fr": "{need} à {place}. Venez nous voir ou appelez-nous pour en savoir plus.",
    "uk": "{need}: {place}. Приходьте або зателефонуйте, щоб дізнатися більше.",
}
TRANSLATED_LANGUAGES = ["ar", "fa", "ps", "ckb", "ti", "am", "ur", "fr", "uk"]

NOTICES = [
    "Closed for Eid: back the following week.",
    "No new immigration cases until the new adviser starts; existing clients as usual.",
    "Moved to the back hall while the main hall is repaired.",
    "Closed over the Christmas holidays.",
    "Afternoon session only this month.",
]

# Days since last checked; a few listings on purpose beyond the stale (180) and very stale (365) limits.
STALE_EVERY, STALE_OFFSET = 15, 7
VERY_STALE_EVERY, VERY_STALE_OFFSET = 50, 13


def seed_directory(demo):
    """Create or reset the demo's directory organisations and services (a seed_demo step)."""
    DirectoryDemo(demo).seed()


class DirectoryDemo:
    """Builds every demo directory row in memory, then writes them in a few bulk statements."""

    def __init__(self, demo):
        self.demo = demo
        self.rng = random.Random(SEED)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.needs = {
            term.slug: term for term in TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME).exclude(slug="")
        }
        self.need_data = {need["slug"]: need for need in NEEDS}
        self.centroids = {
            row.outcode: row
            for row in OutcodeCentroid.objects.filter(
                outcode__in={outcode for places in NEIGHBOURHOODS.values() for _name, outcode in places}
            )
        }
        self.rows = {model: [] for model in (Organization, Location, Service, ServiceAtLocation)}
        self.children = {model: [] for model in (Address, Phone, Schedule, Language, Attribute, CostOption)}
        self.translations = []
        self.restrictions = []
        self.locations = {}
        self.phone_counter = 0

    # --- organisations ---------------------------------------------------------------------

    def organisations(self):
        """(directory Organization, slug, area slugs, focus needs) for every demo organisation."""
        existing = {
            row.waymark_organisation_id: row.id
            for row in Organization.objects.filter(waymark_organisation__isnull=False).only(
                "id", "waymark_organisation"
            )
        }
        network_of_area = {
            area: self.demo.networks[slug] for slug, _name, areas in accounts_demo.NETWORKS for area in areas
        }
        result = []
        for spec in accounts_demo.ORGANISATIONS:
            waymark = self.demo.organisations[spec["slug"]]
            kind = spec["kind"]
            sharing = (
                Organization.DataSharing.ONLY_WHERE_LAW_REQUIRES
                if kind in ("local_authority", "accommodation_provider", "health")
                else Organization.DataSharing.NEVER_WITHOUT_CONSENT
            )
            organization = Organization(
                # An organisation already linked keeps its row (a one-to-one link cannot move).
                id=existing.get(waymark.pk, demo_id("organization", spec["slug"])),
                name=spec["name"],
                description=f"{spec['name']}: {spec['about']}.",
                email=f"hello@{spec['slug']}.example.org",
                website=f"https://{spec['slug']}.example.org/",
                waymark_organisation=waymark,
                data_sharing_with_authorities=sharing,
                network=network_of_area[spec["areas"][0]],
            )
            result.append((organization, spec["slug"], spec["areas"], WAYMARK_ORGANISATION_FOCUS.get(spec["slug"])))
        for slug, name, areas, focus, sharing in DIRECTORY_ONLY_ORGANISATIONS:
            organization = Organization(
                id=demo_id("organization", slug),
                name=name,
                description=f"{name} works in {', '.join(self.demo.areas[area].name for area in areas)}.",
                email=f"info@{slug}.example.org",
                website=f"https://{slug}.example.org/",
                data_sharing_with_authorities=sharing,
                network=network_of_area[areas[0]],
            )
            result.append((organization, slug, areas, focus))
        self.rows[Organization] = [organization for organization, *_rest in result]
        return result

    def providers(self, organisations, area, need):
        """Organisations that could run a service for ``need`` in ``area``, with weights."""
        candidates, weights = [], []
        for organization, slug, areas, focus in organisations:
            if area not in areas:
                continue
            if focus:
                if need in focus:
                    candidates.append((organization, slug))
                    weights.append(4)
            elif need != IMMIGRATION_ADVICE_SLUG or slug.endswith(("-project", "-centre", "-partnership")):
                candidates.append((organization, slug))
                weights.append(1)
        if not candidates:
            # Every area has a generalist lead charity; immigration advice falls back to it at OISC level 1.
            candidates = [(o, s) for o, s, areas, focus in organisations if area in areas and not focus]
            weights = [1] * len(candidates)
        return candidates, weights

    # --- the walk over needs and areas ----------------------------------------------------

    def plan(self):
        """(need slug, area slug) of every service: each need in ten areas, each area with every need."""
        need_slugs = [need["slug"] for need in NEEDS if need["slug"] in self.needs]
        area_slugs = [slug for slug, *_rest in accounts_demo.AREAS]
        pairs = []
        for index in range(len(need_slugs) * ROUNDS_PER_NEED):
            need_index, round_ = index % len(need_slugs), index // len(need_slugs)
            pairs.append((need_slugs[need_index], area_slugs[(need_index + round_) % len(area_slugs)]))
        for area in area_slugs:
            pairs += [(IMMIGRATION_ADVICE_SLUG, area)] * EXTRA_IMMIGRATION_ADVICE_PER_AREA
        return pairs

    def seed(self):
        organisations = self.organisations()
        for index, (need, area) in enumerate(self.plan()):
            candidates, weights = self.providers(organisations, area, need)
            organization, org_slug = self.rng.choices(candidates, weights)[0]
            self.add_service(index, need, area, organization, org_slug)
        self.write()

    # --- one service -------------------------------------------------------------------------

    def add_service(self, index, need, area, organization, org_slug):
        rng = self.rng
        kinds, offer, related = NEED_SERVICES[need]
        kind = rng.choice(kinds)
        place, outcode = rng.choice(NEIGHBOURHOODS[area])
        service_id = demo_id("service", index)
        hidden = need in ("domestic-abuse", "trafficking") and kind in ("Refuge", "Safe house")
        needs = [need] + rng.sample(related, rng.randint(0, min(2, len(related))))
        location = self.location_for(organization, org_slug, area, place, outcode, hidden, index)
        name = f"{kind} – {place}" if not hidden else f"{kind} ({self.demo.areas[area].name})"
        description = f"{offer} Run by {organization.name}" + (
            "; the address is given when you call." if hidden else f" at {location.name}."
        )
        service = Service(
            id=service_id,
            organization=organization,
            name=name,
            description=description,
            email=f"{kind.split()[0].lower()}@{org_slug}.example.org" if rng.random() < 0.6 else "",
            url=f"https://{org_slug}.example.org/services/{index}/" if rng.random() < 0.4 else "",
            status=Service.Status.ACTIVE,
        )
        self.set_eligibility(service, needs, area)
        self.set_access(service, hidden, organization)
        self.set_cost(service, need, index)
        self.set_regulation(service, need, org_slug, index)
        self.set_checks(service, index)
        self.rows[Service].append(service)
        self.rows[ServiceAtLocation].append(
            ServiceAtLocation(id=demo_id("service_at_location", index), service=service, location=location)
        )
        for slug in needs:
            self.children[Attribute].append(
                Attribute(
                    id=demo_id("attribute", index, slug),
                    taxonomy_term=self.needs[slug],
                    link_entity=service.hsds_entity,
                    link_id=service.id,
                    link_type=NEED_LINK_TYPE,
                )
            )
        self.add_schedules(service, index, need)
        self.add_languages(service, index)
        self.add_phone(service, index, area)
        self.add_translations(service, index, need, place)

    def location_for(self, organization, org_slug, area, place, outcode, hidden, index):
        """The organisation's venue in this neighbourhood (shared by its services there), or a
        location of its own with a hidden address for a refuge or safe house."""
        key = (org_slug, area, place, index if hidden else "")
        if key in self.locations:
            return self.locations[key]
        rng = self.rng
        centroid = self.centroids.get(outcode)
        latitude = longitude = None
        if centroid is not None:
            # Within about 700 m of the district's middle; a hidden address stays at the middle.
            jitter = 0 if hidden else 0.006
            latitude = Decimal(f"{centroid.latitude + rng.uniform(-jitter, jitter):.6f}")
            longitude = Decimal(f"{centroid.longitude + rng.uniform(-jitter * 1.6, jitter * 1.6):.6f}")
        venue = f"{place} {rng.choice(VENUES)}" if not hidden else f"Safe house, {self.demo.areas[area].name}"
        location = Location(
            id=demo_id("location", *key),
            location_type=LocationType.PHYSICAL,
            organization=organization,
            name=venue,
            latitude=latitude,
            longitude=longitude,
            address_hidden=hidden,
            area=self.demo.areas[area],
            transportation="" if hidden else f"Buses stop on {rng.choice(STREETS)}, two minutes' walk.",
        )
        self.locations[key] = location
        self.rows[Location].append(location)
        self.children[Address].append(
            Address(
                id=demo_id("address", *key),
                location=location,
                address_1=f"{rng.randint(1, 240)} {rng.choice(STREETS)}",
                city=place.replace(" town centre", "").replace(" city centre", ""),
                state_province=COUNTIES.get(area, DEFAULT_COUNTY),
                postal_code=f"{outcode} {rng.randint(1, 9)}{''.join(rng.choices(POSTCODE_LETTERS, k=2))}",
                country="GB",
                address_type=LocationType.PHYSICAL,
            )
        )
        return location

    def set_eligibility(self, service, needs, area):
        rng = self.rng
        need = needs[0]
        if need in ("women", "maternity", "domestic-abuse"):
            service.gender = Service.Gender.WOMEN
        service.for_lgbt = need == "lgbt"
        service.for_families = need in ("families-children", "baby-items") or rng.random() < 0.1
        if need == "young-people":
            service.minimum_age, service.maximum_age = 16, 25
            service.for_unaccompanied_children = True
        elif need == "families-children" and rng.random() < 0.5:
            service.maximum_age = 11
        situations = {
            "asylum-support": ["seeking_asylum", "refused_are"],
            "move-on-support": ["refugee_hp"],
            "destitution": ["refused_are", "nrpf", "seeking_asylum"],
            "detention-support": ["seeking_asylum", "refused_are"],
        }.get(need)
        if situations is None:
            if rng.random() < 0.45:
                situations = ["anyone"]
            else:
                situations = rng.sample(["seeking_asylum", "refused_are", "refugee_hp", "nrpf"], rng.randint(1, 3))
        for situation in situations:
            setattr(service, f"for_{situation}", True)
        words = [str(Service.ImmigrationSituation(situation).label) for situation in situations]
        service.eligibility_description = "For: " + ", ".join(words).lower() + "."
        if rng.random() < 0.1:
            service.eligibility_description += f" Only for people living in {self.demo.areas[area].name}."
            self.restrictions.append((service.id, self.demo.areas[area].pk))

    def set_access(self, service, hidden, organization):
        rng = self.rng
        if hidden:
            service.access_referral = service.access_self_referral = True
            service.application_process = "Call us or ask any agency to refer you; we will arrange to meet you safely."
        else:
            service.access_drop_in = rng.random() < 0.5
            service.access_appointment = rng.random() < 0.4
            service.access_self_referral = rng.random() < 0.3
            service.access_referral = not (
                service.access_drop_in or service.access_appointment or service.access_self_referral
            )
            steps = []
            if service.access_drop_in:
                steps.append("Just come along during opening times.")
            if service.access_appointment:
                steps.append("Call or e-mail to book an appointment.")
            if service.access_self_referral:
                steps.append("Fill in our short form or ring us to refer yourself.")
            if service.access_referral:
                steps.append("You need a referral from a support worker, GP or hub.")
            service.application_process = " ".join(steps)
        service.accepts_waymark_referrals = organization.waymark_organisation_id is not None and rng.random() < 0.35
        service.interpreters_available = rng.random() < 0.4
        if service.interpreters_available:
            service.interpretation_services = "Interpreters by phone in any language; ask when you book."

    def set_cost(self, service, need, index):
        paid = need in ("travel", "sport-wellbeing", "arts", "esol", "furniture") and self.rng.random() < 0.35
        if not paid:
            service.fees_description = "Free."
            return
        amount = self.rng.choice([Decimal("1.00"), Decimal("2.00"), Decimal("5.00"), Decimal("10.00")])
        service.fees_description = f"£{amount:.2f} a time; free for people on asylum support or with no income."
        self.children[CostOption].append(
            CostOption(
                id=demo_id("cost_option", index),
                service=service,
                option="Each time; free for people on asylum support or with no income.",
                currency="GBP",
                amount=amount,
            )
        )

    def set_regulation(self, service, need, org_slug, index):
        if need != IMMIGRATION_ADVICE_SLUG:
            return
        regulator, level = ADVICE_REGULATION.get(org_slug, ("oisc", 1))
        service.advice_regulator = regulator
        service.advice_oisc_level = level
        service.advice_registration_number = f"F20{index:05d}" if regulator == "oisc" else f"{600000 + index}"
        service.accreditations = (
            f"Regulated by the OISC at level {level}." if regulator == "oisc" else "Solicitors regulated by the SRA."
        )

    def set_checks(self, service, index):
        rng = self.rng
        if index % VERY_STALE_EVERY == VERY_STALE_OFFSET:
            days = rng.randint(VERY_STALE_DAYS + 5, VERY_STALE_DAYS + 200)
        elif index % STALE_EVERY == STALE_OFFSET:
            days = rng.randint(STALE_DAYS + 5, VERY_STALE_DAYS - 5)
        else:
            days = rng.randint(0, STALE_DAYS - 20)
        service.verified_at = self.now - timedelta(days=days, hours=rng.randint(0, 10))
        service.verification_method = rng.choice(Service.VerificationMethod.values[:4])
        editor = self.demo.users.get("editor@demo.waymark")
        service.verified_by = editor if service.verification_method != "self_confirmed" else None
        service.last_modified = service.verified_at
        if rng.random() < 0.25:
            service.capacity_status = rng.choice(Service.CapacityStatus.values)
            service.capacity_updated_at = self.now - timedelta(days=rng.randint(0, 30))
        if index % 40 == 5:
            service.alert = NOTICES[(index // 40) % len(NOTICES)]
            service.alert_ends_on = self.today + timedelta(days=rng.randint(3, 40))
            service.alert_updated_at = self.now - timedelta(days=rng.randint(0, 5))
        elif index % 97 == 3:
            # An old notice whose end date has passed: the page must stop showing it.
            service.alert = NOTICES[0]
            service.alert_ends_on = self.today - timedelta(days=rng.randint(5, 60))
            service.alert_updated_at = self.now - timedelta(days=90)

    def add_schedules(self, service, index, need):
        rng = self.rng
        if index % 12 == 11:
            # Monthly: the first Saturday, or the last Friday.
            byday = rng.choice(["1SA", "-1FR", "2TU"])
            opens = rng.choice([10, 11])
            rows = [("MONTHLY", byday, opens, opens + 3)]
        else:
            days = ["MO", "TU", "WE", "TH", "FR"] + (["SA"] if need in ("food", "social", "sport-wellbeing") else [])
            rows = []
            for slot in range(rng.choice([1, 1, 2])):
                chosen = sorted(rng.sample(days, rng.randint(1, 3)), key=days.index)
                opens = rng.choice([9, 10, 13, 17]) if slot == 0 else 18
                rows.append(("WEEKLY", ",".join(chosen), opens, min(opens + rng.choice([2, 3, 4]), 21)))
        for number, (freq, byday, opens, closes) in enumerate(rows):
            half = 30 if opens in (9, 17) else 0
            self.children[Schedule].append(
                Schedule(
                    id=demo_id("schedule", index, number),
                    service=service,
                    freq=freq,
                    interval=1,
                    byday=byday,
                    wkst="MO",
                    opens_at=time(opens, half),
                    closes_at=time(closes, half),
                    dtstart=self.today - timedelta(days=400),
                    description="Except bank holidays." if freq == "WEEKLY" and rng.random() < 0.2 else "",
                )
            )

    def add_languages(self, service, index):
        rng = self.rng
        spoken = [("English", "en")]
        others = rng.sample(INTERFACE_LANGUAGES_SPOKEN, 3) + rng.sample(OTHER_LANGUAGES_SPOKEN, 2)
        rng.shuffle(others)
        spoken += others[: rng.randint(0, 3)]
        for name, code in spoken:
            self.children[Language].append(
                Language(id=demo_id("language", index, code), service=service, name=name, code=code)
            )

    def add_phone(self, service, index, area):
        prefix = PHONE_PREFIX.get(area, DEFAULT_PHONE_PREFIX)
        self.children[Phone].append(
            Phone(
                id=demo_id("phone", index),
                service=service,
                number=f"{prefix}{index % 1000:04d}",
                type=Phone.Type.VOICE,
            )
        )

    def add_translations(self, service, index, need, place):
        rng = self.rng
        if rng.random() > 0.35:
            return
        names = self.need_data[need].get("names", {})
        languages = rng.sample([code for code in TRANSLATED_LANGUAGES if code in names], rng.randint(1, 3))
        out_of_date = index % 20 == 4
        for language in languages:
            need_name = names[language]
            self.translations.append(
                Translation.for_object(
                    service, "name", language, f"{need_name} – {place}", status=Translation.Status.REVIEWED
                )
            )
            template = DESCRIPTION_TEMPLATES.get(language)
            if template is None:
                continue
            translation = Translation.for_object(
                service,
                "description",
                language,
                template.format(need=need_name, place=place),
                status=Translation.Status.DRAFT if index % 7 == 2 else Translation.Status.REVIEWED,
            )
            if out_of_date:
                # Translated from last year's wording; the English has changed since.
                translation.source_text_hash = text_hash(service.description.replace("Run by", "Offered by"))
            self.translations.append(translation)

    # --- writing -------------------------------------------------------------------------------

    def write(self):
        """Upsert the rows with fixed ids, replace their children, and rebuild search text."""
        for model, rows in self.rows.items():
            fields = [
                field.name
                for field in model._meta.concrete_fields
                if not field.primary_key and field.name not in ("created_at", "search_text")
            ]
            model.objects.bulk_create(rows, update_conflicts=True, unique_fields=["id"], update_fields=fields)

        service_ids = [service.id for service in self.rows[Service]]
        location_ids = [location.id for location in self.rows[Location]]
        Attribute.objects.filter(
            link_entity=Service.hsds_entity, link_id__in=service_ids, link_type=NEED_LINK_TYPE
        ).delete()
        Translation.objects.filter(model_label=Service._meta.label_lower, object_id__in=service_ids).delete()
        Address.objects.filter(location_id__in=location_ids).delete()
        for model in (Phone, Schedule, Language, CostOption):
            model.objects.filter(service_id__in=service_ids).delete()
        Restriction = Service.restricted_to_areas.through
        Restriction.objects.filter(service_id__in=service_ids).delete()

        for model, rows in self.children.items():
            model.objects.bulk_create(rows)
        Translation.objects.bulk_create(self.translations)
        Restriction.objects.bulk_create(
            [Restriction(service_id=service_id, area_id=area_id) for service_id, area_id in self.restrictions]
        )

        codes, points = {}, {}
        for language in self.children.get(Language, []):
            codes.setdefault(language.service_id, []).append(language.code)
        for link in self.rows[ServiceAtLocation]:
            points.setdefault(link.service_id, []).append((link.location.latitude, link.location.longitude))
        for service in self.rows[Service]:
            service.search_text = self.search_text(service)
            terms = [term.id for term in self._service_needs.get(service.id, [])]
            service.search_facets = facet_tokens(terms, codes.get(service.id, []), points.get(service.id, []))
        Service.objects.bulk_update(self.rows[Service], list(Service.SEARCH_FIELDS), batch_size=200)

    def search_text(self, service):
        """What ``Service.build_search_text`` gives for a demo service, from rows in memory.

        Calling it for each service would read every need's synonyms again for every service
        (seconds, on every seed_demo); the test checks the two agree.
        """
        if not hasattr(self, "_term_words"):
            terms = TaxonomyTerm.objects.filter(id__in=[term.id for term in self.needs.values()])
            self._term_words = {
                term.id: [term.name, *(synonym.word for synonym in term.synonyms.all())]
                for term in terms.prefetch_related("synonyms")
            }
            by_id = {term.id: term for term in self.needs.values()}
            self._term_translations = {}
            for translation in Translation.objects.filter(
                model_label=TaxonomyTerm._meta.label_lower,
                object_id__in=list(by_id),
                field_name="name",
                status=Translation.Status.REVIEWED,
            ):
                if not translation.is_out_of_date(by_id[translation.object_id]):
                    self._term_translations.setdefault(translation.object_id, []).append(translation.text)
            self._service_translations = {}
            for translation in sorted(self.translations, key=lambda t: (t.field_name, t.language)):
                if translation.status == Translation.Status.REVIEWED and translation.field_name in (
                    "name",
                    "alternate_name",
                    "description",
                ):
                    self._service_translations.setdefault(translation.object_id, []).append(translation)
            self._service_needs = {}
            for attribute in self.children[Attribute]:
                self._service_needs.setdefault(attribute.link_id, []).append(attribute.taxonomy_term)
        terms = sorted(set(self._service_needs.get(service.id, [])), key=lambda term: (term.position, term.name))
        parts = [service.name, service.alternate_name, service.description]
        parts += [service.organization.name, service.organization.alternate_name]
        for term in terms:
            parts += self._term_words[term.id]
        parts += [
            translation.text
            for translation in self._service_translations.get(service.id, [])
            if not translation.is_out_of_date(service)
        ]
        for term in sorted(terms, key=lambda term: term.id):
            parts += self._term_translations.get(term.id, [])
        return normalise_search_text(" ".join(part for part in parts if part))
