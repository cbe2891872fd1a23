"""Seed policy rows: the risk rules an assessment's risk level is derived from.

A starting point, not a policy: each organisation reviews these with its safeguarding lead and
adds dated rows of its own (a new row from a later date replaces a rule from that date).
"""

import datetime as dt

from django.db import migrations

VALID_FROM = dt.date(2024, 1, 1)
SOURCE = (
    "Waymark's starting point, from the vulnerability indicators of the domain notes (domain.md) and the "
    "Step Change core offer's “initial assessment of needs including vulnerability”. For the organisation "
    "to review with its safeguarding lead."
)
NOTE = "Starting point: review and replace with the organisation's own policy."

# (kind, indicator, threshold, level)
RULES = [
    ("indicator", "suicide_risk", None, "critical"),
    ("indicator", "under_18", None, "high"),
    ("indicator", "trafficking", None, "high"),
    ("indicator", "domestic_abuse", None, "high"),
    ("indicator", "destitution", None, "high"),
    ("indicator", "pregnancy", None, "medium"),
    ("indicator", "disability", None, "medium"),
    ("indicator", "mental_health", None, "medium"),
    ("indicator", "torture", None, "medium"),
    ("indicator", "gender_based_violence", None, "medium"),
    ("indicator", "lone_woman_or_parent", None, "medium"),
    ("indicator", "aged_65_plus", None, "medium"),
    ("indicator", "substance_use", None, "medium"),
    ("indicator", "isolation", None, "medium"),
    # One need that must be met today.
    ("immediate_needs", "", 1, "medium"),
    ("loneliness_often", "", None, "medium"),
    # The ONS bands: life satisfaction 0–4 is "low", anxiety 6–10 is "high".
    ("low_wellbeing", "", 4, "medium"),
    ("high_anxiety", "", 6, "medium"),
]


def seed(apps, schema_editor):
    RiskRule = apps.get_model("casework", "RiskRule")
    for kind, indicator, threshold, level in RULES:
        RiskRule.objects.get_or_create(
            kind=kind,
            indicator=indicator,
            valid_from=VALID_FROM,
            defaults={"threshold": threshold, "level": level, "source": SOURCE, "note": NOTE},
        )


def unseed(apps, schema_editor):
    RiskRule = apps.get_model("casework", "RiskRule")
    RiskRule.objects.filter(valid_from=VALID_FROM, source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_assessments_cases_safeguarding")]

    operations = [migrations.RunPython(seed, unseed)]
