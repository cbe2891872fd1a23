"""Seed policy rows: how long an untriaged safeguarding concern waits with one lead before it
passes to the next, per urgency. Waymark's defaults; each organisation should set them to its
own safeguarding policy (administrators edit the rows, adding a row with a later date)."""

import datetime as dt

from django.db import migrations

SOURCE = "Waymark default; set to your organisation's safeguarding policy"
VALID_FROM = dt.date(2024, 1, 1)
RULES = [
    ("immediate", 30),
    ("soon", 24 * 60),
    ("routine", 3 * 24 * 60),
]


def seed(apps, schema_editor):
    EscalationRule = apps.get_model("casework", "EscalationRule")
    for urgency, minutes in RULES:
        EscalationRule.objects.get_or_create(
            urgency=urgency, valid_from=VALID_FROM, defaults={"minutes": minutes, "source": SOURCE}
        )


def unseed(apps, schema_editor):
    EscalationRule = apps.get_model("casework", "EscalationRule")
    EscalationRule.objects.filter(valid_from=VALID_FROM, source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_seed_advice_level_rules")]

    operations = [migrations.RunPython(seed, unseed)]
