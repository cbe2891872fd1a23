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

Beside the words, each service's ``search_facets`` (its needs, languages and map cells as
tokens, see ``facet_tokens``) are indexed too: a second column of the FTS5 table, and on
PostgreSQL a second stored vector ``facets_vector`` with its own GIN index. ``FacetsMatch``
filters by them. Both vectors are ``strip``ped of word positions, which no search reads.

The same function adds a plain index on ``directory_location (latitude, longitude)`` for the
"near" bounding box, and one on ``directory_language (code, service_id)`` so that "speaks"
reads its services from the index alone.
"""

import math

from django.db import connections
from django.db.models import Expression, F, IntegerField, Lookup

FTS_TABLE = "directory_service_fts"
KEY_TABLE = "directory_service_search_key"
PG_INDEX = "directory_service_search_gin"
PG_FACETS_INDEX = "directory_service_facets_gin"
LOCATION_INDEX = "directory_location_lat_lng"
LANGUAGE_INDEX = "directory_language_code_service"
_TRIGGERS = ("directory_service_search_ai", "directory_service_search_au", "directory_service_search_ad")

_SQLITE_CREATE = [
    """CREATE TABLE IF NOT EXISTS directory_service_search_key
        (id INTEGER PRIMARY KEY, service_id char(32) NOT NULL UNIQUE)""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS directory_service_fts
        USING fts5(search_text, search_facets, content='', tokenize='ascii')""",
    # A new service gets a key, then its words under that key.
    """CREATE TRIGGER IF NOT EXISTS directory_service_search_ai AFTER INSERT ON directory_service BEGIN
        INSERT OR IGNORE INTO directory_service_search_key (service_id) VALUES (new.id);
        INSERT INTO directory_service_fts (rowid, search_text, search_facets)
            SELECT id, new.search_text, new.search_facets FROM directory_service_search_key WHERE service_id = new.id;
    END""",
    # A contentless FTS5 table forgets a row's words by being told them again ('delete').
    """CREATE TRIGGER IF NOT EXISTS directory_service_search_au
    AFTER UPDATE OF search_text, search_facets ON directory_service
    WHEN old.search_text IS NOT new.search_text OR old.search_facets IS NOT new.search_facets BEGIN
        INSERT INTO directory_service_fts (directory_service_fts, rowid, search_text, search_facets)
            SELECT 'delete', id, old.search_text, old.search_facets
            FROM directory_service_search_key WHERE service_id = old.id;
        INSERT INTO directory_service_fts (rowid, search_text, search_facets)
            SELECT id, new.search_text, new.search_facets FROM directory_service_search_key WHERE service_id = new.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS directory_service_search_ad AFTER DELETE ON directory_service BEGIN
        INSERT INTO directory_service_fts (directory_service_fts, rowid, search_text, search_facets)
            SELECT 'delete', id, old.search_text, old.search_facets
            FROM directory_service_search_key WHERE service_id = old.id;
        DELETE FROM directory_service_search_key WHERE service_id = old.id;
    END""",
]

_SQLITE_REBUILD = [
    "INSERT INTO directory_service_fts (directory_service_fts) VALUES ('delete-all')",
    "DELETE FROM directory_service_search_key",
    "INSERT INTO directory_service_search_key (service_id) SELECT id FROM directory_service",
    """INSERT INTO directory_service_fts (rowid, search_text, search_facets)
        SELECT k.id, s.search_text, s.search_facets FROM directory_service_search_key k
        JOIN directory_service s ON s.id = k.service_id""",
]

# PostgreSQL keeps the words of search_text as a stored tsvector, so that a search that does
# not go through the index (a few hundred services near a place) reads it instead of parsing
# the text again for every row.
# Stripped of word positions, which no search reads: a third smaller, and mostly kept in the
# row instead of out of line.
_PG_VECTOR_SQL = (
    "ALTER TABLE directory_service ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, search_text))) STORED"
)
_PG_FACETS_SQL = (
    "ALTER TABLE directory_service ADD COLUMN facets_vector tsvector "
    "GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, search_facets))) STORED"
)

_LOCATION_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS directory_location_lat_lng ON directory_location (latitude, longitude)"
)
# "Speaks": the services of a language code read from the index alone (no table rows).
_LANGUAGE_INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS directory_language_code_service ON directory_language (code, service_id)"
)


def _sqlite_objects(cursor):
    """The names of the search objects present; an FTS table or trigger of an earlier version
    (without search_facets) is dropped first, so that it is made again."""
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE name IN (%s, %s, %s, %s, %s, %s, %s, %s)",
        ["directory_service", KEY_TABLE, FTS_TABLE, LOCATION_INDEX, LANGUAGE_INDEX, *_TRIGGERS],
    )
    present = {}
    for name, sql in cursor.fetchall():
        present[name] = sql or ""
    if FTS_TABLE in present and "search_facets" not in present[FTS_TABLE]:
        for trigger in _TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        cursor.execute(f"DROP TABLE {FTS_TABLE}")
        return set(present) - {FTS_TABLE, *_TRIGGERS}
    return set(present)


def ensure_search_index(using="default", *, rebuild=False):
    """Create the search index and the location index where missing; on SQLite, rebuild the
    index from ``search_text`` when anything was missing (or when ``rebuild`` is true).

    Cheap when everything is there: two queries. Returns True if something was (re)built.
    Does nothing before migration 0008 has added ``search_facets`` (migration 0004 calls it on
    a new database; the run after the last migration makes the index).
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "directory_service" not in tables:
            return False
        description = connection.introspection.get_table_description(cursor, "directory_service")
        columns = {column.name for column in description}
        if "search_facets" not in columns:
            return False
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
                "(SELECT generation_expression FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = 'directory_service' AND column_name = 'search_vector'), to_regclass(%s)",
                [PG_INDEX, LOCATION_INDEX, LANGUAGE_INDEX, PG_FACETS_INDEX],
            )
            table, index, location_index, language_index, vector_expression, facets_index = cursor.fetchone()
            if vector_expression is not None and "strip" not in vector_expression:
                # The vector of an earlier version, with word positions: made again (and its index).
                cursor.execute("ALTER TABLE directory_service DROP COLUMN search_vector")
                vector_expression = index = None
            if index is False:
                # An index of an earlier version, on the expression: replaced by one on the column.
                cursor.execute(f"DROP INDEX {PG_INDEX}")
                index = None
            complete = index and facets_index and location_index and language_index and vector_expression
            if table is None or (complete and not rebuild):
                return False
            if vector_expression is None:
                cursor.execute(_PG_VECTOR_SQL)
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = 'directory_service' AND column_name = 'facets_vector'"
            )
            if cursor.fetchone() is None:
                cursor.execute(_PG_FACETS_SQL)
            if rebuild and index:
                cursor.execute(f"REINDEX INDEX {PG_INDEX}")
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON directory_service USING gin (search_vector)")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {PG_FACETS_INDEX} ON directory_service USING gin (facets_vector)"
            )
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
            cursor.execute(f"DROP INDEX IF EXISTS {PG_FACETS_INDEX}")
            cursor.execute("ALTER TABLE directory_service DROP COLUMN IF EXISTS search_vector")
            cursor.execute("ALTER TABLE directory_service DROP COLUMN IF EXISTS facets_vector")
        if connection.vendor in ("sqlite", "postgresql"):
            cursor.execute(f"DROP INDEX IF EXISTS {LOCATION_INDEX}")
            cursor.execute(f"DROP INDEX IF EXISTS {LANGUAGE_INDEX}")


def after_migrate(sender, using="default", **kwargs):
    """post_migrate receiver (connected in apps.py)."""
    ensure_search_index(using)


# --- Facets ----------------------------------------------------------------------------------


def need_token(term_id):
    """The search token of a need (taxonomy term id): "n" and the id's 32 hex digits."""
    return "n" + (term_id.hex if hasattr(term_id, "hex") else str(term_id).replace("-", "")).lower()


def language_token(code):
    """The search token of a language code: "l" and the code's letters and digits ("pt-BR" → "lptbr")."""
    return "l" + "".join(character for character in code.lower() if character.isascii() and character.isalnum())


# The side of a map cell, in degrees of latitude and of longitude (about 11 km by 7 km in
# Great Britain). A service's cells are those of its locations; "near" first keeps the
# services in the cells its circle touches (an index lookup), then measures the distance.
CELL_DEGREES = 0.1


def _cell_index(degrees):
    return math.floor(round(degrees / CELL_DEGREES, 9))


def _cell_token(latitude_index, longitude_index):
    north = "n" if latitude_index >= 0 else "s"
    east = "e" if longitude_index >= 0 else "w"
    return f"g{north}{abs(latitude_index)}{east}{abs(longitude_index)}"


def cell_token(latitude, longitude):
    """The search token of the map cell holding a point: "gn534w23" for 53.46, -2.22."""
    return _cell_token(_cell_index(float(latitude)), _cell_index(float(longitude)))


# A box touching more cells than this (a radius of hundreds of kilometres, or near a pole) is
# not looked up by cell: the distance alone decides.
MAX_CELLS = 400


def cell_tokens_for_box(box):
    """The tokens of every map cell that ``box`` (places.geo.BoundingBox) touches, or None
    when there are more than ``MAX_CELLS``."""
    latitudes = range(_cell_index(box.min_latitude), _cell_index(box.max_latitude) + 1)
    longitudes = range(_cell_index(box.min_longitude), _cell_index(box.max_longitude) + 1)
    if len(latitudes) * len(longitudes) > MAX_CELLS:
        return None
    return [_cell_token(latitude, longitude) for latitude in latitudes for longitude in longitudes]


def facet_tokens(term_ids, language_codes, points=()):
    """``search_facets`` for a service listed under ``term_ids`` that speaks ``language_codes``
    with locations at ``points`` ((latitude, longitude) pairs): their tokens, each once,
    sorted, separated by spaces. Both tokenisers (FTS5 ``ascii`` and PostgreSQL's ``simple``)
    read each token as one word."""
    tokens = {need_token(term_id) for term_id in term_ids}
    tokens |= {language_token(code) for code in language_codes if code}
    tokens |= {cell_token(latitude, longitude) for latitude, longitude in points if latitude is not None}
    return " ".join(sorted(tokens))


class FacetsMatch(Lookup):
    """True for the services whose ``search_facets`` hold, for each group in ``groups`` (lists
    of tokens), at least one of its tokens: ``[[need tokens of a branch], ["lar"]]`` is "listed
    under one of these needs and speaks Arabic". One index lookup on both databases."""

    lookup_name = "facets_match"
    prepare_rhs = False

    def __init__(self, groups):
        self.groups = tuple(tuple(sorted(group)) for group in groups if group)
        if not self.groups:
            raise ValueError("FacetsMatch needs at least one token.")
        super().__init__(F("id"), None)

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [])

    def as_sqlite(self, compiler, connection):
        id_sql, id_params = compiler.compile(self.lhs)
        return f"{id_sql} IN ({_FTS_SUBQUERY})", (*id_params, _fts5_facets(self.groups))

    def as_postgresql(self, compiler, connection):
        column = f"{compiler.quote_name(self.lhs.alias)}.facets_vector"
        return f"{column} @@ to_tsquery('simple'::regconfig, %s)", (_tsquery_facets(self.groups),)

    def as_sql(self, compiler, connection):
        column = f"(' ' || {compiler.quote_name(self.lhs.alias)}.{connection.ops.quote_name('search_facets')} || ' ')"
        clauses, params = [], []
        for group in self.groups:
            clauses.append("(" + " OR ".join([f"{column} LIKE %s"] * len(group)) + ")")
            params += [f"% {token} %" for token in group]
        return "(" + " AND ".join(clauses) + ")", tuple(params)


_FTS_SUBQUERY = (
    "SELECT k.service_id FROM directory_service_fts f JOIN directory_service_search_key k ON k.id = f.rowid "
    "WHERE directory_service_fts MATCH %s"
)


def _fts5_facets(groups):
    # Tokens are letters and digits only (need_token, language_token): quoting is enough.
    return (
        "{search_facets} : ("
        + " AND ".join("(" + " OR ".join(f'"{token}"' for token in group) + ")" for group in groups)
        + ")"
    )


def _tsquery_facets(groups):
    return " & ".join("(" + " | ".join(f"'{token}'" for token in group) + ")" for group in groups)


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
    those needs (a query word that is a synonym of a need), read from ``search_facets``.

    Use it in ``.filter(...)``; it compiles to the vendor's full-text index: one FTS5 query
    over both columns on SQLite, an OR of the two GIN indexes on PostgreSQL.

    ``within`` (map-cell tokens, see ``cell_tokens_for_box``) says the search is also limited
    to those cells by a ``FacetsMatch`` beside it. It changes no result; on PostgreSQL it puts
    the cells inside each side of the OR, so that the planner combines the indexes before it
    reads any row (a text found in 7,500 services, 180 of them near: 185 rows read instead
    of 7,300 at 200,000 services).
    """

    # A Lookup rather than a Func: Django puts a lookup into WHERE as it is, where a boolean
    # Func would be compared with "= 1" on SQLite, which keeps the planner from using the index.
    lookup_name = "words_match"
    prepare_rhs = False

    def __init__(self, words, *, prefix_last=False, or_needs=(), within=None):
        if not words:
            raise ValueError("WordsMatch needs at least one word.")
        self.words = tuple(words)
        self.prefix_last = prefix_last
        self.or_needs = tuple(sorted(need_token(term_id) for term_id in or_needs))
        self.within = tuple(sorted(within)) if within else ()
        super().__init__(F("id"), None)

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [])

    def as_sqlite(self, compiler, connection):
        id_sql, id_params = compiler.compile(self.lhs)
        match = "{search_text} : (" + _fts5_query(self.words, self.prefix_last) + ")"
        if self.or_needs:
            match = f"({match}) OR {_fts5_facets([self.or_needs])}"
        return f"{id_sql} IN ({_FTS_SUBQUERY})", (*id_params, match)

    def as_postgresql(self, compiler, connection):
        table = compiler.quote_name(self.lhs.alias)
        sql = f"{table}.search_vector @@ to_tsquery('simple'::regconfig, %s)"
        params = (_tsquery(self.words, self.prefix_last),)
        if self.within:
            sql = f"({sql} AND {table}.facets_vector @@ to_tsquery('simple'::regconfig, %s))"
            params += (_tsquery_facets([self.within]),)
        if self.or_needs:
            groups = [self.or_needs, self.within] if self.within else [self.or_needs]
            sql = f"({sql} OR {table}.facets_vector @@ to_tsquery('simple'::regconfig, %s))"
            params += (_tsquery_facets(groups),)
        return sql, params

    def as_sql(self, compiler, connection):
        # Any other database: the same meaning with LIKE on the text padded with spaces.
        table = compiler.quote_name(self.lhs.alias)
        padded = f"(' ' || {table}.{connection.ops.quote_name('search_text')} || ' ')"
        clauses, params = [], []
        for position, word in enumerate(self.words):
            last = position == len(self.words) - 1
            pattern = f"% {_like_escape(word)}{'%' if last and self.prefix_last else ' %'}"
            clauses.append(f"{padded} LIKE %s ESCAPE '\\'")
            params.append(pattern)
        sql = " AND ".join(clauses)
        if self.or_needs:
            facets = f"(' ' || {table}.{connection.ops.quote_name('search_facets')} || ' ')"
            sql = f"({sql}) OR " + " OR ".join([f"{facets} LIKE %s"] * len(self.or_needs))
            params += [f"% {token} %" for token in self.or_needs]
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
