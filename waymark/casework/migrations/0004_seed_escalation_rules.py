"""Seed policy rows: the safeguarding work fills this in (placeholder until then)."""

from django.db import migrations


def seed(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_seed_advice_level_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
