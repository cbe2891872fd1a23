"""Reference data: the centre of every postcode district in Great Britain (about 2,900 outcodes).

Loaded from the committed waymark/places/data/outcodes.csv (Code-Point Open, OGL v3; see
SOURCE.md beside it), so that every install can place a postcode by its outcode without
importing full postcodes. An outcode already in the table is left as it is; reversing this
migration empties the table.

The file is read, not copied into this migration: it is 75 KB, and a later data release
replaces it. Rebuilding the file does not change installs that have already migrated.
"""

import csv
from pathlib import Path

from django.db import migrations

OUTCODES_CSV = Path(__file__).resolve().parent.parent / "data" / "outcodes.csv"


def load_outcode_centroids(apps, schema_editor):
    OutcodeCentroid = apps.get_model("places", "OutcodeCentroid")
    with open(OUTCODES_CSV, encoding="utf-8", newline="") as file:
        rows = [
            OutcodeCentroid(
                outcode=row["outcode"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                postcode_count=int(row["postcodes"]),
            )
            for row in csv.DictReader(file)
        ]
    OutcodeCentroid.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


def remove_outcode_centroids(apps, schema_editor):
    apps.get_model("places", "OutcodeCentroid").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0002_outcode_and_postcode_centroids"),
    ]

    operations = [
        migrations.RunPython(load_outcode_centroids, remove_outcode_centroids),
    ]
