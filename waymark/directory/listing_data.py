"""A listing as plain data: the one shape that change requests, registrations and forms share.

A service, an organisation or a location is read into a JSON-able dict (``service_data``,
``organization_data``, ``location_data``) and written back from one (``apply_service_data``,
``apply_organization_data``, ``apply_location_data``). Change requests store only the keys that
change (``ChangeRequest.proposed``) with their values before (``previous``); registrations
store whole services. Writing validates with the same rules as the edit forms and raises
``ValidationError`` keyed by the data's own keys, before anything is written.

The values are canonical (lists in a fixed order, opening times grouped by hours), so that
comparing the data of a listing with a proposal shows only what really changes.
"""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from waymark.directory.models import (
    NEED_LINK_TYPE,
    NEEDS_TAXONOMY_NAME,
    Address,
    Attribute,
    Language,
    Location,
    LocationType,
    Organization,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from waymark.directory.opening import WEEKDAY_CODES, WEEKDAY_NAMES
from waymark.places.models import Area
from waymark.places.postcodes import locate, normalise_postcode

# Languages a service may say it speaks: (ISO 639 code, English name, as HSDS stores it). The
# interface languages first, then others spoken by people the networks serve.
SPOKEN_LANGUAGES = [
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("prs", _("Dari")),
    ("ps", _("Pashto")),
    ("ckb", _("Kurdish (Sorani)")),
    ("kmr", _("Kurdish (Kurmanji)")),
    ("ti", _("Tigrinya")),
    ("am", _("Amharic")),
    ("om", _("Oromo")),
    ("so", _("Somali")),
    ("ur", _("Urdu")),
    ("pa", _("Punjabi")),
    ("bn", _("Bengali")),
    ("hi", _("Hindi")),
    ("fr", _("French")),
    ("pt", _("Portuguese")),
    ("es", _("Spanish")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("sq", _("Albanian")),
    ("tr", _("Turkish")),
    ("vi", _("Vietnamese")),
    ("zh", _("Chinese")),
    ("ln", _("Lingala")),
    ("sw", _("Swahili")),
    ("ha", _("Hausa")),
    ("yo", _("Yoruba")),
    ("ig", _("Igbo")),
    ("ro", _("Romanian")),
    ("pl", _("Polish")),
]
SPOKEN_LANGUAGE_CODES = [code for code, _name in SPOKEN_LANGUAGES]

# The keys of each shape, in the order forms and the review page show them.
SERVICE_KEYS = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "phone",
    "application_process",
    "free",
    "fees_description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "for",
    "gender",
    "for_families",
    "for_lgbt",
    "access",
    "accepts_waymark_referrals",
    "interpreters_available",
    "languages",
    "needs",
    "advice_regulator",
    "advice_registration_number",
    "advice_oisc_level",
    "documents",
    "location",
    "opening_times",
    "opening_times_note",
)
ORGANIZATION_KEYS = (
    "name",
    "alternate_name",
    "description",
    "email",
    "website",
    "phone",
    "data_sharing_with_authorities",
)
LOCATION_KEYS = (
    "name",
    "description",
    "transportation",
    "address_1",
    "address_2",
    "city",
    "county",
    "postal_code",
    "address_hidden",
    "area",
)

# Readable names of the keys, for forms' labels and the review page.
LABELS = {
    "name": _("Name"),
    "alternate_name": _("Other name"),
    "description": _("Description"),
    "url": _("Web page"),
    "website": _("Website"),
    "email": _("E-mail address"),
    "phone": _("Phone number"),
    "application_process": _("How to get it"),
    "free": _("Free"),
    "fees_description": _("Cost"),
    "eligibility_description": _("Who it is for"),
    "minimum_age": _("Minimum age"),
    "maximum_age": _("Maximum age"),
    "for": _("Immigration situation"),
    "gender": _("Gender"),
    "for_families": _("For families"),
    "for_lgbt": _("For LGBT+ people"),
    "access": _("How to access it"),
    "accepts_waymark_referrals": _("Accepts referrals through Waymark"),
    "interpreters_available": _("Interpreters available"),
    "languages": _("Languages spoken"),
    "needs": _("Needs"),
    "advice_regulator": _("Immigration advice regulator"),
    "advice_registration_number": _("Registration number"),
    "advice_oisc_level": _("OISC level"),
    "documents": _("Documents to bring"),
    "location": _("Location"),
    "opening_times": _("Opening times"),
    "opening_times_note": _("About the opening times"),
    "data_sharing_with_authorities": _("Sharing personal data with the authorities"),
    "transportation": _("Getting there"),
    "address_1": _("Address line 1"),
    "address_2": _("Address line 2"),
    "city": _("Town or city"),
    "county": _("County"),
    "postal_code": _("Postcode"),
    "address_hidden": _("Hide the address"),
    "area": _("Area"),
}

FREE_TEXT = "Free"
_TEXT_LIMITS = {"name": 255, "alternate_name": 255, "advice_registration_number": 50, "phone": 50}


# --- canonical values ----------------------------------------------------------------------


def _time_text(value):
    return value.strftime("%H:%M") if value else ""


def _parse_time(text):
    """A "HH:MM" string as a time, or None when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        return dt.datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError:
        return None


def canonical_opening_times(entries):
    """Opening times grouped by hours: the days with the same opening and closing times in one
    entry, days in week order, entries by their first day then opening time. Assumes valid
    entries (see ``_clean_opening_times``)."""
    by_hours = {}
    for entry in entries:
        hours = (entry["opens_at"], entry["closes_at"])
        by_hours.setdefault(hours, set()).update(entry["days"])
    grouped = [
        {"days": [day for day in WEEKDAY_CODES if day in days], "opens_at": opens, "closes_at": closes}
        for (opens, closes), days in by_hours.items()
    ]
    return sorted(grouped, key=lambda entry: (WEEKDAY_CODES.index(entry["days"][0]), entry["opens_at"]))


def _simple_weekly(schedule):
    """True if the schedule is "every week on these days, at these hours": the kind the shape holds."""
    days = [day.strip() for day in schedule.byday.split(",") if day.strip()]
    return (
        schedule.freq == Schedule.Frequency.WEEKLY
        and schedule.interval in (None, 1)
        and days
        and all(day in WEEKDAY_CODES for day in days)
        and schedule.opens_at is not None
        and schedule.closes_at is not None
        and not schedule.bymonthday
        and not schedule.byweekno
        and not schedule.byyearday
        and schedule.count is None
        and schedule.until is None
        and schedule.valid_to is None
    )


def describe_opening_time(entry):
    """ "Monday, Wednesday 10:00–13:00" for one entry of opening times (in the active language)."""
    names = ", ".join(str(WEEKDAY_NAMES[WEEKDAY_CODES.index(day)]) for day in entry["days"])
    return f"{names} {entry['opens_at']}–{entry['closes_at']}"


def language_name(code):
    return dict(SPOKEN_LANGUAGES).get(code, code)


# --- services -------------------------------------------------------------------------------


def service_data(service):
    """The service as plain data (see the module docstring). A new, unsaved service gives the
    empty shape."""
    data = {
        "name": service.name,
        "alternate_name": service.alternate_name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "phone": "",
        "application_process": service.application_process,
        "free": _is_free_text(service.fees_description),
        "fees_description": "" if _is_free_text(service.fees_description) else service.fees_description,
        "eligibility_description": service.eligibility_description,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "for": service.immigration_situations,
        "gender": service.gender,
        "for_families": service.for_families,
        "for_lgbt": service.for_lgbt,
        "access": service.access_methods,
        "accepts_waymark_referrals": service.accepts_waymark_referrals,
        "interpreters_available": service.interpreters_available,
        "languages": [],
        "needs": [],
        "advice_regulator": service.advice_regulator,
        "advice_registration_number": service.advice_registration_number,
        "advice_oisc_level": service.advice_oisc_level,
        "documents": [],
        "location": "",
        "opening_times": [],
        "opening_times_note": "",
    }
    if service._state.adding:
        return data
    phone = service.phones.order_by("created_at").first()
    data["phone"] = phone.number if phone else ""
    codes = set(service.languages.values_list("code", flat=True))
    data["languages"] = [code for code in SPOKEN_LANGUAGE_CODES if code in codes]
    data["needs"] = sorted(service.needs().values_list("slug", flat=True))
    data["documents"] = [
        document for document in service.required_documents.order_by("created_at").values_list("document", flat=True)
    ]
    link = service.service_at_locations.order_by("created_at").first()
    data["location"] = str(link.location_id) if link else ""
    schedules = [schedule for schedule in service.schedules.order_by("created_at") if _simple_weekly(schedule)]
    data["opening_times"] = canonical_opening_times(
        {
            "days": [day.strip() for day in schedule.byday.split(",") if day.strip()],
            "opens_at": _time_text(schedule.opens_at),
            "closes_at": _time_text(schedule.closes_at),
        }
        for schedule in schedules
    )
    notes = [schedule.description for schedule in schedules if schedule.description]
    data["opening_times_note"] = notes[0] if notes else ""
    return data


def _is_free_text(text):
    return text.strip().rstrip(".").strip().lower() == FREE_TEXT.lower()


def _text(value, key, errors, *, required=False, limit=None):
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = _("Enter text.")
        return ""
    value = value.strip()
    if required and not value:
        errors[key] = _("This is needed.")
    limit = limit or _TEXT_LIMITS.get(key)
    if limit and len(value) > limit:
        errors[key] = _("Keep it to %(limit)d characters.") % {"limit": limit}
    return value


def _bool(value, key, errors):
    if not isinstance(value, bool):
        errors[key] = _("Answer yes or no.")
        return False
    return value


def _choices(value, key, errors, allowed):
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        errors[key] = _("Choose from the list.")
        return []
    unknown = [item for item in value if item not in allowed]
    if unknown:
        errors[key] = _("Not in the list: %(values)s.") % {"values": ", ".join(unknown)}
        return []
    return [item for item in allowed if item in value]


def _age(value, key, errors):
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 120:
        errors[key] = _("Enter an age from 0 to 120.")
        return None
    return value


def _url(value, key, errors):
    value = _text(value, key, errors, limit=500)
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            errors[key] = _("Enter a web address starting with https:// or http://.")
    return value


def _email(value, key, errors):
    value = _text(value, key, errors, limit=254)
    if value:
        try:
            EmailValidator()(value)
        except ValidationError:
            errors[key] = _("Enter an e-mail address like name@example.org.")
    return value


def _clean_opening_times(value, errors):
    if not isinstance(value, (list, tuple)):
        errors["opening_times"] = _("Give the opening times as a list.")
        return []
    entries = []
    for entry in value:
        if not isinstance(entry, dict) or set(entry) - {"days", "opens_at", "closes_at"}:
            errors["opening_times"] = _("Each opening needs days, an opening time and a closing time.")
            return []
        days = entry.get("days")
        if not isinstance(days, (list, tuple)) or not days or any(day not in WEEKDAY_CODES for day in days):
            errors["opening_times"] = _("Choose the days from Monday to Sunday.")
            return []
        opens, closes = _parse_time(entry.get("opens_at")), _parse_time(entry.get("closes_at"))
        if opens is None or closes is None:
            errors["opening_times"] = _("Write times as HH:MM, for example 09:30.")
            return []
        if opens >= closes:
            errors["opening_times"] = _("Each opening must close after it opens.")
            return []
        entries.append({"days": list(days), "opens_at": _time_text(opens), "closes_at": _time_text(closes)})
    entries = canonical_opening_times(entries)
    # Two openings on the same day must not overlap.
    by_day = {}
    for entry in entries:
        for day in entry["days"]:
            by_day.setdefault(day, []).append((entry["opens_at"], entry["closes_at"]))
    for sessions in by_day.values():
        sessions.sort()
        if any(later[0] < earlier[1] for earlier, later in zip(sessions, sessions[1:], strict=False)):
            errors["opening_times"] = _("Two openings on the same day overlap.")
            return []
    return entries


def clean_service_data(data, *, organization, current=None, strict=False):
    """``data`` checked and made canonical, over ``current`` (the shape to start from; the
    empty shape when None): keys missing from ``data`` keep their current value. Raises
    ValidationError keyed by the shape's keys; returns (data, needs terms).

    A problem the listing already had, in a key ``data`` does not give, is not raised unless
    ``strict`` (see ``_raise_new_errors``)."""
    merged = dict(current or service_data(Service(organization=organization)))
    unknown = set(data) - set(SERVICE_KEYS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    merged.update(data)
    errors = {}
    clean = {}
    clean["name"] = _text(merged["name"], "name", errors, required=True)
    for key in (
        "alternate_name",
        "description",
        "application_process",
        "fees_description",
        "eligibility_description",
        "advice_registration_number",
        "opening_times_note",
        "phone",
    ):
        clean[key] = _text(merged[key], key, errors)
    clean["url"] = _url(merged["url"], "url", errors)
    clean["email"] = _email(merged["email"], "email", errors)
    for key in ("free", "for_families", "for_lgbt", "accepts_waymark_referrals", "interpreters_available"):
        clean[key] = _bool(merged[key], key, errors)
    if clean["free"]:
        clean["fees_description"] = ""
    elif not clean["fees_description"] and "fees_description" not in errors and "free" not in errors:
        errors["fees_description"] = _("Say what it costs, or tick that it is free.")
    clean["minimum_age"] = _age(merged["minimum_age"], "minimum_age", errors)
    clean["maximum_age"] = _age(merged["maximum_age"], "maximum_age", errors)
    ages = (clean["minimum_age"], clean["maximum_age"])
    if None not in ages and ages[0] > ages[1]:
        errors["maximum_age"] = _("The minimum age must not be above the maximum age.")
    clean["for"] = _choices(merged["for"], "for", errors, Service.ImmigrationSituation.values)
    clean["access"] = _choices(merged["access"], "access", errors, Service.AccessMethod.values)
    clean["languages"] = _choices(merged["languages"], "languages", errors, SPOKEN_LANGUAGE_CODES)
    gender = merged["gender"] or Service.Gender.ANY
    if gender not in Service.Gender.values:
        errors["gender"] = _("Choose from the list.")
    clean["gender"] = gender

    clean["needs"] = []
    terms = []
    needs = merged["needs"]
    if not isinstance(needs, (list, tuple)) or not all(isinstance(slug, str) for slug in needs):
        errors["needs"] = _("Choose from the list.")
    else:
        terms = list(TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME, slug__in=set(needs)))
        known = {term.slug for term in terms}
        unknown_needs = sorted(set(needs) - known)
        if unknown_needs:
            errors["needs"] = _("Not in the list: %(values)s.") % {"values": ", ".join(unknown_needs)}
        clean["needs"] = sorted(known)

    regulator = merged["advice_regulator"] or ""
    if regulator not in Service.Regulator.values and regulator != "":
        errors["advice_regulator"] = _("Choose from the list.")
    clean["advice_regulator"] = regulator
    level = merged["advice_oisc_level"]
    if level in ("", None):
        level = None
    elif isinstance(level, bool) or level not in (1, 2, 3):
        errors["advice_oisc_level"] = _("Choose level 1, 2 or 3.")
        level = None
    clean["advice_oisc_level"] = level
    # The same rules as Service.clean, on the needs about to be given.
    if level is not None and regulator != Service.Regulator.OISC:
        errors["advice_oisc_level"] = _("An OISC level needs the OISC as regulator.")
    if regulator == Service.Regulator.OISC and level is None and "advice_oisc_level" not in errors:
        errors["advice_oisc_level"] = _("Give the OISC level (1, 2 or 3).")
    if terms and Service(organization=organization).offers_immigration_advice(terms) and not regulator:
        errors["advice_regulator"] = _("Immigration advice must be regulated: give the adviser's regulator.")

    documents = merged["documents"]
    if not isinstance(documents, (list, tuple)) or not all(isinstance(item, str) for item in documents):
        errors["documents"] = _("Give the documents as a list.")
        documents = []
    clean["documents"] = [item.strip() for item in documents if item.strip()]

    location = merged["location"] or ""
    if location and (
        not isinstance(location, str)
        or not Location.objects.filter(id=_uuid_or_none(location), organization=organization).exists()
    ):
        errors["location"] = _("Choose one of your organisation's locations.")
    clean["location"] = str(location)
    clean["opening_times"] = _clean_opening_times(merged["opening_times"], errors)
    _raise_new_errors(
        errors,
        data,
        clean,
        None if strict else current,
        lambda: clean_service_data({}, organization=organization, current=current, strict=True),
    )
    return {key: clean[key] for key in SERVICE_KEYS}, terms


def _raise_new_errors(errors, data, clean, current, recheck):
    """Raise ``errors`` as a ValidationError, leaving out the listing's own old problems.

    A listing imported or made before these rules (a cost left empty, a location without a
    street) must still take a change to something else: an error on a key that ``data`` does
    not give, and that the ``current`` data alone has too (``recheck`` validates it), is left
    out and its current value kept. The forms give every key, so people still see and fix
    old problems there; a change request holding a few keys is not blocked by them.
    """
    if errors and current is not None:
        try:
            recheck()
            old = {}
        except ValidationError as error:
            old = error.message_dict if hasattr(error, "error_dict") else {}
        inherited = [key for key, message in errors.items() if key not in data and old.get(key) == [str(message)]]
        for key in inherited:
            del errors[key]
            clean[key] = current[key]
    if errors:
        raise ValidationError(errors)


def _uuid_or_none(text):
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


@transaction.atomic
def apply_service_data(service, data, *, organization):
    """Write ``data`` onto ``service`` (new or existing) and its children; return the service.

    Keys missing from ``data`` keep the service's current values. Validates first (raising
    ValidationError, nothing written), then saves the service, replaces its phone, languages,
    needs, simple weekly opening times, documents and location link, and rebuilds its search
    text. Opening times the shape cannot hold (monthly, fortnightly, dated) are left alone.
    Sets ``last_modified``; the caller writes the audit event.
    """
    current = service_data(service)
    clean, terms = clean_service_data(data, organization=organization, current=current)
    service.organization = organization
    for key in (
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "application_process",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "gender",
        "for_families",
        "for_lgbt",
        "accepts_waymark_referrals",
        "interpreters_available",
        "advice_regulator",
        "advice_registration_number",
        "advice_oisc_level",
    ):
        setattr(service, key, clean[key])
    service.fees_description = FREE_TEXT if clean["free"] else clean["fees_description"]
    for value in Service.ImmigrationSituation.values:
        setattr(service, f"for_{value}", value in clean["for"])
    for value in Service.AccessMethod.values:
        setattr(service, f"access_{value}", value in clean["access"])
    if clean["advice_regulator"]:
        service.regulator_not_confirmed = False
    service.last_modified = timezone.now()
    adding = service._state.adding
    service.save()

    if adding or clean["phone"] != current["phone"]:
        _replace_phone(service, clean["phone"])
    if adding or clean["languages"] != current["languages"]:
        service.languages.all().delete()
        with override("en"):
            Language.objects.bulk_create(
                Language(service=service, code=code, name=str(language_name(code))) for code in clean["languages"]
            )
    if adding or clean["needs"] != current["needs"]:
        Attribute.objects.filter(link_entity=service.hsds_entity, link_id=service.id, link_type=NEED_LINK_TYPE).delete()
        Attribute.objects.bulk_create(
            Attribute(taxonomy_term=term, link_entity=service.hsds_entity, link_id=service.id, link_type=NEED_LINK_TYPE)
            for term in terms
        )
    if adding or clean["documents"] != current["documents"]:
        service.required_documents.all().delete()
        RequiredDocument.objects.bulk_create(
            RequiredDocument(service=service, document=document) for document in clean["documents"]
        )
    if adding or clean["location"] != current["location"]:
        service.service_at_locations.exclude(location_id=clean["location"] or None).delete()
        if clean["location"]:
            ServiceAtLocation.objects.get_or_create(service=service, location_id=clean["location"])
    if (
        adding
        or clean["opening_times"] != current["opening_times"]
        or clean["opening_times_note"] != current["opening_times_note"]
    ):
        Schedule.objects.filter(id__in=[s.id for s in service.schedules.all() if _simple_weekly(s)]).delete()
        Schedule.objects.bulk_create(
            Schedule(
                service=service,
                freq=Schedule.Frequency.WEEKLY,
                interval=1,
                wkst="MO",
                byday=",".join(entry["days"]),
                opens_at=_parse_time(entry["opens_at"]),
                closes_at=_parse_time(entry["closes_at"]),
                description=clean["opening_times_note"],
            )
            for entry in clean["opening_times"]
        )
    service.build_search_text()
    service.save(update_fields=[*Service.SEARCH_FIELDS, "updated_at"])
    return service


def _replace_phone(owner, number, field="service"):
    """Make ``number`` the owner's one phone (the shape holds one); "" removes it. A phone row
    shared with another owner (HSDS allows one row for several) is never changed or deleted
    here: this owner only lets go of it."""
    phones = list(owner.phones.order_by("created_at"))
    keep = None
    if number and phones and not _shared(phones[0], field):
        keep = phones.pop(0)
        if keep.number != number:
            keep.number = number
            keep.save(update_fields=["number", "updated_at"])
    elif number and not any(phone.number == number for phone in phones):
        Phone.objects.create(number=number, type=Phone.Type.VOICE, **{field: owner})
    elif number:
        keep = next(phone for phone in phones if phone.number == number)
        phones.remove(keep)
    for phone in phones:
        if _shared(phone, field):
            setattr(phone, field, None)
            phone.save(update_fields=[field, "updated_at"])
        else:
            phone.delete()


PHONE_OWNERS = ("location", "service", "organization", "contact", "service_at_location")


def _shared(phone, field):
    return any(getattr(phone, f"{name}_id") for name in PHONE_OWNERS if name != field)


# --- organisations --------------------------------------------------------------------------


def organization_data(organization):
    phone = None if organization._state.adding else organization.phones.order_by("created_at").first()
    return {
        "name": organization.name,
        "alternate_name": organization.alternate_name,
        "description": organization.description,
        "email": organization.email,
        "website": organization.website,
        "phone": phone.number if phone else "",
        "data_sharing_with_authorities": organization.data_sharing_with_authorities,
    }


def clean_organization_data(data, *, current, strict=False):
    unknown = set(data) - set(ORGANIZATION_KEYS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    merged = {**current, **data}
    errors = {}
    clean = {
        "name": _text(merged["name"], "name", errors, required=True),
        "alternate_name": _text(merged["alternate_name"], "alternate_name", errors),
        "description": _text(merged["description"], "description", errors, required=True),
        "email": _email(merged["email"], "email", errors),
        "website": _url(merged["website"], "website", errors),
        "phone": _text(merged["phone"], "phone", errors),
        "data_sharing_with_authorities": merged["data_sharing_with_authorities"] or Organization.DataSharing.UNKNOWN,
    }
    if clean["data_sharing_with_authorities"] not in Organization.DataSharing.values:
        errors["data_sharing_with_authorities"] = _("Choose from the list.")
    _raise_new_errors(
        errors,
        data,
        clean,
        None if strict else current,
        lambda: clean_organization_data({}, current=current, strict=True),
    )
    return clean


@transaction.atomic
def apply_organization_data(organization, data):
    """Write ``data`` onto ``organization`` (new or existing) and its phone; return it. Keys
    missing from ``data`` keep their current values. The search text of its services (which
    holds the organisation's names) is rebuilt when a name changes."""
    current = organization_data(organization)
    clean = clean_organization_data(data, current=current)
    adding = organization._state.adding
    for key in ("name", "alternate_name", "description", "email", "website", "data_sharing_with_authorities"):
        setattr(organization, key, clean[key])
    organization.save()
    if adding or clean["phone"] != current["phone"]:
        _replace_phone(organization, clean["phone"], field="organization")
    if not adding and (clean["name"], clean["alternate_name"]) != (current["name"], current["alternate_name"]):
        for service in organization.services.select_related("organization"):
            service.organization = organization
            service.build_search_text()
            service.last_modified = timezone.now()
            service.save(update_fields=[*Service.SEARCH_FIELDS, "last_modified", "updated_at"])
    return organization


# --- locations ------------------------------------------------------------------------------


def location_data(location):
    address = None if location._state.adding else location.addresses.order_by("created_at").first()
    return {
        "name": location.name,
        "description": location.description,
        "transportation": location.transportation,
        "address_1": address.address_1 if address else "",
        "address_2": address.address_2 if address else "",
        "city": address.city if address else "",
        "county": address.state_province if address else "",
        "postal_code": address.postal_code if address else "",
        "address_hidden": location.address_hidden,
        "area": location.area.slug if location.area_id else "",
    }


def clean_location_data(data, *, current, strict=False):
    unknown = set(data) - set(LOCATION_KEYS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    merged = {**current, **data}
    errors = {}
    clean = {
        "name": _text(merged["name"], "name", errors, required=True),
        "description": _text(merged["description"], "description", errors),
        "transportation": _text(merged["transportation"], "transportation", errors),
        "address_1": _text(merged["address_1"], "address_1", errors, required=True, limit=255),
        "address_2": _text(merged["address_2"], "address_2", errors, limit=255),
        "city": _text(merged["city"], "city", errors, required=True, limit=255),
        "county": _text(merged["county"], "county", errors, limit=255),
        "postal_code": "",
        "address_hidden": _bool(merged["address_hidden"], "address_hidden", errors),
        "area": merged["area"] or "",
    }
    postcode = normalise_postcode(merged["postal_code"]) if isinstance(merged["postal_code"], str) else None
    if postcode is None:
        errors["postal_code"] = _("Enter a full postcode, like BL1 1AA.")
    elif not locate(postcode):
        errors["postal_code"] = _("We don't know this postcode.")
    else:
        clean["postal_code"] = postcode
    if clean["area"] and not Area.objects.filter(slug=clean["area"]).exists():
        errors["area"] = _("Choose from the list.")
    if clean["address_hidden"] and not clean["area"]:
        errors["area"] = _("A location with a hidden address must show its area.")
    _raise_new_errors(
        errors, data, clean, None if strict else current, lambda: clean_location_data({}, current=current, strict=True)
    )
    return clean


@transaction.atomic
def apply_location_data(location, data, *, organization):
    """Write ``data`` onto ``location`` (new or existing) and its physical address; return it.

    Its coordinates come from the postcode (our own postcode tables, never a third party).
    """
    current = location_data(location)
    clean = clean_location_data(data, current=current)
    place = locate(clean["postal_code"])
    location.organization = organization
    location.location_type = location.location_type or LocationType.PHYSICAL
    location.name = clean["name"]
    location.description = clean["description"]
    location.transportation = clean["transportation"]
    location.address_hidden = clean["address_hidden"]
    location.area = Area.objects.get(slug=clean["area"]) if clean["area"] else None
    if place:
        location.latitude = round(place.latitude, 6)
        location.longitude = round(place.longitude, 6)
    location.save()
    address = location.addresses.order_by("created_at").first()
    # A place without a street (online, say) made before these rules stays without one.
    if address is not None or clean["address_1"]:
        address = address or Address(location=location, address_type=LocationType.PHYSICAL)
        address.address_1 = clean["address_1"]
        address.address_2 = clean["address_2"]
        address.city = clean["city"]
        address.state_province = clean["county"]
        address.postal_code = clean["postal_code"]
        address.save()
    # Services given here change with it ("last modified" is of the service and what it holds).
    Service.objects.filter(service_at_locations__location=location).update(last_modified=timezone.now())
    return location
