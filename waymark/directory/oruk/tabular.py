"""The HSDS 3.0 tabular data package (a zip of CSV files and ``datapackage.json``), both ways.

This module converts formats only; it knows nothing of Waymark's models.

``package_to_records(file)`` reads a package and returns ``(records, problems)``:

- ``records``: one dict per service, in the shape of the API's ``/services/{id}`` (the service
  with its ``organization``, ``program``, ``service_at_locations`` → ``location`` → addresses,
  phones, schedules …, its own phones, schedules, contacts, cost options, service areas,
  languages, funding, required documents, ``attributes`` → ``taxonomy_term`` →
  ``taxonomy_detail``, ``metadata``), then one dict per organisation that has no service, in the
  shape of ``/organizations/{id}``, marked ``"entity": "organization"`` (see
  ``is_organization_record``). Empty cells are left out, never ``""``; numbers are numbers.
  The columns that only say where a row belongs (``service_id`` of a phone, ``link_id`` of an
  attribute …) are left out, as in the official ``examples/service_full.json``: nesting says it.
  Inside a service, ``organization.locations`` lists only the organisation's locations this
  service is offered at, so a record stays small when one organisation runs hundreds of
  services.
- ``problems``: a list of ``{"record", "field", "reason", "level"}`` dicts (``level`` is
  ``"error"`` or ``"warning"``, ``record`` an id or ``None`` for the whole package). A package
  that cannot be read at all gives ``([], [an error])``; nothing here raises on bad input.

``records_to_package(records, out_file, …)`` is the inverse: it flattens nested records into
the tables (one row per object however many parents it appears under: the same location under
two services, or the same phone under a service and its contact, is one row carrying every
link) and writes the zip with a ``datapackage.json`` whose resources and field schemas are the
official HSDS 3.0 ones, plus ``licenses`` and ``sources``. Rows go to a temporary SQLite file as
they come (an upsert merges an object's links), so memory stays flat however many services.

The table layout (columns, types, which column links a child to its parent) is read from the
official files in ``standards/hsds-3.0/`` (``datapackage.json`` and ``schema/*.json``).
"""

import contextlib
import csv
import datetime as dt
import functools
import io
import json
import math
import os
import posixpath
import re
import sqlite3
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

HSDS_DIR = Path(__file__).resolve().parent.parent / "standards" / "hsds-3.0"

# A package is refused past these: a zip a few kilobytes long can expand to gigabytes.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 500
# The HSDS tables every record hangs from; their rows are never "left out" for being unlinked.
TOP_TABLES = ("service", "organization", "taxonomy", "taxonomy_term", "meta_table_description")
# Objects that any parent may carry, linked by the parent's id and the parent's table name.
LINK_BY_ANY_PARENT = {"attribute": ("link_id", "link_entity"), "metadata": ("resource_id", "resource_type")}
ORGANIZATION_ENTITY = "organization"
# Tables whose rows are shared by many records and never gain a link from a later one (a term's
# only link is to its taxonomy): written the first time they are met, then skipped.
VOCABULARY_TABLES = frozenset({"taxonomy", "taxonomy_term"})
ERROR = "error"
WARNING = "warning"
_INTEGER = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class Nested:
    """A property of ``parent`` holding objects of ``table``, joined through ``column``.

    ``many``: an array of children whose ``column`` holds the parent's id (``phones`` of a
    service: ``phone.service_id``). Otherwise one object whose id is in the parent's ``column``
    (``organization`` of a service: ``service.organization_id``).
    """

    name: str
    table: str
    column: str
    many: bool


@dataclass(frozen=True)
class Table:
    """One HSDS table: its CSV file, columns in order, their types and how it nests."""

    name: str
    path: str
    columns: tuple
    types: dict
    required: frozenset
    # Columns naming another table's row: {column: table}; "*" for link_id/resource_id.
    links: dict
    nested: tuple = field(default=())

    @property
    def placement_columns(self):
        """The columns nesting makes redundant, left out of a nested record."""
        return set(self.links)


@functools.cache
def official_datapackage():
    """The official HSDS 3.0 ``datapackage.json`` as a dict."""
    return json.loads((HSDS_DIR / "datapackage.json").read_text(encoding="utf-8"))


@functools.cache
def tables():
    """Every HSDS table by name (``service``, ``phone`` …), from the official files."""
    found = {}
    for resource in official_datapackage()["resources"]:
        fields = resource["schema"]["fields"]
        links = {}
        for key in resource["schema"].get("foreignKeys", ()):
            links[key["fields"]] = key["reference"]["resource"]
        if resource["name"] in LINK_BY_ANY_PARENT:
            links[LINK_BY_ANY_PARENT[resource["name"]][0]] = "*"
        found[resource["name"]] = Table(
            name=resource["name"],
            path=resource["path"],
            columns=tuple(f["name"] for f in fields),
            types={f["name"]: f.get("type", "string") for f in fields},
            required=frozenset(f["name"] for f in fields if f.get("constraints", {}).get("required")),
            links=links,
        )
    for name, table in list(found.items()):
        schema = json.loads((HSDS_DIR / "schema" / f"{name}.json").read_text(encoding="utf-8"))
        nested = []
        for prop, spec in schema.get("properties", {}).items():
            reference = spec.get("items", {}).get("$ref") if spec.get("type") == "array" else spec.get("$ref")
            if not reference:
                continue
            child = reference.removesuffix(".json")
            if spec.get("type") == "array":
                column = LINK_BY_ANY_PARENT.get(child, (f"{name}_id",))[0]
                if column in found[child].columns:
                    nested.append(Nested(prop, child, column, many=True))
            elif f"{child}_id" in table.columns:
                nested.append(Nested(prop, child, f"{child}_id", many=False))
        found[name] = Table(**{**table.__dict__, "nested": tuple(nested)})
    return found


def is_organization_record(record):
    """True for a record ``package_to_records`` made for an organisation with no service."""
    return record.get("entity") == ORGANIZATION_ENTITY


def _problem(record, field_name, reason, level=ERROR):
    return {"record": record, "field": field_name, "reason": reason, "level": level}


# Reading a package ----------------------------------------------------------------------------


class PackageRefused(Exception):
    """The package cannot be read at all (not a zip, too big, no datapackage.json)."""


class _LimitedReader(io.RawIOBase):
    """A file from the zip that counts what it expands to and stops at the package's cap."""

    def __init__(self, raw, budget):
        self.raw = raw
        self.budget = budget

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        self.budget.spend(len(data))
        buffer[: len(data)] = data
        return len(data)


class _Budget:
    def __init__(self, limit):
        self.limit = limit
        self.used = 0

    def spend(self, size):
        self.used += size
        if self.used > self.limit:
            raise PackageRefused(
                _("The package expands to more than %(size)d MB; it was not read.") % {"size": self.limit // 2**20}
            )


def package_to_records(file, *, max_bytes=MAX_UNCOMPRESSED_BYTES):
    """Read an HSDS 3.0 tabular package (a path or a binary file) into ``(records, problems)``."""
    problems = []
    try:
        rows = _read_package(file, max_bytes, problems)
    except PackageRefused as refusal:
        return [], [_problem(None, "", str(refusal))]
    return _Assembler(rows, problems).records(), problems


def _read_package(file, max_bytes, problems):
    """{table name: {id: typed row}} from the package, problems appended as they are found."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PackageRefused(_("This is not a zip file: an HSDS tabular package is a zip of CSV files.")) from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise PackageRefused(
                _("The zip holds more than %(count)d files; it was not read.") % {"count": MAX_MEMBERS}
            )
        if sum(info.file_size for info in members) > max_bytes:
            raise PackageRefused(
                _("The package expands to more than %(size)d MB; it was not read.") % {"size": max_bytes // 2**20}
            )
        budget = _Budget(max_bytes)
        names = {info.filename for info in members}
        descriptor_name = _find_descriptor(names)
        if descriptor_name is None:
            raise PackageRefused(_("The zip has no datapackage.json, so its tables cannot be identified."))
        folder = posixpath.dirname(descriptor_name)
        descriptor = _read_descriptor(archive, descriptor_name, budget)
        paths_by_table = _paths_by_table(descriptor, folder, names, problems)
        listed = {path for paths in paths_by_table.values() for path in paths} | {descriptor_name}
        for name in sorted(names - listed):
            if name.lower().endswith(".csv"):
                problems.append(
                    _problem(
                        None,
                        name,
                        _("%(file)s is not listed in datapackage.json; it was not read.") % {"file": name},
                        WARNING,
                    )
                )
        rows = {}
        for table_name, paths in paths_by_table.items():
            rows[table_name] = {}
            for path in paths:
                _read_table(archive, path, tables()[table_name], rows[table_name], budget, problems)
        return rows


def _find_descriptor(names):
    """datapackage.json at the top of the zip, or in its one folder (zipping a folder does that)."""
    if "datapackage.json" in names:
        return "datapackage.json"
    nested = sorted(name for name in names if posixpath.basename(name) == "datapackage.json")
    return min(nested, key=lambda name: name.count("/")) if nested else None


def _read_descriptor(archive, name, budget):
    try:
        with archive.open(name) as raw:
            descriptor = json.load(io.TextIOWrapper(io.BufferedReader(_LimitedReader(raw, budget)), "utf-8-sig"))
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, OSError):
        raise PackageRefused(_("datapackage.json is not valid JSON.")) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise PackageRefused(_("datapackage.json has no list of resources."))
    return descriptor


def _paths_by_table(descriptor, folder, names, problems):
    """The zip paths of each known table's CSV files, as datapackage.json lists them."""
    by_path = {table.path: table.name for table in tables().values()}
    found = {}
    for resource in descriptor["resources"]:
        if not isinstance(resource, dict):
            continue
        paths = resource.get("path")
        paths = [paths] if isinstance(paths, str) else paths if isinstance(paths, list) else []
        paths = [path for path in paths if isinstance(path, str)]
        name = resource.get("name")
        if name not in tables():
            name = by_path.get(posixpath.basename(paths[0])) if paths else None
        if name is None:
            label = str(resource.get("name") or (paths[0] if paths else "?"))
            problems.append(
                _problem(
                    None, label, _("%(name)s is not an HSDS 3.0 table; it was not read.") % {"name": label}, WARNING
                )
            )
            continue
        for path in paths:
            full = posixpath.normpath(posixpath.join(folder, path))
            if path.startswith("/") or full.startswith("../") or "://" in path:
                problems.append(
                    _problem(None, path, _("%(file)s is outside the package; it was not read.") % {"file": path})
                )
            elif full not in names:
                problems.append(
                    _problem(
                        None, path, _("datapackage.json lists %(file)s but the zip does not hold it.") % {"file": path}
                    )
                )
            else:
                found.setdefault(name, []).append(full)
    return found


def _read_table(archive, path, table, into, budget, problems):
    """Add the rows of one CSV file to ``into`` ({id: typed row}), reporting what is wrong."""
    try:
        with archive.open(path) as raw:
            text = io.TextIOWrapper(io.BufferedReader(_LimitedReader(raw, budget)), "utf-8-sig", newline="")
            reader = csv.reader(text)
            header = next(reader, None)
            columns = _check_header(header, table, path, problems)
            if columns is None:
                return
            for line, values in enumerate(reader, start=2):
                if not any(value.strip() for value in values):
                    continue
                row = _typed_row(dict(zip(columns, values, strict=False)), table, path, line, problems)
                if row is None:
                    continue
                if row["id"] in into:
                    problems.append(
                        _problem(
                            row["id"],
                            "id",
                            _("%(file)s line %(line)d repeats an id; the first row was kept.")
                            % {"file": path, "line": line},
                            WARNING,
                        )
                    )
                    continue
                into[row["id"]] = row
    except UnicodeDecodeError:
        problems.append(_problem(None, path, _("%(file)s is not UTF-8 text; it was not read.") % {"file": path}))
    except (csv.Error, zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, OSError) as error:
        problems.append(
            _problem(None, path, _("%(file)s could not be read: %(error)s") % {"file": path, "error": error})
        )


def _check_header(header, table, path, problems):
    """The header's column names (None for a column to ignore), or None if the file is unusable."""
    if not header:
        problems.append(_problem(None, path, _("%(file)s is empty: it has no header row.") % {"file": path}))
        return None
    names = [name.strip() for name in header]
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        problems.append(
            _problem(
                None,
                path,
                _("%(file)s repeats the column %(column)s; it was not read.") % {"file": path, "column": repeated[0]},
            )
        )
        return None
    missing = [name for name in ("id", *sorted(table.links)) if name in table.required and name not in names]
    if "id" not in names or missing:
        problems.append(
            _problem(
                None,
                path,
                _("%(file)s has no %(column)s column; it was not read.")
                % {"file": path, "column": (missing or ["id"])[0]},
            )
        )
        return None
    unknown = [name for name in names if name not in table.types]
    if unknown:
        problems.append(
            _problem(
                None,
                path,
                _("%(file)s has columns HSDS 3.0 does not define, which were ignored: %(columns)s")
                % {"file": path, "columns": ", ".join(unknown)},
                WARNING,
            )
        )
    return [name if name in table.types else None for name in names]


def _typed_row(values, table, path, line, problems):
    """A row with empty cells left out and numbers as numbers; None if it has no id."""
    row = {}
    for column, value in values.items():
        # A cell of spaces is as empty as an empty one; other text is kept exactly as written.
        if column is None or not value.strip():
            continue
        kind = table.types[column]
        if kind in ("number", "integer", "boolean"):
            converted = _convert(value.strip(), kind)
            if converted is None:
                problems.append(
                    _problem(
                        values.get("id") or None,
                        column,
                        _("%(file)s line %(line)d: “%(value)s” is not a %(kind)s; the value was left out.")
                        % {"file": path, "line": line, "value": value[:40], "kind": kind},
                        WARNING,
                    )
                )
                continue
            value = converted
        row[column] = value
    if "id" not in row:
        problems.append(
            _problem(
                None, "id", _("%(file)s line %(line)d has no id; the row was left out.") % {"file": path, "line": line}
            )
        )
        return None
    return row


def _convert(value, kind):
    if kind == "boolean":
        return {"true": True, "false": False}.get(value.lower())
    if _INTEGER.fullmatch(value):
        return int(value)
    if kind == "integer":
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


class _Assembler:
    """Builds nested records from the tables' rows by following the links."""

    def __init__(self, rows, problems):
        self.rows = {name: rows.get(name, {}) for name in tables()}
        self.problems = problems
        self.used = set()
        self.table_of = {}
        for name, table_rows in self.rows.items():
            for row_id in table_rows:
                self.table_of.setdefault(row_id, name)
        self.children = {}
        for table in tables().values():
            for nested in table.nested:
                if nested.many and (nested.table, nested.column) not in self.children:
                    index = {}
                    for row in self.rows[nested.table].values():
                        if nested.column in row:
                            index.setdefault(row[nested.column], []).append(row["id"])
                    self.children[nested.table, nested.column] = index
        self._check_links()

    def _check_links(self):
        for name, table in tables().items():
            for row in self.rows[name].values():
                for column, target in table.links.items():
                    value = row.get(column)
                    if value is None:
                        continue
                    exists = value in self.table_of if target == "*" else value in self.rows.get(target, {})
                    if not exists:
                        level = ERROR if name == "service" and column == "organization_id" else WARNING
                        reason = _("This %(table)s links to %(id)s in %(column)s, which is not in the package.") % {
                            "table": name,
                            "id": value,
                            "column": column,
                        }
                        self.problems.append(_problem(row["id"], column, reason, level))
            if name == "service":
                for row in self.rows[name].values():
                    if "organization_id" not in row:
                        self.problems.append(
                            _problem(row["id"], "organization_id", _("This service has no organisation."))
                        )

    def records(self):
        records = [self.nest("service", service_id) for service_id in self.rows["service"]]
        with_services = {row.get("organization_id") for row in self.rows["service"].values()}
        for organization_id in self.rows["organization"]:
            if organization_id not in with_services:
                records.append({"entity": ORGANIZATION_ENTITY, **self.nest("organization", organization_id)})
        self._report_unused()
        return records

    def nest(self, table_name, row_id, *, only_locations=None):
        """The object ``row_id`` of ``table_name`` with everything nested under it."""
        self.used.add(row_id)
        table = tables()[table_name]
        row = self.rows[table_name][row_id]
        record = {column: value for column, value in row.items() if column not in table.placement_columns}
        for nested in table.nested:
            if not nested.many:
                target = row.get(nested.column)
                if target in self.rows[nested.table]:
                    locations = (
                        self._locations_of(row_id)
                        if table_name == "service" and nested.name == "organization"
                        else None
                    )
                    record[nested.name] = self.nest(nested.table, target, only_locations=locations)
                continue
            child_ids = self.children[nested.table, nested.column].get(row_id, ())
            if only_locations is not None and nested.table == "location":
                child_ids = [child_id for child_id in child_ids if child_id in only_locations]
            if child_ids:
                record[nested.name] = [self.nest(nested.table, child_id) for child_id in child_ids]
        return record

    def _locations_of(self, service_id):
        places = self.children["service_at_location", "service_id"].get(service_id, ())
        return {self.rows["service_at_location"][place].get("location_id") for place in places}

    def _report_unused(self):
        for name, table_rows in self.rows.items():
            if name in TOP_TABLES:
                continue
            for row_id in table_rows:
                if row_id not in self.used:
                    self.problems.append(
                        _problem(
                            row_id,
                            "",
                            _("This %(table)s is not linked to any service or organisation; it was left out.")
                            % {"table": name},
                            WARNING,
                        )
                    )


# Writing a package ----------------------------------------------------------------------------

HSDS_ATTRIBUTION = (
    "Human Services Data Specification 3.0: an Open Referral resource (https://openreferral.org/), "
    "licensed under Creative Commons Attribution-ShareAlike 4.0. The tables' names, fields and "
    "descriptions in this file are the specification's."
)


@dataclass
class PackageDetails:
    """What ``datapackage.json`` says about the data besides its tables."""

    name: str = "hsds-directory"
    title: str = ""
    description: str = ""
    homepage: str = ""
    # Data Package licence: {"name": "CC-BY-4.0", "path": "https://…", "title": "…"}.
    licence: dict | None = None
    # Data Package sources: [{"title": …, "path": …}].
    sources: list = field(default_factory=list)
    created: dt.datetime | None = None


class _TableStore:
    """Rows waiting in a temporary SQLite file, one table per HSDS table, merged by id.

    An object met again (the same location under a second service, a phone under a service and
    its contact) adds the links and fields it did not have yet; the values it already had stay.
    """

    BATCH = 2000

    def __init__(self, directory):
        self.connection = sqlite3.connect(Path(directory) / "rows.sqlite3", isolation_level=None)
        self.connection.execute("PRAGMA journal_mode = OFF")
        self.connection.execute("PRAGMA synchronous = OFF")
        self.connection.execute("PRAGMA cache_size = -8000")
        self.connection.execute("BEGIN")
        self.pending = {}
        self.statements = {}
        for table in tables().values():
            columns = ", ".join(f'"{column}"' for column in table.columns)
            self.connection.execute(f'CREATE TABLE "{table.name}" (seq INTEGER PRIMARY KEY, {columns}, UNIQUE ("id"))')
            updates = ", ".join(
                f'"{column}" = coalesce("{table.name}"."{column}", excluded."{column}")'
                for column in table.columns
                if column != "id"
            )
            marks = ", ".join("?" for _column in table.columns)
            self.statements[table.name] = (
                f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks}) '  # noqa: S608
                f'ON CONFLICT ("id") DO UPDATE SET {updates}'
            )
            self.pending[table.name] = []

    def add(self, table, row):
        batch = self.pending[table.name]
        batch.append(tuple(row.get(column) for column in table.columns))
        if len(batch) >= self.BATCH:
            self.flush(table.name)

    def flush(self, name=None):
        for table_name in [name] if name else list(self.pending):
            if self.pending[table_name]:
                self.connection.executemany(self.statements[table_name], self.pending[table_name])
                self.pending[table_name] = []

    def rows(self, table):
        self.flush()
        columns = ", ".join(f'"{column}"' for column in table.columns)
        yield from self.connection.execute(f'SELECT {columns} FROM "{table.name}" ORDER BY seq')  # noqa: S608

    def count(self, table):
        self.flush()
        return self.connection.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]  # noqa: S608

    def close(self):
        self.connection.close()


def _cell(value):
    """A JSON value as CSV text, or None when it has no value."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    return str(value)


class _Flattener:
    """Walks nested records and hands one row per object to the store."""

    def __init__(self, store, problems):
        self.store = store
        self.problems = problems
        self.reported = set()
        self.vocabulary_seen = set()
        self.nested_names = {name: {nested.name for nested in table.nested} for name, table in tables().items()}

    def add(self, table_name, obj, links=None):
        table = tables()[table_name]
        if not isinstance(obj, dict):
            return None
        object_id = obj.get("id")
        if not isinstance(object_id, str) or not object_id:
            self._once(
                (table_name, "id"), None, "id", _("A %(table)s without an id was left out.") % {"table": table_name}
            )
            return None
        if table_name in VOCABULARY_TABLES:
            # Thousands of attributes carry the same few terms: write each term once.
            if object_id in self.vocabulary_seen:
                return object_id
            self.vocabulary_seen.add(object_id)
        row = {}
        nested_names = self.nested_names[table_name]
        for key, value in obj.items():
            if key in table.types:
                if not isinstance(value, dict | list):
                    row[key] = _cell(value)
            elif key != "entity" and key not in nested_names:
                self._once(
                    (table_name, key),
                    object_id,
                    key,
                    _("HSDS 3.0 has no %(table)s column %(field)s; it is not in the package.")
                    % {"table": table_name, "field": key},
                )
        for column, value in (links or {}).items():
            if row.get(column) is None:
                row[column] = value
        for nested in table.nested:
            value = obj.get(nested.name)
            if value is None:
                continue
            if not nested.many:
                child_id = self.add(nested.table, value)
                if child_id and row.get(nested.column) is None:
                    row[nested.column] = child_id
                continue
            child_links = {nested.column: object_id}
            if nested.table in LINK_BY_ANY_PARENT:
                child_links[LINK_BY_ANY_PARENT[nested.table][1]] = table_name
            for child in value if isinstance(value, list) else ():
                self.add(nested.table, child, child_links)
        self.store.add(table, row)
        return object_id

    def _once(self, key, record, field_name, reason):
        if key not in self.reported:
            self.reported.add(key)
            self.problems.append(_problem(record, field_name, reason, WARNING))


def records_to_package(records, out_file, *, organizations=(), taxonomies=(), details=None):
    """Write ``records`` (``/services/{id}``-shaped dicts, any iterable, read once),
    ``organizations`` (``/organizations/{id}``-shaped dicts) and ``taxonomies`` (the taxonomies
    the records' terms name by ``taxonomy_id``) as an HSDS 3.0 tabular package.

    ``out_file`` is a path or a binary file (it may be unseekable, like a response stream).
    Records marked as organisations (``is_organization_record``) are taken as organisations.
    Returns ``(row counts by table name, problems)``; problems are warnings about fields the
    tables have no column for and objects without an id.
    """
    details = details or PackageDetails()
    problems = []
    with tempfile.TemporaryDirectory(prefix="hsds-package-") as directory:
        store = _TableStore(directory)
        try:
            flattener = _Flattener(store, problems)
            for record in records:
                flattener.add("organization" if is_organization_record(record) else "service", record)
            for organization in organizations:
                flattener.add("organization", organization)
            for taxonomy in taxonomies:
                flattener.add("taxonomy", taxonomy)
            counts = _write_zip(store, out_file, details)
        finally:
            store.close()
    return counts, problems


def _write_zip(store, out_file, details):
    counts = {}
    with zipfile.ZipFile(out_file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for table in tables().values():
            with archive.open(table.path, "w", force_zip64=True) as raw:
                text = io.TextIOWrapper(raw, "utf-8", newline="")
                writer = csv.writer(text, lineterminator="\r\n")
                writer.writerow(table.columns)
                counts[table.name] = 0
                for row in store.rows(table):
                    writer.writerow(["" if value is None else value for value in row])
                    counts[table.name] += 1
                text.flush()
                text.detach()
        archive.writestr("datapackage.json", json.dumps(_descriptor(details), ensure_ascii=False, indent=2))
    return counts


def _descriptor(details):
    official = official_datapackage()
    created = details.created or dt.datetime.now(dt.UTC)
    descriptor = {
        "profile": "tabular-data-package",
        "name": details.name,
        "title": details.title or official["title"],
        "description": "\n\n".join(part for part in (details.description, HSDS_ATTRIBUTION) if part),
        "version": official["version"],
        "created": created.isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    if details.homepage:
        descriptor["homepage"] = details.homepage
    if details.licence:
        descriptor["licenses"] = [details.licence]
    if details.sources:
        descriptor["sources"] = list(details.sources)
    descriptor["resources"] = official["resources"]
    return descriptor


def write_records_as_package(records, path, **options):
    """``records_to_package`` into a file at ``path``, which appears whole or not at all (the
    package is written beside it under a unique name, then renamed over it)."""
    path = Path(path)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    try:
        result = records_to_package(records, partial, **options)
        os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
    return result
