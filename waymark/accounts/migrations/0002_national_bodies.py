"""Reference data: the real statutory and national bodies people are referred or escalated to.

Migrant Help (the asylum support helpline, also an NRM First Responder), the three asylum
accommodation providers, the NRM First Responder organisations named in docs/domain.md and the
Modern Slavery Helpline. Administrators edit these rows; this migration only loads the first
version (an existing row with the same slug is left as it is), and reversing it removes them.

The data is written out here rather than imported, so that this migration keeps loading the
same rows whatever later code says. Facts not checked against their source are marked
"unverified" in the row's notes. The Home Office's list of First Responder organisations is
longer than these rows (bodies in Scotland, Wales and Northern Ireland, for instance): add
rows as a network needs them.
"""

import datetime

from django.db import migrations

CHECKED_ON = datetime.date(2026, 11, 1)
NRM_SOURCE = "Home Office: National Referral Mechanism guidance (First Responder Organisations); Waymark domain notes"
ASYLUM_SUPPORT_SOURCE = "Home Office: asylum support guidance; Waymark domain notes"
CONTRACTS_SOURCE = "Home Office: Asylum Accommodation and Support Contracts (AASC); Waymark domain notes"

NATIONAL_BODIES = [
    {
        "slug": "migrant-help",
        "name": "Migrant Help",
        "kind": "asylum_helpline",
        "is_nrm_first_responder": True,
        "regions": "United Kingdom",
        "phone": "0808 801 0503",
        "website": "https://www.migranthelpuk.org",
        "notes": (
            "National helpline for people seeking asylum: applications for asylum support (form ASF1), "
            "reporting problems with asylum accommodation, and requests to extend the move-on period. "
            "Also an NRM First Responder organisation. Opening hours not recorded: check before giving them out."
        ),
        "source": ASYLUM_SUPPORT_SOURCE + "; " + NRM_SOURCE,
    },
    {
        "slug": "mears",
        "name": "Mears",
        "kind": "accommodation_provider",
        "regions": "Scotland; Northern Ireland; North East; Yorkshire and the Humber",
        "website": "https://www.mearsgroup.co.uk",
        "notes": (
            "Asylum accommodation provider under a Home Office contract running to 2029. Newcastle is in "
            "its regions. People report problems with their accommodation to Migrant Help."
        ),
        "source": CONTRACTS_SOURCE,
    },
    {
        "slug": "serco",
        "name": "Serco",
        "kind": "accommodation_provider",
        "regions": "North West; Midlands; East of England",
        "website": "https://www.serco.com",
        "notes": (
            "Asylum accommodation provider under a Home Office contract running to 2029. Greater Manchester "
            "is in its regions. People report problems with their accommodation to Migrant Help."
        ),
        "source": CONTRACTS_SOURCE,
    },
    {
        "slug": "clearsprings-ready-homes",
        "name": "Clearsprings Ready Homes",
        "kind": "accommodation_provider",
        "regions": "South of England, including London; Wales",
        "notes": (
            "Asylum accommodation provider under a Home Office contract running to 2029. London is in its "
            "regions. People report problems with their accommodation to Migrant Help. Website not recorded "
            "(unverified)."
        ),
        "source": CONTRACTS_SOURCE,
    },
    {
        "slug": "police",
        "name": "Police forces",
        "kind": "statutory",
        "is_nrm_first_responder": True,
        "regions": "United Kingdom",
        "notes": "Every police force is a First Responder. In an emergency call 999; otherwise 101.",
        "source": NRM_SOURCE,
    },
    {
        "slug": "local-authorities",
        "name": "Local authorities",
        "kind": "statutory",
        "is_nrm_first_responder": True,
        "regions": "United Kingdom",
        "notes": (
            "Every local authority is a First Responder. Children are always referred, through the council's "
            "children's services. Where an adult does not consent to an NRM referral, public bodies file an "
            "anonymous Duty to Notify (MS1) instead."
        ),
        "source": NRM_SOURCE,
    },
    {
        "slug": "home-office",
        "name": "Home Office",
        "kind": "statutory",
        "is_nrm_first_responder": True,
        "regions": "United Kingdom",
        "website": "https://www.gov.uk/government/organisations/home-office",
        "notes": (
            "Parts of the Home Office act as First Responders, such as UK Visas and Immigration, Border Force "
            "and Immigration Enforcement (which parts exactly: unverified)."
        ),
        "source": NRM_SOURCE,
    },
    {
        "slug": "national-crime-agency",
        "name": "National Crime Agency",
        "kind": "statutory",
        "is_nrm_first_responder": True,
        "regions": "United Kingdom",
        "website": "https://www.nationalcrimeagency.gov.uk",
        "source": NRM_SOURCE,
    },
    {
        "slug": "gangmasters-and-labour-abuse-authority",
        "name": "Gangmasters and Labour Abuse Authority",
        "kind": "statutory",
        "is_nrm_first_responder": True,
        "regions": "United Kingdom",
        "website": "https://www.gla.gov.uk",
        "notes": "Labour exploitation.",
        "source": NRM_SOURCE,
    },
    {
        "slug": "the-salvation-army",
        "name": "The Salvation Army",
        "kind": "first_responder",
        "is_nrm_first_responder": True,
        "regions": "England and Wales",
        "website": "https://www.salvationarmy.org.uk",
        "notes": (
            "Also runs the government-funded support for adult victims of modern slavery in England and Wales "
            "(unverified whether it still holds that contract)."
        ),
        "source": NRM_SOURCE,
    },
    {
        "slug": "medaille-trust",
        "name": "Medaille Trust",
        "kind": "first_responder",
        "is_nrm_first_responder": True,
        "website": "https://www.medaille-trust.org.uk",
        "notes": "Regions covered not recorded (unverified).",
        "source": NRM_SOURCE,
    },
    {
        "slug": "kalayaan",
        "name": "Kalayaan",
        "kind": "first_responder",
        "is_nrm_first_responder": True,
        "website": "https://www.kalayaan.org.uk",
        "notes": "Works with migrant domestic workers. Regions covered not recorded (unverified).",
        "source": NRM_SOURCE,
    },
    {
        "slug": "barnardos",
        "name": "Barnardo's",
        "kind": "first_responder",
        "is_nrm_first_responder": True,
        "website": "https://www.barnardos.org.uk",
        "notes": "Children and young people. Which of its services act as First Responder: unverified.",
        "source": NRM_SOURCE,
    },
    {
        "slug": "unseen",
        "name": "Unseen",
        "kind": "first_responder",
        "is_nrm_first_responder": True,
        "website": "https://www.unseenuk.org",
        "notes": "Also runs the Modern Slavery Helpline.",
        "source": NRM_SOURCE,
    },
    {
        "slug": "nspcc",
        "name": "NSPCC",
        "kind": "first_responder",
        "is_nrm_first_responder": True,
        "website": "https://www.nspcc.org.uk",
        "notes": "Children. Acts as First Responder through its child trafficking advice service (unverified).",
        "source": NRM_SOURCE,
    },
    {
        "slug": "modern-slavery-helpline",
        "name": "Modern Slavery Helpline",
        "kind": "helpline",
        "regions": "United Kingdom",
        "phone": "0800 0121 700",
        "website": "https://www.modernslaveryhelpline.org",
        "notes": (
            "For anyone who is not a First Responder: report a concern or get advice; the helpline passes cases "
            "on. Run by Unseen. Also named the Modern Slavery & Exploitation Helpline, and open at all hours "
            "(both unverified)."
        ),
        "source": NRM_SOURCE,
    },
]


def add_national_bodies(apps, schema_editor):
    NationalBody = apps.get_model("accounts", "NationalBody")
    for row in NATIONAL_BODIES:
        fields = {key: value for key, value in row.items() if key != "slug"}
        NationalBody.objects.get_or_create(slug=row["slug"], defaults={**fields, "checked_on": CHECKED_ON})


def remove_national_bodies(apps, schema_editor):
    NationalBody = apps.get_model("accounts", "NationalBody")
    NationalBody.objects.filter(slug__in=[row["slug"] for row in NATIONAL_BODIES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_national_bodies, remove_national_bodies),
    ]
