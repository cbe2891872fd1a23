"""The public map as Open Referral UK 3.0 JSON: what the API, the ndjson and the tabular export send.

Shapes and names are ORUK's (``standards/oruk-3.0/schema/*.json``), with the HSDS 3.0 fields
ORUK leaves out added where Waymark has them (``phones``, ``required_documents``,
``eligibility_description``…; the schemas allow extra properties). Rules kept everywhere:

- Only the public map: ``public_services()`` (approved, active or temporarily closed, checked
  within ``DIRECTORY_HIDE_AFTER_DAYS``) and the organisations running at least one of them.
- A field with no value is left out, never ``null``; the fields a schema requires are always
  sent. Every id is the object's UUID.
- A hidden address (``Location.address_hidden``: a refuge, a safe house) publishes what the
  public service page shows, and no more: the location's type, its area (an attribute), its
  phones, opening times and languages. Never its name, description, street address, postcode,
  coordinates, external identifier (a UPRN), accessibility notes or directions.
- List items carry the object's own single-value fields (and, as ORUK's list schemas do, the
  service's organisation and a service-at-location's service and location); ``{id}`` records
  are fully nested.
- Queries do not grow with the number of records or their nesting: records are read a page
  (or chunk) at a time, by id, with everything nested prefetched (``hydrate_services``).

The functions other parts of Waymark reuse: ``public_services``, ``public_organizations``,
``full_service``, ``iter_full_services``, ``service_list_item``, ``organization_dict``,
``taxonomy_dict``, ``taxonomy_term_dict``, ``service_at_location_list_item``,
``full_service_at_location``.
"""

import datetime as dt
import functools
import json
import uuid
from decimal import Decimal

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from waymark.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
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
    Taxonomy,
    TaxonomyTerm,
)
from waymark.directory.oruk import extensions
from waymark.directory.oruk.rows import Row, read_rows

# How many services ``iter_full_services`` reads at a time: enough to keep the number of
# queries per service small, few enough that memory stays flat.
DEFAULT_CHUNK_SIZE = 200


def _json_value(value):
    """A model value as JSON: UUIDs as strings, decimals as numbers, dates and times ISO 8601."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return value


def _fields(obj, names, *, required=()):
    """``{name: value}`` for ``names`` of ``obj``, leaving out empty values except ``required``.
    A name ``"x_id"`` reads the foreign key column ``x_id``."""
    record = {}
    # A Row is a dict: reading it as one skips attribute lookup, which a full export does
    # millions of times.
    read = obj.__getitem__ if isinstance(obj, dict) else functools.partial(getattr, obj)
    for name in names:
        value = read(name)
        if value is None or value == "":
            if name in required:
                record[name] = ""
            continue
        # Most values are text already (rows.py reads ids as text): skip the conversions.
        record[name] = value if type(value) is str else _json_value(value)
    return record


def _put(record, name, items):
    """Add the list ``items`` as ``name`` when it is not empty."""
    if items:
        record[name] = items
    return record


# --- Which objects are public ---------------------------------------------------------------


def public_services(now=None):
    """The services the public map shows (``Service.objects.public``), for the API and exports."""
    return Service.objects.public(now)


def public_organizations(now=None):
    """Organisations running at least one public service."""
    return Organization.objects.filter(id__in=public_services(now).values("organization_id"))


# --- Taxonomies ------------------------------------------------------------------------------

TAXONOMY_FIELDS = ("id", "name", "description", "uri", "version")
TAXONOMY_TERM_FIELDS = ("id", "code", "name", "description", "parent_id", "taxonomy_id", "language", "term_uri")


def taxonomy_term_dict(term):
    """ORUK ``taxonomy_term``. ``taxonomy`` (free text) is the taxonomy's name: select
    ``taxonomy`` with the term."""
    record = _fields(term, TAXONOMY_TERM_FIELDS, required=("name", "description"))
    name = term.taxonomy.name if term.taxonomy_id else term.taxonomy_name
    if name:
        record["taxonomy"] = name
    return record


def taxonomy_dict(taxonomy, terms=None):
    """ORUK ``taxonomy``; with ``terms`` (its terms, taxonomy selected), the full record."""
    record = _fields(taxonomy, TAXONOMY_FIELDS, required=("name", "description"))
    if terms is not None:
        _put(record, "taxonomy_terms", [taxonomy_term_dict(term) for term in terms])
    return record


# --- Organisations ---------------------------------------------------------------------------

ORGANIZATION_FIELDS = (
    "id",
    "name",
    "alternate_name",
    "description",
    "email",
    "website",
    "tax_status",
    "tax_id",
    "year_incorporated",
    "legal_status",
    "logo",
    "uri",
    "parent_organization_id",
)


def as_list(path, queryset=None):
    """Prefetch the relation at the end of ``path`` into a plain list named ``<relation>_list``
    (``service.phones_list``). The serialiser reads these lists: going through Django's related
    manager (``service.phones.all()``) makes a new QuerySet per object and relation, which was
    most of the time it took to build a full service."""
    return Prefetch(path, queryset=queryset, to_attr=f"{path.rsplit('__', 1)[-1]}_list")


ORGANIZATION_PREFETCH = (
    as_list("organization_identifiers"),
    as_list("funding"),
    as_list("phones"),
    as_list("phones_list__languages"),
)


def _phone_dict(phone):
    record = _fields(phone, ("id", "number", "extension", "type", "description"), required=("number",))
    return _put(record, "languages", [_language_dict(language) for language in phone.languages_list])


def _language_dict(language):
    return _fields(language, ("id", "service_id", "location_id", "phone_id", "name", "code", "note"))


def organization_dict(organization, *, full=False, services=None):
    """ORUK ``organization``: its own fields; with ``full``, its identifiers, funding, phones
    and Waymark attributes (prefetch ``ORGANIZATION_PREFETCH``). ``services``, when given, is
    the list of service dicts to nest (the ``{id}`` endpoint's)."""
    record = _fields(organization, ORGANIZATION_FIELDS, required=("name", "description"))
    if not full:
        return record
    _put(
        record,
        "organization_identifiers",
        [
            _fields(item, ("id", "organization_id", "identifier_scheme", "identifier_type", "identifier"))
            for item in organization.organization_identifiers_list
        ],
    )
    _put(
        record,
        "funding",
        [_fields(item, ("id", "organization_id", "service_id", "source")) for item in organization.funding_list],
    )
    _put(record, "phones", [_phone_dict(phone) for phone in organization.phones_list])
    _put(record, "attributes", extensions.attributes_for_organization(organization))
    if services is not None:
        _put(record, "services", services)
    return record


# --- Locations -------------------------------------------------------------------------------

LOCATION_FIELDS = (
    "id",
    "location_type",
    "url",
    "organization_id",
    "name",
    "alternate_name",
    "description",
    "transportation",
    "latitude",
    "longitude",
    "external_identifier",
    "external_identifier_type",
)
# What is published of a location whose address is hidden (see the module docstring).
HIDDEN_LOCATION_FIELDS = ("id", "location_type")
ADDRESS_FIELDS = (
    "id",
    "location_id",
    "attention",
    "address_1",
    "address_2",
    "city",
    "region",
    "state_province",
    "postal_code",
    "country",
    "address_type",
)
ADDRESS_REQUIRED = ("address_1", "city", "state_province", "postal_code", "country", "address_type")
SCHEDULE_FIELDS = (
    "id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "valid_from",
    "valid_to",
    "dtstart",
    "timezone",
    "until",
    "count",
    "wkst",
    "freq",
    "interval",
    "byday",
    "byweekno",
    "bymonthday",
    "byyearday",
    "description",
    "opens_at",
    "closes_at",
    "schedule_link",
    "attending_type",
    "notes",
)


def _schedule_dict(schedule):
    return _fields(schedule, SCHEDULE_FIELDS)


def location_dict(location, *, full=False):
    """ORUK ``location``, keeping a hidden address hidden. ``full`` adds its addresses,
    accessibility, phones, opening times, languages and Waymark attributes (prefetched by
    ``hydrate_services``); select ``area`` with it."""
    hidden = location.address_hidden
    record = _fields(location, HIDDEN_LOCATION_FIELDS if hidden else LOCATION_FIELDS)
    if not full:
        return record
    if not hidden:
        _put(
            record,
            "addresses",
            [_fields(a, ADDRESS_FIELDS, required=ADDRESS_REQUIRED) for a in location.addresses_list],
        )
        _put(
            record,
            "accessibility",
            [_fields(a, ("id", "location_id", "description", "details", "url")) for a in location.accessibility_list],
        )
    _put(record, "phones", [_phone_dict(phone) for phone in location.phones_list])
    _put(record, "schedules", [_schedule_dict(schedule) for schedule in location.schedules_list])
    _put(record, "languages", [_language_dict(language) for language in location.languages_list])
    _put(record, "attributes", extensions.attributes_for_location(location))
    return record


# --- Services --------------------------------------------------------------------------------

SERVICE_FIELDS = (
    "id",
    "organization_id",
    "program_id",
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "interpretation_services",
    "application_process",
    "fees_description",
    "wait_time",
    "fees",
    "accreditations",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "licenses",
    "last_modified",
)

# What ``hydrate_services`` reads of each nested object, as plain rows (``.values_list``):
# the columns the dict functions above and below read, and the keys of the objects they belong to.
PHONE_READ = (
    "id",
    "number",
    "extension",
    "type",
    "description",
    "service_id",
    "location_id",
    "organization_id",
    "contact_id",
    "service_at_location_id",
)
LANGUAGE_READ = ("id", "service_id", "location_id", "phone_id", "name", "code", "note")
SERVICE_AREA_READ = ("id", "service_id", "name", "description", "extent", "extent_type", "uri")
FUNDING_READ = ("id", "organization_id", "service_id", "source")
COST_OPTION_READ = ("id", "service_id", "valid_from", "valid_to", "option", "currency", "amount", "amount_description")
REQUIRED_DOCUMENT_READ = ("id", "service_id", "document", "uri")
CONTACT_READ = ("id", "organization_id", "service_id", "service_at_location_id", "name", "title", "department", "email")
CAPACITY_READ = ("id", "service_id", "available", "maximum", "description", "updated")
UNIT_READ = ("id", "name", "scheme", "identifier", "uri")
LINK_READ = ("id", "service_id", "location_id", "description")
LOCATION_READ = (*LOCATION_FIELDS, "address_hidden", "area_id", "area__gss_code", "area__slug")
ACCESSIBILITY_READ = ("id", "location_id", "description", "details", "url")
ATTRIBUTE_READ = ("id", "link_id", "link_type", "link_entity", "taxonomy_term_id", "value")
IDENTIFIER_READ = ("id", "organization_id", "identifier_scheme", "identifier_type", "identifier")


def _grouped(rows, key):
    """``{value of key: [rows with it]}``, keeping the rows' order; rows with no value are left out."""
    groups = {}
    for row in rows:
        if row[key] is not None:
            groups.setdefault(row[key], []).append(row)
    return groups


def _single_service_fields(service, today):
    record = _fields(service, SERVICE_FIELDS, required=("name", "status"))
    if service.assured_date:
        record["assured_date"] = service.assured_date.isoformat()
    alert = service.current_alert(today)
    if alert:
        record["alert"] = alert
    return record


def service_list_item(service, *, today=None):
    """A ``/services`` list item: the service's single-value fields and its organisation's
    (select ``organization``)."""
    record = _single_service_fields(service, today or timezone.localdate())
    record["organization"] = organization_dict(service.organization)
    return record


def _capacity_dict(capacity):
    record = _fields(capacity, ("id", "service_id", "available", "maximum", "description", "updated"))
    record["unit"] = _fields(capacity.unit, ("id", "name", "scheme", "identifier", "uri"), required=("name",))
    return record


def _contact_dict(contact):
    record = _fields(
        contact,
        ("id", "organization_id", "service_id", "service_at_location_id", "name", "title", "department", "email"),
    )
    return _put(record, "phones", [_phone_dict(phone) for phone in contact.phones_list])


def _service_at_location_dict(link, *, full_location=True):
    record = _fields(link, ("id", "service_id", "location_id", "description"))
    _put(record, "schedules", [_schedule_dict(schedule) for schedule in link.schedules_list])
    _put(record, "phones", [_phone_dict(phone) for phone in link.phones_list])
    record["location"] = location_dict(link.location, full=full_location)
    return record


def _full_organization_once(organization):
    """The organisation's full dict, built once per instance: ``hydrate_services`` gives the
    services of one organisation the same instance, and each of their records nests it."""
    record = organization.get("_oruk_full_record")
    if record is None:
        record = organization["_oruk_full_record"] = organization_dict(organization, full=True)
    return record


def full_service_dict(service, *, today=None, with_locations=True):
    """A service hydrated by ``hydrate_services`` as the fully nested ORUK ``service``.
    ``with_locations=False`` leaves out ``service_at_locations`` (a service-at-location's own
    record nests its service without them)."""
    today = today or timezone.localdate()
    record = _single_service_fields(service, today)
    _put(record, "phones", [_phone_dict(phone) for phone in service.phones_list])
    _put(record, "schedules", [_schedule_dict(schedule) for schedule in service.schedules_list])
    _put(
        record,
        "service_areas",
        [
            _fields(area, ("id", "service_id", "name", "description", "extent", "extent_type", "uri"))
            for area in service.service_areas_list
        ],
    )
    if with_locations:
        _put(
            record,
            "service_at_locations",
            [_service_at_location_dict(link) for link in service.service_at_locations_list],
        )
    _put(record, "languages", [_language_dict(language) for language in service.languages_list])
    record["organization"] = _full_organization_once(service.organization)
    if service.program_id:
        record["program"] = _fields(
            service.program,
            ("id", "organization_id", "name", "alternate_name", "description"),
            required=("name", "description"),
        )
    _put(record, "funding", [_fields(item, ("id", "service_id", "source")) for item in service.funding_list])
    _put(
        record,
        "cost_options",
        [
            _fields(
                item,
                ("id", "service_id", "valid_from", "valid_to", "option", "currency", "amount", "amount_description"),
            )
            for item in service.cost_options_list
        ],
    )
    _put(
        record,
        "required_documents",
        [_fields(item, ("id", "service_id", "document", "uri")) for item in service.required_documents_list],
    )
    _put(record, "contacts", [_contact_dict(contact) for contact in service.contacts_list])
    _put(record, "capacities", [_capacity_dict(capacity) for capacity in service.capacities_list])
    attributes = extensions.need_attributes(service.oruk_attributes, service.oruk_terms)
    attributes += extensions.attributes_for_service(service)
    _put(record, "attributes", attributes)
    return record


class ServiceRow(Row):
    """A service read as a row, with the model's own ways of deriving what a record shows."""

    __slots__ = ()
    assured_date = Service.assured_date
    current_alert = Service.current_alert


class AllOf(list):
    """A list read the way a prefetched related manager is: ``.all()``."""

    def all(self):
        return self


# What ``hydrate_services`` reads of a service, its organisation and programme: every column
# but the search index's.
SERVICE_READ = tuple(
    field.attname for field in Service._meta.concrete_fields if field.name not in Service.SEARCH_FIELDS
)
ORGANIZATION_READ = tuple(field.attname for field in Organization._meta.concrete_fields)
PROGRAM_READ = ("id", "organization_id", "name", "alternate_name", "description")
RESTRICTED_READ = ("service_id", "area_id", "area__gss_code", "area__slug", "area__name")


def hydrate_services(ids):
    """The services with these ids, in this order, with everything a full record reads.

    A fixed number of queries however many ids: keep them to a few hundred per call. Every
    object is a Row (see ``rows.py``: ids are text), the services ``ServiceRow``s; nested
    lists are set on them as ``<relation>_list`` (``service.phones_list``,
    ``link.location.addresses_list``), and ``service.organization``, ``service.program`` and
    ``service.restricted_to_areas`` (``.all()``) as on a model instance. Each
    service also gets ``oruk_attributes`` (its HSDS ``Attribute`` rows) and ``oruk_terms``
    (``{term id: taxonomy_term dict}``)."""
    ids = list(ids)
    if not ids:
        return []
    services = read_rows(Service, SERVICE_READ, {"id": ids}, row_class=ServiceRow)
    organizations = {
        row.id: row for row in read_rows(Organization, ORGANIZATION_READ, {"id": {s.organization_id for s in services}})
    }
    programs = {row.id: row for row in read_rows(Program, PROGRAM_READ, {"id": {s.program_id for s in services}})}
    restricted = _grouped(
        sorted(
            read_rows(Service.restricted_to_areas.through, RESTRICTED_READ, {"service_id": [s.id for s in services]}),
            key=lambda row: (row.area__name, row.area_id),
        ),
        "service_id",
    )
    service_ids = [service.id for service in services]
    organization_ids = list(organizations)
    locations = {}
    links = read_rows(ServiceAtLocation, LINK_READ, {"service_id": service_ids})
    link_ids = [link.id for link in links]
    for row in read_rows(Location, LOCATION_READ, {"id": {link.location_id for link in links}}):
        locations[row.id] = row
    # A service's locations in the order the ORM gives them (ServiceAtLocation's Meta.ordering
    # follows the location to its name).
    links.sort(key=lambda link: (locations[link.location_id].name, link.id))
    location_ids = list(locations)
    contacts = read_rows(Contact, CONTACT_READ, {"service_id": service_ids})
    # Each kind of object is read once for every parent it can hang from.
    phones = read_rows(
        Phone,
        PHONE_READ,
        {
            "service_id": service_ids,
            "location_id": location_ids,
            "organization_id": organization_ids,
            "contact_id": [contact.id for contact in contacts],
            "service_at_location_id": link_ids,
        },
    )
    languages = read_rows(
        Language,
        LANGUAGE_READ,
        {"service_id": service_ids, "location_id": location_ids, "phone_id": [phone.id for phone in phones]},
    )
    schedules = read_rows(
        Schedule,
        SCHEDULE_FIELDS,
        {"service_id": service_ids, "location_id": location_ids, "service_at_location_id": link_ids},
    )
    funding = read_rows(Funding, FUNDING_READ, {"service_id": service_ids, "organization_id": organization_ids})
    capacities = []
    capacity_columns = (*CAPACITY_READ, *(f"unit__{name}" for name in UNIT_READ))
    for row in read_rows(ServiceCapacity, capacity_columns, {"service_id": service_ids}):
        capacity = Row((name, row[name]) for name in CAPACITY_READ)
        capacity.unit = Row((name, row[f"unit__{name}"]) for name in UNIT_READ)
        capacities.append(capacity)
    # ServiceCapacity's Meta.ordering follows the unit to its name.
    capacities.sort(key=lambda capacity: (capacity.unit.name, capacity.id))

    languages_of = {key: _grouped(languages, key) for key in ("service_id", "location_id", "phone_id")}
    for phone in phones:
        phone.languages_list = languages_of["phone_id"].get(phone.id, [])
    phones_of = {key: _grouped(phones, key) for key in PHONE_READ[5:]}
    schedules_of = {key: _grouped(schedules, key) for key in ("service_id", "location_id", "service_at_location_id")}
    funding_of = {key: _grouped(funding, key) for key in ("service_id", "organization_id")}
    for contact in contacts:
        contact.phones_list = phones_of["contact_id"].get(contact.id, [])
    addresses = _grouped(read_rows(Address, ADDRESS_FIELDS, {"location_id": location_ids}), "location_id")
    accessibility = _grouped(read_rows(Accessibility, ACCESSIBILITY_READ, {"location_id": location_ids}), "location_id")
    for location in locations.values():
        location.area = (
            Row(gss_code=location.area__gss_code, slug=location.area__slug) if location.area_id is not None else None
        )
        location.addresses_list = addresses.get(location.id, [])
        location.accessibility_list = accessibility.get(location.id, [])
        location.phones_list = phones_of["location_id"].get(location.id, [])
        location.schedules_list = schedules_of["location_id"].get(location.id, [])
        location.languages_list = languages_of["location_id"].get(location.id, [])
    for link in links:
        link.location = locations[link.location_id]
        link.schedules_list = schedules_of["service_at_location_id"].get(link.id, [])
        link.phones_list = phones_of["service_at_location_id"].get(link.id, [])
    identifiers = _grouped(
        read_rows(OrganizationIdentifier, IDENTIFIER_READ, {"organization_id": organization_ids}), "organization_id"
    )
    areas = _grouped(read_rows(ServiceArea, SERVICE_AREA_READ, {"service_id": service_ids}), "service_id")
    costs = _grouped(read_rows(CostOption, COST_OPTION_READ, {"service_id": service_ids}), "service_id")
    documents = _grouped(read_rows(RequiredDocument, REQUIRED_DOCUMENT_READ, {"service_id": service_ids}), "service_id")
    links_of = _grouped(links, "service_id")
    contacts_of = _grouped(contacts, "service_id")
    capacities_of = _grouped(capacities, "service_id")

    # The services' attributes as rows, and each of their (few) terms once.
    attributes = read_rows(
        Attribute,
        (*ATTRIBUTE_READ, "taxonomy_term__position", "taxonomy_term__name"),
        {"link_id": service_ids},
        only={"link_entity": Service.hsds_entity},
    )
    attributes = _grouped(
        sorted(
            attributes,
            key=lambda row: (row.taxonomy_term__position, row.taxonomy_term__name, row.id),
        ),
        "link_id",
    )
    term_ids = {attribute.taxonomy_term_id for rows in attributes.values() for attribute in rows}
    terms = {
        str(term.id): taxonomy_term_dict(term)
        for term in TaxonomyTerm.objects.filter(id__in=term_ids).select_related("taxonomy")
    }

    by_id = {}
    for service in services:
        key = service.id
        # One row per organisation, so its full dict is built once (see full_service_dict).
        service.organization = organizations[service.organization_id]
        service.program = programs.get(service.program_id)
        service.restricted_to_areas = AllOf(
            Row(gss_code=row.area__gss_code, slug=row.area__slug) for row in restricted.get(key, [])
        )
        service.phones_list = phones_of["service_id"].get(key, [])
        service.schedules_list = schedules_of["service_id"].get(key, [])
        service.service_areas_list = areas.get(key, [])
        service.service_at_locations_list = links_of.get(key, [])
        service.languages_list = languages_of["service_id"].get(key, [])
        service.funding_list = funding_of["service_id"].get(key, [])
        service.cost_options_list = costs.get(key, [])
        service.required_documents_list = documents.get(key, [])
        service.contacts_list = contacts_of.get(key, [])
        service.capacities_list = capacities_of.get(key, [])
        organization = service.organization
        organization_key = str(organization.id)
        organization.organization_identifiers_list = identifiers.get(organization_key, [])
        organization.funding_list = funding_of["organization_id"].get(organization_key, [])
        organization.phones_list = phones_of["organization_id"].get(organization_key, [])
        service.oruk_attributes = attributes.get(key, [])
        service.oruk_terms = terms
        by_id[service.id] = service
    return [by_id[str(service_id)] for service_id in ids if str(service_id) in by_id]


def full_service(service, *, today=None):
    """The fully nested ORUK ``service`` for one service (read again with everything nested).
    Does not check that it is public: ask ``public_services()`` for it first."""
    hydrated = hydrate_services([service.id if isinstance(service, Service) else service])
    return full_service_dict(hydrated[0], today=today) if hydrated else None


def iter_full_services(queryset, chunk_size=DEFAULT_CHUNK_SIZE, *, today=None):
    """Yield the fully nested ORUK ``service`` dict of every service in ``queryset``, by id.

    The records are the stored ones (``published.iter_records``): ``chunk_size`` services at a
    time, one query for a chunk whose records are current and a fixed number more for a chunk
    with some to build again, memory for one chunk only, however many services there are.
    Safe to stream from a response. Whoever writes the records out as JSON again can take the
    text as it is from ``published.iter_records``."""
    # published.py builds its records with this module's functions.
    from waymark.directory.oruk import published

    for text in published.iter_records(queryset, published.FULL, chunk_size, today=today):
        yield json.loads(text)


# --- Services at locations -------------------------------------------------------------------


def service_at_location_list_item(link, *, today=None):
    """A ``/service_at_locations`` list item: its own fields, its location's single-value
    fields (a hidden address kept hidden) and its service as a list item. Select
    ``service__organization`` and ``location__area``."""
    record = _fields(link, ("id", "service_id", "location_id", "description"))
    record["location"] = location_dict(link.location)
    record["service"] = service_list_item(link.service, today=today)
    return record


def full_service_at_location(link_id, *, today=None, services=None):
    """The fully nested ORUK ``service_at_location`` with this id, if its service is public;
    else None. ``services`` (a queryset) narrows which services count as public."""
    services = services if services is not None else public_services()
    link = ServiceAtLocation.objects.filter(id=link_id, service__in=services).only("id", "service_id").first()
    if link is None:
        return None
    hydrated = hydrate_services([link.service_id])
    if not hydrated:
        return None
    service = hydrated[0]
    found = next(item for item in service.service_at_locations_list if item.id == str(link.id))
    record = _service_at_location_dict(found)
    record["service"] = full_service_dict(service, today=today, with_locations=False)
    return record


def hydrate_service_at_locations(ids):
    """The services at locations with these ids, in this order, with their full service (and
    its locations) prefetched: a fixed number of queries."""
    ids = list(ids)
    links = {
        link.id: link for link in ServiceAtLocation.objects.filter(id__in=ids).only("id", "service_id", "location_id")
    }
    services = {service.id: service for service in hydrate_services({link.service_id for link in links.values()})}
    services = {uuid.UUID(key): service for key, service in services.items()}
    ordered = []
    for link_id in ids:
        link = links.get(link_id)
        if link is None or link.service_id not in services:
            continue
        service = services[link.service_id]
        found = next(item for item in service.service_at_locations_list if item.id == str(link_id))
        found.full_service = service
        ordered.append(found)
    return ordered


def full_service_at_location_dict(link, *, today=None):
    """A service at a location from ``hydrate_service_at_locations`` as the full record."""
    record = _service_at_location_dict(link)
    record["service"] = full_service_dict(link.full_service, today=today, with_locations=False)
    return record


# --- Organisations with their services -------------------------------------------------------


def hydrate_organizations(ids, *, now=None):
    """Organisations with these ids, in this order, with what their full record reads and
    their public services (each with its organisation) prefetched."""
    ids = list(ids)
    organizations = Organization.objects.filter(id__in=ids).prefetch_related(
        *ORGANIZATION_PREFETCH,
        Prefetch(
            "services",
            queryset=public_services(now).defer("search_text", "search_facets").select_related("organization"),
            to_attr="public_services",
        ),
    )
    by_id = {organization.id: organization for organization in organizations}
    return [by_id[organization_id] for organization_id in ids if organization_id in by_id]


def full_organization_dicts(organizations, *, full_service=False, today=None):
    """Full ORUK ``organization`` records for organisations from ``hydrate_organizations``:
    their public services as list items, or fully nested with ``full_service``."""
    today = today or timezone.localdate()
    full_services = {}
    if full_service:
        ids = [service.id for organization in organizations for service in organization.public_services]
        full_services = {uuid.UUID(service.id): service for service in hydrate_services(ids)}
    records = []
    for organization in organizations:
        if full_service:
            services = [
                full_service_dict(full_services[service.id], today=today)
                for service in organization.public_services
                if service.id in full_services
            ]
        else:
            services = [service_list_item(service, today=today) for service in organization.public_services]
        records.append(organization_dict(organization, full=True, services=services))
    return records


def taxonomies_with_terms(ids):
    """Taxonomies with these ids, in this order, with their terms (two queries)."""
    ids = list(ids)
    taxonomies = Taxonomy.objects.filter(id__in=ids).prefetch_related(
        Prefetch("terms", queryset=TaxonomyTerm.objects.select_related("taxonomy"))
    )
    by_id = {taxonomy.id: taxonomy for taxonomy in taxonomies}
    return [by_id[taxonomy_id] for taxonomy_id in ids if taxonomy_id in by_id]


def prefetch_services_for_list(services):
    """Select what ``service_list_item`` reads for services already fetched."""
    prefetch_related_objects(services, "organization")
    return services
