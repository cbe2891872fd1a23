"""The demo's people: a few dozen invented people of the Bolton and Salford hubs' lead charities.

Read by ``seed_people`` (wired into ``manage.py seed_demo``, after the organisations, the demo
users and the accommodation sites). Names are first names and nicknames in the scripts people
write them in (Arabic, Persian, Tigrinya, Latin); phone numbers are in Ofcom's range for drama
(07700 900000–900999). Everything is made by a seeded ``random.Random`` and every person has a
fixed UUID (uuid5 of the organisation and a number), so a re-run finds the same people and
leaves them as they are instead of adding more.
"""

import datetime as dt
import random
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from waymark.accounts import demo as accounts_demo
from waymark.accounts.models import Organisation, User
from waymark.people.actions import KEEP_DETAILS_SCOPE, sync_name_words
from waymark.people.identifiers import date_of_birth_index, new_reference, normalise_phone, phone_index
from waymark.people.models import Consent, HouseholdMember, JourneyRecord, Person
from waymark.places.models import AccommodationSite, Area

_NAMESPACE = uuid.UUID("5d0c2b7e-2a43-4f0e-8a57-8f6f5e2f7c11")
SEED = 5

# display name, full name ("" when not given), languages, interpreter needed.
BOLTON_PEOPLE = [
    ("Amina", "Amina Yusuf Ali", ["ar", "en"], False),
    ("أحمد", "أحمد الحسن", ["ar"], True),
    ("فاطمة", "", ["ar"], True),
    ("Mohammed R.", "Mohammed Rahimi", ["ps", "fa"], True),
    ("علی", "علی رضایی", ["fa"], True),
    ("زهرا", "", ["fa", "en"], False),
    ("مریم", "مریم حسینی", ["fa"], True),
    ("Omid", "Omid Karimi", ["fa", "en"], False),
    ("ዮናስ", "ዮናስ ተስፋይ ገብረ", ["ti"], True),
    ("ሰላም", "", ["ti", "am"], True),
    ("Yonas T", "Yonas Tesfaye", ["ti", "en"], False),
    ("Helen", "Helen Haile", ["ti", "am"], True),
    ("Dawit", "", ["am"], True),
    ("Hawa", "Hawa Abdi", ["so", "en"], False),
    ("Samir", "Samir Osman", ["ar", "en"], False),
    ("Nour", "", ["ar"], True),
    ("Dilan", "Dilan Ahmed", ["ckb", "ar"], True),
    ("Rojin", "", ["ckb"], True),
    ("Bilal", "Bilal Khan", ["ur", "en"], False),
    ("Aisha K", "Aisha Khan", ["ur", "pa"], True),
    ("Amadou", "Amadou Diallo", ["fr"], True),
    ("Kofi", "", ["en"], False),
    ("Iryna", "Iryna Kovalenko", ["uk", "ru"], True),
    ("Arash", "Arash Ahmadi", ["fa"], True),
    ("Sara", "", ["fa", "en"], False),
    ("Huda", "Huda Ibrahim", ["ar"], True),
    ("Tesfay", "Tesfay Gebre", ["ti"], True),
    ("Leila", "", ["ar", "fr"], False),
    ("Reza", "Reza Hosseini", ["fa"], True),
    ("Mariam", "Mariam Mahmoud", ["ar", "en"], False),
    ("ኣብርሃም", "", ["ti"], True),
    ("محمد", "محمد عبدالله", ["ar"], True),
]
SALFORD_PEOPLE = [
    ("Yusuf", "Yusuf Bakr", ["ar"], True),
    ("Selam", "", ["ti"], True),
    ("رضا", "رضا رحیمی", ["fa"], True),
    ("Ahmad", "Ahmad Rahimi", ["ps"], True),
    ("Maryam", "", ["fa", "en"], False),
    ("Oleksandr", "Oleksandr Kovalenko", ["uk"], False),
    ("Hassan", "Hassan Osman", ["ar", "en"], False),
    ("ሄለን", "", ["am"], True),
    ("Zahra", "Zahra Hosseini", ["fa"], True),
    ("Ali", "", ["ar", "fa"], True),
    ("Fatima", "Fatima Ibrahim", ["ar"], True),
    ("Samuel", "Samuel Haile", ["ti", "en"], False),
]

# (stage, support type, accommodation type), in the order a journey usually goes.
JOURNEYS = [
    ("claim_lodged", "s98", "initial_accommodation"),
    ("claim_lodged", "s98", "contingency_hotel"),
    ("awaiting_decision", "s95", "contingency_hotel"),
    ("awaiting_decision", "s95", "dispersal"),
    ("granted", "s95", "dispersal"),
    ("refused", "s95", "dispersal"),
    ("appeal_rights_exhausted", "s4", "dispersal"),
    ("granted", "none", "none_private"),
]


def person_uuid(organisation_slug, number):
    return uuid.uuid5(_NAMESPACE, f"{organisation_slug}:{number}")


def seed_people(stdout=None):
    """Create the demo's people where they are missing (a re-run leaves existing ones as they
    are). Needs the demo organisations and users; skips an organisation that is not there."""
    plan = [
        (accounts_demo.BOLTON_HUB_LEAD, BOLTON_PEOPLE, "coordinator@demo.waymark", "bolton"),
        (accounts_demo.SALFORD_HUB_LEAD, SALFORD_PEOPLE, "outsider@demo.waymark", "salford"),
    ]
    created = 0
    rng = random.Random(SEED)
    for organisation_slug, people, recorder_email, area_slug in plan:
        organisation = Organisation.objects.filter(slug=organisation_slug).first()
        recorder = User.objects.filter(email=recorder_email).first()
        if organisation is None or recorder is None:
            continue
        area = Area.objects.filter(slug=area_slug).first()
        sites = list(AccommodationSite.objects.filter(area=area)) if area else []
        for number, entry in enumerate(people):
            created += _seed_person(organisation, number, entry, recorder=recorder, area=area, sites=sites, rng=rng)
    if stdout is not None:
        stdout.write(f"People: {created} created")
    return created


@transaction.atomic
def _seed_person(organisation, number, entry, *, recorder, area, sites, rng):
    display_name, full_name, languages, interpreter_needed = entry
    # Draw every random value first, so that a person who already exists leaves the sequence
    # as it would have been, and re-runs stay deterministic.
    phone = f"07700 900{rng.randrange(1000):03d}" if rng.random() < 0.6 else ""
    born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40)) if rng.random() < 0.6 else None
    registered_days_ago = rng.randrange(10, 540)
    contact = rng.random() < 0.7
    journey_steps = rng.randrange(0, 4)
    journey_start = rng.randrange(0, len(JOURNEYS) - 3)
    has_child = rng.random() < 0.25
    dob_estimated = rng.random() < 0.2

    public_id = person_uuid(organisation.slug, number)
    if Person.objects.filter(uuid=public_id).exists():
        return 0
    now = timezone.now()
    registered_at = now - dt.timedelta(days=registered_days_ago)
    normalised_phone = normalise_phone(phone) if phone else ""
    reference = new_reference()
    while Person.objects.filter(reference=reference).exists():
        reference = new_reference()
    person = Person.objects.create(
        uuid=public_id,
        organisation=organisation,
        display_name=display_name,
        reference=reference,
        full_name=full_name,
        date_of_birth=born,
        dob_estimated=born is not None and dob_estimated,
        dob_index=date_of_birth_index(born),
        phone=normalised_phone,
        phone_index=phone_index(normalised_phone),
        home_area=area,
        languages=languages,
        interpreter_needed=interpreter_needed,
        may_call=contact and bool(phone),
        may_text=contact and bool(phone),
        contact_language=languages[0],
        registered_by=recorder,
        registered_at=registered_at,
    )
    sync_name_words(person)
    how = Consent.How.SPOKEN_WITH_INTERPRETER if interpreter_needed else Consent.How.SPOKEN
    common = {"person": person, "recorded_by": recorder, "how": how, "given_at": registered_at}
    Consent.objects.create(
        purpose=Consent.Purpose.KEEP_DETAILS,
        scope=list(KEEP_DETAILS_SCOPE),
        # The notice is printed in one of the interface languages.
        privacy_notice_language=languages[0] if languages[0] in dict(settings.LANGUAGES) else "en",
        **common,
    )
    if contact:
        Consent.objects.create(purpose=Consent.Purpose.CONTACT_WELFARE, scope=["contact_details"], **common)
    for step in range(journey_steps):
        stage, support, accommodation = JOURNEYS[journey_start + step]
        site = next((site for site in sites if site.kind == accommodation), None)
        JourneyRecord.objects.create(
            person=person,
            stage=stage,
            support_type=support,
            accommodation_type=accommodation,
            accommodation_site=site,
            since=(registered_at + dt.timedelta(days=40 * step)).date(),
            recorded_by=recorder,
            recorded_at=min(now, registered_at + dt.timedelta(days=40 * step)),
        )
    if has_child:
        HouseholdMember.objects.create(
            person=person, relationship=HouseholdMember.Relationship.CHILD, year_of_birth=now.year - 6, is_child=True
        )
    return 1
