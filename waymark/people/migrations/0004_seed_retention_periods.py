"""Seed policy rows: the people's-rights work fills this in (placeholder until then)."""

from django.db import migrations


def seed(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("people", "0003_age_dispute_anonymised_legal_hold_retention")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
