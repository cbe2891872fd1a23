"""Seed policy rows: the default retention periods, one per kind of record, in force from
1 January 2024. Each organisation sets them to its own retention schedule (admin)."""

import datetime as dt

from django.db import migrations

SOURCE = "Waymark default; set to your organisation's retention schedule"
VALID_FROM = dt.date(2024, 1, 1)

# (record type, months kept, what starts the clock)
PERIODS = [
    ("person", 24, "Months since the last registration, visit, case activity, assessment or concern."),
    ("visit", 24, "Months since the visit; the visit stays as a count, its notes are cleared."),
    ("assessment", 36, "Months since the assessment; its free text is cleared."),
    ("case", 72, "Months since the case was closed; six years, as for most advice records."),
    ("safeguarding_concern", 72, "Months since the concern was closed."),
    ("consent_withdrawn", 1, "Months after consent to keep their details was withdrawn."),
]


def seed(apps, schema_editor):
    RetentionPeriod = apps.get_model("people", "RetentionPeriod")
    for record_type, months, note in PERIODS:
        RetentionPeriod.objects.get_or_create(
            record_type=record_type,
            valid_from=VALID_FROM,
            defaults={"months": months, "source": SOURCE, "note": note},
        )


def unseed(apps, schema_editor):
    RetentionPeriod = apps.get_model("people", "RetentionPeriod")
    RetentionPeriod.objects.filter(valid_from=VALID_FROM, source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0003_age_dispute_anonymised_legal_hold_retention")]

    operations = [migrations.RunPython(seed, unseed)]
