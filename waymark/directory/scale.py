"""Generated service-map rows for measuring search at size (``generate_scale_data --services N``).

Services are spread over the real outcode centroids (``places.OutcodeCentroid``), each with a
directory organisation (one for every ``SERVICES_PER_ORGANIZATION``), one physical location a
little way from its outcode's middle with an address, one or two needs from the loaded needs
taxonomy, the languages it speaks, weekly (sometimes monthly) opening times, sometimes a
charge, and its ``search_text`` worked out in Python the way ``Service.build_search_text``
does (names, description, organisation, its needs' names, synonyms and reviewed
translations), so no service is saved twice. Everything goes in with one ``executemany`` per
table for each batch of ``run.batch_size`` services (``insert_rows``); on SQLite the
search-index triggers fill the full-text index as the rows go in.

Names and ids are made from the run's prefix and a number; the randomness is seeded from the
prefix, so the same command makes the same map.
"""

import datetime as dt
import random
import uuid
from decimal import Decimal

from django.db import connections
from django.utils import timezone

from waymark.directory.search_index import facet_tokens
from waymark.lib.text import normalise_search_text

SERVICES_PER_ORGANIZATION = 5
SERVICE_DIGITS = 7
# How far a location may lie from its outcode's middle, in degrees (about 2 km).
JITTER_DEGREES = 0.018

PLACES = [
    "Riverside", "Northgate", "Hillcrest", "Millbrook", "Ashfield", "Brookside", "Oakwood", "Kingsway",
    "Parkside", "Westfield", "Eastbank", "Highfield", "Stonebridge", "Fairview", "Greenhill", "Moorside",
    "Castlefield", "Longford", "Elmstead", "Redbrook",
]  # fmt: skip
KINDS = ["Project", "Centre", "Hub", "Drop-in", "Service", "Clinic", "Network", "Welcome", "Support", "Group"]
LANGUAGES = [
    ("Arabic", "ar"), ("Persian", "fa"), ("Pashto", "ps"), ("Kurdish (Sorani)", "ckb"), ("Tigrinya", "ti"),
    ("Amharic", "am"), ("Urdu", "ur"), ("French", "fr"), ("Ukrainian", "uk"), ("Somali", "so"),
    ("Kurdish (Kurmanji)", "kmr"), ("Albanian", "sq"), ("Vietnamese", "vi"), ("Spanish", "es"),
]  # fmt: skip
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA"]


def _namespace(prefix):
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://waymark.invalid/scale/{prefix}")


def services_prefix_in_use(prefix):
    """True if an earlier run made services with this prefix."""
    from waymark.directory.models import Service

    return Service.objects.filter(id=uuid.uuid5(_namespace(prefix), "service:1:0")).exists()


def _needs_words():
    """For each need (term with a slug in the needs taxonomy): (term id, name, the normalised
    words it gives a service's search_text)."""
    from waymark.directory.models import NEEDS_TAXONOMY_NAME, Synonym, TaxonomyTerm, Translation

    terms = list(TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME).exclude(slug=""))
    synonyms = {}
    for term_id, word in Synonym.objects.values_list("term", "word"):
        synonyms.setdefault(term_id, []).append(word)
    by_id = {term.id: term for term in terms}
    translated = {}
    for translation in Translation.objects.filter(
        model_label=TaxonomyTerm._meta.label_lower,
        field_name="name",
        status=Translation.Status.REVIEWED,
        object_id__in=list(by_id),
    ):
        if not translation.is_out_of_date(by_id[translation.object_id]):
            translated.setdefault(translation.object_id, []).append(translation.text)
    return [
        (
            term.id,
            term.name,
            normalise_search_text(" ".join([term.name, *synonyms.get(term.id, []), *translated.get(term.id, [])])),
        )
        for term in terms
    ]


def _sqlite_value(value):
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value, dt.UTC)
        return str(value)
    if isinstance(value, dt.date | dt.time | Decimal):
        return str(value)
    return value


def insert_rows(model, rows, now, using="default"):
    """Insert ``rows`` (dicts of field attnames → Python values) into ``model``'s table with one
    ``executemany``; fields left out get their model default (``auto_now`` ones: ``now``).

    Much faster than ``bulk_create`` at this size, because no model instances are made and
    values are not prepared field by field. Only plain values (UUID, text, numbers, booleans,
    dates, times, aware datetimes) are expected; nothing is validated.
    """
    connection = connections[using]
    fields = list(model._meta.concrete_fields)
    convert = _sqlite_value if connection.vendor == "sqlite" else (lambda value: value)
    defaults = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        else:
            # The model's default, or "" for text and None for a nullable field.
            default = field.get_default()
        defaults[field.attname] = convert(default)
    names = [field.attname for field in fields]
    values = [[convert(row[name]) if name in row else defaults[name] for name in names] for row in rows]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model, never from outside.
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than even a pipelined executemany.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            cursor.executemany(sql, values)


def generate_services(run):
    """``run.services`` services with everything a search reads (see the module docstring)."""
    from waymark.directory.models import (
        Address,
        Attribute,
        CostOption,
        Language,
        Location,
        Organization,
        Schedule,
        Service,
        ServiceAtLocation,
    )
    from waymark.places.models import OutcodeCentroid

    total = getattr(run, "services", 0)
    if not total:
        return
    outcodes = list(OutcodeCentroid.objects.order_by("outcode").values_list("outcode", "latitude", "longitude"))
    needs = _needs_words()
    if not outcodes or not needs:
        raise RuntimeError("Load the outcode centroids and the needs taxonomy first (manage.py migrate).")
    rng = random.Random(f"services:{run.prefix}")
    namespace = _namespace(run.prefix)
    now = timezone.now()
    today = timezone.localdate()
    title = run.prefix.replace("-", " ").title()
    batch_size = run.batch_size

    def make_id(kind, number, part=0):
        return uuid.uuid5(namespace, f"{kind}:{number}:{part}")

    organizations = {}
    for start in range(0, total, batch_size):
        numbers = range(start + 1, min(total, start + batch_size) + 1)
        rows = {
            model: []
            for model in (Organization, Service, Location, Address, ServiceAtLocation, Attribute)
            + (Language, Schedule, CostOption)
        }
        for number in numbers:
            org_number = (number - 1) // SERVICES_PER_ORGANIZATION + 1
            outcode, latitude, longitude = outcodes[rng.randrange(len(outcodes))]
            place = PLACES[rng.randrange(len(PLACES))]
            chosen = rng.sample(needs, 2 if rng.random() < 0.3 else 1)
            org_name = f"{title} {place} Org {org_number:06d}"
            if org_number not in organizations:
                organization = dict(
                    id=make_id("organization", org_number),
                    name=org_name,
                    description=f"{org_name} welcomes people in {place}.",
                )
                organizations[org_number] = organization
                rows[Organization].append(organization)
            need_names = " and ".join(name.lower() for _id, name, _words in chosen)
            name = f"{place} {chosen[0][1]} {KINDS[rng.randrange(len(KINDS))]} {number:0{SERVICE_DIGITS}d}"
            description = f"{need_names.capitalize()} for people in {outcode} and around, run by volunteers."
            age_days = rng.choice([10, 40, 90, 150, 200, 300]) if rng.random() < 0.98 else 400
            service = dict(
                id=make_id("service", number),
                organization_id=organizations[org_number]["id"],
                name=name,
                description=description,
                status=Service.Status.ACTIVE if rng.random() < 0.97 else Service.Status.INACTIVE,
                verified_at=now - dt.timedelta(days=age_days),
                verification_method=Service.VerificationMethod.SELF_CONFIRMED,
                for_anyone=rng.random() < 0.4,
                for_seeking_asylum=rng.random() < 0.6,
                for_refugee_hp=rng.random() < 0.5,
                for_refused_are=rng.random() < 0.3,
                for_nrpf=rng.random() < 0.3,
                access_drop_in=rng.random() < 0.5,
                access_appointment=rng.random() < 0.5,
                access_referral=rng.random() < 0.15,
                access_self_referral=rng.random() < 0.4,
                # The needs' words are normalised already; normalising is the costly part.
                search_text=" ".join(
                    [normalise_search_text(f"{name} {description} {org_name}"), *(words for _id, _n, words in chosen)]
                ),
            )
            rows[Service].append(service)
            location = dict(
                id=make_id("location", number),
                location_type="physical",
                organization_id=service["organization_id"],
                name=f"{place} {KINDS[rng.randrange(len(KINDS))]}",
                latitude=round(latitude + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES), 6),
                longitude=round(longitude + rng.uniform(-JITTER_DEGREES, JITTER_DEGREES), 6),
            )
            rows[Location].append(location)
            rows[Address].append(
                dict(
                    id=make_id("address", number),
                    location_id=location["id"],
                    address_1=f"{number % 200 + 1} {place} Road",
                    city=place,
                    state_province="",
                    postal_code=f"{outcode} {rng.randrange(10)}AA",
                    address_type="physical",
                )
            )
            rows[ServiceAtLocation].append(
                dict(id=make_id("sal", number), service_id=service["id"], location_id=location["id"])
            )
            for part, (term_id, _name, _words) in enumerate(chosen):
                rows[Attribute].append(
                    dict(
                        id=make_id("attribute", number, part),
                        taxonomy_term_id=term_id,
                        link_entity="service",
                        link_id=service["id"],
                        link_type="need",
                    )
                )
            spoken = ([("English", "en")] if rng.random() < 0.9 else []) + rng.sample(LANGUAGES, rng.randint(0, 3))
            for part, (language_name, code) in enumerate(spoken):
                rows[Language].append(
                    dict(id=make_id("language", number, part), service_id=service["id"], name=language_name, code=code)
                )
            service["search_facets"] = facet_tokens(
                [term_id for term_id, _name, _words in chosen],
                [code for _name, code in spoken],
                [(location["latitude"], location["longitude"])],
            )
            if rng.random() < 0.05:
                slots = [("MONTHLY", rng.choice(["1SA", "-1FR", "2TU"]), 10, 13)]
            else:
                slots = []
                for _slot in range(rng.choice([1, 1, 2])):
                    days = sorted(rng.sample(DAYS, rng.randint(1, 4)), key=DAYS.index)
                    opens = rng.choice([9, 10, 13, 17])
                    slots.append(("WEEKLY", ",".join(days), opens, min(opens + rng.choice([2, 3, 4]), 21)))
            for part, (freq, byday, opens, closes) in enumerate(slots):
                rows[Schedule].append(
                    dict(
                        id=make_id("schedule", number, part),
                        service_id=service["id"],
                        freq=freq,
                        interval=1,
                        byday=byday,
                        wkst="MO",
                        opens_at=dt.time(opens),
                        closes_at=dt.time(closes),
                        dtstart=today - dt.timedelta(days=400),
                    )
                )
            if rng.random() < 0.1:
                rows[CostOption].append(
                    dict(
                        id=make_id("cost", number),
                        service_id=service["id"],
                        currency="GBP",
                        amount=rng.choice([2, 5, 10]),
                        option="A small charge",
                    )
                )
        for model, objects in rows.items():
            if objects:
                insert_rows(model, objects, now)
                run.count(str(model._meta.verbose_name_plural), len(objects))
