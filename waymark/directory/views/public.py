"""The public service map: the home page, results, a service's page, their plain-text and QR
versions for sharing, and the about page.

Anyone may read these pages without an account. They set no cookie on a visitor (no session,
no CSRF token: their own forms are searches sent by GET, and the language switcher takes a
visitor's choice without a token, see ``choose_language``), load nothing from anyone else, and
show each service's text in the visitor's language where a reviewed translation exists, else
in English with a notice saying so.
"""

import io
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET
from django.views.i18n import set_language

from waymark.accounts.access import is_organisation_admin
from waymark.directory.access import can_manage_listings, is_directory_editor
from waymark.directory.models import NEEDS_TAXONOMY_NAME, ImportedRecord, Service, TaxonomyTerm
from waymark.directory.opening import LONDON, describe_opening_times, next_opening
from waymark.directory.search import SearchForm, search_services
from waymark.directory.translation import prefetch_translations, translated
from waymark.places.codepoint import ATTRIBUTION
from waymark.referrals.statistics import response_statistics

# What a results page loads for each of its services, so that showing them asks nothing more.
RESULT_PREFETCH = (
    "organization",
    "phones",
    "languages",
    "schedules",
    "service_at_locations__location__addresses",
    "service_at_locations__location__area",
    "service_at_locations__location__schedules",
)
# The search parameters a results address keeps (architecture.md fixes their names).
SEARCH_PARAMETERS = ("q", "near", "need", "speaks", "open_now", "for", "free", "access")
# QR codes never change for an address: let browsers and proxies keep them for a day.
QR_MAX_AGE = 24 * 60 * 60


@dataclass
class Shown:
    """A piece of directory text as shown to someone: ``english`` is True when it is the
    English text standing in for a translation into their language that nobody has checked."""

    text: str
    english: bool = False

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)


class Translator:
    """Shows fields in one language, remembering whether any fell back to English."""

    def __init__(self, language):
        self.language = language
        self.fell_back = False

    def __call__(self, obj, field):
        text, is_translated = translated(obj, field, self.language)
        if not is_translated:
            self.fell_back = True
        return Shown(text or "", english=not is_translated)


def current_language():
    return translation.get_language() or settings.LANGUAGE_CODE


# --- Needs ------------------------------------------------------------------------------------


def needs_in_order(language):
    """The needs taxonomy's terms, each top-level term followed by its narrower ones, with
    ``label`` (the name in ``language`` where checked) and ``depth``. Two queries."""
    terms = list(TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME).exclude(slug=""))
    prefetch_translations(terms, language)
    children = {}
    for term in terms:
        term.label = translated(term, "name", language)[0]
        children.setdefault(term.parent_id, []).append(term)
    ordered = []

    def add(parent_id, depth):
        for term in children.get(parent_id, []):
            term.depth = depth
            ordered.append(term)
            add(term.id, depth + 1)

    add(None, 0)
    return ordered


# --- Describing a service ---------------------------------------------------------------------


def _location_of(service):
    """The service's first location (results show one; the service page shows all)."""
    locations = _locations_of(service)
    return locations[0] if locations else None


def _locations_of(service):
    return [link.location for link in service.service_at_locations.all()]


def _osm_link(location, address):
    """A plain link to OpenStreetMap's directions to the place (no map is embedded)."""
    if location.latitude is not None and location.longitude is not None:
        return f"https://www.openstreetmap.org/directions?route=%3B{location.latitude}%2C{location.longitude}"
    if address is not None:
        return "https://www.openstreetmap.org/search?query=" + quote(str(address))
    return ""


def describe_place(location, tr):
    """Where to go, as a dict. For a hidden address (a refuge, a safe house) only the area:
    never the street, the place's name, its coordinates or a map link."""
    if location is None:
        return None
    area = location.area.name if location.area_id else ""
    if location.address_hidden:
        return {"hidden": True, "area": area, "name": "", "lines": [], "directions": "", "transport": ""}
    addresses = sorted(location.addresses.all(), key=lambda address: address.address_type != "physical")
    address = addresses[0] if addresses else None
    lines = []
    if address is not None:
        lines = [part for part in (address.address_1, address.address_2, address.city, address.postal_code) if part]
    return {
        "hidden": False,
        "area": area,
        "name": tr(location, "name"),
        "lines": lines,
        "directions": _osm_link(location, address),
        "transport": tr(location, "transportation"),
    }


def _schedules_of(service, location):
    schedules = list(service.schedules.all())
    if not schedules and location is not None:
        schedules = list(location.schedules.all())
    return schedules


def describe_opening(schedules, now):
    """ "Open now until …" or "next open …", as a dict for the templates; None if unknown."""
    opening = next_opening(schedules, now) if schedules else None
    if opening is None:
        return None
    start, end = (timezone.localtime(moment, LONDON) for moment in opening)
    today = timezone.localdate(now, LONDON)
    return {
        "open_now": start <= now,
        "start": start,
        "end": end,
        "today": start.date() == today,
        "tomorrow": (start.date() - today).days == 1,
    }


def _distance(service, place):
    """Distance in metres, rounded up to a whole kilometre for a hidden address so that
    moving the search point cannot home in on a refuge."""
    distance = getattr(service, "distance_m", None)
    if distance is None:
        return None
    if place is not None and place["hidden"]:
        return max(1000, -(-distance // 1000) * 1000)
    return distance


def _language_name(language):
    try:
        return str(translation.get_language_info(language.code)["name_translated"])
    except KeyError:
        return language.name or language.code


def describe_result(service, tr, now):
    """What a results list shows of one service (prefetched with RESULT_PREFETCH)."""
    # The search picks the location nearest the place searched from, when there is one.
    location = getattr(service, "result_location", None) or _location_of(service)
    place = describe_place(location, tr)
    alert = service.current_alert(timezone.localdate(now, LONDON))
    return {
        "service": service,
        "name": tr(service, "name"),
        "organisation": service.organization.name,
        "place": place,
        "distance_m": _distance(service, place),
        "opening": describe_opening(_schedules_of(service, location), now),
        "alert": tr(service, "alert") if alert else None,
        "capacity": service.get_capacity_status_display() if service.capacity_status else "",
        "capacity_status": service.capacity_status,
        "stale": service.check_state(now) == "stale",
        "closed": service.status == Service.Status.TEMPORARILY_CLOSED,
        "phones": list(service.phones.all()),
        "languages": [_language_name(language) for language in service.languages.all()],
    }


# --- Searching --------------------------------------------------------------------------------


def _search_query_string(request, **changes):
    """The search's own parameters (not ``lang``: the address carries the language), with
    ``changes`` applied and empty values dropped."""
    params = {name: request.GET.get(name, "") for name in (*SEARCH_PARAMETERS, "page")}
    params.update(changes)
    return urlencode({name: value for name, value in params.items() if value})


def run_search(request, language, now):
    """The validated form and its results (None when the form has errors)."""
    form = SearchForm(request.GET)
    if not form.is_valid():
        return form, None
    results = search_services(form.query(), language=language, now=now)
    prefetch_related_objects(results.services, *RESULT_PREFETCH)
    locations = [location for service in results.services for location in _locations_of(service)]
    prefetch_translations([*results.services, *locations], language)
    return form, results


def _filters(form, needs):
    """The options of the results page's filters, with what the person chose."""
    value = form.data.get
    return {
        "needs": [(term.slug, term.label, term.depth) for term in needs],
        "need": value("need", ""),
        "languages": [
            (code, translation.get_language_info(code)["name_translated"]) for code, _name in settings.LANGUAGES
        ],
        "speaks": value("speaks", ""),
        "situations": Service.ImmigrationSituation.choices,
        "for": value("for", ""),
        "access_methods": Service.AccessMethod.choices,
        "access": value("access", ""),
        "open_now": bool(value("open_now")),
        "free": bool(value("free")),
    }


# --- Views ------------------------------------------------------------------------------------


@require_GET
def home(request):
    """The start page for everyone: what do you need, where, and the grid of needs. Signed-in
    members also see the pages their roles open."""
    language = current_language()
    context = {"needs": [term for term in needs_in_order(language) if term.depth == 0], "form": SearchForm()}
    if request.user.is_authenticated:
        context["is_organisation_admin"] = is_organisation_admin(request)
        context["is_administrator"] = request.user.is_superuser
        context["can_manage_listings"] = can_manage_listings(request)
        context["is_directory_editor"] = is_directory_editor(request.user)
        context.update(_hub_and_people_pages(request))
    return render(request, "home.html", context)


def _hub_and_people_pages(request):
    """What the start page links to for a member of a hub's organisation or a partner: today's
    session (the check-in desk), their hubs, the people, the rota; and the network lead's grid."""
    from waymark.casework import access as casework_access
    from waymark.hubs import access as hub_access
    from waymark.hubs.actions import ROTA_RESPONDER_ROLES
    from waymark.people import access as people_access

    membership = getattr(request, "membership", None)
    pages = {"leads_a_network": hub_access.networks_led_by(request.user).exists()}
    if membership is None:
        return pages
    pages["todays_session"] = hub_access.todays_session_for(request, membership.organisation)
    pages["runs_hubs"] = hub_access.is_hub_lead(membership) or hub_access.hubs_for_user(request).exists()
    pages["finds_people"] = people_access.can_find_people(membership)
    pages["does_casework"] = casework_access.can_do_casework(membership)
    pages["sees_team_caseload"] = casework_access.can_see_team_caseload(membership)
    pages["safeguarding"] = casework_access.can_raise_concern(membership)
    pages["is_safeguarding_lead"] = casework_access.is_safeguarding_lead(membership)
    pages["answers_rota"] = (
        membership.has_role(*ROTA_RESPONDER_ROLES) and hub_access.hubs_on_rota_of(membership.organisation).exists()
    )
    return pages


@require_GET
def results(request):
    """Services matching a search, filters as a plain form, a page at a time."""
    language = current_language()
    now = timezone.now()
    form, found = run_search(request, language, now)
    tr = Translator(language)
    needs = needs_in_order(language)
    context = {
        "form": form,
        "filters": _filters(form, needs),
        "found": found,
        "query_string": _search_query_string(request),
        "chosen_need": next((term for term in needs if term.slug == form.data.get("need")), None),
    }
    if found is not None:
        context["results"] = [describe_result(service, tr, now) for service in found.services]
        address = reverse("directory:results")
        if found.page > 1:
            context["previous_link"] = f"{address}?{_search_query_string(request, page=found.page - 1)}"
        if found.page < found.pages:
            context["next_link"] = f"{address}?{_search_query_string(request, page=found.page + 1)}"
        context["page_url"] = request.build_absolute_uri(f"{address}?{context['query_string']}")
        if found.suggestion:
            context["suggestion_query"] = _search_query_string(request, q=found.suggestion, page="")
    context["fell_back"] = tr.fell_back
    return render(request, "directory/public/results.html", context)


@require_GET
def results_text(request):
    """The results as plain text, to paste into WhatsApp or a text message."""
    language = current_language()
    now = timezone.now()
    form, found = run_search(request, language, now)
    tr = Translator(language)
    items = [describe_result(service, tr, now) for service in found.services] if found else []
    for item in items:
        item["url"] = request.build_absolute_uri(reverse("directory:service", args=[item["service"].id]))
    text = render_to_string(
        "directory/public/results.txt",
        {
            "found": found,
            "results": items,
            "fell_back": tr.fell_back,
            "url": request.build_absolute_uri(reverse("directory:results") + "?" + _search_query_string(request)),
        },
        request=request,
    )
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def _qr_response(url, title):
    """An SVG QR code of ``url``, cacheable."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False, title=title)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    patch_cache_control(response, public=True, max_age=QR_MAX_AGE)
    return response


@require_GET
def results_qr(request):
    """A QR code of the results page's address (for the printed list)."""
    query = _search_query_string(request)
    url = request.build_absolute_uri(reverse("directory:results") + (f"?{query}" if query else ""))
    return _qr_response(url, "Waymark")


def get_public_service(service_id):
    """A service on the public map, with what its page shows; otherwise 404."""
    service = (
        Service.objects.public()
        .select_related("organization")
        .prefetch_related(
            *(lookup for lookup in RESULT_PREFETCH if lookup != "organization"),
            "cost_options",
            "required_documents",
            "service_at_locations__location__phones",
            "service_at_locations__location__accessibility",
            "restricted_to_areas",
        )
        .filter(id=service_id)
        .first()
    )
    if service is None:
        raise Http404
    return service


def describe_service(service, tr, now):
    """Everything the service page (and its text version) shows."""
    language = tr.language
    needs = list(service.needs())
    locations = _locations_of(service)
    schedules = list(service.schedules.all())
    documents = list(service.required_documents.all())
    costs = [option for option in service.cost_options.all() if option.amount]
    access_notes = [item for location in locations for item in location.accessibility.all()]
    prefetch_translations([service, *locations, *schedules, *documents, *costs, *needs, *access_notes], language)
    item = describe_result(service, tr, now)
    places = [describe_place(location, tr) for location in locations]
    if not schedules and locations:
        schedules = list(locations[0].schedules.all())
    phones = list(service.phones.all()) or [phone for location in locations for phone in location.phones.all()]
    regulated = bool(service.advice_regulator)
    # "Free." beside the page's own "Free" says it twice.
    fees = tr(service, "fees_description")
    item.update(
        {
            "alternate_name": tr(service, "alternate_name"),
            "description": tr(service, "description"),
            "eligibility": tr(service, "eligibility_description"),
            "situations": [str(Service.ImmigrationSituation(value).label) for value in service.immigration_situations],
            "gender": service.get_gender_display() if service.gender != Service.Gender.ANY else "",
            "families": service.for_families,
            "lgbt": service.for_lgbt,
            "only_areas": [area.name for area in service.restricted_to_areas.all()],
            "age": (service.minimum_age, service.maximum_age),
            "access_methods": [str(Service.AccessMethod(value).label) for value in service.access_methods],
            "how_to": tr(service, "application_process"),
            "places": places,
            "opening_times": describe_opening_times(schedules, today=timezone.localdate(now, LONDON)),
            "opening": describe_opening(schedules, now),
            "phones": phones,
            "interpreters": service.interpreters_available,
            "interpretation": tr(service, "interpretation_services"),
            "free": not costs,
            "fees": fees if costs or fees.text.strip(" .").lower() != "free" else None,
            "costs": [(option, tr(option, "option")) for option in costs],
            "documents": [tr(document, "document") for document in documents],
            "regulator": service.get_advice_regulator_display() if regulated else "",
            "registration_number": service.advice_registration_number if regulated else "",
            "oisc_level": service.advice_oisc_level if regulated else None,
            "data_sharing": service.organization.get_data_sharing_with_authorities_display(),
            "data_sharing_known": service.organization.data_sharing_with_authorities != "unknown",
            "last_checked": timezone.localdate(service.last_checked_at, LONDON),
            "needs": [(term.slug, translated(term, "name", language)[0]) for term in needs if term.slug],
            "accessibility": [
                tr(item, "description")
                for location in locations
                if not location.address_hidden
                for item in location.accessibility.all()
            ],
            "url": service.url,
            "email": service.email,
        }
    )
    return item


@require_GET
def service(request, service_id):
    """A service's page: everything a person needs to go there today."""
    language = current_language()
    now = timezone.now()
    found = get_public_service(service_id)
    tr = Translator(language)
    item = describe_service(found, tr, now)
    # Where an imported listing came from ("Listed by …"): one small query.
    provenance = (
        ImportedRecord.objects.filter(entity=Service.hsds_entity, object_id=found.id)
        .order_by("-imported_at")
        .values("source_name", "imported_at")
        .first()
    )
    # How it answers referrals made through Waymark (nothing under the small-numbers limit).
    referral_stats = response_statistics([found.id])[found.id]
    return render(
        request,
        "directory/public/service.html",
        {
            "item": item,
            "service": found,
            "provenance": provenance,
            "referral_stats": None if referral_stats.suppressed else referral_stats,
            "fell_back": tr.fell_back,
            "page_url": request.build_absolute_uri(reverse("directory:service", args=[found.id])),
        },
    )


@require_GET
def service_text(request, service_id):
    """A service as plain text, to paste into WhatsApp or a text message."""
    language = current_language()
    now = timezone.now()
    found = get_public_service(service_id)
    tr = Translator(language)
    item = describe_service(found, tr, now)
    text = render_to_string(
        "directory/public/service.txt",
        {
            "item": item,
            "fell_back": tr.fell_back,
            "url": request.build_absolute_uri(reverse("directory:service", args=[found.id])),
        },
        request=request,
    )
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@require_GET
def service_qr(request, service_id):
    """A QR code of the service page's address."""
    found = get_public_service(service_id)
    return _qr_response(request.build_absolute_uri(reverse("directory:service", args=[found.id])), found.name)


@require_GET
def about(request):
    """What Waymark is, where the map's data comes from, and what visitors leave behind (nothing)."""
    return render(request, "directory/public/about.html", {"attribution": ATTRIBUTION})


def _same_origin(request):
    """False when the browser says the request came from another site."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin == f"{request.scheme}://{request.get_host()}" or origin in settings.CSRF_TRUSTED_ORIGINS


@csrf_exempt
def choose_language(request):
    """Django's ``set_language``, taking a visitor's choice without a CSRF token.

    The public map sets no cookie on visitors who have not asked for one, so the language
    switcher it shows them cannot carry a CSRF token (the token comes in a cookie). For someone
    not signed in, a forged request could only change the language cookie; even so, a request
    the browser says came from another site is refused. Signed-in users are checked as usual.
    """
    if request.user.is_authenticated:
        return csrf_protect(set_language)(request)
    if request.method == "POST" and not _same_origin(request):
        return HttpResponseForbidden()
    return set_language(request)
