"""Many people at once, for scale data (``generate_scale_data``) and benchmarks.

Rows are written with ``bulk_create`` in batches, as the actions would write them one by one:
encrypted columns encrypted (the fields do it on the way to the database), blind indexes and
search names filled, name words indexed, and each person's consent to keep their details.
No audit events: this is generated data, not something anyone did.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from waymark.lib.text import normalise_search_text, normalise_words
from waymark.people.actions import KEEP_DETAILS_SCOPE
from waymark.people.identifiers import date_of_birth_index, new_reference, phone_index
from waymark.people.models import Consent, Person, PersonNameWord

# Names in the scripts people at the desks write them in; combined at random.
FIRST_NAMES = [
    "Amina",
    "Yonas",
    "Ali",
    "Mariam",
    "Hassan",
    "Fatima",
    "Dawit",
    "Zahra",
    "Omid",
    "Sara",
    "Ahmad",
    "Hawa",
    "Samir",
    "Leila",
    "Tesfay",
    "Nour",
    "Reza",
    "Aisha",
    "Bilal",
    "Huda",
    "Oleksandr",
    "Iryna",
    "Kofi",
    "Amadou",
    "Dilan",
    "Rojin",
    "Arash",
    "Maryam",
    "Yusuf",
    "Selam",
    "أحمد",
    "فاطمة",
    "محمد",
    "نور",
    "علی",
    "زهرا",
    "مریم",
    "رضا",
    "ዮናስ",
    "ሰላም",
    "ኣብርሃም",
    "ሄለን",
]
FAMILY_NAMES = [
    "Yusuf",
    "Tesfaye",
    "Rezaei",
    "Hosseini",
    "Ahmadi",
    "Mohammed",
    "Abdi",
    "Haile",
    "Gebre",
    "Karimi",
    "Osman",
    "Ibrahim",
    "Khan",
    "Mahmoud",
    "Rahimi",
    "Bakr",
    "Kovalenko",
    "Diallo",
    "حسینی",
    "رضایی",
    "الأحمد",
    "عبدالله",
    "ገብረ",
    "ተስፋይ",
]
LANGUAGE_SETS = [
    ["ar"],
    ["fa"],
    ["ti"],
    ["ar", "en"],
    ["ps", "fa"],
    ["ckb"],
    ["am", "ti"],
    ["ur", "en"],
    ["fr"],
    ["uk"],
]


def bulk_create_people(organisation, count, *, recorded_by, batch_size=1000, seed=1, registered_since=None):
    """Create ``count`` people of ``organisation`` (with name words and consent); return how many.

    ``recorded_by`` is the user the consents are recorded by. About half have a phone number
    (in Ofcom's range for drama, 07700 900000–900999, so several people share one) and a date
    of birth; registration times are spread over the last two years.
    """
    rng = random.Random(seed)
    now = timezone.now()
    registered_since = registered_since or now - dt.timedelta(days=730)
    span = (now - registered_since).total_seconds()
    references = set()
    created = 0
    while created < count:
        size = min(batch_size, count - created)
        people = []
        for _ in range(size):
            reference = new_reference()
            while reference in references:
                reference = new_reference()
            references.add(reference)
            display_name = rng.choice(FIRST_NAMES)
            if rng.random() < 0.7:
                display_name += " " + rng.choice(FAMILY_NAMES)
            phone = f"+447700900{rng.randrange(1000):03d}" if rng.random() < 0.5 else ""
            born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 45)) if rng.random() < 0.5 else None
            people.append(
                Person(
                    organisation=organisation,
                    display_name=display_name,
                    search_name=normalise_search_text(display_name),
                    reference=reference,
                    phone=phone,
                    phone_index=phone_index(phone),
                    date_of_birth=born,
                    dob_index=date_of_birth_index(born),
                    languages=rng.choice(LANGUAGE_SETS),
                    interpreter_needed=rng.random() < 0.4,
                    registered_by=recorded_by,
                    registered_at=registered_since + dt.timedelta(seconds=rng.random() * span),
                )
            )
        with transaction.atomic():
            # A reference already in the database (about one in ten million per person) is
            # replaced before the insert rather than failing the whole batch.
            taken = set(
                Person.objects.filter(reference__in=[person.reference for person in people]).values_list(
                    "reference", flat=True
                )
            )
            for person in people:
                while person.reference in taken:
                    person.reference = new_reference()
            Person.objects.bulk_create(people, batch_size=batch_size)
            if any(person.pk is None for person in people):
                # A database that does not return ids from a bulk insert: read them back.
                references_now = [person.reference for person in people]
                ids = dict(Person.objects.filter(reference__in=references_now).values_list("reference", "pk"))
                for person in people:
                    person.pk = ids[person.reference]
            PersonNameWord.objects.bulk_create(
                [
                    PersonNameWord(
                        person_id=person.pk, organisation=organisation, word=word[:100], search_name=person.search_name
                    )
                    for person in people
                    for word in sorted(set(normalise_words(person.display_name)))
                ],
                batch_size=batch_size * 2,
            )
            Consent.objects.bulk_create(
                [
                    Consent(
                        person_id=person.pk,
                        purpose=Consent.Purpose.KEEP_DETAILS,
                        how=Consent.How.SPOKEN,
                        given_at=person.registered_at,
                        recorded_by=recorded_by,
                        scope=list(KEEP_DETAILS_SCOPE),
                    )
                    for person in people
                ],
                batch_size=batch_size,
            )
        created += size
    return created
