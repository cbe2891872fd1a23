"""Seed policy rows: the assessment work fills this in (placeholder until then)."""

from django.db import migrations


def seed(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_assessments_cases_safeguarding")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
