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

PostgreSQL: a GIN index on ``to_tsvector('simple', search_text)``; a search uses exactly that
expression with ``to_tsquery('simple', ...)``, so the planner uses the index. The ``simple``
configuration only lower-cases and drops no stop words.

Neither is known to Django's model state (makemigrations stays clean): migration 0004 creates
them, and ``ensure_search_index`` runs after every ``migrate`` (see apps.py) and recreates
whatever is missing, rebuilding the SQLite index if it had to. That heals a database where
migration 0004 was applied before it had any content, and a SQLite table Django rebuilt for a
later schema change (a rebuilt table loses its triggers). Other database vendors get a plain
``LIKE`` filter with the same meaning: correct, without an index.

The same function adds a plain index on ``directory_location (latitude, longitude)`` for the
"near" bounding box.
"""

from django.db import connections
from django.db.models import Expression, F, IntegerField, Lookup

FTS_TABLE = "directory_service_fts"
KEY_TABLE = "directory_service_search_key"
PG_INDEX = "directory_service_search_gin"
LOCATION_INDEX = "directory_location_lat_lng"
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

_LOCATION_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS directory_location_lat_lng ON directory_location (latitude, longitude)"
)


def _sqlite_objects(cursor):
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s, %s, %s, %s)",
        ["directory_service", KEY_TABLE, FTS_TABLE, LOCATION_INDEX, *_TRIGGERS],
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
            complete = {KEY_TABLE, FTS_TABLE, LOCATION_INDEX, *_TRIGGERS} <= present
            if complete and not rebuild:
                return False
            for statement in [*_SQLITE_CREATE, _LOCATION_INDEX_SQL]:
                cursor.execute(statement)
            if rebuild or not {KEY_TABLE, FTS_TABLE, *_TRIGGERS} <= present:
                for statement in _SQLITE_REBUILD:
                    cursor.execute(statement)
            return True
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT to_regclass('directory_service'), to_regclass(%s), to_regclass(%s)", [PG_INDEX, LOCATION_INDEX]
            )
            table, index, location_index = cursor.fetchone()
            if table is None or (index and location_index and not rebuild):
                return False
            if rebuild and index:
                cursor.execute(f"REINDEX INDEX {PG_INDEX}")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON directory_service "
                "USING gin (to_tsvector('simple'::regconfig, search_text))"
            )
            cursor.execute(_LOCATION_INDEX_SQL)
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
        if connection.vendor in ("sqlite", "postgresql"):
            cursor.execute(f"DROP INDEX IF EXISTS {LOCATION_INDEX}")


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

    def __init__(self, words, *, prefix_last=False, or_needs=()):
        if not words:
            raise ValueError("WordsMatch needs at least one word.")
        self.words = tuple(words)
        self.prefix_last = prefix_last
        self.or_needs = tuple(sorted(or_needs, key=str))
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
        id_sql, id_params, text_sql = self._columns(compiler, connection)
        if not self.or_needs:
            sql = f"to_tsvector('simple'::regconfig, {text_sql}) @@ to_tsquery('simple'::regconfig, %s)"
            return sql, (tsquery,)
        union_sql, union_params = self._needs_union(connection)
        subquery = (
            "SELECT s.id FROM directory_service s "
            "WHERE to_tsvector('simple'::regconfig, s.search_text) @@ to_tsquery('simple'::regconfig, %s)"
        )
        return f"{id_sql} IN ({subquery}{union_sql})", (*id_params, tsquery, *union_params)

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
    found in the name: the first occurrence in " " + search_text + " " (which starts with the
    normalised name) begins within the name's length. The same SQL meaning on every database
    (INSTR on SQLite, STRPOS on PostgreSQL), written out by hand because the ORM's version of
    it costs more to compile than the query costs to run."""

    output_field = IntegerField()

    def __init__(self, needles):
        super().__init__()
        self.needles = tuple(needles)
        self.text = F("search_text")
        self.name = F("name")

    def get_source_expressions(self):
        return [self.text, self.name]

    def set_source_expressions(self, expressions):
        self.text, self.name = expressions

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.text = self.text.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        clone.name = self.name.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return clone

    def as_sql(self, compiler, connection):
        text_sql, text_params = compiler.compile(self.text)
        name_sql, name_params = compiler.compile(self.name)
        find = "STRPOS" if connection.vendor == "postgresql" else "INSTR"
        parts, params = ["1"], []
        for needle in self.needles:
            parts.append(
                f"(CASE WHEN {find}(' ' || {text_sql} || ' ', %s) BETWEEN 1 AND LENGTH({name_sql}) THEN 1 ELSE 0 END)"
            )
            params += [*text_params, needle, *name_params]
        return "(" + " + ".join(parts) + ")", params
