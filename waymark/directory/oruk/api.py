"""The Open Referral UK 3.0 API at /api/oruk/: open to everyone, no key, CORS for every origin.

All eleven ORUK endpoints, plain function views returning JSON (django-ninja is not used: its
generated OpenAPI would replace ORUK's, which is the contract). What every view keeps to:

- Only the public map (``serialise.public_services``, ``public_organizations``); the JSON
  shapes are ``serialise.py``'s.
- Every list is paginated as the ORUK validator checks it: ``page`` from 1 (default 1),
  ``per_page`` from 1 to ``MAX_PER_PAGE`` (default ``DEFAULT_PER_PAGE``). Page 1 of an empty
  list is an ordinary empty page; a later page past the end is a 404.
- Parameters combine with AND. A parameter Waymark does not know is ignored; one it knows with
  a bad value is refused with 422.
- Every error is ``{"detail": "<message in the request's language>", "code": "<slug>"}``
  (the same as /api/v1/); never a 500 for anything a caller sends.
- ``format=ndjson`` streams every match (no pagination) as one JSON object a line, read a
  chunk at a time so memory stays flat.
- ``Access-Control-Allow-Origin: *`` on every answer, and OPTIONS answers a browser's preflight.
"""

import copy
import datetime as dt
import functools
import json
import math
import uuid

from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Ceil, Greatest
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from waymark.directory.models import Attribute, Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from waymark.directory.oruk import extensions, published, serialise
from waymark.directory.oruk.schemas import ORUK_DIR, ORUK_SCHEMA_BASE, ORUK_SCHEMA_DIR
from waymark.directory.search import NEAR_RADIUS_M, text_filter
from waymark.directory.search_needs import needs_index
from waymark.lib.text import normalise_words
from waymark.places.geo import bounding_box, distance_m_expression
from waymark.places.postcodes import locate, normalise_outcode, normalise_postcode

VERSION = "HSDS-UK-3.0"
PROFILE = "https://openreferraluk.org/specifications/3.0/"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
# The furthest ``proximity`` (metres) asked for: more than the length of Great Britain.
MAX_PROXIMITY_M = 1_500_000
# The most words of ``search`` used, as on the public map.
MAX_SEARCH_LENGTH = 200
# How many records ndjson reads at a time.
NDJSON_CHUNK_SIZE = 200
# Lists change when editors approve changes: a minute's caching is harmless and takes load off.
LIST_MAX_AGE = 60
# The OpenAPI document and schemas change only with a release.
DOCUMENT_MAX_AGE = 60 * 60
# The schema files Waymark serves again, by name (``service`` → ``service.json``).
SCHEMA_NAMES = frozenset(path.stem for path in ORUK_SCHEMA_DIR.glob("*.json"))


class Problem(Exception):
    """Refuse a request: the HTTP status, a stable code and a (translated) message."""

    def __init__(self, status, code, detail):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


def _add_cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "Content-Language"
    return response


def _error(status, code, detail):
    response = JsonResponse({"detail": str(detail), "code": code}, status=status)
    patch_vary_headers(response, ["Accept-Language"])
    return response


def open_endpoint(view):
    """The HTTP contract every ORUK endpoint shares: GET and HEAD (OPTIONS answers a CORS
    preflight), CORS for every origin, no CSRF (nothing changes), errors as JSON."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = request.headers.get("Access-Control-Request-Headers", "*")
            response["Access-Control-Max-Age"] = "86400"
            response["Allow"] = "GET, HEAD, OPTIONS"
            return _add_cors(response)
        if request.method not in ("GET", "HEAD"):
            response = _error(405, "method_not_allowed", _("Only GET is allowed here: this API is read-only."))
            response["Allow"] = "GET, HEAD, OPTIONS"
            return _add_cors(response)
        try:
            response = view(request, *args, **kwargs)
        except Problem as problem:
            response = _error(problem.status, problem.code, problem.detail)
        except Http404:
            response = _error(404, "not_found", _("Nothing was found at this address."))
        return _add_cors(response)

    return wrapper


# --- Reading parameters ----------------------------------------------------------------------


def _parameter(request, name):
    """The parameter's value stripped, or "" when absent or empty."""
    return request.GET.get(name, "").strip()


def _whole_number(request, name, default):
    text = _parameter(request, name)
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise Problem(422, f"invalid_{name}", _("“%(name)s” must be a whole number.") % {"name": name}) from None


def _page_and_size(request):
    page = _whole_number(request, "page", 1)
    if page < 1:
        raise Problem(422, "invalid_page", _("“page” must be 1 or more."))
    per_page = _whole_number(request, "per_page", DEFAULT_PER_PAGE)
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise Problem(
            422,
            "invalid_per_page",
            _("“per_page” must be from 1 to %(maximum)d.") % {"maximum": MAX_PER_PAGE},
        )
    return page, per_page


def _flag(request, name):
    text = _parameter(request, name).lower()
    if text in ("", "false", "0", "no", "off"):
        return False
    if text in ("true", "1", "yes", "on"):
        return True
    raise Problem(422, f"invalid_{name}", _("“%(name)s” must be true or false.") % {"name": name})


def _uuid(text, name):
    try:
        return uuid.UUID(text)
    except (ValueError, AttributeError):
        raise Problem(
            422,
            f"invalid_{name}",
            _("“%(name)s” must be a UUID, e.g. %(example)s.") % {"name": name, "example": uuid.UUID(int=0)},
        ) from None


def _uuid_parameter(request, name):
    text = _parameter(request, name)
    return _uuid(text, name) if text else None


def _path_id(value):
    """The ``{id}`` of an address: a malformed one finds nothing."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Problem(404, "not_found", _("Nothing has this id: ids here are UUIDs.")) from None


def _modified_after(request):
    text = _parameter(request, "modified_after")
    if not text:
        return None
    # A "+" in a query string arrives as a space.
    text = text.replace(" ", "+")
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = dt.datetime.combine(day, dt.time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise Problem(
            422,
            "invalid_modified_after",
            _("“modified_after” must be a date or a date and time in ISO 8601, e.g. 2025-01-31T09:00:00Z."),
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


def _format(request):
    value = _parameter(request, "format").lower() or "json"
    if value not in ("json", "ndjson"):
        raise Problem(422, "invalid_format", _("“format” must be json or ndjson."))
    return value


def _search_text(request):
    text = _parameter(request, "search")
    if len(text) > MAX_SEARCH_LENGTH:
        raise Problem(
            422,
            "invalid_search",
            _("“search” must be at most %(maximum)d characters.") % {"maximum": MAX_SEARCH_LENGTH},
        )
    return text


# --- Answers ---------------------------------------------------------------------------------


def _json(data, *, max_age=LIST_MAX_AGE):
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ["Accept-Language"])
    return response


def _json_text(text, *, max_age=LIST_MAX_AGE):
    """A JSON answer whose body is JSON text already (stored published records)."""
    response = HttpResponse(text.encode(), content_type="application/json")
    patch_cache_control(response, public=True, max_age=max_age)
    patch_vary_headers(response, ["Accept-Language"])
    return response


def _check_page(total, page, per_page):
    """Refuse a page past the end (page 1 of an empty list is an ordinary empty page)."""
    last = max(math.ceil(total / per_page), 1)
    if page > last:
        raise Problem(
            404,
            "page_out_of_range",
            _("There is no page %(page)d: the last page is %(last)d.") % {"page": page, "last": last},
        )


def _page_fields(total, page, per_page, size):
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": size,
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not size,
    }


def _page_of_texts(total, page, per_page, texts):
    """An ORUK page whose items are JSON texts (stored records), written without parsing them."""
    head = json.dumps(_page_fields(total, page, per_page, len(texts)), ensure_ascii=False)
    return _json_text(f'{head[:-1]}, "contents": [{", ".join(texts)}]}}')


def _paginated(queryset, page, per_page, serialise_page, *, texts=False):
    """An ORUK page of ``queryset`` (ordered), its ids turned into dicts (or, with ``texts``,
    JSON texts) by ``serialise_page``.

    Two queries (the count, the page's ids) plus what ``serialise_page`` needs, whichever page."""
    total = queryset.count()
    _check_page(total, page, per_page)
    offset = (page - 1) * per_page
    ids = list(queryset.values_list("id", flat=True)[offset : offset + per_page]) if total else []
    contents = serialise_page(ids)
    if texts:
        return _page_of_texts(total, page, per_page, contents)
    return _json({**_page_fields(total, page, per_page, len(contents)), "contents": contents})


def _ndjson(records, filename):
    """Stream ``records`` (an iterator of dicts) as newline-delimited JSON."""
    return _ndjson_texts(
        (json.dumps(record, ensure_ascii=False, separators=(",", ":")) for record in records), filename
    )


def _ndjson_texts(texts, filename):
    """Stream ``texts`` (an iterator of one-line JSON texts) as newline-delimited JSON."""
    lines = (text + "\n" for text in texts)
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ndjson"'
    patch_cache_control(response, public=True, max_age=LIST_MAX_AGE)
    return response


def _chunked(queryset, hydrate, serialise_one, chunk_size=NDJSON_CHUNK_SIZE):
    """Every record of ``queryset``, by id, read ``chunk_size`` at a time."""
    for ids in _chunks_of_ids(queryset, chunk_size):
        yield from (serialise_one(obj) for obj in hydrate(ids))


def _in_order(queryset, ids):
    by_id = {obj.id: obj for obj in queryset.filter(id__in=ids)}
    return [by_id[object_id] for object_id in ids if object_id in by_id]


# --- Filters shared by /services and /service_at_locations -----------------------------------


def _term_branch(term_id):
    """The term and the terms within it (three levels down: deeper than any taxonomy here)."""
    return TaxonomyTerm.objects.filter(
        Q(id=term_id) | Q(parent_id=term_id) | Q(parent__parent_id=term_id) | Q(parent__parent__parent_id=term_id)
    ).values("id")


def _detail_q(term):
    """Services that have the Waymark service details ``term`` (computed from their columns)."""
    field = term.model_field
    if term.entity == "organization":
        return ~Q(organization__data_sharing_with_authorities=Organization.DataSharing.UNKNOWN)
    if term.entity == "location":
        links = ServiceAtLocation.objects.filter(service=OuterRef("pk"))
        if term.code == "address_hidden":
            links = links.filter(location__address_hidden=True)
        else:
            links = links.filter(location__area__isnull=False)
        return Q(Exists(links))
    if term.kind == "flag":
        return Q(**{field: True})
    if term.code == "restricted_to_area":
        return Q(Exists(Service.restricted_to_areas.through.objects.filter(service_id=OuterRef("pk"))))
    if term.code == "gender":
        return ~Q(gender=Service.Gender.ANY)
    if term.kind in ("level", "date", "datetime"):
        return Q(**{f"{field}__isnull": False})
    return ~Q(**{field: ""})


def _attributed(term_ids):
    return Attribute.objects.filter(
        link_entity=Service.hsds_entity, link_id=OuterRef("pk"), taxonomy_term_id__in=term_ids
    )


def filter_services(services, request):
    """``services`` narrowed by ``search``, ``taxonomy_term_id``, ``taxonomy_id``,
    ``organization_id`` and ``modified_after``, all together; annotated with ``relevance``
    when searching. Raises Problem on a bad value."""
    term_id = _uuid_parameter(request, "taxonomy_term_id")
    taxonomy_id = _uuid_parameter(request, "taxonomy_id")
    organization_id = _uuid_parameter(request, "organization_id")
    modified_after = _modified_after(request)
    search = _search_text(request)
    if term_id is not None:
        detail = extensions.TERMS_BY_ID.get(term_id)
        if detail is not None:
            services = services.filter(_detail_q(detail))
        else:
            services = services.filter(Exists(_attributed(_term_branch(term_id))))
    if taxonomy_id is not None:
        if taxonomy_id == extensions.TAXONOMY_ID:
            any_detail = Q()
            for detail in extensions.TERMS:
                any_detail |= _detail_q(detail)
            services = services.filter(any_detail)
        else:
            terms = TaxonomyTerm.objects.filter(taxonomy_id=taxonomy_id).values("id")
            services = services.filter(Exists(_attributed(terms)))
    if organization_id is not None:
        services = services.filter(organization_id=organization_id)
    if modified_after is not None:
        services = services.filter(last_modified__gte=modified_after)
    words = normalise_words(search)[:12]
    if words:
        services = text_filter(services, words, needs_index())
    return services, bool(words)


def _services_in_order(services, searched):
    if searched:
        return services.order_by("-relevance", "name", "id")
    return services.order_by("name", "id")


# --- Views: the API's own description --------------------------------------------------------


def _api_root(request):
    return request.build_absolute_uri(reverse("oruk:api_details"))


@open_endpoint
def api_details(request):
    """``GET /``: which specification this API follows, and where its OpenAPI document is."""
    return _json(
        {
            "version": VERSION,
            "profile": PROFILE,
            "openapi_url": request.build_absolute_uri(reverse("oruk:openapi")),
        }
    )


def _rewrite_refs(document, schema_url):
    """A copy of ``document`` whose ``$ref``s to ORUK's published schemas point at ours."""
    if isinstance(document, dict):
        rewritten = {}
        for key, value in document.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(ORUK_SCHEMA_BASE):
                name, _sep, fragment = value[len(ORUK_SCHEMA_BASE) :].partition("#")
                rewritten[key] = schema_url(name.removesuffix(".json")) + (f"#{fragment}" if fragment else "")
            else:
                rewritten[key] = _rewrite_refs(value, schema_url)
        return rewritten
    if isinstance(document, list):
        return [_rewrite_refs(item, schema_url) for item in document]
    return document


@functools.cache
def _official_openapi():
    return json.loads((ORUK_DIR / "openapi.json").read_text(encoding="utf-8"))


@functools.cache
def _official_schema(name):
    return json.loads((ORUK_SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


def _schema_url_maker(request):
    base = request.build_absolute_uri(reverse("oruk:schema", args=["service"])).removesuffix("service.json")
    return lambda name: f"{base}{name}.json"


@open_endpoint
def openapi(request):
    """ORUK's OpenAPI document, served for this site: ``servers`` is this API and the schemas it
    refers to are Waymark's copies, so that it works with no internet."""
    document = _rewrite_refs(copy.deepcopy(_official_openapi()), _schema_url_maker(request))
    document["servers"] = [{"url": _api_root(request).rstrip("/"), "description": "Waymark"}]
    return _json(document, max_age=DOCUMENT_MAX_AGE)


@open_endpoint
def schema(request, name):
    """One of ORUK's JSON Schemas, as published, with its references pointing at Waymark's copies."""
    if name not in SCHEMA_NAMES:
        raise Problem(404, "not_found", _("There is no schema with this name."))
    document = _rewrite_refs(_official_schema(name), _schema_url_maker(request))
    document["$id"] = _schema_url_maker(request)(name)
    return _json(document, max_age=DOCUMENT_MAX_AGE)


def docs(request):
    """The human documentation of the API: endpoints, parameters, limits and attribution."""
    response = render(
        request,
        "directory/oruk/docs.html",
        {
            "api_root": _api_root(request),
            "openapi_url": request.build_absolute_uri(reverse("oruk:openapi")),
            "default_per_page": DEFAULT_PER_PAGE,
            "max_per_page": MAX_PER_PAGE,
            "max_proximity_m": MAX_PROXIMITY_M,
            "default_proximity_m": NEAR_RADIUS_M,
            "taxonomy_name": extensions.TAXONOMY_NAME,
            "taxonomy_id": extensions.TAXONOMY_ID,
            "detail_terms": extensions.TERMS,
        },
    )
    return _add_cors(response)


@open_endpoint
def not_found(request, rest=""):
    raise Problem(404, "not_found", _("There is no such endpoint. See the API's documentation at /api/oruk/docs/."))


# --- Views: services -------------------------------------------------------------------------


# The parameters that narrow /services beside ``search``: without any of them a page is read
# from the public map's order kept in memory (``published.public_page``), with no count.
SERVICE_FILTERS = ("taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after")


def _minimal_items(ids):
    rows = Service.objects.filter(id__in=ids).values("id", "name", "status", "last_modified")
    by_id = {row["id"]: row for row in rows}
    return [
        {
            "id": str(row["id"]),
            "name": row["name"],
            "status": row["status"],
            "last_modified": row["last_modified"].isoformat(),
        }
        for row in (by_id[service_id] for service_id in ids if service_id in by_id)
    ]


@open_endpoint
def services(request):
    """``GET /services``: a page of public services (list items, ``full`` for nested,
    ``minimal`` for id, name, status and last_modified), or all of them as ndjson."""
    output = _format(request)
    page, per_page = _page_and_size(request)
    full, minimal = _flag(request, "full"), _flag(request, "minimal")
    today = timezone.localdate()
    found, searched = filter_services(serialise.public_services(), request)
    if output == "ndjson":
        return _ndjson_texts(published.iter_records(found, published.FULL, NDJSON_CHUNK_SIZE, today=today), "services")
    if minimal:
        return _paginated(_services_in_order(found, searched), page, per_page, _minimal_items)
    # Full records or list items, as stored (see published.py), built again only when the map
    # has changed since.
    kind = published.FULL if full else published.LIST_ITEM
    if not searched and not any(_parameter(request, name) for name in SERVICE_FILTERS):
        total, texts = published.public_page(kind, page, per_page, today=today)
        _check_page(total, page, per_page)
        return _page_of_texts(total, page, per_page, texts)

    def serialise_page(ids):
        return published.records_for(ids, kind, today)

    return _paginated(_services_in_order(found, searched), page, per_page, serialise_page, texts=True)


@open_endpoint
def service(request, service_id):
    """``GET /services/{id}``: the fully nested service, if it is on the public map."""
    text = published.public_record(_path_id(service_id), published.FULL)
    if text is None:
        raise Problem(404, "not_found", _("No service on the public map has this id."))
    return _json_text(text)


# --- Views: services at locations ------------------------------------------------------------


def _place(request):
    """(latitude, longitude, proximity in metres) from ``postcode`` and ``proximity``, or None."""
    postcode = _parameter(request, "postcode")
    proximity_text = _parameter(request, "proximity")
    if not postcode:
        if proximity_text:
            raise Problem(422, "proximity_without_postcode", _("“proximity” needs a “postcode” to measure from."))
        return None
    if normalise_postcode(postcode) is None and normalise_outcode(postcode) is None:
        raise Problem(
            422, "invalid_postcode", _("“postcode” must be a UK postcode, e.g. M13 9PL, or its first part, e.g. M13.")
        )
    found = locate(postcode)
    if not found:
        raise Problem(
            422, "unknown_postcode", _("We do not know where the postcode %(postcode)s is.") % {"postcode": postcode}
        )
    proximity = NEAR_RADIUS_M
    if proximity_text:
        try:
            proximity = float(proximity_text)
        except ValueError:
            proximity = math.nan
        if not math.isfinite(proximity):
            raise Problem(422, "invalid_proximity", _("“proximity” must be a distance in metres, e.g. 2000."))
        if proximity < 0:
            raise Problem(422, "invalid_proximity", _("“proximity” cannot be negative."))
        if proximity > MAX_PROXIMITY_M:
            raise Problem(
                422,
                "invalid_proximity",
                _("“proximity” must be at most %(maximum)d metres.") % {"maximum": MAX_PROXIMITY_M},
            )
    return float(found.latitude), float(found.longitude), proximity


def _near(links, latitude, longitude, proximity):
    """Services at locations within ``proximity`` metres, annotated with ``shown_distance``.

    A hidden address counts as far as the public map says it is: rounded up to the next whole
    kilometre, and never under 1 km, so that narrowing the distance cannot home in on a refuge."""
    box = bounding_box(latitude, longitude, proximity)
    distance = distance_m_expression(latitude, longitude, "location__latitude", "location__longitude")
    rounded = Greatest(Value(1000.0), Ceil(F("exact_distance") / Value(1000.0)) * Value(1000.0))
    links = (
        links.filter(box.q("location__latitude", "location__longitude"))
        .annotate(exact_distance=distance)
        .annotate(
            shown_distance=Case(
                When(location__address_hidden=True, then=rounded),
                default=F("exact_distance"),
                output_field=FloatField(),
            )
        )
        .filter(shown_distance__lte=proximity)
    )
    return links


def _link_list_items(ids, today):
    links = ServiceAtLocation.objects.select_related("service__organization", "location__area").defer(
        "service__search_text", "service__search_facets"
    )
    return [serialise.service_at_location_list_item(link, today=today) for link in _in_order(links, ids)]


@open_endpoint
def service_at_locations(request):
    """``GET /service_at_locations``: public services at their locations; ``postcode`` (and
    ``proximity`` in metres, default 10 km) keeps those near a postcode, nearest first."""
    output = _format(request)
    page, per_page = _page_and_size(request)
    full = _flag(request, "full")
    place = _place(request)
    today = timezone.localdate()
    found, searched = filter_services(serialise.public_services(), request)
    links = ServiceAtLocation.objects.filter(service_id__in=Subquery(found.values("id")))
    if place is not None:
        links = _near(links, *place)
    if output == "ndjson":
        records = _chunked(
            links,
            serialise.hydrate_service_at_locations,
            lambda link: serialise.full_service_at_location_dict(link, today=today),
        )
        return _ndjson(records, "service_at_locations")
    if place is not None:
        links = links.order_by("shown_distance", "service__name", "id")
    else:
        links = links.order_by("service__name", "location__name", "id")
    if full:

        def serialise_page(ids):
            return [
                serialise.full_service_at_location_dict(link, today=today)
                for link in serialise.hydrate_service_at_locations(ids)
            ]

    else:

        def serialise_page(ids):
            return _link_list_items(ids, today)

    return _paginated(links, page, per_page, serialise_page)


@open_endpoint
def service_at_location(request, link_id):
    """``GET /service_at_locations/{id}``: the service at its location, fully nested."""
    record = serialise.full_service_at_location(_path_id(link_id))
    if record is None:
        raise Problem(404, "not_found", _("No service on the public map is at a location with this id."))
    return _json(record)


# --- Views: organisations --------------------------------------------------------------------


def _organizations_matching(request):
    organizations = serialise.public_organizations()
    text = _search_text(request)
    if text:
        organizations = organizations.filter(
            Q(name__icontains=text) | Q(alternate_name__icontains=text) | Q(description__icontains=text)
        )
    return organizations


@open_endpoint
def organizations(request):
    """``GET /organizations``: organisations with a public service (``full`` nests their
    identifiers and services, ``full_service`` nests the services fully)."""
    output = _format(request)
    page, per_page = _page_and_size(request)
    full, full_service = _flag(request, "full"), _flag(request, "full_service")
    today = timezone.localdate()
    found = _organizations_matching(request)

    def full_records(ids):
        return serialise.full_organization_dicts(
            serialise.hydrate_organizations(ids), full_service=full_service, today=today
        )

    if output == "ndjson":
        records = (record for chunk in _chunks_of_ids(found) for record in full_records(chunk))
        return _ndjson(records, "organizations")
    if full or full_service:
        serialise_page = full_records
    else:

        def serialise_page(ids):
            return [serialise.organization_dict(item) for item in _in_order(Organization.objects.all(), ids)]

    return _paginated(found.order_by("name", "id"), page, per_page, serialise_page)


def _chunks_of_ids(queryset, chunk_size=NDJSON_CHUNK_SIZE):
    """The ids of ``queryset`` a chunk at a time, by keyset."""
    ordered = queryset.order_by("id")
    last_id = None
    while True:
        chunk = ordered if last_id is None else ordered.filter(id__gt=last_id)
        ids = list(chunk.values_list("id", flat=True)[:chunk_size])
        if not ids:
            return
        yield ids
        if len(ids) < chunk_size:
            return
        last_id = ids[-1]


@open_endpoint
def organization(request, organization_id):
    """``GET /organizations/{id}``: the organisation with its public services (as list items,
    or fully nested with ``full_service``)."""
    organization_id = _path_id(organization_id)
    full_service = _flag(request, "full_service")
    found = serialise.hydrate_organizations(
        serialise.public_organizations().filter(id=organization_id).values_list("id", flat=True)
    )
    if not found:
        raise Problem(404, "not_found", _("No organisation on the public map has this id."))
    return _json(serialise.full_organization_dicts(found, full_service=full_service)[0])


# --- Views: taxonomies -----------------------------------------------------------------------


@open_endpoint
def taxonomies(request):
    """``GET /taxonomies``: every taxonomy Waymark uses (its needs, its service details, and
    those of directories it imports)."""
    output = _format(request)
    page, per_page = _page_and_size(request)
    found = Taxonomy.objects.all()
    text = _search_text(request)
    if text:
        found = found.filter(Q(name__icontains=text) | Q(description__icontains=text))
    if output == "ndjson":
        records = (
            serialise.taxonomy_dict(taxonomy, list(taxonomy.terms.all()))
            for chunk in _chunks_of_ids(found)
            for taxonomy in serialise.taxonomies_with_terms(chunk)
        )
        return _ndjson(records, "taxonomies")

    def serialise_page(ids):
        return [serialise.taxonomy_dict(item) for item in _in_order(Taxonomy.objects.all(), ids)]

    return _paginated(found.order_by("name", "id"), page, per_page, serialise_page)


@open_endpoint
def taxonomy(request, taxonomy_id):
    """``GET /taxonomies/{id}``: the taxonomy with all its terms."""
    found = serialise.taxonomies_with_terms([_path_id(taxonomy_id)])
    if not found:
        raise Problem(404, "not_found", _("No taxonomy has this id."))
    return _json(serialise.taxonomy_dict(found[0], list(found[0].terms.all())))


@open_endpoint
def taxonomy_terms(request):
    """``GET /taxonomy_terms``: terms, narrowed by ``search``, ``taxonomy_id``, ``parent_id``
    and ``top_only`` (terms with no parent)."""
    output = _format(request)
    page, per_page = _page_and_size(request)
    found = TaxonomyTerm.objects.all()
    text = _search_text(request)
    if text:
        found = found.filter(
            Q(name__icontains=text)
            | Q(description__icontains=text)
            | Q(code__iexact=text)
            | Q(id__in=TaxonomyTerm.objects.filter(synonyms__word__icontains=text).values("id"))
        )
    taxonomy_id = _uuid_parameter(request, "taxonomy_id")
    if taxonomy_id is not None:
        found = found.filter(taxonomy_id=taxonomy_id)
    parent_id = _uuid_parameter(request, "parent_id")
    if parent_id is not None:
        found = found.filter(parent_id=parent_id)
    if _flag(request, "top_only"):
        found = found.filter(parent__isnull=True)
    terms = TaxonomyTerm.objects.select_related("taxonomy")
    if output == "ndjson":
        records = (
            serialise.taxonomy_term_dict(term) for chunk in _chunks_of_ids(found) for term in _in_order(terms, chunk)
        )
        return _ndjson(records, "taxonomy_terms")

    def serialise_page(ids):
        return [serialise.taxonomy_term_dict(term) for term in _in_order(terms, ids)]

    return _paginated(found.order_by("taxonomy__name", "position", "name", "id"), page, per_page, serialise_page)


@open_endpoint
def taxonomy_term(request, term_id):
    """``GET /taxonomy_terms/{id}``: one term."""
    term = TaxonomyTerm.objects.select_related("taxonomy").filter(id=_path_id(term_id)).first()
    if term is None:
        raise Problem(404, "not_found", _("No taxonomy term has this id."))
    return _json(serialise.taxonomy_term_dict(term))
