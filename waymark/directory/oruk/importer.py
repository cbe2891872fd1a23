"""Taking in another directory's Open Referral data: one import run, record by record.

``Importer(run, …).import_source(source)`` reads the source (``importer_sources``), checks each
service record (``importer_checks``) and writes it (``importer_writer``), filling the run's
counts and report. The action ``actions/imports.py do_import`` wraps it in transactions and
the audit trail; call that, not this.

Each record is imported whole or not at all:

- rejected: it fails the schema or contradicts itself; the report says which field and why;
- unchanged: this source sent exactly this before (``ImportedRecord.incoming_hash``);
- created / updated: written onto the map (``publish``), its provenance kept in
  ``ImportedRecord`` with a fingerprint of the listing as written (``local_hash``);
- queued: the listing was edited in Waymark since the last import (its fingerprint differs
  from ``local_hash``), or the run is in review mode (``publish=False``): the incoming change
  becomes a ``ChangeRequest`` for an editor, in ``listing_data``'s shape, never an overwrite.

Speed (10,000 new services in well under a minute): records are written CHUNK_SIZE to a
transaction. A new service's rows are not inserted one record at a time but held
(``importer_writer.PendingRows``) and inserted for the whole chunk with one statement per
table (COPY on PostgreSQL); its search fields are rebuilt with the chunk's
(``rebuild_search_fields``), and its provenance written with the chunk's. Such a record needs
no savepoint: only held rows would have to be undone. Any other record (an update, a queued
change) first has the held rows inserted, then runs in its own savepoint. If the chunk's
inserts fail, the chunk is rolled back and written again record by record, so one bad record
is still rejected alone. A row many records name (a taxonomy term) is written again only when
a record gives it differently.

When an editor approves a change an import proposed, ``record_local_state`` is to be called
(from ``do_approve_change``): the listing becomes the import's own again.
"""

import hashlib
import json
import uuid

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waymark.directory.listing_data import service_data
from waymark.directory.models import (
    IMMIGRATION_ADVICE_SLUG,
    NEED_LINK_TYPE,
    NEEDS_TAXONOMY_NAME,
    Attribute,
    ChangeRequest,
    ImportedRecord,
    Language,
    NeedMapping,
    Organization,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from waymark.directory.oruk import extensions
from waymark.directory.oruk.cleaning import CHILD_ENTITIES, IdMapper, drop_empty, is_uuid
from waymark.directory.oruk.importer_checks import prepare_record, problem
from waymark.directory.oruk.importer_sources import SourceError, SourceReader
from waymark.directory.oruk.importer_writer import (
    MODELS,
    SHARED_KINDS,
    PendingRows,
    RecordWriter,
    rebuild_search_fields,
)
from waymark.directory.oruk.schemas import error_path, validator
from waymark.places.models import OutcodeCentroid

# Records are written in transactions of this many, so a long feed keeps what it has done.
CHUNK_SIZE = 200
# In review mode a new service's organisation and places are written (a change request needs
# them); the service itself waits for an editor.
REVIEW_MODE_KINDS = frozenset({"organization", "organization_identifier", "location", "address", "accessibility"})
# Kinds of rows many records of a feed name (its taxonomy, its terms, shared programmes).
REUSED_KINDS = frozenset({*SHARED_KINDS, "program", "unit"})


class _Undo(Exception):
    """Rolls back a write made only to see its result."""


class _ChunkFailed(Exception):
    """A chunk written in bulk could not be saved: it is written again record by record."""


class Rejected(Exception):
    """A record that cannot be written; ``problems`` are (field, reason) pairs."""

    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


def fingerprint(data):
    """A stable hash of JSON-able ``data``."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


# Service columns that change without anyone editing the listing's content.
_NOT_FINGERPRINTED = {
    "id",
    "created_at",
    "updated_at",
    "search_text",
    "search_facets",
    "last_modified",
    "verified_at",
    "verified_by",
    "verification_method",
    "capacity_status",
    "capacity_updated_at",
    "alert_updated_at",
}


def local_fingerprints(service_ids):
    """{service id: fingerprint of what Waymark holds for the listing}: its own columns and
    what an edit can change under it (phones, languages, needs and other attributes, documents,
    places, opening times), read for many services in a few queries. When a listing's
    fingerprint no longer matches the one taken just after its last import, someone has
    edited it here since."""
    ids = list(service_ids)
    if not ids:
        return {}
    columns = [field.attname for field in Service._meta.concrete_fields if field.name not in _NOT_FINGERPRINTED]
    data = {row.pop("id"): {"service": row} for row in Service.objects.filter(id__in=ids).values("id", *columns)}
    children = (
        ("phones", Phone.objects.filter(service_id__in=ids), "service_id", ("number", "extension", "type")),
        ("languages", Language.objects.filter(service_id__in=ids), "service_id", ("code", "name")),
        ("documents", RequiredDocument.objects.filter(service_id__in=ids), "service_id", ("document", "uri")),
        ("places", ServiceAtLocation.objects.filter(service_id__in=ids), "service_id", ("location_id",)),
        (
            "schedules",
            Schedule.objects.filter(service_id__in=ids),
            "service_id",
            ("freq", "interval", "byday", "opens_at", "closes_at", "description", "valid_from", "valid_to"),
        ),
        (
            "attributes",
            Attribute.objects.filter(link_entity="service", link_id__in=ids),
            "link_id",
            ("taxonomy_term_id", "link_type", "value"),
        ),
    )
    for name, queryset, owner, fields in children:
        for row in queryset.values_list(owner, *fields):
            if row[0] in data:
                data[row[0]].setdefault(name, []).append([str(value) for value in row[1:]])
    for values in data.values():
        for name, _queryset, _owner, _fields in children:
            values[name] = sorted(values.get(name, []))
    return {service_id: fingerprint(values) for service_id, values in data.items()}


def local_fingerprint(service):
    """The fingerprint of one listing (see ``local_fingerprints``)."""
    return local_fingerprints([service.id]).get(service.id, "")


def record_local_state(service_ids, *, run=None):
    """Take these listings as they are now as what their import last wrote: called when an
    editor has approved a change an import proposed (``do_approve_change``). Their
    ``ImportedRecord`` keeps the incoming fingerprint of the record that was proposed (set when
    it was queued) and gets a new ``local_hash``, so the source's next change is applied to
    them directly (a publishing feed) instead of being queued again as though someone had
    edited the listing here. ``run``: the import run that proposed the change; only that
    source's records are touched (a listing another source also lists keeps its own)."""
    ids = [service_id for service_id in service_ids if service_id]
    records = ImportedRecord.objects.filter(entity="service", object_id__in=ids)
    if run is not None:
        records = records.filter(feed=run.feed) if run.feed_id else records.filter(last_run=run)
    records = list(records)
    hashes = local_fingerprints({record.object_id for record in records})
    for record in records:
        record.local_hash = hashes.get(record.object_id, "")
    ImportedRecord.objects.bulk_update(records, ["local_hash"])
    return len(records)


class Lookups:
    """What every record of a run asks about, read once: Waymark's needs and their mappings,
    known outcodes, which objects exist and which this source made."""

    def __init__(self, source_key):
        self.source_key = source_key
        terms = list(
            TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME).values_list("id", "slug", "parent_id")
        )
        self.need_ids = {term_id for term_id, _slug, _parent in terms}
        slugs = {term_id: slug for term_id, slug, _parent in terms}
        parents = {term_id: parent for term_id, _slug, parent in terms}
        self.immigration_advice_needs = set()
        for term_id in self.need_ids:
            current, seen = term_id, set()
            while current is not None and current not in seen:
                seen.add(current)
                if slugs.get(current) == IMMIGRATION_ADVICE_SLUG:
                    self.immigration_advice_needs.add(term_id)
                    break
                current = parents.get(current)
        self.needs_taxonomy_ids = set(
            TaxonomyTerm.objects.filter(id__in=self.need_ids).values_list("taxonomy_id", flat=True)
        )
        self.need_mappings = dict(NeedMapping.objects.values_list("term_id", "need_id"))
        self.known_outcodes = set(OutcodeCentroid.objects.values_list("outcode", flat=True))
        self.ours = set(
            ImportedRecord.objects.filter(source_key=source_key, entity__in=SHARED_KINDS).values_list(
                "entity", "object_id"
            )
        )
        self.known = {kind: set() for kind in MODELS}
        self.absent = {kind: set() for kind in MODELS}
        # Shared rows (organisations, locations) already written by a record of this run.
        self.written_in_run = set()
        # What this run last wrote to rows records share ({(kind, id): (values, links)}), so
        # that the next record giving the same (a taxonomy term) does not write it again.
        self.written_rows = {}

    def prefetch(self, kind, object_ids):
        """Learn in one query which of ``object_ids`` exist."""
        unknown = set(object_ids) - self.known[kind] - self.absent[kind]
        if not unknown:
            return
        found = set(MODELS[kind].objects.filter(id__in=unknown).values_list("id", flat=True))
        self.known[kind].update(found)
        self.absent[kind].update(unknown - found)

    def exists(self, kind, object_id):
        if object_id in self.known[kind]:
            return True
        if object_id in self.absent[kind]:
            return False
        found = MODELS[kind].objects.filter(id=object_id).exists()
        (self.known if found else self.absent)[kind].add(object_id)
        return found

    def term_exists(self, term_id):
        return self.exists("taxonomy_term", term_id)

    def is_waymark_term(self, term_id):
        return term_id in self.need_ids or term_id in extensions.TERMS_BY_ID

    def is_waymark_taxonomy(self, taxonomy_id):
        return taxonomy_id == extensions.TAXONOMY_ID or taxonomy_id in self.needs_taxonomy_ids

    def may_change(self, kind, object_id):
        """Whether this source may write the shared row: new, or made by this source."""
        return (kind, object_id) in self.ours or not self.exists(kind, object_id)

    def remember(self, rows_by_kind, made):
        """After a record is committed: its rows exist, and the shared ones it made are ours."""
        for kind, rows in rows_by_kind.items():
            self.known[kind].update(rows)
            self.absent[kind].difference_update(rows)
            if kind in SHARED_KINDS:
                self.written_in_run.update((kind, row_id) for row_id in rows)
            if kind in REUSED_KINDS:
                for row_id, row in rows.items():
                    self.written_rows[(kind, row_id)] = (row["values"], row["links"])
        self.ours.update(made)

    def same_as_written(self, kind, row_id, row):
        """Whether this run already wrote exactly ``row`` to the row (kind, row_id)."""
        return self.written_rows.get((kind, row_id)) == (row["values"], row["links"])

    def written(self, kind, object_id):
        return (kind, object_id) in self.written_in_run

    def snapshot(self):
        """What the run has learnt so far, to go back to if a chunk is written again."""
        return (
            {kind: set(ids) for kind, ids in self.known.items()},
            {kind: set(ids) for kind, ids in self.absent.items()},
            set(self.ours),
            set(self.written_in_run),
            dict(self.written_rows),
        )

    def restore(self, snapshot):
        known, absent, ours, written_in_run, written_rows = snapshot
        self.known = {kind: set(ids) for kind, ids in known.items()}
        self.absent = {kind: set(ids) for kind, ids in absent.items()}
        self.ours = set(ours)
        self.written_in_run = set(written_in_run)
        self.written_rows = dict(written_rows)

    def offers_immigration_advice(self, need_ids):
        return bool(self.immigration_advice_needs & set(need_ids))


class Importer:
    """One run over one source. ``run`` is the ImportRun whose counts and report it fills."""

    def __init__(self, run, *, source_key, publish=True, dry_run=False):
        self.run = run
        self.source_key = source_key
        self.publish = publish
        self.dry_run = dry_run
        self.report = []
        self.counts = {"created": 0, "updated": 0, "unchanged": 0, "queued": 0, "rejected": 0}
        self.lookups = None
        self.seen_ids = set()
        self.imported_records = {}
        # What the current record wrote, remembered by the lookups once it is committed.
        self.pending_remember = []
        self.pending_provenance = []
        self.pending_search = []
        self.chunk_provenance = []
        self.chunk_search = set()
        # The Waymark needs the chunk's services have now ({service id: term ids}).
        self.chunk_needs = {}
        # While a chunk is written in bulk: the new services' rows, inserted together.
        self.pending_rows = None

    # --- the run --------------------------------------------------------------------------

    def read(self, source):
        """The source's records; SourceError if it cannot be read. Sets the run's format."""
        reader = SourceReader()
        records, source_format = reader.read(source)
        self.run.format = source_format
        if not records:
            whole = [item for item in reader.problems if item.get("level") == "error" and not item.get("record")]
            if whole:
                raise SourceError(whole[0]["reason"])
        for item in reader.problems:
            self.report.append(
                problem(item.get("level", "warning"), item.get("record"), item.get("field", ""), item.get("reason", ""))
            )
        return records

    def import_records(self, records):
        """Check and write every record, CHUNK_SIZE to a transaction.

        A chunk is first written in bulk: the rows of its new services are held
        (``PendingRows``) and inserted with one ``bulk_create`` per table at the end, and its
        services' search fields are rebuilt together. Should that fail (one bad record among
        them), the chunk is rolled back and written again record by record, each in its own
        savepoint, so that only the bad record is rejected."""
        self.lookups = Lookups(self.source_key)
        for start in range(0, len(records), CHUNK_SIZE):
            chunk = records[start : start + CHUNK_SIZE]
            prepared = [self.prepare(raw) for raw in chunk]
            self.read_ahead(prepared)
            before = self.snapshot()
            try:
                try:
                    self.write_chunk(chunk, prepared, in_bulk=True)
                except _ChunkFailed:
                    self.restore(before)
                    # What the failed attempt read (provenance, needs) may have changed with it.
                    self.read_ahead(prepared)
                    self.write_chunk(chunk, prepared, in_bulk=False)
            except Exception:
                # The chunk was rolled back: its records are not counted as written.
                self.restore(before)
                raise

    def write_chunk(self, chunk, prepared, *, in_bulk):
        """Import the chunk's records in one transaction (see ``import_records``)."""
        self.chunk_provenance = []
        self.chunk_search = set()
        self.pending_rows = PendingRows() if in_bulk else None
        try:
            with transaction.atomic():
                for raw, checked in zip(chunk, prepared, strict=True):
                    self.import_one(raw, checked)
                self.flush_pending_rows()
                rebuild_search_fields(self.chunk_search)
                self.write_provenance(self.chunk_provenance)
        finally:
            self.pending_rows = None

    def flush_pending_rows(self):
        """Insert the rows held for the chunk's new services (``_ChunkFailed`` if they cannot
        all be saved)."""
        if not self.pending_rows:
            return
        try:
            self.pending_rows.flush()
        except (DatabaseError, ValidationError) as error:
            raise _ChunkFailed from error

    def snapshot(self):
        """The run's state before a chunk, to go back to if it is written again."""
        return (self.lookups.snapshot(), dict(self.counts), len(self.report), set(self.seen_ids))

    def restore(self, snapshot):
        lookups, counts, report_length, seen_ids = snapshot
        self.lookups.restore(lookups)
        self.counts = counts
        del self.report[report_length:]
        self.seen_ids = seen_ids

    def prepare(self, raw):
        if isinstance(raw, dict) and raw.get("entity") == "organization":
            return None
        return prepare_record(raw, source_key=self.source_key, known_outcodes=self.lookups.known_outcodes)

    def read_ahead(self, prepared):
        """Find out in a few queries which of a chunk's objects exist, and their provenance, so
        that each record does not ask one by one."""
        ids = {kind: set() for kind in MODELS}
        originals = []
        for checked in prepared:
            if checked is None or checked[3]:
                continue
            record, original_id = checked[0], checked[1]
            originals.append(original_id or record["id"])
            _gather_ids(record, "service", ids)
        for kind, wanted in ids.items():
            self.lookups.prefetch(kind, wanted)
        self.imported_records = {
            imported.original_id: imported
            for imported in ImportedRecord.objects.filter(
                source_key=self.source_key, entity="service", original_id__in=originals
            )
        }
        self.chunk_needs = {service_id: set() for service_id in ids["service"]}
        for service_id, term_id in Attribute.objects.filter(
            link_entity="service", link_id__in=ids["service"], link_type=NEED_LINK_TYPE
        ).values_list("link_id", "taxonomy_term_id"):
            self.chunk_needs[service_id].add(term_id)

    # --- one record ---------------------------------------------------------------------------

    def import_one(self, raw, checked):
        if checked is None:
            self.import_organization(raw)
            return
        record, original_id, originals, errors, warnings = checked
        if errors:
            self.reject(errors)
            return
        if record["id"] in self.seen_ids:
            self.reject(
                [problem("error", original_id, "id", _("This service was already given earlier in the source."))]
            )
            return
        self.seen_ids.add(record["id"])
        original_id = original_id or record["id"]
        self.pending_remember = []
        self.pending_provenance = []
        self.pending_search = []
        # A new service written in bulk: its rows are only held (nothing to roll back but
        # them), so it needs no savepoint of its own.
        in_bulk = (
            self.pending_rows is not None
            and self.publish
            and not self.lookups.exists("service", uuid.UUID(record["id"]))
        )
        try:
            if in_bulk:
                mark = self.pending_rows.mark()
                try:
                    outcome, more = self.import_service(record, original_id, originals, pending=self.pending_rows)
                except Rejected:
                    self.pending_rows.forget_since(mark)
                    raise
                except (DatabaseError, ValidationError) as error:
                    # Something already written cannot be undone alone: the chunk is redone.
                    raise _ChunkFailed from error
            else:
                # Anything this record reads or changes must see the rows held so far.
                self.flush_pending_rows()
                with transaction.atomic():
                    outcome, more = self.import_service(record, original_id, originals)
        except Rejected as rejected:
            self.reject([problem("error", original_id, field, reason) for field, reason in rejected.problems])
            return
        except (DatabaseError, ValidationError) as error:
            self.reject(
                [problem("error", original_id, "(record)", _("It could not be saved: %(reason)s") % {"reason": error})]
            )
            return
        # Committed: what it wrote now exists for the records after it.
        for rows_by_kind, made in self.pending_remember:
            self.lookups.remember(rows_by_kind, made)
        self.chunk_provenance.extend(self.pending_provenance)
        self.chunk_search.update(self.pending_search)
        self.counts[outcome] += 1
        self.report.extend(warnings)
        self.report.extend(problem("warning", original_id, field, reason) for field, reason in more)

    def reject(self, errors):
        self.counts["rejected"] += 1
        self.report.extend(errors)

    def _writer(self):
        return RecordWriter(self.lookups, may_change=self.lookups.may_change)

    def import_service(self, record, original_id, originals, *, pending=None):
        """Decide what happens to one checked service and do it. Returns (outcome, warnings).
        ``pending``: the chunk's held rows, for a new service written in bulk."""
        service_id = uuid.UUID(record["id"])
        writer = self._writer()
        writer.collect(record)
        needs = self.needs_of(writer)
        incoming_hash = fingerprint({"record": record, "needs": sorted(str(need) for need in needs)})
        writer.incoming_hash = incoming_hash
        writer.originals = originals
        imported = self.imported_records.get(original_id)
        if imported is not None and imported.incoming_hash == incoming_hash:
            return "unchanged", []
        service = Service.objects.filter(id=service_id).first() if self.lookups.exists("service", service_id) else None
        if service is None:
            if self.publish:
                warnings = self.write_service(writer, record, original_id, needs, pending=pending)
                return "created", warnings
            return self.queue(record, original_id, None, imported, incoming_hash)
        edited = imported is None or local_fingerprint(service) != imported.local_hash
        if edited or not self.publish:
            return self.queue(record, original_id, service, imported, incoming_hash)
        warnings = self.write_service(writer, record, original_id, needs, imported=imported)
        return "updated", warnings

    def needs_of(self, writer):
        """The Waymark needs a service gets: its needs attributes and its terms' mappings."""
        return set(writer.need_ids)

    def write_service(
        self, writer, record, original_id, needs, *, imported=None, only=None, provenance=True, pending=None
    ):
        """Write the collected record (or only the kinds in ``only``). Returns warnings.
        ``pending``: hold its new rows there (a new service written in bulk); its search fields
        are rebuilt with the chunk's."""
        if only is not None:
            for kind in list(writer.rows.by_kind):
                if kind not in only:
                    writer.rows.by_kind[kind] = {}
            writer.rows.collections = {item for item in writer.rows.collections if item[2] in only}
        else:
            problems = writer.missing_references()
            if problems:
                raise Rejected(problems)
        writer.drop_loose_references()
        service_id = writer.service_id
        warnings = list(writer.warnings)
        if only is None:
            values = writer.rows.by_kind["service"][service_id]["values"]
            if self.lookups.offers_immigration_advice(needs) and not values.get("advice_regulator"):
                values["regulator_not_confirmed"] = True
                warnings.append(
                    (
                        "advice_regulator",
                        _(
                            "Immigration advice with no known regulator: kept, marked "
                            "“regulator not confirmed” and never offered for regulated referrals "
                            "until an editor checks it."
                        ),
                    )
                )
            elif not values.get("advice_regulator"):
                values.setdefault("regulator_not_confirmed", False)
        now = timezone.now()
        made, existed = writer.write(now, pending)
        writer.prune(existed)
        if only is None:
            if pending is not None:
                writer.write_needs(service_id, needs, current=self.chunk_needs.get(service_id, set()), pending=pending)
                if writer.restricted_to_areas:
                    pending.add_area_links(service_id, writer.restricted_to_areas)
            else:
                writer.write_needs(service_id, needs)
                if writer.restricted_to_areas is not None:
                    Service.objects.get(id=service_id).restricted_to_areas.set(writer.restricted_to_areas)
            self.pending_search.append(service_id)
        if provenance:
            self.keep_provenance(writer, original_id, made, imported=imported)
        self.pending_remember.append((writer.rows.by_kind, made))
        return warnings

    def keep_provenance(self, writer, original_id, made, *, imported=None):
        """Note the ImportedRecord rows to write: the service (with both fingerprints), and each
        shared row it made. They are written for the whole chunk at once (``write_provenance``)."""
        originals = getattr(writer, "originals", {})
        service_id = writer.service_id
        service = None
        if service_id is not None and service_id in writer.rows.by_kind["service"]:
            service = (original_id, service_id, imported, writer.incoming_hash)
        shared = [
            (kind, object_id, originals.get(str(object_id), (kind, str(object_id)))[1]) for kind, object_id in made
        ]
        self.pending_provenance.append((service, shared))

    def write_provenance(self, notes):
        """Write the ImportedRecord rows noted by ``keep_provenance`` for committed records."""
        now = timezone.now()
        last_run = self.run if self.run.pk else None
        services = [service for service, _shared in notes if service is not None]
        hashes = local_fingerprints([service_id for _original, service_id, _imported, _hash in services])
        new, changed = [], []
        for original_id, service_id, imported, incoming_hash in services:
            row = imported or ImportedRecord(source_key=self.source_key, entity="service", original_id=original_id)
            row.object_id = service_id
            row.source_name = self.run.source_name
            row.feed = self.run.feed
            row.last_run = last_run
            row.incoming_hash = incoming_hash
            row.local_hash = hashes.get(service_id, "")
            row.imported_at = now
            (changed if row.pk else new).append(row)
        ImportedRecord.objects.bulk_create(new)
        ImportedRecord.objects.bulk_update(
            changed,
            ["object_id", "source_name", "feed", "last_run", "incoming_hash", "local_hash", "imported_at"],
        )
        ImportedRecord.objects.bulk_create(
            [
                ImportedRecord(
                    entity=kind,
                    object_id=object_id,
                    source_key=self.source_key,
                    source_name=self.run.source_name,
                    original_id=original,
                    feed=self.run.feed,
                    last_run=last_run,
                    imported_at=now,
                )
                for _service, shared in notes
                for kind, object_id, original in shared
            ],
            ignore_conflicts=True,
        )

    def incoming_shape(self, record, original_id):
        """What the listing would be after this record, in listing_data's shape (written in a
        savepoint, read, rolled back)."""
        writer = self._writer()
        writer.collect(record)
        needs = self.needs_of(writer)
        remembered, searched = len(self.pending_remember), len(self.pending_search)
        try:
            with transaction.atomic():
                self.write_service(writer, record, original_id, needs, provenance=False)
                shape = service_data(Service.objects.get(id=writer.service_id))
                raise _Undo
        except _Undo:
            pass
        finally:
            # The write was undone: nothing it did is to be remembered.
            del self.pending_remember[remembered:]
            del self.pending_search[searched:]
        return shape

    def queue(self, record, original_id, service, imported, incoming_hash):
        """Turn the incoming record into a change request for an editor. Returns (outcome, warnings)."""
        proposed_shape = self.incoming_shape(record, original_id)
        proposed_shape["needs"] = [slug for slug in proposed_shape["needs"] if slug]
        if service is not None:
            current = service_data(service)
            current["needs"] = [slug for slug in current["needs"] if slug]
            proposed = {key: value for key, value in proposed_shape.items() if current.get(key) != value}
            previous = {key: current.get(key) for key in proposed}
            kind = ChangeRequest.Kind.UPDATE
            organization = service.organization
        else:
            # The organisation and places are written now, so the request can name them.
            writer = self._writer()
            writer.collect(record)
            writer.originals = getattr(self, "originals", {})
            organization_id = writer.rows.by_kind["service"][writer.service_id]["links"].get("organization")
            self.write_service(writer, record, original_id, set(), only=REVIEW_MODE_KINDS, provenance=True)
            organization = Organization.objects.filter(id=organization_id).first()
            if organization is None:
                raise Rejected([("organization_id", _("The service's organisation is neither given nor known here."))])
            proposed, previous, kind = proposed_shape, {}, ChangeRequest.Kind.CREATE
        outcome = "unchanged"
        if proposed:
            outcome = "queued"
            self.propose(organization, uuid.UUID(record["id"]), kind, proposed, previous, proposed_shape["name"])
        if imported is not None:
            imported.incoming_hash = incoming_hash
            imported.last_run = self.run if self.run.pk else None
            imported.save(update_fields=["incoming_hash", "last_run"])
        elif service is None:
            ImportedRecord.objects.update_or_create(
                source_key=self.source_key,
                entity="service",
                original_id=original_id,
                defaults={
                    "object_id": uuid.UUID(record["id"]),
                    "source_name": self.run.source_name,
                    "feed": self.run.feed,
                    "last_run": self.run if self.run.pk else None,
                    "incoming_hash": incoming_hash,
                    "local_hash": "",
                },
            )
        return outcome, []

    def propose(self, organization, target_id, kind, proposed, previous, name):
        """One pending change request from this source for the listing: an earlier one still
        waiting is brought up to date rather than joined by another."""
        pending = ChangeRequest.objects.filter(
            target_type=ChangeRequest.TargetType.SERVICE,
            target_id=target_id,
            status=ChangeRequest.Status.PENDING,
            submitted_by__isnull=True,
            import_run__isnull=False,
        ).first()
        summary = (_("From %(source)s: %(name)s") % {"source": self.run.source_name or self.run.source, "name": name})[
            :255
        ]
        if pending is not None:
            pending.proposed, pending.previous, pending.summary = proposed, previous, summary
            pending.import_run = self.run if self.run.pk else None
            pending.submitted_at = timezone.now()
            pending.save(update_fields=["proposed", "previous", "summary", "import_run", "submitted_at"])
            return pending
        return ChangeRequest.objects.create(
            organization=organization,
            target_type=ChangeRequest.TargetType.SERVICE,
            target_id=target_id,
            kind=kind,
            proposed=proposed,
            previous=previous,
            summary=summary,
            submitted_by=None,
            import_run=self.run if self.run.pk else None,
        )

    # --- organisations without services (tabular packages) ------------------------------------

    def import_organization(self, raw):
        """An organisation the source lists without any service: checked and written alone."""
        # It may be an organisation a service of the chunk holds for writing.
        self.flush_pending_rows()
        original_id = str(raw.get("id") or "")
        cleaned = drop_empty({key: value for key, value in raw.items() if key != "entity"}) or {}
        mapper = IdMapper(self.source_key)
        record = mapper.map_record(cleaned, "organization")
        errors = [
            problem("error", original_id, error_path(error), error.message)
            for error in validator("organization").iter_errors(record)
        ]
        if errors:
            self.reject(errors)
            return
        organization_id = uuid.UUID(record["id"])
        incoming_hash = fingerprint(record)
        imported = ImportedRecord.objects.filter(
            source_key=self.source_key, entity="organization", original_id=original_id
        ).first()
        if imported is not None and imported.incoming_hash == incoming_hash:
            self.counts["unchanged"] += 1
            return
        if not self.lookups.may_change("organization", organization_id):
            self.counts["unchanged"] += 1
            self.report.append(
                problem(
                    "warning",
                    original_id,
                    "id",
                    _("This organisation is already on the map from elsewhere; left as it is."),
                )
            )
            return
        existed = self.lookups.exists("organization", organization_id)
        writer = self._writer()
        try:
            with transaction.atomic():
                writer._organization(record, "")
                writer.drop_loose_references()
                made, was = writer.write(timezone.now())
                writer.prune(was)
                ImportedRecord.objects.update_or_create(
                    source_key=self.source_key,
                    entity="organization",
                    original_id=original_id,
                    defaults={
                        "object_id": organization_id,
                        "source_name": self.run.source_name,
                        "feed": self.run.feed,
                        "last_run": self.run if self.run.pk else None,
                        "incoming_hash": incoming_hash,
                    },
                )
        except (DatabaseError, ValidationError) as error:
            self.reject(
                [problem("error", original_id, "(record)", _("It could not be saved: %(reason)s") % {"reason": error})]
            )
            return
        self.lookups.remember(writer.rows.by_kind, [item for item in made if item != ("organization", organization_id)])
        self.lookups.ours.add(("organization", organization_id))
        self.counts["updated" if existed else "created"] += 1
        self.report.extend(problem("warning", original_id, field, reason) for field, reason in writer.warnings)


def _gather_ids(obj, kind, ids):
    """Add every (kind, UUID) in a cleaned record to ``ids`` ({kind: set of UUIDs})."""
    if not isinstance(obj, dict):
        return
    # Cleaning made every id a UUID; one it could not is the schema's to report.
    if is_uuid(obj.get("id")):
        ids[kind].add(uuid.UUID(obj["id"]))
    for key, value in obj.items():
        child = CHILD_ENTITIES.get(key)
        if child is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            _gather_ids(item, child, ids)
