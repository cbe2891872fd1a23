"""The full-text index over directory_service.search_text: FTS5 with triggers on SQLite, a GIN
index on to_tsvector('simple', search_text) on PostgreSQL, and an index on the locations'
coordinates. Outside Django's model state; see waymark/directory/search_index.py, whose
ensure_search_index also runs after every migrate to heal a database that lacks them."""

from django.db import migrations


def create(apps, schema_editor):
    from waymark.directory.search_index import ensure_search_index

    ensure_search_index(schema_editor.connection.alias, rebuild=True)


def drop(apps, schema_editor):
    from waymark.directory.search_index import drop_search_index

    drop_search_index(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_editorial_workflow")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
