"""The demo's content: places, networks, fictional organisations and the demo users.

Plain data, read by `manage.py seed_demo`. The areas are real (the ten Greater Manchester
boroughs and Newcastle upon Tyne, with their ONS GSS codes); every organisation is invented,
except the councils, which are public bodies. Real statutory and national bodies (Migrant
Help, the accommodation providers, NRM First Responders) are reference data instead: see the
`national_bodies` data migration.

The demo users are the table in architecture.md ("Demo users"); tests and outside checks rely
on their e-mails, roles and password.
"""

from django.conf import settings

DEMO_PASSWORD = "waymark-demo"  # noqa: S105 (published on purpose: demo sites only)


def demo_data_allowed():
    """True where demo users with a published password may be created (DEBUG or WAYMARK_DEMO)."""
    return bool(settings.DEBUG or settings.WAYMARK_DEMO)


NORTH_WEST = "North West"
NORTH_EAST = "North East"

# slug, name, kind (places.Area.Kind value), ONS GSS code, region.
# All eleven are metropolitan districts; Manchester, Salford and Newcastle upon Tyne are cities.
AREAS = [
    ("bolton", "Bolton", "metropolitan_borough", "E08000001", NORTH_WEST),
    ("bury", "Bury", "metropolitan_borough", "E08000002", NORTH_WEST),
    ("manchester", "Manchester", "city", "E08000003", NORTH_WEST),
    ("oldham", "Oldham", "metropolitan_borough", "E08000004", NORTH_WEST),
    ("rochdale", "Rochdale", "metropolitan_borough", "E08000005", NORTH_WEST),
    ("salford", "Salford", "city", "E08000006", NORTH_WEST),
    ("stockport", "Stockport", "metropolitan_borough", "E08000007", NORTH_WEST),
    ("tameside", "Tameside", "metropolitan_borough", "E08000008", NORTH_WEST),
    ("trafford", "Trafford", "metropolitan_borough", "E08000009", NORTH_WEST),
    ("wigan", "Wigan", "metropolitan_borough", "E08000010", NORTH_WEST),
    ("newcastle-upon-tyne", "Newcastle upon Tyne", "city", "E08000021", NORTH_EAST),
]

GREATER_MANCHESTER_AREAS = [
    "bolton",
    "bury",
    "manchester",
    "oldham",
    "rochdale",
    "salford",
    "stockport",
    "tameside",
    "trafford",
    "wigan",
]

# slug, name, area slugs.
NETWORKS = [
    ("greater-manchester", "Greater Manchester", GREATER_MANCHESTER_AREAS),
    ("north-east", "North East", ["newcastle-upon-tyne"]),
]

GM = "greater-manchester"
NE = "north-east"

# Slugs the demo users and later seed steps refer to.
BOLTON_HUB_LEAD = "croal-valley-welcome-project"
LEGAL_ADVICE_CHARITY = "medlock-immigration-advice-centre"
SALFORD_HUB_LEAD = "kersal-moor-welcome-centre"
BOLTON_COUNCIL = "bolton-council"
NEWCASTLE_DROP_IN_LEAD = "lort-burn-welcome-drop-in"

# Invented organisations (and two councils). Each: slug, name, kind (Organisation.Kind
# value), area slugs, network slugs, and what it is in the demo story.
ORGANISATIONS = [
    # Greater Manchester: the hubs' lead organisations.
    {
        "slug": BOLTON_HUB_LEAD,
        "name": "Croal Valley Welcome Project",
        "kind": "charity",
        "areas": ["bolton"],
        "networks": [GM],
        "about": "lead charity of the Bolton hub",
    },
    {
        "slug": SALFORD_HUB_LEAD,
        "name": "Kersal Moor Welcome Centre",
        "kind": "charity",
        "areas": ["salford"],
        "networks": [GM],
        "about": "lead charity of the Salford hub",
    },
    {
        "slug": "bury-hearthside-welcome-hub",
        "name": "Bury Hearthside Welcome Hub",
        "kind": "charity",
        "areas": ["bury"],
        "networks": [GM],
        "about": "lead charity of the Bury hub",
    },
    {
        "slug": "irk-valley-welcome-partnership",
        "name": "Irk Valley Welcome Partnership",
        "kind": "charity",
        "areas": ["manchester"],
        "networks": [GM],
        "about": "lead charity of the Manchester hub",
    },
    {
        "slug": "alexandra-park-newcomers-hub",
        "name": "Alexandra Park Newcomers Hub",
        "kind": "charity",
        "areas": ["oldham"],
        "networks": [GM],
        "about": "lead charity of the Oldham hub",
    },
    {
        "slug": "spotland-friends-of-newcomers",
        "name": "Spotland Friends of Newcomers",
        "kind": "community_association",
        "areas": ["rochdale"],
        "networks": [GM],
        "about": "lead organisation of the Rochdale hub",
    },
    {
        "slug": "mersey-vale-newcomers-project",
        "name": "Mersey Vale Newcomers Project",
        "kind": "charity",
        "areas": ["stockport"],
        "networks": [GM],
        "about": "lead charity of the Stockport hub",
    },
    {
        "slug": "ashton-lockside-welcome-group",
        "name": "Ashton Lockside Welcome Group",
        "kind": "voluntary_group",
        "areas": ["tameside"],
        "networks": [GM],
        "about": "lead group of the Tameside hub",
    },
    {
        "slug": "douglas-bank-welcome-project",
        "name": "Douglas Bank Welcome Project",
        "kind": "charity",
        "areas": ["wigan"],
        "networks": [GM],
        "about": "lead charity of the Wigan hub",
    },
    {
        "slug": "leigh-canalside-conversation-club",
        "name": "Leigh Canalside Conversation Club",
        "kind": "voluntary_group",
        "areas": ["wigan"],
        "networks": [GM],
        "about": "volunteer group running the Leigh hub",
    },
    # Greater Manchester: partners on the hubs' rotas.
    {
        "slug": LEGAL_ADVICE_CHARITY,
        "name": "Medlock Immigration Advice Centre",
        "kind": "legal_practice",
        "areas": ["manchester", "bolton", "salford", "bury"],
        "networks": [GM],
        "about": "legal-advice charity (OISC level 2) on the Bolton hub's rota, accepting referrals",
    },
    {
        "slug": "harbourline-refugee-trust",
        "name": "Harbourline Refugee Trust",
        "kind": "national_charity",
        "areas": ["manchester", "bury", "trafford", "newcastle-upon-tyne"],
        "networks": [GM, NE],
        "about": "national charity running one-day-a-week drop-ins",
    },
    {
        "slug": "brindlestone-accommodation-services",
        "name": "Brindlestone Accommodation Services",
        "kind": "accommodation_provider",
        "areas": ["bolton", "manchester", "salford", "oldham", "rochdale"],
        "networks": [GM],
        "about": "housing manager of dispersal accommodation (an invented subcontractor)",
    },
    {
        "slug": "roch-valley-health-inclusion-team",
        "name": "Roch Valley Health Inclusion Team",
        "kind": "health",
        "areas": ["rochdale", "oldham"],
        "networks": [GM],
        "about": "health team for people seeking asylum",
    },
    {
        "slug": "kersal-quiet-rooms-counselling",
        "name": "Kersal Quiet Rooms Counselling",
        "kind": "health",
        "areas": ["salford", "manchester"],
        "networks": [GM],
        "about": "counselling in people's own languages",
    },
    {
        "slug": "werneth-interfaith-supper-table",
        "name": "Werneth Interfaith Supper Table",
        "kind": "faith_group",
        "areas": ["oldham"],
        "networks": [GM],
        "about": "hot meals after the Oldham drop-in",
    },
    {
        "slug": "halliwell-faith-pantry",
        "name": "Halliwell Faith Pantry",
        "kind": "faith_group",
        "areas": ["bolton"],
        "networks": [GM],
        "about": "food parcels and clothing in Bolton",
    },
    {
        "slug": "tame-bridge-neighbours-association",
        "name": "Tame Bridge Neighbours Association",
        "kind": "community_association",
        "areas": ["tameside"],
        "networks": [GM],
        "about": "community rooms and local activities",
    },
    {
        "slug": "sale-water-spokes",
        "name": "Sale Water Spokes",
        "kind": "other",
        "areas": ["trafford", "manchester"],
        "networks": [GM],
        "about": "refurbishes and lends bicycles",
    },
    {
        "slug": "pennine-tongues-interpreting-co-op",
        "name": "Pennine Tongues Interpreting Co-op",
        "kind": "other",
        "areas": GREATER_MANCHESTER_AREAS,
        "networks": [GM],
        "about": "community interpreters",
    },
    {
        "slug": BOLTON_COUNCIL,
        "name": "Bolton Council",
        "kind": "local_authority",
        "areas": ["bolton"],
        "networks": [GM],
        "about": "the local authority for Bolton",
    },
    # North East.
    {
        "slug": NEWCASTLE_DROP_IN_LEAD,
        "name": "Lort Burn Welcome Drop-in",
        "kind": "charity",
        "areas": ["newcastle-upon-tyne"],
        "networks": [NE],
        "about": "lead charity of the Newcastle drop-in (city centre and a West End library)",
    },
    {
        "slug": "benwell-kettle-english-club",
        "name": "Benwell Kettle English Club",
        "kind": "voluntary_group",
        "areas": ["newcastle-upon-tyne"],
        "networks": [NE],
        "about": "conversation classes and ESOL registration at the drop-in",
    },
    {
        "slug": "heaton-lanes-law-practice",
        "name": "Heaton Lanes Law Practice",
        "kind": "legal_practice",
        "areas": ["newcastle-upon-tyne"],
        "networks": [NE],
        "about": "legal-aid immigration solicitors on the Newcastle rota",
    },
    {
        "slug": "ouse-burn-faith-kitchen",
        "name": "Ouse Burn Faith Kitchen",
        "kind": "faith_group",
        "areas": ["newcastle-upon-tyne"],
        "networks": [NE],
        "about": "a shared meal at the Newcastle drop-in",
    },
    {
        "slug": "newcastle-city-council",
        "name": "Newcastle City Council",
        "kind": "local_authority",
        "areas": ["newcastle-upon-tyne"],
        "networks": [NE],
        "about": "the local authority for Newcastle upon Tyne",
    },
]

# The demo users (architecture.md, "Demo users"). `memberships`: organisation slug, roles
# (accounts.Role values, in the order of Role) and, for a regulated immigration adviser, the regulator and OISC
# level. `platform_roles`: (PlatformRole.Kind value, network slug or None, area slug or None).
USERS = [
    {
        "email": "volunteer@demo.waymark",
        "name": "Val Volunteer",
        "about": "volunteer at the Bolton hub's lead charity",
        "memberships": [{"organisation": BOLTON_HUB_LEAD, "roles": ["volunteer"]}],
    },
    {
        "email": "caseworker@demo.waymark",
        "name": "Cass Caseworker",
        "about": "caseworker at the Bolton hub's lead charity",
        "memberships": [{"organisation": BOLTON_HUB_LEAD, "roles": ["caseworker"]}],
    },
    {
        "email": "coordinator@demo.waymark",
        "name": "Cora Coordinator",
        "about": "coordinator, safeguarding lead and organisation admin at the Bolton hub's lead charity",
        "memberships": [
            {
                "organisation": BOLTON_HUB_LEAD,
                "roles": ["safeguarding_lead", "coordinator", "organisation_admin"],
            }
        ],
    },
    {
        "email": "partner@demo.waymark",
        "name": "Pat Partner",
        "about": "caseworker and OISC level 2 adviser at a legal-advice charity on the Bolton hub's rota",
        "memberships": [
            {
                "organisation": LEGAL_ADVICE_CHARITY,
                "roles": ["caseworker"],
                "adviser_regulator": "oisc",
                "adviser_oisc_level": 2,
            }
        ],
    },
    {
        "email": "outsider@demo.waymark",
        "name": "Oz Outsider",
        "about": "caseworker and safeguarding lead at the Salford hub's lead charity",
        "memberships": [{"organisation": SALFORD_HUB_LEAD, "roles": ["caseworker", "safeguarding_lead"]}],
    },
    {
        "email": "editor@demo.waymark",
        "name": "Eddie Editor",
        "about": "directory editor for the Greater Manchester network",
        "platform_roles": [("directory_editor", GM, None)],
    },
    {
        "email": "network@demo.waymark",
        "name": "Nell Network",
        "about": "network lead for the Greater Manchester network",
        "platform_roles": [("network_lead", GM, None)],
    },
    {
        "email": "council@demo.waymark",
        "name": "Colin Council",
        "about": "council officer for Bolton; a member of the council with no organisation roles",
        "memberships": [{"organisation": BOLTON_COUNCIL, "roles": []}],
        "platform_roles": [("council_officer", None, "bolton")],
    },
    {
        "email": "admin@demo.waymark",
        "name": "Ada Admin",
        "about": "administrator (opens the admin site)",
        "is_administrator": True,
    },
]
