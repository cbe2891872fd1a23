"""Seed the core minimum offer's thresholds from the Step Change consortium's offer (domain.md):
a welcoming point of contact and casework, each on at least 2 days a week. Administrators change
them by adding a row with a later date, never by editing code."""

import datetime as dt

from django.db import migrations

SOURCE = (
    "Step Change consortium (Greater Manchester), core minimum offer: 'a welcoming point of contact "
    "... at least 2 days per week' and 'casework provision at a minimum of 2 days per week'. "
    "Published by MERL, Step Change learning partner, 'Working Together WORKS!', 9 April 2024."
)
VALID_FROM = dt.date(2024, 4, 8)  # the Monday of the week it was published; in force before too
THRESHOLDS = [("welcome", 2), ("casework", 2)]


def seed(apps, schema_editor):
    Threshold = apps.get_model("hubs", "CoreOfferThreshold")
    for line, days in THRESHOLDS:
        Threshold.objects.get_or_create(
            line=line,
            valid_from=VALID_FROM,
            defaults={"days_per_week": days, "source": SOURCE, "note": "Seeded from domain.md."},
        )


def unseed(apps, schema_editor):
    Threshold = apps.get_model("hubs", "CoreOfferThreshold")
    Threshold.objects.filter(valid_from=VALID_FROM, line__in=[line for line, _ in THRESHOLDS], source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("hubs", "0003_learning_feedback_core_offer")]

    operations = [migrations.RunPython(seed, unseed)]
