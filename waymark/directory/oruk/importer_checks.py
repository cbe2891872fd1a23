"""Checking one incoming service record before anything is written.

``prepare_record`` takes a record as the source gave it and returns it in the ORUK/HSDS 3.0
shape, cleaned (``cleaning.clean_record``), with a list of errors (the record is rejected) and
warnings (a value was dropped, the record is kept):

- an ORUK 1.0 record is first rewritten in the 3.0 shape (``from_oruk_1``), and the names HSDS
  and ORUK give the same thing are both accepted (``fees``/``fees_description`` …);
- it must match the ORUK ``service`` schema, and be consistent within itself: every reference
  it makes to its own objects resolves (a schedule's ``service_id`` is the service's id, an
  attribute's ``link_id`` the object it hangs under), and no id names two kinds of object;
- impossible coordinates, unknown countries and unknown UK postcodes are dropped with a
  warning, never a rejection (the validator's own sample has latitude 100).
"""

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from waymark.directory.oruk.cleaning import CHILD_ENTITIES, clean_record, country_code
from waymark.directory.oruk.importer_sources import ORUK_1_KEYS
from waymark.directory.oruk.schemas import error_path, validator
from waymark.places.postcodes import normalise_postcode


def problem(level, record_id, field, reason):
    return {"level": level, "record": str(record_id or ""), "field": field, "reason": str(reason)}


# --- ORUK 1.0 ------------------------------------------------------------------------------


def _rename(obj, names):
    """``obj`` with keys renamed by ``names`` (old → new), the new name winning if both are given."""
    if not isinstance(obj, dict):
        return obj
    renamed = dict(obj)
    for old, new in names.items():
        if old in renamed:
            value = renamed.pop(old)
            renamed.setdefault(new, value)
    return renamed


def _list(value):
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _schedule_1(schedule):
    return _rename(schedule, {"week_of_month": "byweekno", "day_of_month": "bymonthday"})


def _location_1(location):
    location = _rename(location, {"physical_addresses": "addresses", "accessibility_for_disabilities": "accessibility"})
    location.setdefault("location_type", "physical")
    location["addresses"] = [
        {**address, "address_type": address.get("address_type") or "physical"}
        for address in _list(location.get("addresses"))
    ]
    location["accessibility"] = [
        _rename(item, {"accessibility": "description"}) for item in _list(location.get("accessibility"))
    ]
    return location


def from_oruk_1(record):
    """An ORUK 1.0 service record rewritten in the HSDS 3.0 shape: eligibility and schedules,
    taxonomies as attributes, addresses and accessibility under their 3.0 names."""
    service = dict(record)
    service.setdefault("status", "active")
    eligibilities = _list(service.pop("eligibilitys", None))
    for eligibility in eligibilities:
        for key in ("minimum_age", "maximum_age"):
            if eligibility.get(key) not in (None, "") and key not in service:
                service[key] = eligibility[key]
    texts = [item.get("eligibility") for item in eligibilities if isinstance(item.get("eligibility"), str)]
    if texts and "eligibility_description" not in service:
        service["eligibility_description"] = "; ".join(texts)
    if "fundings" in service:
        service.setdefault("funding", _list(service.pop("fundings")))
    if "regular_schedules" in service:
        service.setdefault("schedules", [_schedule_1(item) for item in _list(service.pop("regular_schedules"))])
    for key in ("holiday_schedules", "reviews"):
        service.pop(key, None)
    service["languages"] = (
        [_rename(item, {"language": "name"}) for item in _list(service.get("languages"))]
        if "languages" in service
        else None
    )
    if service["languages"] is None:
        service.pop("languages")
    attributes = []
    for link in _list(service.pop("service_taxonomys", None)):
        taxonomy = link.get("taxonomy") if isinstance(link.get("taxonomy"), dict) else None
        if taxonomy is None:
            continue
        term = {
            "id": taxonomy.get("id"),
            "name": taxonomy.get("name"),
            "description": taxonomy.get("description") or taxonomy.get("name"),
            "parent_id": taxonomy.get("parent"),
            "taxonomy": taxonomy.get("vocabulary"),
        }
        attributes.append({"id": link.get("id"), "link_id": service.get("id"), "taxonomy_term": term})
    if attributes:
        service["attributes"] = [*_list(service.get("attributes")), *attributes]
    service["service_at_locations"] = [
        {
            **_rename(link, {"regular_schedules": "schedules"}),
            **({"location": _location_1(link["location"])} if isinstance(link.get("location"), dict) else {}),
        }
        for link in _list(service.get("service_at_locations"))
    ]
    organization = service.get("organization")
    if isinstance(organization, dict):
        organization = _rename(organization, {"url": "website"})
        organization.setdefault("description", organization.get("name"))
        service["organization"] = organization
    service["service_areas"] = [_rename(area, {"service_area": "name"}) for area in _list(service.get("service_areas"))]
    return service


# --- HSDS and ORUK names --------------------------------------------------------------------


def accept_both_names(record):
    """``record`` with what ORUK and HSDS name differently filled in under both names."""
    # ORUK's ``fees`` is HSDS's older name for ``fees_description``: a record with only
    # ``fees`` has its description there. (Not the other way round: Waymark keeps the two
    # apart, and its own export gives ``fees`` only when a listing has it.)
    if "fees" in record and "fees_description" not in record:
        record["fees_description"] = record["fees"]
    for area in _list(record.get("service_areas")):
        if "service_area" in area and "name" not in area:
            area["name"] = area["service_area"]
    for location in _locations(record):
        for item in _list(location.get("accessibility")):
            if "accessibility" in item and "description" not in item:
                item["description"] = item["accessibility"]
    for attribute in _all_attributes(record):
        term = attribute.get("taxonomy_term")
        if isinstance(term, dict) and "term" in term and "name" not in term:
            term["name"] = term["term"]
    return record


def _locations(record):
    for link in _list(record.get("service_at_locations")):
        if isinstance(link.get("location"), dict):
            yield link["location"]
    organization = record.get("organization")
    if isinstance(organization, dict):
        yield from _list(organization.get("locations"))


def _all_attributes(obj):
    """Every attribute anywhere in ``obj``."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "attributes":
                yield from _list(value)
            yield from _all_attributes(value)
    elif isinstance(obj, list):
        for item in obj:
            yield from _all_attributes(item)


# --- consistency ----------------------------------------------------------------------------

# For a reference field, the kind of object among the record's own ancestors it must name.
_PARENT_REFERENCES = {
    "service_id": "service",
    "organization_id": "organization",
    "location_id": "location",
    "service_at_location_id": "service_at_location",
    "contact_id": "contact",
    "phone_id": "phone",
}
# Ids and references made UUIDs by cleaning; one left malformed is the schema's to report.
_URL_FIELDS = frozenset({"url", "website", "logo", "uri", "term_uri", "schedule_link"})


def consistency_errors(record):
    """Where ``record`` contradicts itself: (field path, reason) pairs."""
    errors = []
    kinds = {}

    def visit(obj, entity, path, ancestors):
        if not isinstance(obj, dict):
            return
        own_id = obj.get("id")
        if isinstance(own_id, str):
            seen = kinds.setdefault(own_id, entity)
            if seen != entity:
                errors.append(
                    (
                        f"{path}.id" if path else "id",
                        _("The id %(id)s is given to both a %(first)s and a %(second)s.")
                        % {"id": own_id, "first": seen, "second": entity},
                    )
                )
        chain = {**ancestors, entity: own_id}
        for key, kind in _PARENT_REFERENCES.items():
            if key in obj and kind in ancestors and kind != entity and obj[key] != ancestors[kind]:
                # A location nested in a service at location is that link's own location.
                if key == "location_id" and entity == "service_at_location":
                    continue
                errors.append(
                    (
                        f"{path}.{key}" if path else key,
                        _("It names %(kind)s %(value)s, but it is nested under %(kind)s %(parent)s.")
                        % {"kind": kind, "value": obj[key], "parent": ancestors[kind]},
                    )
                )
        if (
            entity == "service_at_location"
            and isinstance(obj.get("location"), dict)
            and "location_id" in obj
            and obj["location_id"] != obj["location"].get("id")
        ):
            errors.append((f"{path}.location_id", _("It does not match the id of the location given with it.")))
        if (
            entity == "service"
            and isinstance(obj.get("organization"), dict)
            and "organization_id" in obj
            and obj["organization_id"] != obj["organization"].get("id")
        ):
            errors.append(("organization_id", _("It does not match the id of the organisation given with it.")))
        if (
            entity == "service"
            and isinstance(obj.get("program"), dict)
            and "program_id" in obj
            and obj["program_id"] != obj["program"].get("id")
        ):
            errors.append(("program_id", _("It does not match the id of the programme given with it.")))
        if entity == "attribute":
            if "link_id" in obj and obj["link_id"] != ancestors.get("_parent_id"):
                errors.append((f"{path}.link_id", _("It does not name the object the attribute is given with.")))
            term = obj.get("taxonomy_term")
            if isinstance(term, dict) and "taxonomy_term_id" in obj and obj["taxonomy_term_id"] != term.get("id"):
                errors.append(
                    (f"{path}.taxonomy_term_id", _("It does not match the id of the taxonomy term given with it."))
                )
            if not isinstance(term, dict) and "taxonomy_term_id" not in obj:
                errors.append((f"{path}.taxonomy_term", _("An attribute needs its taxonomy term.")))
        if (
            entity == "taxonomy_term"
            and isinstance(obj.get("taxonomy_detail"), dict)
            and "taxonomy_id" in obj
            and obj["taxonomy_id"] != obj["taxonomy_detail"].get("id")
        ):
            errors.append((f"{path}.taxonomy_id", _("It does not match the id of the taxonomy given with it.")))
        for key, value in obj.items():
            child = CHILD_ENTITIES.get(key)
            if child is None:
                continue
            child_ancestors = {**chain, "_parent_id": own_id}
            if isinstance(value, dict):
                visit(value, child, f"{path}.{key}" if path else key, child_ancestors)
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    visit(item, child, f"{path}.{key}[{index}]" if path else f"{key}[{index}]", child_ancestors)

    visit(record, "service", "", {})
    return errors


def _schema_reason(error):
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return _("This is needed: %(field)s.") % {"field": missing}
    if error.validator == "format":
        return _("Not a valid %(format)s: %(value)s.") % {"format": error.validator_value, "value": error.instance}
    if error.validator == "enum":
        return _("Not one of %(allowed)s: %(value)s.") % {
            "allowed": ", ".join(str(item) for item in error.validator_value),
            "value": error.instance,
        }
    if error.validator == "type":
        return _("Should be a %(type)s, not %(value)r.") % {"type": error.validator_value, "value": error.instance}
    return error.message


def _schema_field(error):
    path = error_path(error)
    if error.validator == "required" and "'" in error.message:
        missing = error.message.split("'")[1]
        return missing if path == "(record)" else f"{path}.{missing}"
    return path


# --- values dropped with a warning -----------------------------------------------------------


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def drop_impossible_values(record, known_outcodes):
    """Drop what cannot be true from ``record`` (in place); return (field path, reason) warnings:
    coordinates off the globe (or one without the other), countries that are not ISO 3166
    codes, UK postcodes that are malformed or in no district we know, e-mail addresses and web
    addresses that are not ones."""
    warnings = []
    for path, location in _location_paths(record):
        latitude, longitude = _number(location.get("latitude")), _number(location.get("longitude"))
        given = "latitude" in location or "longitude" in location
        possible = latitude is not None and longitude is not None and -90 <= latitude <= 90 and -180 <= longitude <= 180
        if given and not possible:
            warnings.append(
                (
                    f"{path}.latitude",
                    _("Impossible coordinates (%(latitude)s, %(longitude)s) left out.")
                    % {"latitude": location.get("latitude"), "longitude": location.get("longitude")},
                )
            )
            location.pop("latitude", None)
            location.pop("longitude", None)
        for index, address in enumerate(_list(location.get("addresses"))):
            where = f"{path}.addresses[{index}]"
            # On a UK map an address of no known country is read, and stored, as a UK one: the
            # postcode is checked as a UK postcode, and the address keeps the country that
            # Open Referral requires of it.
            country = address.get("country") or None
            code = country_code(country) if country is not None else "GB"
            if country is not None and code is None:
                warnings.append(
                    (
                        f"{where}.country",
                        _("Unknown country %(value)s left out; the address is taken to be in the UK.")
                        % {"value": country},
                    )
                )
                code = "GB"
            address["country"] = code
            postcode = address.get("postal_code")
            if code == "GB" and isinstance(postcode, str) and postcode:
                normal = normalise_postcode(postcode)
                if normal is None or normal.split(" ")[0] not in known_outcodes:
                    warnings.append(
                        (f"{where}.postal_code", _("Unknown postcode %(value)s left out.") % {"value": postcode})
                    )
                    # Kept empty: Open Referral requires the field, and it is published as "".
                    address["postal_code"] = ""
                else:
                    address["postal_code"] = normal
    return warnings


def _location_paths(record):
    for index, link in enumerate(_list(record.get("service_at_locations"))):
        if isinstance(link.get("location"), dict):
            yield f"service_at_locations[{index}].location", link["location"]
    organization = record.get("organization")
    if isinstance(organization, dict):
        for index, location in enumerate(_list(organization.get("locations"))):
            yield f"organization.locations[{index}]", location


def format_warnings(record):
    """E-mail and web addresses that are not ones, anywhere in ``record``: left out (in place),
    with a warning each. (The schema's own e-mail check only looks for an @.)"""
    warnings = []
    check_url = URLValidator(schemes=["http", "https"])
    check_email = EmailValidator()

    def visit(obj, path):
        if isinstance(obj, dict):
            for key in list(obj):
                value = obj[key]
                where = f"{path}.{key}" if path else key
                if key in _URL_FIELDS and isinstance(value, str):
                    try:
                        check_url(value)
                    except ValidationError:
                        warnings.append((where, _("Not a web address: %(value)s; left out.") % {"value": value}))
                        del obj[key]
                elif key in ("email", "assurer_email") and isinstance(value, str):
                    try:
                        check_email(value)
                    except ValidationError:
                        warnings.append((where, _("Not an e-mail address: %(value)s; left out.") % {"value": value}))
                        del obj[key]
                else:
                    visit(value, where)
        elif isinstance(obj, list):
            for index, item in enumerate(obj):
                visit(item, f"{path}[{index}]")

    visit(record, "")
    return warnings


def prepare_record(raw, *, source_key, known_outcodes):
    """Check one incoming record. Returns (record, original_id, originals, errors, warnings):
    the cleaned record in the 3.0 shape, the record's own id as the source gave it, the made
    UUIDs' originals, and problems (dicts with level, record, field, reason)."""
    original_id = raw.get("id") if isinstance(raw, dict) else None
    original_id = str(original_id) if original_id not in (None, "") else ""
    if not isinstance(raw, dict):
        return None, original_id, {}, [problem("error", "", "(record)", _("A record must be a JSON object."))], []
    if ORUK_1_KEYS & set(raw):
        raw = from_oruk_1(raw)
    record, originals = clean_record(raw, source_key)
    record = accept_both_names(record)
    errors = []
    for error in sorted(validator("service").iter_errors(record), key=lambda e: list(e.absolute_path)):
        errors.append(problem("error", original_id, _schema_field(error), _schema_reason(error)))
    if not errors:
        errors += [problem("error", original_id, field, reason) for field, reason in consistency_errors(record)]
    if not errors and "organization" not in record and "organization_id" not in record:
        errors.append(
            problem("error", original_id, "organization", _("A service needs the organisation that runs it."))
        )
    warnings = []
    if not errors:
        warnings += [problem("warning", original_id, f, r) for f, r in drop_impossible_values(record, known_outcodes)]
        warnings += [problem("warning", original_id, f, r) for f, r in format_warnings(record)]
    return record, original_id, originals, errors, warnings
