"""Waymark's own fields, published as HSDS attributes of one Waymark taxonomy, and read back.

HSDS has no column for "for people seeking asylum", "drop in", "regulated by the OISC" or "a
refuge: only the area is shown". Waymark keeps them as typed columns (see ``models/services.py``)
and publishes each as an HSDS ``attribute`` whose ``taxonomy_term`` is a term of the published
taxonomy "Waymark service details". A yes/no field is one attribute when true (none when false);
a field with a value (gender, regulator, capacity…) is one attribute carrying it in ``value``.

The taxonomy and its terms have fixed ids (``uuid5`` of ``NAMESPACE``), the same in every
Waymark install and in the data migration ``0010_waymark_details_taxonomy``, so one Waymark can
read another's feed and recognise the terms by id alone (or, failing that, by ``code``).

Both directions live here:

- ``attributes_for_service(service)``, ``attributes_for_organization(organization)``,
  ``attributes_for_location(location)``: the ORUK attribute dicts, each with its nested
  ``taxonomy_term``. They read only the row (and, for a service, the ``restricted_to_areas``
  and ``location.area`` relations, prefetched by the serialiser), never the database per term.
- ``apply_waymark_attributes(service_fields, attributes)``, ``apply_organization_attributes``,
  ``apply_location_attributes``: the importer's way back, filling model field values from
  incoming attributes and returning warnings (plain English sentences) for values it dropped.

The service's needs are attributes already (``Attribute`` rows of the "Waymark needs" taxonomy
with ``link_type`` ``need``); ``need_attributes`` publishes them and ``need_term_ids`` reads them.
"""

import datetime as dt
import functools
import hashlib
import uuid
from dataclasses import dataclass

from django.utils.dateparse import parse_date, parse_datetime

from waymark.directory.models.base import NEED_LINK_TYPE
from waymark.directory.models.organizations import Organization
from waymark.directory.models.services import Service

# Fixed for ever: every id below is derived from it. Changing it would orphan every attribute
# other directories have imported from Waymark.
NAMESPACE = uuid.UUID("6f1d2a7e-3c55-4a0b-9d2e-57a1e0c4b8d1")
TAXONOMY_NAME = "Waymark service details"
TAXONOMY_DESCRIPTION = (
    "Waymark's details of a service that HSDS has no field for: who it is for, how to get it, "
    "immigration advice regulation, interpreters, capacity, when it was last checked, its temporary "
    "notice, an organisation's sharing of personal data with the authorities, and a location's area "
    "when its address is hidden."
)
TAXONOMY_VERSION = "1"
TAXONOMY_ID = uuid.uuid5(NAMESPACE, "taxonomy")


@functools.cache
def term_id(code):
    """The fixed id of the Waymark service details term ``code``."""
    return uuid.uuid5(NAMESPACE, f"term:{code}")


@dataclass(frozen=True)
class DetailTerm:
    """One term of the Waymark service details taxonomy.

    ``field`` is the model field it stands for; ``kind`` says how it is written: "flag" (a
    boolean: an attribute with value "true" when true), "choice" (``value`` is one of ``choices``), "text", "date",
    "datetime", "level" (1, 2 or 3) or "area" (one attribute per area, ``value`` its GSS code or
    slug). ``entity`` is the HSDS object it describes.
    """

    code: str
    name: str
    description: str
    link_type: str
    entity: str = "service"
    field: str = ""
    kind: str = "flag"
    choices: tuple = ()

    @property
    def id(self):
        return term_id(self.code)

    @property
    def model_field(self):
        return self.field or self.code


_SITUATIONS = (
    ("for_seeking_asylum", "For people seeking asylum"),
    ("for_refused_are", "For refused asylum seekers (appeal rights exhausted)"),
    ("for_refugee_hp", "For refugees and people with humanitarian protection"),
    ("for_nrpf", "For people with no recourse to public funds"),
    ("for_unaccompanied_children", "For unaccompanied children"),
    ("for_anyone", "For anyone, whatever their immigration situation"),
)
_ACCESS = (
    ("access_drop_in", "Drop in", "People can come without an appointment."),
    ("access_appointment", "By appointment", "People need to book an appointment."),
    ("access_referral", "Referral only", "People need a referral from another organisation."),
    ("access_self_referral", "Self-referral", "People can refer themselves."),
)

# Every term, in the order they are published. Names and descriptions are the published
# (English) taxonomy, not interface text: they are data, like the needs taxonomy.
TERMS = (
    *(DetailTerm(code, name, f"{name}: the service is open to them.", "eligibility") for code, name in _SITUATIONS),
    DetailTerm(
        "gender",
        "Gender",
        'The service is only for one gender: value "women" or "men".',
        "eligibility",
        kind="choice",
        choices=tuple(value for value in Service.Gender.values if value != Service.Gender.ANY),
    ),
    DetailTerm("for_families", "For families", "Families are welcome.", "eligibility"),
    DetailTerm("for_lgbt", "For LGBT+ people", "The service is for LGBT+ people.", "eligibility"),
    DetailTerm(
        "restricted_to_area",
        "Only for people living in an area",
        "Only people living in this area may use the service: value the area's GSS code (or its "
        "Waymark slug). One attribute per area.",
        "eligibility",
        field="restricted_to_areas",
        kind="area",
    ),
    *(DetailTerm(code, name, description, "access") for code, name, description in _ACCESS),
    DetailTerm(
        "accepts_waymark_referrals",
        "Accepts referrals through Waymark",
        "The service takes referrals sent through Waymark.",
        "access",
    ),
    DetailTerm(
        "interpreters_available",
        "Interpreters available",
        "The service can provide an interpreter.",
        "access",
    ),
    DetailTerm(
        "advice_regulator",
        "Immigration advice regulator",
        'Who regulates the service\'s immigration advice: value "oisc", "sra", "bsb" or "cilex".',
        "regulation",
        kind="choice",
        choices=tuple(Service.Regulator.values),
    ),
    DetailTerm(
        "advice_registration_number",
        "Regulator registration number",
        "The adviser's registration number with its regulator.",
        "regulation",
        kind="text",
    ),
    DetailTerm(
        "advice_oisc_level",
        "OISC level",
        "The OISC level of the immigration advice (1, 2 or 3).",
        "regulation",
        kind="level",
    ),
    DetailTerm(
        "regulator_not_confirmed",
        "Regulator not confirmed",
        "The service was imported without a regulator Waymark could confirm: it is never offered "
        "for regulated immigration advice referrals until an editor checks it.",
        "regulation",
    ),
    DetailTerm(
        "capacity_status",
        "Capacity",
        'Whether the service can take new people: value "taking_new", "waiting_list" or "full".',
        "capacity",
        kind="choice",
        choices=tuple(Service.CapacityStatus.values),
    ),
    DetailTerm(
        "verified_at",
        "Last checked",
        "When the listing was last checked to be correct (ISO 8601 date and time).",
        "verification",
        kind="datetime",
    ),
    DetailTerm(
        "verification_method",
        "How it was checked",
        'How the listing was last checked: value "phone", "email", "visit", "self_confirmed" or "import".',
        "verification",
        kind="choice",
        choices=tuple(Service.VerificationMethod.values),
    ),
    DetailTerm(
        "alert_ends_on",
        "Temporary notice ends on",
        "The last day the service's alert (temporary notice) applies (ISO 8601 date).",
        "notice",
        kind="date",
    ),
    DetailTerm(
        "data_sharing_with_authorities",
        "Sharing personal data with the authorities",
        "Whether the organisation shares personal data with the authorities: value "
        '"never_without_consent" or "only_where_law_requires" (left out when not known).',
        "data_sharing",
        entity="organization",
        kind="choice",
        choices=tuple(value for value in Organization.DataSharing.values if value != Organization.DataSharing.UNKNOWN),
    ),
    DetailTerm(
        "address_hidden",
        "Address hidden",
        "A safe house or refuge: only the area is published, never the street, the place's name or its coordinates.",
        "location",
        entity="location",
    ),
    DetailTerm(
        "location_area",
        "Area",
        "The area (local authority) the location is in: value the area's GSS code (or its Waymark slug).",
        "location",
        entity="location",
        field="area",
        kind="area",
    ),
)
TERMS_BY_CODE = {term.code: term for term in TERMS}
TERMS_BY_ID = {term.id: term for term in TERMS}


def load_details_taxonomy(*, models=None):
    """Create or update the published taxonomy and its terms with their fixed ids (the data
    migration runs this; running it again changes only what differs). ``models`` is the app
    registry to take the models from (a migration's ``apps``)."""
    from django.apps import apps as current_apps

    registry = models or current_apps
    taxonomy_model = registry.get_model("directory", "Taxonomy")
    term_model = registry.get_model("directory", "TaxonomyTerm")
    values = {"name": TAXONOMY_NAME, "description": TAXONOMY_DESCRIPTION, "version": TAXONOMY_VERSION}
    taxonomy, _created = taxonomy_model.objects.update_or_create(id=TAXONOMY_ID, defaults=values)
    for position, term in enumerate(TERMS):
        term_model.objects.update_or_create(
            id=term.id,
            defaults={
                "taxonomy": taxonomy,
                "code": term.code,
                "name": term.name,
                "description": term.description,
                "taxonomy_name": TAXONOMY_NAME,
                "position": position,
            },
        )
    return taxonomy


def unload_details_taxonomy(*, models=None):
    """Remove the published taxonomy and its terms (the migration's reverse)."""
    from django.apps import apps as current_apps

    registry = models or current_apps
    registry.get_model("directory", "TaxonomyTerm").objects.filter(taxonomy_id=TAXONOMY_ID).delete()
    registry.get_model("directory", "Taxonomy").objects.filter(id=TAXONOMY_ID).delete()


# --- Publishing ------------------------------------------------------------------------------


def taxonomy_dict():
    """The published taxonomy as ORUK ``taxonomy`` (without its terms)."""
    return {
        "id": str(TAXONOMY_ID),
        "name": TAXONOMY_NAME,
        "description": TAXONOMY_DESCRIPTION,
        "version": TAXONOMY_VERSION,
    }


def term_dict(term):
    """A Waymark service details term as ORUK ``taxonomy_term``."""
    return {
        "id": str(term.id),
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "taxonomy": TAXONOMY_NAME,
        "taxonomy_id": str(TAXONOMY_ID),
    }


def _uuid5_text(name):
    """``str(uuid.uuid5(NAMESPACE, name))``, without building two UUID objects on the way: a
    full export derives hundreds of thousands of attribute ids."""
    digest = bytearray(hashlib.sha1(NAMESPACE.bytes + name.encode(), usedforsecurity=False).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


# Each term's ORUK dict, built once (every attribute nests its term; nothing changes them).
_TERM_DICTS = {}


def _term_dict_once(term):
    found = _TERM_DICTS.get(term.code)
    if found is None:
        found = _TERM_DICTS[term.code] = term_dict(term)
    return found


def _attribute(term, entity, link_id, value=""):
    """An ORUK attribute of ``term`` on the object ``link_id``. Its id is derived from what it
    says, so the same fact has the same id in every export."""
    link_id = str(link_id)
    attribute = {
        "id": _uuid5_text(f"attribute:{link_id}:{term.code}:{value}"),
        "link_id": link_id,
        "link_type": term.link_type,
        "link_entity": entity,
        "taxonomy_term_id": _term_dict_once(term)["id"],
        "taxonomy_term": _term_dict_once(term),
    }
    if value != "":
        attribute["value"] = value
    return attribute


def area_reference(area):
    """How an area is named in an attribute's value: its GSS code, else its slug."""
    return area.gss_code or area.slug


def _values(term, obj):
    """The attribute values ``obj`` has for ``term`` (empty: no attribute)."""
    current = getattr(obj, term.model_field)
    if term.kind == "flag":
        return ["true"] if current else []
    if term.kind == "area":
        if term.code == "restricted_to_area":
            return [area_reference(area) for area in current.all()]
        return [area_reference(current)] if current is not None else []
    if current in (None, ""):
        return []
    if term.code == "gender" and current == "any":
        return []
    if term.code == "data_sharing_with_authorities" and current == "unknown":
        return []
    if term.kind == "datetime":
        return [current.isoformat()]
    if term.kind == "date":
        return [current.isoformat()]
    return [str(current)]


def _attributes_for(obj, entity):
    return [
        _attribute(term, entity, obj.id, value)
        for term in TERMS
        if term.entity == entity
        for value in _values(term, obj)
    ]


def attributes_for_service(service):
    """Waymark's extensions of ``service`` as ORUK attributes (needs not included: see
    ``need_attributes``). Reads ``service.restricted_to_areas.all()``: prefetch it."""
    return _attributes_for(service, "service")


def attributes_for_organization(organization):
    """Waymark's extensions of ``organization`` as ORUK attributes."""
    return _attributes_for(organization, "organization")


def attributes_for_location(location):
    """Waymark's extensions of ``location`` (hidden address, area) as ORUK attributes. Reads
    ``location.area``: select it."""
    return _attributes_for(location, "location")


def need_attributes(attributes, term_dicts):
    """The service's needs as ORUK attributes, from its ``Attribute`` rows and a dict of
    ``{term id: ORUK taxonomy_term dict}`` (the serialiser builds it once per page)."""
    published = []
    for attribute in attributes:
        term = term_dicts.get(attribute.taxonomy_term_id)
        if term is None:
            continue
        item = {
            "id": str(attribute.id),
            "link_id": str(attribute.link_id),
            "link_type": attribute.link_type,
            "link_entity": attribute.link_entity,
            "taxonomy_term_id": str(attribute.taxonomy_term_id),
            "taxonomy_term": term,
        }
        if attribute.value:
            item["value"] = attribute.value
        published.append(item)
    return published


# --- Reading back (the importer) -------------------------------------------------------------


def detail_term_of(attribute):
    """The Waymark service details term an incoming attribute dict is about, or None.

    Recognised by the term's id (``taxonomy_term.id`` or ``taxonomy_term_id``), else by its
    ``code`` when the term says it belongs to this taxonomy (by id or name)."""
    if not isinstance(attribute, dict):
        return None
    nested = attribute.get("taxonomy_term") if isinstance(attribute.get("taxonomy_term"), dict) else {}
    for candidate in (nested.get("id"), attribute.get("taxonomy_term_id")):
        try:
            found = TERMS_BY_ID.get(uuid.UUID(str(candidate)))
        except (ValueError, TypeError, AttributeError):
            found = None
        if found is not None:
            return found
    taxonomy = str(nested.get("taxonomy_id") or nested.get("taxonomy") or "")
    if taxonomy in (str(TAXONOMY_ID), TAXONOMY_NAME):
        return TERMS_BY_CODE.get(str(nested.get("code") or ""))
    return None


def _find_area(reference, areas=None):
    """The Area named by ``reference`` (GSS code, slug or name), or None."""
    from waymark.places.models import Area

    reference = str(reference or "").strip()
    if not reference:
        return None
    queryset = areas if areas is not None else Area.objects.all()
    return (
        queryset.filter(gss_code__iexact=reference).first()
        or queryset.filter(slug__iexact=reference).first()
        or queryset.filter(name__iexact=reference).first()
    )


def _is_false(value):
    return str(value).strip().lower() in ("false", "0", "no", "off")


def _apply(entity, fields, attributes, *, flag_default=False):
    """Fill ``fields`` from the attributes of ``entity``'s terms; return warnings.

    Only when at least one Waymark details attribute is present: a record from a directory that
    does not speak Waymark's taxonomy leaves the fields alone. When some are present they
    describe the whole record, so a flag without its attribute is false and a value without
    its attribute is empty (as Waymark exports them)."""
    warnings = []
    ours = [(term, attribute) for attribute in attributes or () if (term := detail_term_of(attribute))]
    ours = [(term, attribute) for term, attribute in ours if term.entity == entity]
    if not ours:
        return warnings
    for term in TERMS:
        if term.entity != entity:
            continue
        if term.kind == "flag":
            fields[term.model_field] = flag_default
        elif term.code == "restricted_to_area":
            fields[term.model_field] = []
        elif term.kind == "area":
            fields[term.model_field] = None
        elif term.code == "gender":
            fields[term.model_field] = "any"
        elif term.code == "data_sharing_with_authorities":
            fields[term.model_field] = "unknown"
        elif term.kind in ("level", "datetime", "date"):
            fields[term.model_field] = None
        else:
            fields[term.model_field] = ""
    for term, attribute in ours:
        value = attribute.get("value")
        value = "" if value is None else str(value).strip()
        problem = None
        if term.kind == "flag":
            fields[term.model_field] = not _is_false(value)
        elif term.kind == "choice":
            if value.lower() in term.choices:
                fields[term.model_field] = value.lower()
            else:
                problem = f"{term.code}: {value!r} is not one of {', '.join(term.choices)}"
        elif term.kind == "text":
            fields[term.model_field] = value[:50]
        elif term.kind == "level":
            if value in ("1", "2", "3"):
                fields[term.model_field] = int(value)
            else:
                problem = f"{term.code}: {value!r} is not 1, 2 or 3"
        elif term.kind == "datetime":
            parsed = _parse_datetime(value)
            if parsed is None:
                problem = f"{term.code}: {value!r} is not a date and time"
            else:
                fields[term.model_field] = parsed
        elif term.kind == "date":
            parsed = _parse_date(value)
            if parsed is None:
                problem = f"{term.code}: {value!r} is not a date"
            else:
                fields[term.model_field] = parsed
        elif term.kind == "area":
            area = _find_area(value)
            if area is None:
                problem = f"{term.code}: no area {value!r} is known here"
            elif term.code == "restricted_to_area":
                if area not in fields[term.model_field]:
                    fields[term.model_field].append(area)
            else:
                fields[term.model_field] = area
        if problem:
            warnings.append(f"Waymark attribute {problem}; left out.")
    return warnings


def _parse_datetime(value):
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def _parse_date(value):
    try:
        return parse_date(value)
    except ValueError:
        return None


def apply_waymark_attributes(service_fields, attributes):
    """Set Waymark's service fields in ``service_fields`` (a dict of model field values) from
    incoming ORUK/HSDS ``attributes`` (dicts); return a list of warnings for values left out.

    Sets the ``for_*``, ``gender``, ``for_families``, ``for_lgbt``, ``access_*``,
    ``accepts_waymark_referrals``, ``interpreters_available``, ``advice_regulator``,
    ``advice_registration_number``, ``advice_oisc_level``, ``regulator_not_confirmed``,
    ``capacity_status``, ``verified_at``, ``verification_method`` and ``alert_ends_on`` keys,
    and ``restricted_to_areas`` to a list of ``places.Area`` rows (a many-to-many: the
    importer sets it after saving). Nothing is set when no attribute is of the Waymark service
    details taxonomy. Needs are not read here: see ``need_term_ids``.
    """
    return _apply("service", service_fields, attributes)


def apply_organization_attributes(organization_fields, attributes):
    """Set ``data_sharing_with_authorities`` from incoming organisation attributes; warnings."""
    return _apply("organization", organization_fields, attributes)


def apply_location_attributes(location_fields, attributes):
    """Set ``address_hidden`` and ``area`` (a ``places.Area`` or None) from incoming location
    attributes; warnings. A hidden address needs an area (a database constraint): when the
    area is unknown here the importer must not hide an address it cannot place, and should
    drop the street instead (the warning says so)."""
    warnings = _apply("location", location_fields, attributes)
    if location_fields.get("address_hidden") and location_fields.get("area") is None:
        warnings.append("Waymark attribute address_hidden: the location's area is not known here.")
    return warnings


def need_term_ids(attributes):
    """The ids (UUIDs) of the incoming attributes' terms that are Waymark needs in this
    database (``link_type`` "need" or a term of the "Waymark needs" taxonomy). One query."""
    from waymark.directory.models import NEEDS_TAXONOMY_NAME, TaxonomyTerm

    candidates = set()
    for attribute in attributes or ():
        if not isinstance(attribute, dict) or detail_term_of(attribute) is not None:
            continue
        nested = attribute.get("taxonomy_term") if isinstance(attribute.get("taxonomy_term"), dict) else {}
        for candidate in (nested.get("id"), attribute.get("taxonomy_term_id")):
            try:
                candidates.add(uuid.UUID(str(candidate)))
            except (ValueError, TypeError, AttributeError):
                continue
    if not candidates:
        return []
    found = TaxonomyTerm.objects.filter(id__in=candidates, taxonomy__name=NEEDS_TAXONOMY_NAME)
    return sorted(found.values_list("id", flat=True), key=str)


__all__ = [
    "NAMESPACE",
    "NEED_LINK_TYPE",
    "TAXONOMY_ID",
    "TAXONOMY_NAME",
    "TERMS",
    "apply_location_attributes",
    "apply_organization_attributes",
    "apply_waymark_attributes",
    "area_reference",
    "attributes_for_location",
    "attributes_for_organization",
    "attributes_for_service",
    "detail_term_of",
    "load_details_taxonomy",
    "need_attributes",
    "need_term_ids",
    "taxonomy_dict",
    "term_dict",
    "term_id",
]
