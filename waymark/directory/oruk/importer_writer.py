"""Writing one checked service record onto the map's HSDS tables.

``RecordWriter.write(record)`` turns the nested record into rows (one per object, however many
parents it is nested under: the HSDS example gives one phone under the service, its contact,
its location and its organisation, which is one ``Phone`` row linked to all four), converts
each value to its model field (a value that does not fit is dropped with a warning), and
writes them: new rows in one ``bulk_create`` per table (or, for a new service written in bulk,
held in ``PendingRows`` and inserted with the rest of its chunk's by ``insert_rows``), existing
ones updated, and the collections the record gives (its schedules, its phones …) pruned of rows
it no longer has. ``rebuild_search_fields`` gives many services their search fields at once.

What the writer may change: the service and everything nested in it; its organisation,
locations and taxonomy terms only when they are new or came from this same source (an
organisation already on the map from elsewhere is linked to, never overwritten). Waymark's own
taxonomies (needs, Waymark service details) are never written; an attribute naming one of
their terms links to it.
"""

import datetime as dt
import decimal
import functools
import uuid
from types import SimpleNamespace

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import URLValidator
from django.db import connections, models, router
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.translation import gettext as _
from django.utils.translation import override

from waymark.directory.listing_data import SPOKEN_LANGUAGES
from waymark.directory.models import (
    NEED_LINK_TYPE,
    NEEDS_TAXONOMY_NAME,
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Metadata,
    Organization,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Synonym,
    Taxonomy,
    TaxonomyTerm,
    Translation,
    Unit,
)
from waymark.directory.oruk import extensions, serialise
from waymark.directory.search_index import facet_tokens
from waymark.lib.text import normalise_search_text

MODELS = {
    "organization": Organization,
    "program": Program,
    "unit": Unit,
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
    "service": Service,
    "location": Location,
    "address": Address,
    "accessibility": Accessibility,
    "service_at_location": ServiceAtLocation,
    "contact": Contact,
    "phone": Phone,
    "language": Language,
    "schedule": Schedule,
    "service_area": ServiceArea,
    "cost_option": CostOption,
    "required_document": RequiredDocument,
    "funding": Funding,
    "organization_identifier": OrganizationIdentifier,
    "service_capacity": ServiceCapacity,
    "attribute": Attribute,
    "metadata": Metadata,
}
# Written in this order (a row's parents before it).
WRITE_ORDER = tuple(MODELS)


def _own(model, names):
    """Of the names the serialiser publishes for ``model``, those that are the object's own
    values: not its id, nor the links to other objects (written from the nesting)."""
    links = {field.attname for field in model._meta.concrete_fields if field.is_relation}
    return tuple(name for name in names if name != "id" and name not in links)


# The HSDS fields read from a record for each kind: what the API publishes of it (one list,
# serialise.py's, for both ways); the rest are Waymark's or relations.
HSDS_FIELDS = {
    "organization": _own(Organization, serialise.ORGANIZATION_FIELDS),
    # A temporary notice is published only while it applies, so it is not in SERVICE_FIELDS.
    "service": (*_own(Service, serialise.SERVICE_FIELDS), "alert"),
    "location": _own(Location, serialise.LOCATION_FIELDS),
    "taxonomy_term": _own(TaxonomyTerm, serialise.TAXONOMY_TERM_FIELDS),
    "attribute": ("link_type", "value"),
}

# The kinds whose existing rows this source may only change if it made them.
SHARED_KINDS = ("organization", "location", "taxonomy", "taxonomy_term")
# Foreign keys naming an owner, by the kind of the owner.
OWNER_FIELDS = ("organization", "service", "location", "service_at_location", "contact", "phone")
_CHECK_URL = URLValidator(schemes=["http", "https"])


def _model_fields(kind):
    model = MODELS[kind]
    names = HSDS_FIELDS.get(kind)
    fields = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.is_relation or field.name in ("created_at", "updated_at"):
            continue
        if names is not None and field.name not in names:
            continue
        fields[field.name] = field
    return fields


FIELDS = {kind: _model_fields(kind) for kind in MODELS}


class Unfit(Exception):
    """A value that does not fit its field; the message says why."""


def coerce(field, value):
    """``value`` (from JSON) as the value of model ``field``, or Unfit."""
    if isinstance(field, models.BooleanField):
        if isinstance(value, bool):
            return value
        raise Unfit(_("Not true or false."))
    if isinstance(field, (models.CharField, models.TextField)):
        if isinstance(value, (bool, dict, list)):
            raise Unfit(_("Not text."))
        text = str(value).strip() if not isinstance(value, str) else value
        if field.choices:
            by_lower = {str(choice).lower(): choice for choice, _label in field.flatchoices}
            if text.lower() not in by_lower:
                raise Unfit(_("Not one of %(choices)s.") % {"choices": ", ".join(by_lower.values())})
            return by_lower[text.lower()]
        if isinstance(field, models.URLField) and text:
            try:
                _CHECK_URL(text)
            except ValidationError:
                raise Unfit(_("Not a web address.")) from None
        if field.max_length and len(text) > field.max_length:
            raise Unfit(_("Longer than %(limit)d characters.") % {"limit": field.max_length})
        return text
    if isinstance(field, models.IntegerField):
        number = _number(value)
        if number is None or number != int(number):
            raise Unfit(_("Not a whole number."))
        number = int(number)
        low = 0 if isinstance(field, (models.PositiveIntegerField, models.PositiveSmallIntegerField)) else -(2**31)
        high = 32767 if isinstance(field, models.PositiveSmallIntegerField) else 2**31 - 1
        if not low <= number <= high:
            raise Unfit(_("Out of range."))
        return number
    if isinstance(field, models.DecimalField):
        number = _number(value)
        if number is None:
            raise Unfit(_("Not a number."))
        amount = decimal.Decimal(str(value)).quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
        if abs(amount) >= decimal.Decimal(10) ** (field.max_digits - field.decimal_places):
            raise Unfit(_("Out of range."))
        return amount
    if isinstance(field, models.DateTimeField):
        parsed = _datetime(value)
        if parsed is None:
            raise Unfit(_("Not a date and time."))
        return parsed
    if isinstance(field, models.DateField):
        parsed = _date(value)
        if parsed is None:
            raise Unfit(_("Not a date."))
        return parsed
    if isinstance(field, models.TimeField):
        parsed = _time(value)
        if parsed is None:
            raise Unfit(_("Not a time."))
        return parsed
    if isinstance(field, models.UUIDField):
        try:
            return uuid.UUID(str(value))
        except ValueError:
            raise Unfit(_("Not a UUID.")) from None
    return value


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _date(value):
    if not isinstance(value, str):
        return None
    try:
        return parse_date(value[:10])
    except ValueError:
        return None


def _datetime(value):
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value.strip().replace("Z", "+00:00") if value.endswith("Z") else value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        day = _date(value)
        if day is None or len(value.strip()) != 10:
            return None
        parsed = dt.datetime.combine(day, dt.time(12, 0))
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _time(value):
    if not isinstance(value, str):
        return None
    text = value.strip()
    # "10:00:00Z", "10:00:00+01:00": the wall-clock time is what a person reads.
    for marker in ("Z", "+", "-"):
        if marker in text[5:]:
            text = text[: 5 + text[5:].index(marker)]
    try:
        return parse_time(text)
    except ValueError:
        return None


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


class Rows:
    """The rows one record gives, merged by id: {kind: {id: {"values": …, "links": …}}}."""

    def __init__(self):
        self.by_kind = {kind: {} for kind in MODELS}
        # Which collections the record gives for an owner: (owner kind, owner id, child kind).
        self.collections = set()

    def add(self, kind, row_id, values, links):
        rows = self.by_kind[kind]
        if row_id in rows:
            # The same object nested under another parent: one row, linked to both.
            for name, target in links.items():
                rows[row_id]["links"].setdefault(name, target)
            return
        rows[row_id] = {"values": values, "links": dict(links)}


class RecordWriter:
    """Turns one checked record into rows and writes them. ``warnings`` collects (field, reason).

    ``lookups`` is the run's ``Lookups`` (needs, need mappings, terms and known objects,
    cached across records); ``may_change(kind, id)`` says whether an existing shared row
    (organisation, location, term …) may be changed by this source.
    """

    def __init__(self, lookups, *, may_change):
        self.lookups = lookups
        self.may_change = may_change
        self.rows = Rows()
        self.warnings = []
        self.restricted_to_areas = None
        self.need_ids = set()
        # The incoming attribute id of each Waymark need the record names, kept on the link.
        self.need_attribute_ids = {}
        self.service_id = None

    # --- from the record to rows --------------------------------------------------------------

    def _values(self, kind, obj, path):
        values = {}
        for name, field in FIELDS[kind].items():
            if name not in obj:
                continue
            try:
                values[name] = coerce(field, obj[name])
            except Unfit as unfit:
                self.warnings.append((f"{path}.{name}" if path else name, f"{unfit.args[0]} {_('Left out.')}"))
        return values

    def collect(self, record):
        """Fill ``self.rows`` from ``record`` (a cleaned, checked service)."""
        service_id = _uuid(record["id"])
        self.service_id = service_id
        organization = record.get("organization")
        if isinstance(organization, dict):
            organization_id = self._organization(organization, "organization")
        else:
            organization_id = _uuid(record.get("organization_id"))
        values = self._values("service", record, "")
        if "fees_description" not in values and "fees" in values:
            values["fees_description"] = values["fees"]
        if "assured_date" in record:
            checked = _datetime(record["assured_date"]) if isinstance(record["assured_date"], str) else None
            if checked is not None:
                values["verified_at"] = checked
                values["verification_method"] = Service.VerificationMethod.IMPORT
        links = {"organization": organization_id}
        program = record.get("program")
        if isinstance(program, dict):
            links["program"] = self._program(program, organization_id, "program")
        elif _uuid(record.get("program_id")):
            links["program"] = _uuid(record["program_id"])
        extension_fields = {}
        attributes = record.get("attributes") if isinstance(record.get("attributes"), list) else []
        for warning in extensions.apply_waymark_attributes(extension_fields, attributes):
            self.warnings.append(("attributes", warning))
        self.restricted_to_areas = extension_fields.pop("restricted_to_areas", None)
        values.update(extension_fields)
        self.rows.add("service", service_id, values, links)
        owner = ("service", service_id)
        self._children(record, owner, "", organization_id=organization_id)
        for index, link in enumerate(_items(record.get("service_at_locations"))):
            self._service_at_location(link, service_id, organization_id, f"service_at_locations[{index}]")
        self.rows.collections.add(("service", service_id, "service_at_location"))
        return service_id

    def _children(self, obj, owner, path, *, organization_id=None):
        """The collections any owner may carry: phones, schedules, contacts, languages …"""
        owner_kind, owner_id = owner
        prefix = f"{path}." if path else ""
        simple = {
            "service_areas": "service_area",
            "cost_options": "cost_option",
            "required_documents": "required_document",
            "funding": "funding",
            "organization_identifiers": "organization_identifier",
            "addresses": "address",
            "accessibility": "accessibility",
        }
        for key, kind in simple.items():
            if key in obj and isinstance(obj[key], list):
                self.rows.collections.add((owner_kind, owner_id, kind))
                for index, item in enumerate(_items(obj[key])):
                    values = self._values(kind, item, f"{prefix}{key}[{index}]")
                    if kind == "cost_option" and "currency" in item:
                        currency = str(item["currency"]).upper()
                        values["currency"] = currency if len(currency) == 3 else ""
                    if kind == "address" and not values.get("country"):
                        # Read as a UK address, as the checks read it (importer_checks).
                        values["country"] = "GB"
                    self.rows.add(kind, _uuid(item["id"]), values, {owner_kind: owner_id})
        if "schedules" in obj and isinstance(obj["schedules"], list):
            self.rows.collections.add((owner_kind, owner_id, "schedule"))
            for index, item in enumerate(_items(obj["schedules"])):
                values = self._values("schedule", item, f"{prefix}schedules[{index}]")
                valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
                if valid_from and valid_to and valid_from > valid_to:
                    self.warnings.append(
                        (f"{prefix}schedules[{index}].valid_to", _("Ends before it starts; left out."))
                    )
                    values.pop("valid_to")
                self.rows.add("schedule", _uuid(item["id"]), values, {owner_kind: owner_id})
        if "languages" in obj and isinstance(obj["languages"], list):
            self.rows.collections.add((owner_kind, owner_id, "language"))
            for index, item in enumerate(_items(obj["languages"])):
                self.rows.add(
                    "language",
                    _uuid(item["id"]),
                    _language_code(self._values("language", item, f"{prefix}languages[{index}]")),
                    {owner_kind: owner_id},
                )
        if "contacts" in obj and isinstance(obj["contacts"], list):
            self.rows.collections.add((owner_kind, owner_id, "contact"))
            for index, item in enumerate(_items(obj["contacts"])):
                contact_id = _uuid(item["id"])
                where = f"{prefix}contacts[{index}]"
                self.rows.add("contact", contact_id, self._values("contact", item, where), {owner_kind: owner_id})
                self._phones(item, ("contact", contact_id), where)
                self._attributes(item, ("contact", contact_id), where)
        self._phones(obj, owner, path)
        if "capacities" in obj and isinstance(obj["capacities"], list) and owner_kind == "service":
            self.rows.collections.add((owner_kind, owner_id, "service_capacity"))
            for index, item in enumerate(_items(obj["capacities"])):
                unit = item.get("unit")
                unit_id = self._unit(unit) if isinstance(unit, dict) else _uuid(item.get("unit_id"))
                if unit_id is None:
                    continue
                values = self._values("service_capacity", item, f"{prefix}capacities[{index}]")
                if "available" not in values:
                    continue
                self.rows.add("service_capacity", _uuid(item["id"]), values, {"service": owner_id, "unit": unit_id})
        self._attributes(obj, owner, path)

    def _phones(self, obj, owner, path):
        if "phones" not in obj or not isinstance(obj["phones"], list):
            return
        owner_kind, owner_id = owner
        prefix = f"{path}." if path else ""
        self.rows.collections.add((owner_kind, owner_id, "phone"))
        for index, item in enumerate(_items(obj["phones"])):
            phone_id = _uuid(item["id"])
            values = self._values("phone", item, f"{prefix}phones[{index}]")
            # Feeds exported from spreadsheets put quotes round numbers ("\"+44 1234 234567\"").
            if "number" in values:
                values["number"] = values["number"].strip().strip('"').strip()
            self.rows.add("phone", phone_id, values, {owner_kind: owner_id})
            if isinstance(item.get("languages"), list):
                self.rows.collections.add(("phone", phone_id, "language"))
                for number, language in enumerate(_items(item["languages"])):
                    self.rows.add(
                        "language",
                        _uuid(language["id"]),
                        _language_code(
                            self._values("language", language, f"{prefix}phones[{index}].languages[{number}]")
                        ),
                        {"phone": phone_id},
                    )

    def _attributes(self, obj, owner, path):
        """The object's attributes: outside terms stored (under their taxonomy), Waymark needs
        linked, Waymark service details already read into fields (not stored as rows)."""
        if "attributes" not in obj or not isinstance(obj["attributes"], list):
            return
        owner_kind, owner_id = owner
        prefix = f"{path}." if path else ""
        self.rows.collections.add((owner_kind, owner_id, "attribute"))
        seen = {
            (
                row["links"]["taxonomy_term"],
                row["values"]["link_entity"],
                row["values"]["link_id"],
                row["values"]["link_type"],
            )
            for row in self.rows.by_kind["attribute"].values()
        }
        for index, item in enumerate(_items(obj["attributes"])):
            if extensions.detail_term_of(item) is not None:
                continue
            where = f"{prefix}attributes[{index}]"
            term = item.get("taxonomy_term")
            term_id = _uuid(term.get("id")) if isinstance(term, dict) else _uuid(item.get("taxonomy_term_id"))
            if term_id is None:
                continue
            values = self._values("attribute", item, where)
            link_type = values.get("link_type", "")
            if term_id in self.lookups.need_ids:
                if owner_kind == "service":
                    # A Waymark need: written with the others by write_needs.
                    self.need_ids.add(term_id)
                    if item.get("id"):
                        self.need_attribute_ids.setdefault(term_id, _uuid(item["id"]))
                    continue
                link_type = NEED_LINK_TYPE
            elif isinstance(term, dict):
                self._term(term, f"{where}.taxonomy_term")
            elif not self.lookups.term_exists(term_id):
                self.warnings.append((f"{where}.taxonomy_term_id", _("No such taxonomy term is known; left out.")))
                continue
            mapped = self.lookups.need_mappings.get(term_id)
            if mapped and owner_kind == "service":
                self.need_ids.add(mapped)
            values["link_type"] = link_type
            if (term_id, owner_kind, owner_id, link_type) in seen:
                continue
            seen.add((term_id, owner_kind, owner_id, link_type))
            self.rows.add(
                "attribute",
                _uuid(item["id"]),
                {**values, "link_entity": owner_kind, "link_id": owner_id},
                {"taxonomy_term": term_id},
            )

    def _term(self, term, path):
        term_id = _uuid(term["id"])
        if term_id in self.rows.by_kind["taxonomy_term"] or self.lookups.is_waymark_term(term_id):
            return term_id
        values = self._values("taxonomy_term", term, path)
        if isinstance(term.get("taxonomy"), str):
            values["taxonomy_name"] = term["taxonomy"][:255]
        values.setdefault("description", values.get("name", ""))
        links = {}
        detail = term.get("taxonomy_detail")
        if isinstance(detail, dict):
            taxonomy_id = _uuid(detail["id"])
            if not self.lookups.is_waymark_taxonomy(taxonomy_id):
                self.rows.add("taxonomy", taxonomy_id, self._values("taxonomy", detail, f"{path}.taxonomy_detail"), {})
            links["taxonomy"] = taxonomy_id
        elif _uuid(term.get("taxonomy_id")):
            links["taxonomy"] = _uuid(term["taxonomy_id"])
        parent_id = _uuid(term.get("parent_id"))
        if parent_id is not None:
            links["parent"] = parent_id
        self.rows.add("taxonomy_term", term_id, values, links)
        return term_id

    def _unit(self, unit):
        unit_id = _uuid(unit["id"])
        self.rows.add("unit", unit_id, self._values("unit", unit, "capacities.unit"), {})
        return unit_id

    def _organization(self, organization, path):
        organization_id = _uuid(organization["id"])
        if not self.may_change("organization", organization_id) or self.lookups.written(
            "organization", organization_id
        ):
            # On the map from elsewhere (linked to as it is), or already written by an earlier
            # record of this run (a service list repeats its organisation in every service).
            return organization_id
        values = self._values("organization", organization, path)
        attributes = organization.get("attributes") if isinstance(organization.get("attributes"), list) else []
        for warning in extensions.apply_organization_attributes(values, attributes):
            self.warnings.append((f"{path}.attributes", warning))
        links = {}
        parent_id = _uuid(organization.get("parent_organization_id"))
        if parent_id is not None:
            links["parent_organization"] = parent_id
        self.rows.add("organization", organization_id, values, links)
        owner = ("organization", organization_id)
        self._children(organization, owner, path)
        for index, location in enumerate(_items(organization.get("locations"))):
            self._location(location, organization_id, f"{path}.locations[{index}]")
        for index, program in enumerate(_items(organization.get("programs"))):
            self._program(program, organization_id, f"{path}.programs[{index}]")
        return organization_id

    def _program(self, program, organization_id, path):
        program_id = _uuid(program["id"])
        self.rows.add("program", program_id, self._values("program", program, path), {"organization": organization_id})
        return program_id

    def _location(self, location, organization_id, path):
        location_id = _uuid(location["id"])
        if not self.may_change("location", location_id) or self.lookups.written("location", location_id):
            return location_id
        values = self._values("location", location, path)
        values.setdefault("location_type", "physical")
        attributes = location.get("attributes") if isinstance(location.get("attributes"), list) else []
        extension_fields = {}
        for warning in extensions.apply_location_attributes(extension_fields, attributes):
            self.warnings.append((f"{path}.attributes", warning))
        if extension_fields.get("address_hidden") and extension_fields.get("area") is None:
            extension_fields["address_hidden"] = False
        values.update(extension_fields)
        if ("latitude" in values) != ("longitude" in values):
            values.pop("latitude", None)
            values.pop("longitude", None)
        self.rows.add("location", location_id, values, {"organization": organization_id})
        self._children(location, ("location", location_id), path)
        return location_id

    def _service_at_location(self, link, service_id, organization_id, path):
        link_id = _uuid(link["id"])
        location = link.get("location")
        if isinstance(location, dict):
            location_id = self._location(location, organization_id, f"{path}.location")
        else:
            location_id = _uuid(link.get("location_id"))
        values = self._values("service_at_location", link, path)
        self.rows.add("service_at_location", link_id, values, {"service": service_id, "location": location_id})
        self._children(link, ("service_at_location", link_id), path)

    # --- from rows to the database ------------------------------------------------------------

    def missing_references(self):
        """(field, reason) for each reference to an object neither in the record nor on the map
        that the record cannot do without (its organisation, a location it is given at)."""
        problems = []
        service = self.rows.by_kind["service"][self.service_id]
        organization_id = service["links"].get("organization")
        if organization_id is None or (
            organization_id not in self.rows.by_kind["organization"]
            and not self.lookups.exists("organization", organization_id)
        ):
            problems.append(("organization_id", _("The service's organisation is neither given nor known here.")))
        for link in self.rows.by_kind["service_at_location"].values():
            location_id = link["links"].get("location")
            if location_id is None or (
                location_id not in self.rows.by_kind["location"] and not self.lookups.exists("location", location_id)
            ):
                problems.append(
                    ("service_at_locations.location_id", _("The location is neither given nor known here."))
                )
        return problems

    def drop_loose_references(self):
        """Leave out references to objects outside the record that are not on the map: a
        parent organisation, a parent term, a taxonomy (with a warning)."""
        soft = (
            ("organization", "parent_organization", "organization"),
            ("taxonomy_term", "parent", "taxonomy_term"),
            ("taxonomy_term", "taxonomy", "taxonomy"),
            ("service", "program", "program"),
        )
        for kind, link, target_kind in soft:
            for row in self.rows.by_kind[kind].values():
                target = row["links"].get(link)
                if target is None:
                    continue
                if target in self.rows.by_kind[target_kind] or self.lookups.exists(target_kind, target):
                    continue
                row["links"].pop(link)
                self.warnings.append(
                    (f"{kind}.{link}_id", _("It names %(id)s, which is not known here; left out.") % {"id": target})
                )

    def write(self, now, pending=None):
        """Write the rows. Returns (made, existed): the shared rows this source made (for
        provenance) and every (kind, id) that was already on the map.

        With ``pending`` (a chunk's ``PendingRows``), new rows are handed to it, to be inserted
        with the rest of the chunk's; rows already on the map are still updated at once. A row
        this record would update that is itself still pending is inserted first."""
        if pending is not None and self._touches(pending):
            pending.flush()
        made = []
        existed = set()
        for kind in WRITE_ORDER:
            rows = self.rows.by_kind[kind]
            if not rows:
                continue
            model = MODELS[kind]
            existing = {row_id for row_id in rows if self.lookups.exists(kind, row_id)}
            existed.update((kind, row_id) for row_id in existing)
            new_objects = []
            for row_id, row in rows.items():
                links = {f"{name}_id": target for name, target in row["links"].items() if target is not None}
                if row_id in existing:
                    if kind in SHARED_KINDS and not self.may_change(kind, row_id):
                        continue
                    if self.lookups.same_as_written(kind, row_id, row):
                        # An earlier record of this run wrote exactly this (a taxonomy term
                        # every service names): nothing to change.
                        continue
                    # A field the record no longer gives is emptied, as the source emptied it.
                    fields = {name: field.get_default() for name, field in FIELDS[kind].items()}
                    if kind in ("service", "location", "organization"):
                        # Waymark's fields are only given by Waymark's attributes.
                        fields = {name: value for name, value in fields.items() if name in HSDS_FIELDS[kind]}
                    fields.update(row["values"])
                    fields.update(links)
                    if kind != "attribute" and _has_field(model, "updated_at"):
                        fields["updated_at"] = now
                    model.objects.filter(id=row_id).update(**fields)
                else:
                    new_objects.append(model(id=row_id, **row["values"], **links))
                    if kind in SHARED_KINDS:
                        made.append((kind, row_id))
            if not new_objects:
                continue
            if pending is not None:
                pending.add(kind, new_objects)
            else:
                model.objects.bulk_create(new_objects)
        return made, existed

    def _touches(self, pending):
        """Whether writing this record would update, or prune under, a row still held in
        ``pending`` (then those rows must be inserted first)."""
        if not pending:
            return False
        for kind, rows in self.rows.by_kind.items():
            for row_id, row in rows.items():
                if pending.holds(kind, row_id) and not self.lookups.same_as_written(kind, row_id, row):
                    return True
        return any(pending.holds(owner_kind, owner_id) for owner_kind, owner_id, _child in self.rows.collections)

    def prune(self, existed):
        """Remove what an existing owner no longer has, for the collections the record gives. A
        row also linked to another owner is only unlinked from this one."""
        for owner_kind, owner_id, child_kind in self.rows.collections:
            if (owner_kind, owner_id) not in existed:
                continue
            if owner_kind in SHARED_KINDS and not self.may_change(owner_kind, owner_id):
                continue
            keep = list(self.rows.by_kind[child_kind])
            model = MODELS[child_kind]
            if child_kind == "attribute":
                stale = model.objects.filter(link_entity=owner_kind, link_id=owner_id).exclude(id__in=keep)
                if owner_kind == "service":
                    # Needs are rewritten separately (see write_needs).
                    stale = stale.exclude(link_type=NEED_LINK_TYPE)
                stale.delete()
                continue
            stale = model.objects.filter(**{f"{owner_kind}_id": owner_id}).exclude(id__in=keep)
            others = [name for name in OWNER_FIELDS if name != owner_kind and _has_field(model, name)]
            for row in stale:
                if any(getattr(row, f"{name}_id") for name in others):
                    setattr(row, owner_kind, None)
                    row.save(update_fields=[owner_kind])
                else:
                    row.delete()
                    self.lookups.known[child_kind].discard(row.id)
                    self.lookups.absent[child_kind].add(row.id)
                    self.lookups.written_rows.pop((child_kind, row.id), None)

    def write_needs(self, service_id, need_ids, *, current=None, pending=None):
        """Make the service's Waymark needs exactly ``need_ids``. ``current``: the needs it has
        now, when already read (for a chunk at once); ``pending``: hand the new links to the
        chunk's ``PendingRows`` rather than inserting them now. A new link keeps the id the
        record gave its attribute (so an exported map comes back the same), else a stable one."""
        if current is None:
            current = set(
                Attribute.objects.filter(
                    link_entity="service", link_id=service_id, link_type=NEED_LINK_TYPE
                ).values_list("taxonomy_term_id", flat=True)
            )
        wanted = set(need_ids)
        if current - wanted:
            Attribute.objects.filter(
                link_entity="service",
                link_id=service_id,
                link_type=NEED_LINK_TYPE,
                taxonomy_term_id__in=current - wanted,
            ).delete()
        links = [
            Attribute(
                id=self.need_attribute_ids.get(need) or uuid.uuid5(service_id, f"need:{need}"),
                taxonomy_term_id=need,
                link_entity="service",
                link_id=service_id,
                link_type=NEED_LINK_TYPE,
            )
            for need in sorted(wanted - current, key=str)
        ]
        if pending is not None:
            pending.add("attribute", links)
        else:
            Attribute.objects.bulk_create(links)


class PendingRows:
    """New rows of a chunk's new services, inserted together: one ``bulk_create`` per table
    (parents first, ``WRITE_ORDER``) instead of one per table per record.

    ``flush`` inserts what is held; the importer calls it at the end of the chunk, and before
    anything that must read or update a held row. If it fails, the importer writes the chunk
    again record by record, so that only the bad record is rejected.
    """

    def __init__(self):
        self.objects = {kind: [] for kind in MODELS}
        self.ids = set()
        # Service.restricted_to_areas links of held services.
        self.area_links = []

    def __bool__(self):
        return bool(self.ids or self.area_links)

    def add(self, kind, objects):
        self.objects[kind].extend(objects)
        self.ids.update((kind, obj.id) for obj in objects)

    def add_area_links(self, service_id, areas):
        through = Service.restricted_to_areas.through
        self.area_links.extend(through(service_id=service_id, area_id=getattr(area, "pk", area)) for area in areas)

    def holds(self, kind, object_id):
        return (kind, object_id) in self.ids

    def holds_any(self, rows_by_kind):
        """Whether any of a record's rows ({kind: {id: row}}) is held here."""
        return bool(self.ids) and any(
            (kind, row_id) in self.ids for kind, rows in rows_by_kind.items() for row_id in rows
        )

    def mark(self):
        """Where the held rows end now, for ``forget_since``."""
        return {kind: len(objects) for kind, objects in self.objects.items()}, len(self.area_links)

    def forget_since(self, mark):
        """Drop what was added after ``mark`` (a record that was rejected after all)."""
        lengths, area_links = mark
        for kind, objects in self.objects.items():
            for obj in objects[lengths[kind] :]:
                self.ids.discard((kind, obj.id))
            del objects[lengths[kind] :]
        del self.area_links[area_links:]

    def flush(self):
        """Insert every held row, parents first."""
        for kind in WRITE_ORDER:
            if self.objects[kind]:
                insert_rows(MODELS[kind], self.objects[kind])
                self.objects[kind] = []
        if self.area_links:
            insert_rows(Service.restricted_to_areas.through, self.area_links)
            self.area_links = []
        self.ids = set()


# Fields whose database value is the Python value itself when it is None, text, a whole
# number or a boolean (exactly these classes: a subclass may change its value on the way in).
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.URLField,
    models.EmailField,
    models.SlugField,
    models.BooleanField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
)
_PLAIN_VALUES = (str, bool, int)
# The most parameters one statement may carry (PostgreSQL's limit; SQLite's is lower and
# comes from the connection).
_MAX_PARAMETERS = 65535


def _to_database(field, connection):
    """A function giving ``field``'s database value from an unsaved object, as ``bulk_create``
    would write it (``pre_save`` for dates set on creation, ``get_db_prep_save`` for the
    rest), with the conversion skipped for plain values that need none."""
    attname, prepare = field.attname, field.get_db_prep_save
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: prepare(field.pre_save(obj, True), connection)
    if type(field) in _PLAIN_FIELDS:

        def plain(obj):
            value = getattr(obj, attname)
            return value if value is None or type(value) in _PLAIN_VALUES else prepare(value, connection)

        return plain
    return lambda obj: prepare(getattr(obj, attname), connection)


def insert_rows(model, objects):
    """Insert new ``objects`` of ``model``: what ``bulk_create`` does (no signals, no
    ``save``; on PostgreSQL one COPY, elsewhere as many rows to an INSERT as the database
    takes), without its per-value query building, which costs more than the insert itself at
    an import's scale. Every object must have its primary key, unless the key is numbered by the
    database."""
    connection = connections[router.db_for_write(model)]
    # A numbered primary key (a many-to-many link's) is left to the database.
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (isinstance(field, models.fields.AutoFieldMixin) and all(obj.pk is None for obj in objects))
    ]
    quote = connection.ops.quote_name
    converters = [_to_database(field, connection) for field in fields]
    if connection.vendor == "postgresql":
        # COPY: several times faster than INSERT at this size; triggers and checks still run.
        # Its errors are made Django's (DatabaseError …), as a query's would be.
        with (
            connection.wrap_database_errors,
            connection.cursor() as cursor,
            cursor.cursor.copy(
                "COPY {} ({}) FROM STDIN".format(
                    quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)
                )
            ) as copy,
        ):
            for obj in objects:
                copy.write_row([convert(obj) for convert in converters])
        return
    batch_size = max(1, min(connection.ops.bulk_batch_size(fields, objects), _MAX_PARAMETERS // len(fields)))
    row_marks = "({})".format(", ".join(["%s"] * len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            batch = objects[start : start + batch_size]
            # Table and column names come from the model; values go as parameters.
            sql = "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608
                quote(model._meta.db_table),
                ", ".join(quote(field.column) for field in fields),
                ", ".join([row_marks] * len(batch)),
            )
            cursor.execute(sql, [convert(obj) for obj in batch for convert in converters])


def rebuild_search_fields(service_ids):
    """Rebuild and store ``search_text`` and ``search_facets`` of many services in a few
    queries: the same values ``Service.build_search_text`` gives each one (its and its
    organisation's names, its needs' names, synonyms and reviewed translations, its languages
    and map cells), without touching ``updated_at``. Only services whose fields change are
    written. The full-text index follows by itself (``search_index``: triggers on SQLite, stored
    generated columns on PostgreSQL)."""
    ids = list(service_ids)
    if not ids:
        return
    services = {
        row["id"]: row
        for row in Service.objects.filter(id__in=ids).values(
            "id",
            "name",
            "alternate_name",
            "description",
            "organization__name",
            "organization__alternate_name",
            *Service.SEARCH_FIELDS,
        )
    }
    needs = {}
    for service_id, term_id in (
        Attribute.objects.filter(
            link_entity=Service.hsds_entity,
            link_id__in=ids,
            link_type=NEED_LINK_TYPE,
            taxonomy_term__taxonomy__name=NEEDS_TAXONOMY_NAME,
        )
        .values_list("link_id", "taxonomy_term_id")
        .distinct()
    ):
        needs.setdefault(service_id, set()).add(term_id)
    term_ids = set().union(*needs.values()) if needs else set()
    # The needs in the order Service.needs() gives them (the database's own ordering).
    terms = {
        term_id: (rank, name)
        for rank, (term_id, name) in enumerate(
            TaxonomyTerm.objects.filter(id__in=term_ids).order_by("position", "name").values_list("id", "name")
        )
    }
    synonyms = {}
    for term_id, word in (
        Synonym.objects.filter(term_id__in=term_ids).order_by("language", "word").values_list("term_id", "word")
    ):
        synonyms.setdefault(term_id, []).append(word)
    # In the database's order, as build_search_text reads them.
    translations = {}
    for position, translation in enumerate(
        Translation.objects.filter(object_id__in=[*ids, *term_ids], status=Translation.Status.REVIEWED)
    ):
        key = (translation.model_label, translation.object_id, translation.field_name)
        translations.setdefault(key, []).append((position, translation))
    languages = {}
    for service_id, code in Language.objects.filter(service_id__in=ids).values_list("service_id", "code"):
        languages.setdefault(service_id, []).append(code)
    points = {}
    for service_id, latitude, longitude in ServiceAtLocation.objects.filter(
        service_id__in=ids, location__latitude__isnull=False, location__longitude__isnull=False
    ).values_list("service_id", "location__latitude", "location__longitude"):
        points.setdefault(service_id, []).append((latitude, longitude))
    service_label, term_label = Service._meta.label_lower, TaxonomyTerm._meta.label_lower
    changed = []
    for service_id, row in services.items():
        ordered = sorted(needs.get(service_id, ()), key=lambda term_id: terms[term_id][0])
        parts = [row["name"], row["alternate_name"], row["description"]]
        parts += [row["organization__name"], row["organization__alternate_name"]]
        for term_id in ordered:
            parts.append(terms[term_id][1])
            parts += synonyms.get(term_id, [])
        texts = {(service_label, service_id, field): row[field] for field in ("name", "alternate_name", "description")}
        texts.update({(term_label, term_id, "name"): terms[term_id][1] for term_id in ordered})
        found = sorted(
            (position, key, translation) for key in texts for position, translation in translations.get(key, ())
        )
        for _position, key, translation in found:
            if not translation.is_out_of_date(SimpleNamespace(**{key[2]: texts[key]})):
                parts.append(translation.text)
        search_text = normalise_search_text(" ".join(part for part in parts if part))
        search_facets = facet_tokens(ordered, languages.get(service_id, []), points.get(service_id, []))
        if (search_text, search_facets) != (row["search_text"], row["search_facets"]):
            changed.append(Service(id=service_id, search_text=search_text, search_facets=search_facets))
    Service.objects.bulk_update(changed, Service.SEARCH_FIELDS, batch_size=500)


def _has_field(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _items(value):
    return [item for item in value if isinstance(item, dict) and item.get("id")] if isinstance(value, list) else []


def _language_code(values):
    """A language given only by its English name ("Arabic") gets its code too, so the map's
    "speaks" filter finds it."""
    if not values.get("code") and values.get("name"):
        values["code"] = _language_codes_by_name().get(values["name"].strip().lower(), "")
    return values


@functools.cache
def _language_codes_by_name():
    with override("en"):
        return {str(name).lower(): code for code, name in SPOKEN_LANGUAGES}
