"""Finding a person at the desk: by card reference, phone number, date of birth or a few
letters of a name, forgiving typos.

What is typed decides how it is looked up, each way on an index so that it stays fast at a
hundred thousand people:

- a card reference ("K7MX 3TAC", any case, with or without the space) → that card, exactly;
- a full phone number → the phone's blind index;
- a date of birth (17/04/1990 or 1990-04-17) → the date of birth's blind index;
- anything else is the start of names: each word typed must begin one of the words of the
  person's display name ("am yus" finds "Amina Yusuf"), looked up in ``PersonNameWord``.
  When that finds fewer than asked for, misspelt words are corrected against the
  organisation's own name words ("Yusef" → "yusuf"), in Python, the way the service map
  corrects its searches (waymark.directory.spelling), so both databases give the same answer.

Names are compared in their normalised search form (waymark.lib.text): case, accents and the
Arabic and Persian letter variants are folded, so "علي" typed on an Arabic keyboard finds
"علی" written on a Persian one.
"""

import datetime as dt
import re
import threading
import time

from django.db.models import Case, IntegerField, Max, Q, Value, When
from django.utils.translation import gettext_lazy as _

from waymark.directory.spelling import Vocabulary, max_distance
from waymark.lib.text import normalise_search_text
from waymark.people.identifiers import date_of_birth_index, normalise_phone, normalise_reference, phone_index
from waymark.people.models import Person, PersonNameWord

DEFAULT_LIMIT = 20
# At most this many corrections per typed word are looked up.
_CORRECTIONS_PER_WORD = 5
_DATE_TYPED = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")


def find_people(organisation, query, limit=DEFAULT_LIMIT, *, people=None):
    """Up to ``limit`` current people of ``organisation`` matching ``query``, best first.

    ``people`` narrows the search to a queryset (an access function's answer); by default
    it is every current person of the organisation.
    """
    query = (query or "").strip()
    if not query:
        return []
    if people is None:
        people = Person.objects.current()
    people = people.filter(organisation=organisation)

    reference = normalise_reference(query)
    if reference is not None:
        found = list(people.filter(reference=reference)[:1])
        if found:
            return found
    date_of_birth = _typed_date(query)
    if date_of_birth is not None:
        return list(people.filter(dob_index=date_of_birth_index(date_of_birth))[:limit])
    if sum(char.isdigit() for char in query) >= 8:
        phone = normalise_phone(query)
        if phone is None:
            return []
        return list(people.filter(phone_index=phone_index(phone))[:limit])
    return _find_by_name(organisation, people, query, limit)


class Duplicate:
    """A person who may be the one being registered, and why they may be."""

    def __init__(self, person):
        self.person = person
        self.reasons = []


def find_duplicates(organisation, *, display_name, phone="", date_of_birth=None, people=None, limit=10):
    """Current people of ``organisation`` who may be the person about to be registered: the same
    phone number, the same date of birth, or a similar name (every word of it, typos forgiven).
    Returns Duplicate objects, the likeliest first."""
    if people is None:
        people = Person.objects.current()
    people = people.filter(organisation=organisation)
    found = {}

    def add(matches, reason):
        for person in matches:
            found.setdefault(person.pk, Duplicate(person)).reasons.append(reason)

    normalised_phone = normalise_phone(phone) if phone else None
    if normalised_phone:
        add(people.filter(phone_index=phone_index(normalised_phone))[:limit], _("same phone number"))
    if date_of_birth:
        add(people.filter(dob_index=date_of_birth_index(date_of_birth))[:limit], _("same date of birth"))
    add(_find_by_name(organisation, people, display_name, limit, whole_words=True), _("similar name"))
    return sorted(found.values(), key=lambda duplicate: -len(duplicate.reasons))[:limit]


def _typed_date(query):
    match = _DATE_TYPED.match(query)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        try:
            return dt.date.fromisoformat(query.strip()) if len(query.strip()) == 10 else None
        except ValueError:
            return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _find_by_name(organisation, people, query, limit, *, whole_words=False):
    """People whose name words begin with each typed word, then (when fewer than ``limit``)
    those with a misspelt word corrected. With ``whole_words``, typed words must be whole
    name words (for duplicates: "Ali" is not "Alireza")."""
    name = normalise_search_text(query)
    words = name.split()[:5]
    if not words:
        return []
    # Exact name first, then names that begin with what was typed, then the rest; by name.
    ranked = people.annotate(rank=_rank(name)).order_by("rank", "search_name", "id")

    lookup = "word" if whole_words else "word__startswith"
    found = _by_name_words(organisation, people, name, words, lookup, limit)
    if len(found) >= limit:
        return found

    corrected = _corrections(organisation, words)
    if corrected is None:
        return found
    fuzzy = ranked.exclude(pk__in=[person.pk for person in found])
    for word, closest in zip(words, corrected, strict=True):
        fuzzy = fuzzy.filter(
            pk__in=PersonNameWord.objects.filter(
                Q(**{lookup: word}) | Q(word__in=closest), organisation=organisation
            ).values("person_id")
        )
    return found + list(fuzzy.select_related("home_area")[: limit - len(found)])


def _rank(name):
    """Exact name first, then names that begin with what was typed, then the rest."""
    return Case(
        When(search_name=name, then=Value(0)),
        When(search_name__startswith=name, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def _by_name_words(organisation, people, name, words, lookup, limit):
    """Up to ``limit`` of ``people`` with a name word matching each typed word, best first.

    Ranked and ordered in the name-word table alone (it carries each person's whole name):
    joining the people themselves made PostgreSQL read every person of a large organisation
    (40 ms at 100,000 people, where this takes a few)."""
    rows = PersonNameWord.objects.filter(organisation=organisation, **{lookup: words[0]})
    for word in words[1:]:
        rows = rows.filter(
            person_id__in=PersonNameWord.objects.filter(organisation=organisation, **{lookup: word}).values("person_id")
        )
    # A person two of whose words match comes once (both rows carry the same name and rank).
    ranked = (
        rows.annotate(rank=_rank(name))
        .values_list("person_id", "rank", "search_name")
        .order_by("rank", "search_name", "person_id")
        .distinct()[:limit]
    )
    ids = [person_id for person_id, _rank_, _name in ranked]
    by_id = {person.pk: person for person in people.filter(pk__in=ids).select_related("home_area")}
    return [by_id[person_id] for person_id in ids if person_id in by_id]


def _corrections(organisation, words):
    """For each typed word, the name words it may be a misspelling of (perhaps none); None
    when no word has any."""
    if not any(max_distance(word) for word in words):
        return None
    vocabulary = name_vocabulary(organisation)
    corrected = [
        [known for known in vocabulary.closest(word)[:_CORRECTIONS_PER_WORD] if known != word]
        if max_distance(word)
        else []
        for word in words
    ]
    return corrected if any(corrected) else None


class NameVocabulary(Vocabulary):
    """The name words of one organisation, growing as people are registered."""

    def add(self, words):
        """Add newly stored words (and index them, if the index is built)."""
        words = list(words)
        new = [word for word in set(words) if word not in self.frequencies]
        self.frequencies.update(words)
        if self._index is not None and new:
            # Rebuilding the index costs far more than adding a few words to it.
            for word in new:
                extra = Vocabulary({word})
                for key, entries in extra._deletion_index().items():
                    self._index.setdefault(key, []).extend(entries)


# One vocabulary per organisation in each process, with the highest PersonNameWord id it has
# read: words stored since are read and added on the next search. Words of renamed or merged
# people stay in it until it is rebuilt (VOCABULARY_MAX_AGE); a stale word matches nobody, so
# all it costs is a wasted lookup.
VOCABULARY_MAX_AGE = 60 * 60
_vocabularies = {}
_vocabularies_lock = threading.Lock()


def name_vocabulary(organisation):
    """The organisation's name words (one query when nothing was added since the last search)."""
    # The uuid too: a database rebuilt (or a test rolled back) may reuse a primary key.
    key = (organisation.pk, organisation.uuid)
    words = PersonNameWord.objects.filter(organisation=organisation)
    latest_id = words.aggregate(latest=Max("id"))["latest"] or 0
    with _vocabularies_lock:
        read_up_to, built_at, vocabulary = _vocabularies.get(key, (0, 0.0, None))
    if vocabulary is None or time.monotonic() - built_at > VOCABULARY_MAX_AGE or latest_id < read_up_to:
        vocabulary = NameVocabulary(words.order_by().values_list("word", flat=True).iterator(chunk_size=5000))
        built_at = time.monotonic()
    elif latest_id > read_up_to:
        vocabulary.add(words.filter(id__gt=read_up_to).order_by().values_list("word", flat=True))
    with _vocabularies_lock:
        _vocabularies[key] = (latest_id, built_at, vocabulary)
    return vocabulary
