"""Store the published ORUK records compressed with lz4 on PostgreSQL (see LZ4_SQL in
waymark/directory/oruk/published.py); a no-op on SQLite and on a server without lz4."""

from django.db import migrations


def use_lz4(apps, schema_editor):
    from waymark.directory.oruk.published import LZ4_SQL

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(LZ4_SQL)


class Migration(migrations.Migration):
    dependencies = [("directory", "0011_published_documents")]

    operations = [migrations.RunPython(use_lz4, migrations.RunPython.noop, elidable=False)]
