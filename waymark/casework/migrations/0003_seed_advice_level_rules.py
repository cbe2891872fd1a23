"""Seed policy rows: the casework work fills this in (placeholder until then)."""

from django.db import migrations


def seed(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_seed_risk_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
