"""Load the needs taxonomy (waymark/directory/needs_data.py) into the directory's tables."""

from django.db import migrations


def load(apps, schema_editor):
    # Imported here, not at the top: the loader reads the data file as it is when the migration
    # runs, and takes the historical models from ``apps``.
    from waymark.directory.needs import load_needs_taxonomy

    load_needs_taxonomy(models=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_hsds_objects"),
    ]

    operations = [
        # Unapplying leaves the needs in place on purpose: deleting the terms would also delete
        # the services' links to them (attributes cascade) and the synonyms and translations
        # staff have added since. Applying again is harmless: the loader only fills gaps.
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
