"""Publish the "Waymark service details" taxonomy: the terms Waymark's own fields are
published under as HSDS attributes (``waymark/directory/oruk/extensions.py``), with the fixed
ids every Waymark shares."""

from django.db import migrations


def load(apps, schema_editor):
    # Imported here: the loader takes the historical models from ``apps``.
    from waymark.directory.oruk.extensions import load_details_taxonomy

    load_details_taxonomy(models=apps)


def unload(apps, schema_editor):
    from waymark.directory.oruk.extensions import unload_details_taxonomy

    unload_details_taxonomy(models=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0009_imports"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
