"""Each public service's ORUK records, built once and kept until the map changes.

Building a fully nested service reads a dozen tables; the API's ``/services/{id}``, its list
pages and the ndjson export would otherwise build the same records again for every request.
So the JSON text of each service's full record and list item is stored, with the *map version*
it was built at, and served as it is while that version is current:

- ``directory_published_version`` holds one row: the map version, a random number replaced on
  every change to any table a record reads (``WATCHED_MODELS``, the ``restricted_to_areas``
  links and ``places.Area``). Database triggers replace it, so every way of writing is caught:
  the ORM, ``bulk_create``, ``QuerySet.update()``, the importer, ``scale.py``'s raw inserts. A
  random number rather than a counter, so that a version seen inside a transaction that was
  rolled back is never reused for other data.
- ``directory_published_service`` holds ``(service_id, kind, version, valid_until, body)``:
  ``kind`` is ``FULL`` (the ``/services/{id}`` record) or ``LIST_ITEM`` (a ``/services`` list
  item); ``valid_until`` is the last day a temporary notice in it applies (a record showing a
  notice must not outlive it).

A record is served only when its version is the current one: a reader reads the version before
the data it builds from, and a writer replaces the version in the same transaction as its
change, so a record built from data older than a change always carries an older version.
Stale or missing records are rebuilt in bulk, a page or chunk at a time, and written back
(best effort: a busy database only means they are rebuilt next time). Whether a service is
public is still decided at each request (``Service.objects.public``), never stored.

Neither table is in Django's model state (like ``search_index``'s): migration
``0011_published_documents`` creates them and the triggers, and ``ensure_published_tables``
recreates whatever is missing (SQLite drops a table's triggers when a migration rebuilds the
table) the first time a process connects, replacing the version if it had to.

Reading a table not in ``WATCHED_MODELS`` from ``serialise.py`` (a new nested object) means
adding it there: the next process start adds its trigger.
"""

# Every SQL text here is made of this module's own table and trigger names and placeholders;
# values are always parameters.
# ruff: noqa: S608, S611

import datetime as dt
import json
import logging
import multiprocessing
import queue
import random
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.expressions import RawSQL
from django.utils import timezone

from waymark.directory import models
from waymark.directory.oruk import serialise

logger = logging.getLogger(__name__)

VERSION_TABLE = "directory_published_version"
RECORD_TABLE = "directory_published_service"
FULL = "full"
LIST_ITEM = "list"
# The tables a published record reads: a change to any of them replaces the map version.
WATCHED_MODELS = (
    models.Service,
    models.Organization,
    models.OrganizationIdentifier,
    models.Program,
    models.Funding,
    models.ServiceArea,
    models.CostOption,
    models.RequiredDocument,
    models.ServiceCapacity,
    models.Unit,
    models.Location,
    models.Address,
    models.Accessibility,
    models.ServiceAtLocation,
    models.Contact,
    models.Phone,
    models.Language,
    models.Schedule,
    models.Taxonomy,
    models.TaxonomyTerm,
    models.Attribute,
)
# How many records one upsert writes.
WRITE_BATCH = 200
_SQLITE_TRIGGER_PREFIX = "published_map_"
_PG_TRIGGER = "published_map_changed"
_PG_FUNCTION = "directory_published_map_changed"


def watched_tables():
    """The names of the tables whose changes replace the map version."""
    from waymark.places.models import Area

    tables = [model._meta.db_table for model in (*WATCHED_MODELS, Area)]
    tables.append(models.Service.restricted_to_areas.through._meta.db_table)
    return tables


# --- Tables and triggers ----------------------------------------------------------------------


def _sqlite_trigger(table, operation):
    return f"{_SQLITE_TRIGGER_PREFIX}{table}_{operation.lower()}"


# Records are JSON text of about 5 kB, stored compressed: lz4 compresses several times faster
# than PostgreSQL's default (pglz), which was most of the time a full export spent storing them.
# A server built without lz4 keeps pglz (the error is caught inside the block).
LZ4_SQL = f"""DO $$ BEGIN
    ALTER TABLE {RECORD_TABLE} ALTER COLUMN body SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN NULL;
END $$"""


def _create_sql(vendor, tables):
    """The statements creating both tables and the triggers on ``tables`` (all idempotent)."""
    id_type = "uuid" if vendor == "postgresql" else "char(32)"
    statements = [
        f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (id integer NOT NULL PRIMARY KEY, version bigint NOT NULL)",
        f"""CREATE TABLE IF NOT EXISTS {RECORD_TABLE} (
            service_id {id_type} NOT NULL,
            kind varchar(10) NOT NULL,
            version bigint NOT NULL,
            valid_until date NULL,
            body text NOT NULL,
            PRIMARY KEY (service_id, kind))""",
        f"INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
    ]
    if vendor == "sqlite":
        # SQLite has only row-level triggers: one update of one row per changed row is cheap.
        for table in tables:
            for operation in ("INSERT", "UPDATE", "DELETE"):
                statements.append(
                    f"""CREATE TRIGGER IF NOT EXISTS {_sqlite_trigger(table, operation)}
                    AFTER {operation} ON {table} BEGIN
                        UPDATE {VERSION_TABLE} SET version = random() WHERE id = 1;
                    END"""
                )
    elif vendor == "postgresql":
        statements.append(LZ4_SQL)
        # Once per statement, before it touches any row: a transaction takes the version row's
        # lock at its first change to the map, before any of the rows it changes, so two
        # writers never wait for each other's rows while holding it (no deadlock).
        statements.append(
            f"""CREATE OR REPLACE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE {VERSION_TABLE} SET version = floor(random() * 4611686018427387903)::bigint WHERE id = 1;
                RETURN NULL;
            END $$"""
        )
        for table in tables:
            statements.append(f"DROP TRIGGER IF EXISTS {_PG_TRIGGER} ON {table}")
            statements.append(
                f"""CREATE TRIGGER {_PG_TRIGGER} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()"""
            )
    return statements


def _tables_with_triggers(cursor, vendor):
    if vendor == "sqlite":
        cursor.execute(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"{_SQLITE_TRIGGER_PREFIX}%"],
        )
        rows = cursor.fetchall()
        # A table counts as watched only with all three of its triggers.
        counts = {}
        for (table,) in rows:
            counts[table] = counts.get(table, 0) + 1
        return {table for table, count in counts.items() if count == 3}
    cursor.execute(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
        [_PG_TRIGGER],
    )
    return {table for (table,) in cursor.fetchall()}


def supported(using="default"):
    """Whether records are kept on this database (SQLite and PostgreSQL); elsewhere they are
    built for every request."""
    return connections[using].vendor in ("sqlite", "postgresql")


def current_version(using="default"):
    """The map version now: it changes with every change to anything a record reads. None on
    a database where records are not kept."""
    if not supported(using):
        return None
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def ensure_published_tables(using="default"):
    """Create the tables and whatever triggers are missing; True if anything was missing (the
    map version is then replaced, since changes made without a trigger were not seen)."""
    target = connections[using]
    if not supported(using):
        return False
    existing_tables = set(target.introspection.table_names())
    tables = [table for table in watched_tables() if table in existing_tables]
    with target.cursor() as cursor:
        had = _tables_with_triggers(cursor, target.vendor) if VERSION_TABLE in existing_tables else set()
        missing = VERSION_TABLE not in existing_tables or RECORD_TABLE not in existing_tables or set(tables) - had
        if not missing:
            return False
        with transaction.atomic(using=using):
            for statement in _create_sql(target.vendor, tables):
                cursor.execute(statement)
            cursor.execute(f"UPDATE {VERSION_TABLE} SET version = %s WHERE id = 1", [_random_version()])
    return True


def drop_published_tables(using="default"):
    """Remove the triggers, the function and both tables (the migration's way back)."""
    target = connections[using]
    if not supported(using):
        return
    existing_tables = set(target.introspection.table_names())
    with target.cursor() as cursor:
        for table in watched_tables():
            if target.vendor == "sqlite":
                for operation in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {_sqlite_trigger(table, operation)}")
            elif table in existing_tables:
                cursor.execute(f"DROP TRIGGER IF EXISTS {_PG_TRIGGER} ON {table}")
        if target.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {_PG_FUNCTION}()")
        cursor.execute(f"DROP TABLE IF EXISTS {RECORD_TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {VERSION_TABLE}")


def _random_version():
    return random.randint(1, 2**62)


_checked = set()
_checked_lock = threading.Lock()


def _check_on_connect(sender, connection, **kwargs):
    """The first time this process connects to a database, heal its tables and triggers. Only
    once the map's tables exist (``migrate`` itself connects before creating them)."""
    key = (connection.alias, str(connection.settings_dict.get("NAME")))
    if key in _checked or connection.vendor not in ("sqlite", "postgresql"):
        return
    with _checked_lock:
        if key in _checked:
            return
        try:
            if models.Service._meta.db_table not in connection.introspection.table_names():
                return
            ensure_published_tables(connection.alias)
        except DatabaseError:
            logger.exception("Could not check the published records' tables and triggers.")
            return
        _checked.add(key)


connection_created.connect(_check_on_connect, dispatch_uid="directory_published_tables")


# --- Reading and writing records ------------------------------------------------------------


def _db_id(service_id):
    return models.Service._meta.pk.get_db_prep_value(service_id, connection)


def _db_date(day):
    return connection.ops.adapt_datefield_value(day)


def _uuid(value):
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


def _version_sql():
    return RawSQL(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1", ())


def _body_sql(kind, today):
    """The stored record of the service in the outer query (``directory_service``), if it is
    current; else NULL."""
    return RawSQL(
        f"""SELECT p.body FROM {RECORD_TABLE} p
        WHERE p.service_id = {models.Service._meta.db_table}.id AND p.kind = %s
        AND p.version = (SELECT version FROM {VERSION_TABLE} WHERE id = 1)
        AND (p.valid_until IS NULL OR p.valid_until >= %s)""",
        (kind, _db_date(today)),
    )


def with_records(services, kind, today):
    """``services`` annotated with ``published_version`` (the map version as the query saw it)
    and ``published_body`` (the current stored record's text, or None)."""
    return services.annotate(published_version=_version_sql(), published_body=_body_sql(kind, today))


def _current_records(ids, kind, today):
    """``(map version, {service id: current record text})`` for these ids, in one query."""
    if not ids:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1")
            return cursor.fetchone()[0], {}
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT v.version, p.service_id, p.body FROM {VERSION_TABLE} v
            LEFT JOIN {RECORD_TABLE} p ON p.kind = %s AND p.version = v.version
                AND (p.valid_until IS NULL OR p.valid_until >= %s) AND p.service_id IN ({marks})
            WHERE v.id = 1""",
            [kind, _db_date(today), *(_db_id(service_id) for service_id in ids)],
        )
        rows = cursor.fetchall()
    return rows[0][0], {_uuid(service_id): body for _version, service_id, body in rows if service_id is not None}


def _dumps(record):
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _valid_until(service, today):
    """The last day the record built today stays true: its notice's end, if it shows one."""
    return service.alert_ends_on if service.current_alert(today) else None


def build_records(ids, kind, today):
    """``{service id: (record text, valid until)}`` for these services, built now (public or
    not: ask ``Service.objects.public`` first). A fixed number of queries."""
    if kind == FULL:
        services = serialise.hydrate_services(ids)
        build = serialise.full_service_dict
    else:
        services = (
            models.Service.objects.filter(id__in=ids)
            .defer("search_text", "search_facets")
            .select_related("organization")
        )
        build = serialise.service_list_item
    return {
        _uuid(service.id): (_dumps(build(service, today=today)), _valid_until(service, today)) for service in services
    }


def _store(records, kind, version):
    """Write ``records`` (``{id: (text, valid until)}``) as built at ``version``. Best effort:
    a database too busy to take them now (SQLite's lock) only means building them again."""
    if not supported(connection.alias):
        return
    rows = sorted(records.items(), key=lambda item: str(item[0]))
    own_transaction = not connection.in_atomic_block
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                if own_transaction:
                    # The records can always be built again: losing the last few to a crash
                    # costs nothing, so this transaction need not wait for the disk.
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
                # One statement for every row, sent together (psycopg pipelines executemany):
                # a statement with thousands of placeholders costs psycopg more to split than
                # the database to run.
                cursor.executemany(
                    f"""INSERT INTO {RECORD_TABLE} (service_id, kind, version, valid_until, body)
                    VALUES (%s, %s, %s, %s, %s) ON CONFLICT (service_id, kind) DO UPDATE SET
                    version = excluded.version, valid_until = excluded.valid_until, body = excluded.body""",
                    [(service_id, kind, version, valid_until, text) for service_id, (text, valid_until) in rows],
                )
                return
            for start in range(0, len(rows), WRITE_BATCH):
                batch = rows[start : start + WRITE_BATCH]
                values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
                params = []
                for service_id, (text, valid_until) in batch:
                    params += [_db_id(service_id), kind, version, _db_date(valid_until) if valid_until else None, text]
                cursor.execute(
                    f"""INSERT INTO {RECORD_TABLE} (service_id, kind, version, valid_until, body) VALUES {values}
                    ON CONFLICT (service_id, kind) DO UPDATE SET version = excluded.version,
                    valid_until = excluded.valid_until, body = excluded.body""",
                    params,
                )
    except DatabaseError:
        logger.warning("Could not store %d published %s records; they will be built again.", len(rows), kind)


class _Writer:
    """Stores the records a long read builds (``iter_records``), on PostgreSQL in a thread of
    its own with its own connection, so the database writes one chunk while Python builds the
    next (storing was a fifth of a full export). At most two chunks wait, so memory stays
    flat. Inside a transaction (a request, a test) it stores in line: another connection
    would not see that transaction's data."""

    def __init__(self):
        self.thread = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.waiting = queue.Queue(maxsize=2)
            self.thread = threading.Thread(target=self._run, name="published-records-writer", daemon=True)
            self.thread.start()

    def _run(self):
        try:
            while (item := self.waiting.get()) is not None:
                _store(*item)
        except Exception:
            logger.exception("Could not store published records; they will be built again.")
            while self.waiting.get() is not None:  # let the reader finish
                pass
        finally:
            connection.close()

    def store(self, records, kind, version):
        if self.thread is None:
            _store(records, kind, version)
        else:
            self.waiting.put((records, kind, version))

    def close(self):
        """Wait until everything given is stored."""
        if self.thread is not None:
            self.waiting.put(None)
            self.thread.join()
            self.thread = None


def records_for(ids, kind, today):
    """The current record text of each of these services, in this order, building (and
    storing) the ones missing or out of date. Does not check that they are public."""
    ids = list(ids)
    version, found = _current_records(ids, kind, today)
    missing = [service_id for service_id in ids if service_id not in found]
    if missing:
        built = build_records(missing, kind, today)
        _store(built, kind, version)
        found.update((service_id, text) for service_id, (text, _until) in built.items())
    return [found[service_id] for service_id in ids if service_id in found]


def public_record(service_id, kind=FULL, *, now=None, today=None):
    """The record text of the public service with this id, or None if it is not on the public
    map. One query when the stored record is current."""
    today = today or timezone.localdate()
    if not supported(connection.alias):
        records = build_records([service_id], kind, today)
        found = serialise.public_services(now).filter(id=service_id).exists()
        return records[service_id][0] if found and service_id in records else None
    rows = list(
        with_records(serialise.public_services(now).filter(id=service_id), kind, today)
        .order_by()
        .values_list("published_version", "published_body")[:1]
    )
    if not rows:
        return None
    version, body = rows[0]
    if body is not None:
        return body
    built = build_records([service_id], kind, today)
    _store(built, kind, version)
    return built[service_id][0] if service_id in built else None


def iter_records(queryset, kind=FULL, chunk_size=serialise.DEFAULT_CHUNK_SIZE, *, today=None):
    """Yield the record text of every service in ``queryset``, by id, ``chunk_size`` at a time:
    one query per chunk when the stored records are current, a fixed number more for a chunk
    with some to rebuild. Memory for one chunk only."""
    today = today or timezone.localdate()
    writer = _Writer()
    try:
        yield from _iter_records(queryset, kind, chunk_size, today, writer)
    finally:
        writer.close()


def _iter_records(queryset, kind, chunk_size, today, writer):
    ordered = queryset.order_by("id")
    last_id = None
    while True:
        chunk = ordered if last_id is None else ordered.filter(id__gt=last_id)
        if supported(connection.alias):
            rows = list(
                with_records(chunk, kind, today).values_list("id", "published_version", "published_body")[:chunk_size]
            )
        else:
            rows = [(service_id, None, None) for service_id in chunk.values_list("id", flat=True)[:chunk_size]]
        if not rows:
            return
        missing = [service_id for service_id, _version, body in rows if body is None]
        built = build_records(missing, kind, today) if missing else {}
        if built and rows[0][1] is not None:
            writer.store(built, kind, rows[0][1])
        for service_id, _version, body in rows:
            if body is not None:
                yield body
            elif service_id in built:
                yield built[service_id][0]
        if len(rows) < chunk_size:
            return
        last_id = rows[-1][0]


def _build_part(ids, kind, today):
    """In a worker process: build and store the records of these services, a chunk at a time."""
    try:
        for start in range(0, len(ids), serialise.DEFAULT_CHUNK_SIZE):
            records_for(ids[start : start + serialise.DEFAULT_CHUNK_SIZE], kind, today)
        return len(ids)
    finally:
        connections.close_all()


def build_in_parallel(queryset, kind=FULL, *, workers, at_least=2000, today=None):
    """Build the missing or out-of-date records of ``queryset`` in ``workers`` processes, each
    with its own database connection, before a long read of all of them (the ndjson export
    after a change to the map): Python builds records on every core instead of one. Returns
    how many were built this way.

    Only where it is safe and worth it: on SQLite (a file) or PostgreSQL, outside any
    transaction (another connection would not see its data), with at least ``at_least``
    records to build. Best effort: whatever it did not build, the read builds as usual."""
    today = today or timezone.localdate()
    if (
        workers < 2
        or connection.in_atomic_block
        or not supported(connection.alias)
        or (connection.vendor == "sqlite" and connection.is_in_memory_db())
    ):
        return 0
    stale = list(
        with_records(queryset.order_by("id"), kind, today)
        .filter(published_body__isnull=True)
        .values_list("id", flat=True)
    )
    if len(stale) < at_least:
        return 0
    size = -(-len(stale) // workers)
    parts = [(stale[start : start + size], kind, today) for start in range(0, len(stale), size)]
    # A forked worker must not share this process's connection: it opens its own.
    connections.close_all()
    try:
        with multiprocessing.get_context("fork").Pool(len(parts)) as pool:
            return sum(pool.starmap(_build_part, parts))
    except Exception:
        logger.exception("Building published records in parallel failed; they will be built one by one.")
        return 0


# --- The public map's order, for the unfiltered /services list ------------------------------


@dataclass(frozen=True)
class PublicOrder:
    """The ids of the public services by name, as they were at ``version`` and ``built_at``;
    true until ``expires_at``, when the first of them goes unchecked too long to stay public
    (no service joins the map by time passing alone: only a change, which replaces the version)."""

    version: int
    built_at: dt.datetime
    expires_at: dt.datetime | None
    ids: tuple

    def holds(self, version, now):
        return version == self.version and self.built_at <= now and (self.expires_at is None or now < self.expires_at)


# One per database, for this process: 20,000 ids are about 2 MB.
_orders = {}


def _build_order(now):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1")
        version = cursor.fetchone()[0]
    rows = serialise.public_services(now).order_by("name", "id").values_list("id", "verified_at", "created_at")
    ids = []
    oldest = None
    for service_id, verified_at, created_at in rows:
        ids.append(service_id)
        checked = verified_at or created_at
        oldest = checked if oldest is None or checked < oldest else oldest
    expires_at = oldest + timedelta(days=settings.DIRECTORY_HIDE_AFTER_DAYS) if oldest else None
    order = PublicOrder(version=version, built_at=now, expires_at=expires_at, ids=tuple(ids))
    _orders[connection.alias] = order
    return order


def public_page(kind, page, per_page, *, now=None, today=None):
    """``(total, record texts)`` for page ``page`` of every public service by name (the
    unfiltered ``/services`` list). Two queries when nothing has changed: the map version with
    the page's stored records, and none more; a change or time rebuilds the order first."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    order = _orders.get(connection.alias)
    if order is None or not order.holds(order.version, now):
        order = _build_order(now)
    for _attempt in range(2):
        ids = order.ids[(page - 1) * per_page : page * per_page]
        version, found = _current_records(ids, kind, today)
        if order.holds(version, now):
            break
        order = _build_order(now)
    missing = [service_id for service_id in ids if service_id not in found]
    if missing:
        built = build_records(missing, kind, today)
        _store(built, kind, version)
        found.update((service_id, text) for service_id, (text, _until) in built.items())
    return len(order.ids), [found[service_id] for service_id in ids if service_id in found]
