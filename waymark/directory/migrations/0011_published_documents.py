"""The published ORUK records of each service and the map version they were built at, with
the triggers that replace the version on every change to the map. Outside Django's model state;
see waymark/directory/oruk/published.py, whose ensure_published_tables also heals a database
that lost a trigger (SQLite drops them when a later migration rebuilds a table)."""

from django.db import migrations


def create(apps, schema_editor):
    from waymark.directory.oruk.published import ensure_published_tables

    ensure_published_tables(schema_editor.connection.alias)


def drop(apps, schema_editor):
    from waymark.directory.oruk.published import drop_published_tables

    drop_published_tables(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0010_waymark_details_taxonomy"),
        ("places", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
