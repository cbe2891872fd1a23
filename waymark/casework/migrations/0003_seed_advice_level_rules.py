"""Seed the advice level rules: the OISC level (1–3) advice on each kind of immigration matter
needs by default, in force from 2024-01-01.

The levels follow the scope of each level in the OISC's published guidance ("Guidance on
Competence", the levels of advice and the categories of immigration and asylum work): level 1
(advice and assistance) covers straightforward applications such as settlement, status documents
and citizenship; level 2 (casework) covers asylum claims, fresh claims and family reunion;
level 3 (advocacy and representation) covers appeals, bail and removal or deportation, which
involve the tribunal. Each organisation should check them against the current OISC guidance and
its own advisers' competence, and add a newer row where it differs.
"""

import datetime as dt

from django.db import migrations

VALID_FROM = dt.date(2024, 1, 1)
SOURCE = (
    "OISC, Guidance on Competence: levels of advice (1 advice and assistance, 2 casework, "
    "3 advocacy and representation) and categories of work. A sensible default from the published "
    "scope of each level: the organisation should check it against the current OISC guidance."
)
LEVELS = {
    "asylum_claim": 2,
    "further_submissions": 2,
    "appeal": 3,
    "bail": 3,
    "removal": 3,
    "family_reunion": 2,
    "settlement": 1,
    "evisa": 1,
    "citizenship": 1,
    "other": 1,
}
NOTES = {
    "bail": "Bail applications before the First-tier Tribunal are advocacy work.",
    "other": "Check the level the matter needs: the lowest level is only a starting point.",
}


def seed(apps, schema_editor):
    AdviceLevelRule = apps.get_model("casework", "AdviceLevelRule")
    for kind, level in LEVELS.items():
        AdviceLevelRule.objects.get_or_create(
            kind=kind,
            valid_from=VALID_FROM,
            defaults={"oisc_level": level, "source": SOURCE, "note": NOTES.get(kind, "")},
        )


def unseed(apps, schema_editor):
    AdviceLevelRule = apps.get_model("casework", "AdviceLevelRule")
    AdviceLevelRule.objects.filter(valid_from=VALID_FROM, kind__in=LEVELS, source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_seed_risk_rules")]

    operations = [migrations.RunPython(seed, unseed)]
