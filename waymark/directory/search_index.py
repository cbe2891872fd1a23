"""The full-text index over ``Service.search_text``, one per database vendor, and the filter
that uses it.

``search_text`` is already normalised by ``waymark.lib.text`` (case, accents, Arabic and
Persian letter variants, digits): words are separated by single spaces and hold no
punctuation. So neither database needs a language-aware tokeniser; both split on spaces and
compare whole words (or, for the last word typed, the beginning of a word). That is what
gives the same result set on both databases.

SQLite: an FTS5 table ``directory_service_fts`` (contentless, ``ascii`` tokeniser: any
non-ASCII character is part of a word, and the only ASCII separators left in normalised text
are spaces) whose rowids come from ``directory_service_search_key``, a small table giving each
service a stable integer (services have UUID primary keys, and SQLite's hidden rowid of a
table without an INTEGER PRIMARY KEY may change on VACUUM or when Django rebuilds the table).
Triggers on ``directory_service`` keep both in step on insert, on a change of
``search_text`` and on delete, whoever writes (the ORM, ``bulk_create``, ``bulk_update``, raw
SQL).

PostgreSQL: ``to_tsvector('simple', search_text)`` kept as a stored generated column
``search_vector`` (added outside Django's model state; Django never writes it) with a GIN
index; a search tests it with ``to_tsquery('simple', ...)``. Stored rather than an expression
index because a search that reaches services another way (near a place) then reads the words
instead of parsing every text again: 10× faster at 200,000 services. The ``simple``
configuration only lower-cases and drops no stop words.

Neither is known to Django's model state (makemigrations stays clean): migration 0004 creates
them, and ``ensure_search_index`` runs after every ``migrate`` (see apps.py) and recreates
whatever is missing, rebuilding the SQLite index if it had to. That heals a database where
migration 0004 was applied before it had any content, and a SQLite table Django rebuilt for a
later schema change (a rebuilt table loses its triggers). Other database vendors get a plain
``LIKE`` filter with the same meaning: correct, without an index.

The same function adds a plain index on ``directory_location (latitude, longitude)`` for the
"near" bounding box, and one on ``directory_language (code, service_id)`` so that "speaks"
reads its services from the index alone.
"""

from django.db import connections
from django.db.models import Expression, F, IntegerField, Lookup, UUIDField
from django.db.models.lookups import In

FTS_TABLE = "directory_service_fts"
KEY_TABLE = "directory_service_search_key"
PG_INDEX = "directory_service_search_gin"
LOCATION_INDEX = "directory_location_lat_lng"
LANGUAGE_INDEX = "directory_language_code_service"
_TRIGGERS = ("directory_service_search_ai", "directory_service_search_au", "directory_service_search_ad")

_SQLITE_CREATE = [
    """CREATE TABLE IF NOT EXISTS directory_service_search_key
        (id INTEGER PRIMARY KEY, service_id char(32) NOT NULL UNIQUE)""",
    "CREATE VIRTUAL TABLE IF NOT EXISTS directory_service_fts USING fts5(search_text, content='', tokenize='ascii')",
    # A new service gets a key, then its words under that key.
    """CREATE TRIGGER IF NOT EXISTS directory_service_search_ai AFTER INSERT ON directory_service BEGIN
        INSERT OR IGNORE INTO directory_service_search_key (service_id) VALUES (new.id);
        INSERT INTO directory_service_fts (rowid, search_text)
            SELECT id, new.search_text FROM directory_service_search_key WHERE service_id = new.id;
    END""",
    # A contentless FTS5 table forgets a row's words by being told them again ('delete').
    """CREATE TRIGGER IF NOT EXISTS directory_service_search_au AFTER UPDATE OF search_text ON directory_service
    WHEN old.search_text IS NOT new.search_text BEGIN
        INSERT INTO directory_service_fts (directory_service_fts, rowid, search_text)
            SELECT 'delete', id, old.search_text FROM directory_service_search_key WHERE service_id = old.id;
        INSERT INTO directory_service_fts (rowid, search_text)
            SELECT id, new.search_text FROM directory_service_search_key WHERE service_id = new.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS directory_service_search_ad AFTER DELETE ON directory_service BEGIN
        INSERT INTO directory_service_fts (directory_service_fts, rowid, search_text)
            SELECT 'delete', id, old.search_text FROM directory_service_search_key WHERE service_id = old.id;
        DELETE FROM directory_service_search_key WHERE service_id = old.id;
    END""",
]

_SQLITE_REBUILD = [
    "INSERT INTO directory_service_fts (directory_service_fts) VALUES ('delete-all')",
    "DELETE FROM directory_service_search_key",
    "INSERT INTO directory_service_search_key (service_id) SELECT id FROM directory_service",
    """INSERT INTO directory_service_fts (rowid, search_text)
        SELECT k.id, s.search_text FROM directory_service_search_key k
        JOIN directory_service s ON s.id = k.service_id""",
]

# PostgreSQL keeps the words of search_text as a stored tsvector, so that a search that does
# not go through the index (a few hundred services near a place) reads it instead of parsing
# the text again for every row.
_PG_VECTOR_SQL = (
    "ALTER TABLE directory_service ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
)

_LOCATION_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS directory_location_lat_lng ON directory_location (latitude, longitude)"
)
# "Speaks": the services of a language code read from the index alone (no table rows).
_LANGUAGE_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS directory_language_code_service ON directory_language (code, service_id)"
)


def _sqlite_objects(cursor):
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s, %s, %s, %s, %s)",
        ["directory_service", KEY_TABLE, FTS_TABLE, LOCATION_INDEX, LANGUAGE_INDEX, *_TRIGGERS],
    )
    return {row[0] for row in cursor.fetchall()}


def ensure_search_index(using="default", *, rebuild=False):
    """Create the search index and the location index where missing; on SQLite, rebuild the
    index from ``search_text`` when anything was missing (or when ``rebuild`` is true).

    Cheap when everything is there: one query. Returns True if something was (re)built.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            present = _sqlite_objects(cursor)
            if "directory_service" not in present:
                return False
            complete = {KEY_TABLE, FTS_TABLE, LOCATION_INDEX, LANGUAGE_INDEX, *_TRIGGERS} <= present
            if complete and not rebuild:
                return False
            for statement in [*_SQLITE_CREATE, _LOCATION_INDEX_SQL, _LANGUAGE_INDEX_SQL]:
                cursor.execute(statement)
            if rebuild or not {KEY_TABLE, FTS_TABLE, *_TRIGGERS} <= present:
                for statement in _SQLITE_REBUILD:
                    cursor.execute(statement)
            return True
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT to_regclass('directory_service'), "
                "(SELECT indexdef LIKE '%%search_vector%%' FROM pg_indexes "
                "WHERE schemaname = current_schema() AND indexname = %s), to_regclass(%s), to_regclass(%s), "
                "EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = 'directory_service' AND column_name = 'search_vector')",
                [PG_INDEX, LOCATION_INDEX, LANGUAGE_INDEX],
            )
            table, index, location_index, language_index, has_vector = cursor.fetchone()
            if index is False:
                # An index of an earlier version, on the expression: replaced by one on the column.
                cursor.execute(f"DROP INDEX {PG_INDEX}")
                index = None
            if table is None or (index and location_index and language_index and has_vector and not rebuild):
                return False
            if not has_vector:
                cursor.execute(_PG_VECTOR_SQL)
            if rebuild and index:
                cursor.execute(f"REINDEX INDEX {PG_INDEX}")
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON directory_service USING gin (search_vector)")
            cursor.execute(_LOCATION_INDEX_SQL)
            cursor.execute(_LANGUAGE_INDEX_SQL)
            return True
    return False


def drop_search_index(using="default"):
    """Remove what ``ensure_search_index`` made (migration 0004 in reverse)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for trigger in _TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
            cursor.execute(f"DROP TABLE IF EXISTS {KEY_TABLE}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
            cursor.execute("ALTER TABLE directory_service DROP COLUMN IF EXISTS search_vector")
        if connection.vendor in ("sqlite", "postgresql"):
            cursor.execute(f"DROP INDEX IF EXISTS {LOCATION_INDEX}")
            cursor.execute(f"DROP INDEX IF EXISTS {LANGUAGE_INDEX}")


def after_migrate(sender, using="default", **kwargs):
    """post_migrate receiver (connected in apps.py)."""
    ensure_search_index(using)


# --- The filter ------------------------------------------------------------------------------


def _fts5_query(words, prefix_last):
    # Each word quoted (a normalised word has no double quote, but a stray one must not end
    # the string); words side by side must all be present.
    parts = ['"{}"'.format(word.replace('"', '""')) for word in words]
    if prefix_last:
        parts[-1] += "*"
    return " ".join(parts)


def _tsquery(words, prefix_last):
    parts = ["'{}'".format(word.replace("\\", "\\\\").replace("'", "''")) for word in words]
    if prefix_last:
        parts[-1] += ":*"
    return " & ".join(parts)


def _like_escape(word):
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class WordsMatch(Lookup):
    """True for the services whose ``search_text`` holds every one of ``words`` (already
    normalised) as a whole word; with ``prefix_last``, the last may be the beginning of a word.
    With ``or_needs`` (taxonomy term ids), also true for the services listed under one of
    those needs (a query word that is a synonym of a need).

    Use it in ``.filter(...)``; it compiles to the vendor's full-text index. The "or" is a
    ``UNION`` inside one ``IN`` subquery, so each side uses its own index.
    """

    # A Lookup rather than a Func: Django puts a lookup into WHERE as it is, where a boolean
    # Func would be compared with "= 1" on SQLite, which keeps the planner from using the index.
    lookup_name = "words_match"
    prepare_rhs = False

    def __init__(self, words, *, prefix_last=False, or_needs=(), few_rows=False):
        if not words:
            raise ValueError("WordsMatch needs at least one word.")
        self.words = tuple(words)
        self.prefix_last = prefix_last
        self.or_needs = tuple(sorted(or_needs, key=str))
        # True when another condition (near a place) already narrows the search to a few
        # thousand services: PostgreSQL then tests the needs row by row (EXISTS) instead of
        # listing every service of the need first.
        self.few_rows = few_rows
        super().__init__(F("id"), None)

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [])

    def _columns(self, compiler, connection):
        """The compiled id column and the search_text column of the same table."""
        id_sql, id_params = compiler.compile(self.lhs)
        text_sql = f"{compiler.quote_name(self.lhs.alias)}.{connection.ops.quote_name('search_text')}"
        return id_sql, tuple(id_params), text_sql

    def _needs_union(self, connection):
        if not self.or_needs:
            return "", ()
        placeholders = ", ".join(["%s"] * len(self.or_needs))
        ids = [term_id.hex if connection.vendor == "sqlite" else term_id for term_id in self.or_needs]
        # Only placeholders are put into the text; the ids go as parameters.
        where = f"a.link_entity = 'service' AND a.taxonomy_term_id IN ({placeholders})"
        sql = f" UNION SELECT a.link_id FROM directory_attribute a WHERE {where}"  # noqa: S608
        return sql, tuple(ids)

    def as_sqlite(self, compiler, connection):
        id_sql, id_params, _text_sql = self._columns(compiler, connection)
        union_sql, union_params = self._needs_union(connection)
        subquery = (
            "SELECT k.service_id FROM directory_service_fts f JOIN directory_service_search_key k ON k.id = f.rowid "
            "WHERE directory_service_fts MATCH %s"
        )
        sql = f"{id_sql} IN ({subquery}{union_sql})"
        return sql, (*id_params, _fts5_query(self.words, self.prefix_last), *union_params)

    def as_postgresql(self, compiler, connection):
        tsquery = _tsquery(self.words, self.prefix_last)
        id_sql, id_params, _text_sql = self._columns(compiler, connection)
        vector_sql = f"{compiler.quote_name(self.lhs.alias)}.search_vector"
        sql = f"{vector_sql} @@ to_tsquery('simple'::regconfig, %s)"
        if not self.or_needs:
            return sql, (tsquery,)
        # "= ANY(ARRAY(subquery))" rather than "IN (subquery)": the planner can then OR a
        # bitmap scan of the primary key with the GIN one, instead of scanning the table.
        union_sql, union_params = self._needs_union(connection)
        if self.few_rows:
            placeholders = ", ".join(["%s"] * len(self.or_needs))
            exists = (
                "EXISTS (SELECT 1 FROM directory_attribute a WHERE a.link_id = "  # noqa: S608
                f"{id_sql} AND a.link_entity = 'service' AND a.taxonomy_term_id IN ({placeholders}))"
            )
            return f"({sql} OR {exists})", (tsquery, *id_params, *self.or_needs)
        return (
            f"({sql} OR {id_sql} = ANY(ARRAY({union_sql.removeprefix(' UNION ')})))",
            (tsquery, *id_params, *union_params),
        )

    def as_sql(self, compiler, connection):
        # Any other database: the same meaning with LIKE on the text padded with spaces.
        id_sql, id_params, text_sql = self._columns(compiler, connection)
        text_params = ()
        padded = f"(' ' || {text_sql} || ' ')"
        clauses, params = [], []
        for position, word in enumerate(self.words):
            last = position == len(self.words) - 1
            pattern = f"% {_like_escape(word)}{'%' if last and self.prefix_last else ' %'}"
            clauses.append(f"{padded} LIKE %s ESCAPE '\\'")
            params += [*text_params, pattern]
        sql = " AND ".join(clauses)
        if self.or_needs:
            union_sql, union_params = self._needs_union(connection)
            sql = f"({sql}) OR {id_sql} IN ({union_sql.removeprefix(' UNION ')})"
            params += [*id_params, *union_params]
        return f"({sql})", tuple(params)


class WordsInName(Expression):
    """1 + how many of ``needles`` (" word " for a whole word, " word" for a beginning) are
    in the service's name, lower-cased and padded with spaces (INSTR on SQLite, STRPOS on
    PostgreSQL). It orders results, never chooses them. It reads the short name rather than
    search_text so that the database sorts narrow rows; the price is that accents and Arabic
    letter variants are not folded for this test, and that SQLite lower-cases only ASCII
    letters (so orders may differ for names in capitals of other alphabets, never sets)."""

    output_field = IntegerField()

    def __init__(self, needles):
        super().__init__()
        self.needles = tuple(needles)
        self.name = F("name")

    def get_source_expressions(self):
        return [self.name]

    def set_source_expressions(self, expressions):
        (self.name,) = expressions

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.name = self.name.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return clone

    def as_sql(self, compiler, connection):
        name_sql, name_params = compiler.compile(self.name)
        find = "STRPOS" if connection.vendor == "postgresql" else "INSTR"
        parts, params = ["1"], []
        for needle in self.needles:
            parts.append(f"(CASE WHEN {find}(' ' || LOWER({name_sql}) || ' ', %s) > 0 THEN 1 ELSE 0 END)")
            params += [*name_params, needle]
        return "(" + " + ".join(parts) + ")", params


@UUIDField.register_lookup
class InArray(In):
    """``id__in_array=<queryset>``: ``IN (subquery)``, written on PostgreSQL as
    ``= ANY(ARRAY(subquery))``. The subquery then runs once, first, and the planner can AND a
    bitmap scan of the primary key with the full-text one, where for ``IN`` it misjudges how
    many rows the text matches and checks each of thousands of them against the subquery."""

    lookup_name = "in_array"

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} = ANY(ARRAY{rhs_sql})", (*lhs_params, *rhs_params)
