""" "Did you mean": correcting misspelt search words against the words the map knows.

Computed in Python over the map's vocabulary (every service's ``search_text``, and the needs'
names and synonyms in every language), so SQLite and PostgreSQL give the same answer. Words
are compared in their normalised search form (``waymark.lib.text``), so Arabic and Persian
letter variants are already folded: ``كيس`` typed on an Arabic keyboard *is* the Persian
``کیس`` and needs no correction.

Distances are Damerau–Levenshtein (optimal string alignment: a swap of two neighbouring
letters counts 1) over code points. The normaliser has removed combining marks from Arabic
script and composed everything else (NFC), and a Ge'ez syllable is one code point, so a code
point is close enough to what a reader calls a letter.

Candidates are found with a symmetric-delete index (the idea of SymSpell): every word is
stored under each string made by deleting up to two of its letters; a query word's own
deletions meet them there. Only those few candidates get the full distance computed.
"""

import hashlib
from collections import Counter
from itertools import combinations

from django.core.cache import cache
from django.db.models import Count, Max, Value

from waymark.lib.text import normalise_search_text, normalise_words

# Words this short are left alone: at one or two letters almost every word is one edit from
# many others ("of" → "or", "on", "to"), and a guess would be noise.
MIN_WORD_LENGTH = 3
# A known word is indexed under deletions of its first seven letters only (SymSpell's prefix),
# so it has at most 29 keys however long it is. If two words are within k edits, the first
# seven letters of one are within k edits of the first 7-k … 7+k letters of the other, so a
# query word looks up deletions of each of those beginnings and no candidate is lost.
# Candidates are then checked on whole words.
_PREFIX_LENGTH = 7
# Words longer than this are not words a person types (identifiers, run-together URLs).
_MAX_WORD_LENGTH = 30


def max_distance(word):
    """How many edits a word of this length may be from its correction: 0 for 1–2 letters,
    1 for 3–5, 2 for 6 or more."""
    if len(word) < MIN_WORD_LENGTH:
        return 0
    return 1 if len(word) <= 5 else 2


# The deepest deletion any query word can ask for: a query of 6 letters may reach a word of 4.
_MAX_DISTANCE = 2


def _index_depth(word):
    """How many deletions to index ``word`` under: as many as the longest query word that may
    be corrected to it allows (a query two letters longer may be two edits away)."""
    return max(max_distance("x" * (len(word) + extra)) for extra in range(-_MAX_DISTANCE, _MAX_DISTANCE + 1))


def _deletions(prefix, depth):
    """``prefix`` and every string made by deleting up to ``depth`` of its letters."""
    found = {prefix}
    for count in range(1, min(depth, len(prefix)) + 1):
        for positions in combinations(range(len(prefix)), count):
            found.add("".join(char for i, char in enumerate(prefix) if i not in positions))
    return found


def edit_distance(a, b, limit):
    """The Damerau–Levenshtein distance (optimal string alignment) between ``a`` and ``b``,
    or ``limit + 1`` as soon as it is certain to be more than ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous = None
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]


class Vocabulary:
    """The words search knows, each with how often it occurs, in normalised search form.

    The deletion index is built on first use and kept with the object, so build a vocabulary
    once and reuse it (``vocabulary_for_map`` does).
    """

    def __init__(self, frequencies):
        self.frequencies = Counter(frequencies)
        self._index = None

    @classmethod
    def from_texts(cls, texts):
        """The vocabulary of ``texts`` (any strings; they are normalised here)."""
        frequencies = Counter()
        for text in texts:
            if text:
                frequencies.update(normalise_words(text))
        return cls(frequencies)

    def __contains__(self, word):
        return word in self.frequencies

    def __len__(self):
        return len(self.frequencies)

    def frequency(self, word):
        return self.frequencies.get(word, 0)

    def _deletion_index(self):
        if self._index is None:
            index = {}
            for word in self.frequencies:
                if _is_correctable(word):
                    for key in _deletions(word[:_PREFIX_LENGTH], _index_depth(word)):
                        index.setdefault(key, []).append(word)
            self._index = index
        return self._index

    def closest(self, word):
        """Known words nearest to ``word`` (already normalised), best first: fewest edits,
        then most frequent, then alphabetical. Empty when none is near enough."""
        limit = max_distance(word)
        if not limit or not _is_correctable(word):
            return []
        index = self._deletion_index()
        candidates = set()
        for length in range(_PREFIX_LENGTH - limit, _PREFIX_LENGTH + limit + 1):
            for key in _deletions(word[:length], limit):
                candidates.update(index.get(key, ()))
        scored = []
        for candidate in candidates:
            distance = edit_distance(word, candidate, limit)
            if distance <= limit:
                scored.append((distance, -self.frequencies[candidate], candidate))
        scored.sort()
        return [candidate for _distance, _frequency, candidate in scored]


def _is_correctable(word):
    """Words, not numbers or postcodes ("m13", "2024"), of a length a person types."""
    return MIN_WORD_LENGTH <= len(word) <= _MAX_WORD_LENGTH and not any(char.isdigit() for char in word)


def suggest(query, vocabulary, *, max_suggestions=1):
    """The query with its misspelt words corrected ("dentsit" → "dentist"), in normalised form.

    Known words and words too short to judge are kept as they are; an unknown word with no
    near known word is kept too. Returns None when nothing would change. With
    ``max_suggestions`` above 1, returns a list of up to that many corrected queries (each
    varying one word's correction, best first), or None.
    """
    words = normalise_words(query)
    corrections = {}
    for position, word in enumerate(words):
        if word in vocabulary:
            continue
        closest = vocabulary.closest(word)
        if closest:
            corrections[position] = closest
    if not corrections:
        return None
    best = [corrections.get(position, [word])[0] for position, word in enumerate(words)]
    if max_suggestions == 1:
        return " ".join(best)
    suggestions = [" ".join(best)]
    for position, closest in corrections.items():
        for alternative in closest[1:]:
            if len(suggestions) >= max_suggestions:
                return suggestions
            suggestions.append(" ".join(best[:position] + [alternative] + best[position + 1 :]))
    return suggestions


# The vocabulary of the map, built from the database.
#
# Invalidation: the cache key holds a stamp of what the vocabulary is made of (the number of
# rows and the latest updated_at of services, needs, synonyms and translations). Saving,
# adding or deleting any of them changes the stamp, so the next search builds a new
# vocabulary; old entries simply expire. A change made with QuerySet.update() that does not
# set updated_at is not seen until the cache entry expires (VOCABULARY_CACHE_SECONDS).
VOCABULARY_CACHE_SECONDS = 24 * 60 * 60
_CACHE_KEY_PREFIX = "directory:spelling-vocabulary:1:"
# The last vocabulary built in this process, with its key: its deletion index is costly to
# rebuild, so each process keeps one while the stamp stays the same.
_latest = (None, None)


def _sources():
    from waymark.directory.models import Service, Synonym, TaxonomyTerm, Translation

    services = Service.objects.exclude(status=Service.Status.DEFUNCT)
    term_names = Translation.objects.filter(
        model_label=TaxonomyTerm._meta.label_lower, field_name="name", status=Translation.Status.REVIEWED
    )
    return services, TaxonomyTerm.objects.all(), Synonym.objects.all(), term_names


def _stamp():
    """A fingerprint of the vocabulary's sources, in one query."""
    # Each part is one row: which source, how many rows it has, and when one last changed.
    parts = [
        source.order_by()
        .annotate(source=Value(number))
        .values("source")
        .annotate(rows=Count("pk"), latest=Max("updated_at"))
        .values_list("source", "rows", "latest")
        for number, source in enumerate(_sources())
    ]
    # A union sorts by the first model's Meta.ordering unless told not to.
    rows = parts[0].union(*parts[1:], all=True).order_by()
    # Sorted, so that the order in which the database returns the parts does not matter.
    return hashlib.sha256(repr(sorted(str(row) for row in rows)).encode()).hexdigest()


def _read_vocabulary():
    """The vocabulary built from the database, in two queries."""
    services, terms, synonyms, term_names = _sources()
    # search_text is already normalised, and holds the service's needs' words too.
    frequencies = Counter()
    for (text,) in services.values_list("search_text").iterator(chunk_size=2000):
        frequencies.update(text.split())
    needs_words = (
        terms.order_by()
        .values_list("name")
        .union(synonyms.order_by().values_list("word"), term_names.order_by().values_list("text"), all=True)
        .order_by()
    )
    for (text,) in needs_words:
        frequencies.update(normalise_search_text(text).split())
    return Vocabulary(frequencies)


def vocabulary_for_map():
    """The map's vocabulary: words of every service (not defunct) and of the needs' names and
    synonyms in every language. One query when nothing has changed; three when it is rebuilt.

    The stamp query counts the rows of the services, needs, synonyms and need translations and
    takes their latest ``updated_at``: a scan of the services table, so a search view should ask
    for the vocabulary only when it will offer a correction (few or no results).
    """
    global _latest
    key = _CACHE_KEY_PREFIX + _stamp()
    latest_key, latest = _latest
    if latest_key == key:
        return latest
    frequencies = cache.get(key)
    if frequencies is not None:
        vocabulary = Vocabulary(frequencies)
    else:
        vocabulary = _read_vocabulary()
        # Only the words go in the shared cache: the deletion index is many times their size
        # (too big for a cache row), so each process builds its own on first use.
        cache.set(key, dict(vocabulary.frequencies), VOCABULARY_CACHE_SECONDS)
    _latest = (key, vocabulary)
    return vocabulary
