"""The whole public map as open data: an HSDS 3.0 tabular package and ndjson.

``manage.py export_directory`` and the open-data page (``views/open_data.py``) both use these.
The records are the API's (``serialise.iter_full_services``: only the public map, hidden
addresses kept hidden), read a chunk at a time, so memory stays flat however big the map.

- ``iter_ndjson(services=None)``: one full ORUK service per line, as UTF-8 bytes.
- ``write_ndjson(out, services=None)``: the same into a binary file; returns the count.
- ``write_tabular(out, services=None)``: the HSDS tabular package into a path or binary
  file; returns ``(row counts by table, warnings)``.
- ``cached_tabular_package()``: the path of a package built for the map as it is now, built
  only when the map has changed since the last one; ``latest_tabular_package()``, for the
  download link, serves the previous package while a background task builds the new one
  (building 20,000 services takes most of a minute, too long for a request).

Waymark's data is published under Creative Commons Attribution 4.0 (``LICENCE``), the format
is Open Referral's (HSDS 3.0 / ORUK 3.0, CC BY-SA 4.0), and the package says both.
"""

import contextlib
import fcntl
import hashlib
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.tasks import task
from django.utils import timezone

from waymark.directory import models
from waymark.directory.oruk import published, serialise, tabular

# CC BY 4.0 rather than the Open Government Licence: Waymark is not a public body, CC BY 4.0
# is the licence open-data tools and directories everywhere recognise, it covers database
# rights explicitly, and it is compatible with the OGL councils publish under, so their data
# and Waymark's can be combined either way.
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
PACKAGE_NAME = "waymark-directory"
TABULAR_FILE_NAME = "waymark-directory-hsds.zip"
# How long one download's request for a rebuild stops others asking for the same version.
BUILD_TASK_GUARD_SECONDS = 15 * 60
# Every table the export reads (the same as the stored records read): a change to any of them
# (or a row removed) makes a new package.
EXPORTED_MODELS = published.WATCHED_MODELS


def attribution():
    """The sentence a reuser of the data should print."""
    return f"Contains information from {settings.SITE_NAME} ({settings.SITE_URL}/), licensed under CC BY 4.0."


def exported_services(now=None):
    """The services an export holds: the public map's."""
    return serialise.public_services(now)


def iter_ndjson(services=None, *, chunk_size=serialise.DEFAULT_CHUNK_SIZE):
    """Yield each public service's full ORUK record as one line of UTF-8 JSON."""
    services = exported_services() if services is None else services
    # The stored record texts are compact JSON already (one line each): no need to parse them.
    for text in published.iter_records(services, published.FULL, chunk_size=chunk_size):
        yield text.encode() + b"\n"


def write_ndjson(out, services=None, *, chunk_size=serialise.DEFAULT_CHUNK_SIZE, at_least=2000):
    """Write the ndjson export into the binary file ``out``; return how many services.

    After a change to the map every record must be built again first: that is done on every
    core (``settings.DIRECTORY_EXPORT_WORKERS`` processes) when there are at least
    ``at_least`` of them, then the records are read as stored."""
    services = exported_services() if services is None else services
    published.build_in_parallel(services, published.FULL, workers=settings.DIRECTORY_EXPORT_WORKERS, at_least=at_least)
    count = 0
    for line in iter_ndjson(services, chunk_size=chunk_size):
        out.write(line)
        count += 1
    return count


def package_details(now=None):
    """What the package's ``datapackage.json`` says about Waymark's data."""
    return tabular.PackageDetails(
        name=PACKAGE_NAME,
        title=f"{settings.SITE_NAME}: services for people seeking asylum, refugees and migrants",
        description=(
            f"Every service on the public {settings.SITE_NAME} map, in the Human Services Data "
            "Specification 3.0 tabular format (the Open Referral UK 3.0 API at /api/oruk/ "
            "serves the same records). Addresses a service keeps hidden (refuges, safe houses) "
            f"are not included. {attribution()}"
        ),
        homepage=f"{settings.SITE_URL}/",
        licence=LICENCE,
        sources=[{"title": settings.SITE_NAME, "path": f"{settings.SITE_URL}/"}],
        created=now or timezone.now(),
    )


def _package_parts(services, chunk_size):
    services = exported_services() if services is None else services
    return {
        "records": serialise.iter_full_services(services, chunk_size=chunk_size),
        # The terms in the records name their taxonomy by id; the package carries the taxonomies.
        "taxonomies": [serialise.taxonomy_dict(taxonomy) for taxonomy in models.Taxonomy.objects.order_by("name")],
        "details": package_details(),
    }


def write_tabular(out, services=None, *, chunk_size=serialise.DEFAULT_CHUNK_SIZE):
    """Write the HSDS tabular package into ``out`` (a path or binary file).

    Returns ``(row counts by table, warnings)``: the warnings name the fields of Waymark's
    records that HSDS 3.0's tables have no column for (service capacity, from HSDS 3.1)."""
    parts = _package_parts(services, chunk_size)
    return tabular.records_to_package(parts.pop("records"), out, **parts)


def save_tabular(path, services=None, *, chunk_size=serialise.DEFAULT_CHUNK_SIZE):
    """``write_tabular`` into a file at ``path`` that appears whole or not at all."""
    parts = _package_parts(services, chunk_size)
    return tabular.write_records_as_package(parts.pop("records"), path, **parts)


# --- The package the download link serves -------------------------------------------------------


def export_directory():
    """Where built packages are kept (``DIRECTORY_EXPORT_DIR``, else the system's temp folder)."""
    configured = getattr(settings, "DIRECTORY_EXPORT_DIR", None)
    directory = Path(configured) if configured else Path(tempfile.gettempdir()) / "waymark-open-data"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def map_version(today=None):
    """A short fingerprint of the public map as it is now: it changes with any change to what
    is exported (the map version ``published.py``'s triggers keep) and each day (a service
    unchecked too long leaves the map and a temporary notice may end). Where no map version is
    kept, one small aggregate query per exported table."""
    parts = [str(today or timezone.localdate())]
    version = published.current_version()
    if version is not None:
        parts.append(str(version))
    else:
        for model in EXPORTED_MODELS:
            figures = model.objects.aggregate(rows=Count("pk"), changed=Max("updated_at"))
            changed = figures["changed"].isoformat() if figures["changed"] else "-"
            parts.append(f"{model._meta.label}:{figures['rows']}:{changed}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def cached_tabular_package(today=None):
    """The path of a tabular package of the map as it is now, built if the map has changed.

    One process builds at a time (a lock file); another asking meanwhile waits and then finds
    the package ready. Packages of earlier versions are deleted once the new one is in place.
    """
    directory = export_directory()
    path = directory / f"hsds-{map_version(today)}.zip"
    if not path.exists():
        _build(path)
    return path


def latest_tabular_package():
    """The newest package to download now, without making the visitor wait for a rebuild.

    When the map has changed since the last package, a background task builds the new one
    (20,000 services take most of a minute, longer than a request should) and the previous
    package is served meanwhile; only the very first package is built during the request."""
    directory = export_directory()
    path = directory / f"hsds-{map_version()}.zip"
    if path.exists():
        return path
    built = sorted(directory.glob("hsds-*.zip"), key=lambda item: item.stat().st_mtime)
    if not built:
        _build(path)
        return path
    # One task per new version, however many downloads ask meanwhile.
    if cache.add(f"open-data-build:{path.name}", True, timeout=BUILD_TASK_GUARD_SECONDS):
        build_tabular_package.enqueue()
    # An immediate task backend (tests, development) has built it already.
    return path if path.exists() else built[-1]


@task
def build_tabular_package() -> str:
    """Build the package of the map as it is now, unless it exists; returns its file name."""
    return cached_tabular_package().name


def _build(path):
    with open(path.parent / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not path.exists():
                save_tabular(path)
                for old in path.parent.glob("hsds-*.zip"):
                    if old != path:
                        with contextlib.suppress(FileNotFoundError):
                            old.unlink()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
