"""The needs taxonomy and its synonyms as search sees them, kept in memory per process.

A search reads the needs tree (to find a need by slug or UUID, with the needs within it) and
the synonyms table (to expand a query word such as "dentist" into the needs it names). Both
are small and change rarely, so each process keeps them in memory under a stamp of the two
tables (row counts, latest ``updated_at``, total length of names and words), read in one
query per search. A staff edit in the admin changes the stamp, so the next search sees it at
once.

Why expand at query time: ``search_text`` holds the needs' names and synonyms as they were
when the service was last saved. A synonym added (or changed) later would otherwise find
nothing until every service under that need was saved again. Expanding the query instead
means a word that is a synonym (or the name) of a need finds every service listed under that
need or a need within it, whatever their ``search_text`` says; the words already in
``search_text`` still count for the rest.
"""

import threading
import uuid
from dataclasses import dataclass, field

from django.db import connection

from waymark.lib.text import normalise_words

# The longest synonym phrase that is looked for in a query, in words.
LONGEST_PHRASE = 4


@dataclass
class NeedsIndex:
    stamp: str = ""
    # term id → (slug, parent id)
    terms: dict = field(default_factory=dict)
    # slug → term id (only terms with a slug)
    by_slug: dict = field(default_factory=dict)
    # term id → ids of the terms within it (itself included)
    branches: dict = field(default_factory=dict)
    # tuple of normalised words → set of term ids
    phrases: dict = field(default_factory=dict)

    def find(self, value):
        """The term id for a slug or UUID (as text), or None."""
        if not value:
            return None
        if value in self.by_slug:
            return self.by_slug[value]
        try:
            term_id = uuid.UUID(str(value))
        except ValueError:
            return None
        return term_id if term_id in self.terms else None

    def branch(self, term_id):
        """The term and every term within it (children, grandchildren ...)."""
        return self.branches.get(term_id, {term_id})

    def expansions(self, words):
        """Where runs of ``words`` (normalised) name a need: a list of (start, end, term ids
        with their branches), longest runs first, not overlapping."""
        found, taken = [], set()
        for length in range(min(LONGEST_PHRASE, len(words)), 0, -1):
            for start in range(0, len(words) - length + 1):
                positions = set(range(start, start + length))
                if positions & taken:
                    continue
                term_ids = self.phrases.get(tuple(words[start : start + length]))
                if term_ids:
                    branch = set()
                    for term_id in term_ids:
                        branch |= self.branch(term_id)
                    found.append((start, start + length, frozenset(branch)))
                    taken |= positions
        return sorted(found)


_lock = threading.Lock()
_latest = NeedsIndex()


# Written out rather than built with the ORM: it runs on every search, and compiling the ORM's
# union cost more than running it.
_STAMP_SQL = (
    "SELECT COUNT(*), MAX(updated_at), SUM(LENGTH(name)) FROM directory_taxonomyterm "
    "UNION ALL SELECT COUNT(*), MAX(updated_at), SUM(LENGTH(word)) FROM directory_synonym"
)


def _stamp():
    with connection.cursor() as cursor:
        cursor.execute(_STAMP_SQL)
        return repr(cursor.fetchall())


def _build(stamp):
    from waymark.directory.models import Synonym, TaxonomyTerm

    index = NeedsIndex(stamp=stamp)
    for term_id, slug, parent_id, name in TaxonomyTerm.objects.order_by().values_list("id", "slug", "parent", "name"):
        index.terms[term_id] = (slug, parent_id)
        if slug:
            index.by_slug[slug] = term_id
        words = tuple(normalise_words(name))
        if words:
            index.phrases.setdefault(words, set()).add(term_id)
    for term_id, word in Synonym.objects.order_by().values_list("term", "word"):
        words = tuple(normalise_words(word))
        if words:
            index.phrases.setdefault(words, set()).add(term_id)
    for term_id in index.terms:
        # Walk up from every term, adding it to each of its ancestors' branches.
        seen, current = set(), term_id
        while current is not None and current not in seen:
            seen.add(current)
            index.branches.setdefault(current, {current}).add(term_id)
            current = index.terms.get(current, (None, None))[1]
    return index


def forget():
    """Drop the in-memory index (tests that freeze the clock and swap rows may need it)."""
    global _latest
    with _lock:
        _latest = NeedsIndex()


def needs_index():
    """The current needs index: one query when nothing changed, three when rebuilt."""
    global _latest
    stamp = _stamp()
    latest = _latest
    if latest.stamp == stamp:
        return latest
    index = _build(stamp)
    with _lock:
        _latest = index
    return index
