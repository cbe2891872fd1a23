"""Signposting pages: telling someone about services on the map, from their record or a case,
and the list of those services they take away, printed or as plain text, in their language.

- "Tell about services" (``signpost_person``, ``signpost_case``): search the map by words and
  need, tick one or more services, add a note, send. Every member with a role may do it from a
  person's record (volunteers too, as at a check-in); from a case, those who may open the case.
- "Told about N services" (``signposted_person``, ``signposted_case``): what was recorded, with
  links to the list to take away in the person's language and a chooser for another one.
- The list to take away (``take_away_list``, ``take_away_text``, and the same for a check-in
  visit): the public map's own description of each service (``directory.views.public``), so
  the printed sheet says what the map says, in the language chosen.

A signposting at a check-in is recorded on the visit page (hubs); its list is here.
"""

import uuid
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from waymark.audit.events import record_access
from waymark.casework.access import get_case_for_user
from waymark.directory.models import Service
from waymark.directory.search import SearchQuery, search_services
from waymark.directory.translation import prefetch_translations
from waymark.directory.views.public import RESULT_PREFETCH, Translator, describe_result, needs_in_order
from waymark.hubs.access import get_visit_for_user
from waymark.people.access import get_person_for_user
from waymark.people.forms import interface_language_choices
from waymark.referrals.actions import do_signpost_many
from waymark.referrals.models import Signposting
from waymark.referrals.signposting_forms import ServiceSearchForm, SignpostForm

# How many services a search shows to tick, and the most signpostings one list carries.
SEARCH_RESULTS = 10
MOST_LISTED = 30
# The services the organisation told people about most in the last OFTEN_DAYS, offered to
# tick without searching: most signposting goes to the same few places.
OFTEN_SHOWN = 6
OFTEN_DAYS = 90


def take_away_language(person, requested=None):
    """The language of the list to take away: ``requested`` if Waymark offers it; else the
    person's contact language or the language they speak best, if offered; else the
    interface language."""
    offered = {code for code, _name in settings.LANGUAGES}
    candidates = [requested]
    if person is not None:
        candidates += [person.contact_language, *(person.languages or [])[:1]]
    for code in candidates:
        if code in offered:
            return code
    return translation.get_language() or settings.LANGUAGE_CODE


def _service_label(service):
    label = f"{service.name} ({service.organization.name})"
    if service.status == Service.Status.TEMPORARILY_CLOSED:
        label += " – " + _("temporarily closed")
    return label


def _choice(service):
    return (str(service.id), _service_label(service))


def _unique(services):
    return list({service.id: service for service in services}.values())


def _services_named(values):
    """The services with these ids, whatever their state (one closed since it was shown is
    refused by the action, by name)."""
    ids = _uuids(values)
    return list(Service.objects.filter(id__in=ids).select_related("organization")) if ids else []


def _uuids(values):
    """The values that are UUIDs (others are dropped: they cannot name anything)."""
    found = []
    for value in values[:MOST_LISTED]:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


def _signposting_query(signpostings, **extra):
    return urlencode([*(("signposting", str(item.uuid)) for item in signpostings), *extra.items()])


# --- Telling someone about services -----------------------------------------------------------


def often_told_about(organisation, now=None):
    """The public services ``organisation`` told people about most in the last ``OFTEN_DAYS``,
    most often first. One query."""
    since = (now or timezone.now()) - timedelta(days=OFTEN_DAYS)
    return list(
        Service.objects.public(now)
        .filter(signpostings__organisation=organisation, signpostings__recorded_at__gte=since)
        .annotate(times=Count("signpostings"))
        .select_related("organization")
        .order_by("-times", "name")[:OFTEN_SHOWN]
    )


def _signpost_page(request, person, case=None):
    """The search-and-tick page, for a person (``case`` None) or from a case."""
    language = translation.get_language()
    often = often_told_about(request.membership.organisation)
    search_form = ServiceSearchForm(request.GET or None, needs=needs_in_order(language))
    found = []
    if search_form.searched():
        # Anywhere on the map: a phone line or an online service helps wherever they live.
        results = search_services(
            SearchQuery(q=search_form.cleaned_data["q"], need=search_form.cleaned_data["need"]),
            language=language,
            page_size=SEARCH_RESULTS,
        )
        found = results.services
        prefetch_related_objects(found, "organization")
    # Services ticked on the page as it was shown: looked up whatever their state now, so that
    # one closed since is refused by name rather than silently dropped.
    posted_often, posted_found = [], []
    if request.method == "POST":
        posted_often = _services_named(request.POST.getlist("often"))
        posted_found = _services_named(request.POST.getlist("services"))
    often_ids = {service.id for service in often}
    shown_often = _unique([*often, *posted_often])
    # A service in both groups is shown once, among the often told about.
    shown_found = _unique([*(service for service in found if service.id not in often_ids), *posted_found])
    services = {service.id: service for service in [*shown_often, *shown_found]}
    # Bound on every POST, even one with nothing ticked (an empty QueryDict is false).
    form = SignpostForm(
        request.POST if request.method == "POST" else None,
        often=[_choice(service) for service in shown_often],
        found=[_choice(service) for service in shown_found],
    )
    if request.method == "POST" and form.is_valid():
        try:
            signpostings = do_signpost_many(
                organisation=request.membership.organisation,
                services=[services[uuid.UUID(value)] for value in form.chosen()],
                acting_user=request.user,
                person=person,
                case=case,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if case is not None:
                told = reverse("referrals:signposted_case", kwargs={"case_uuid": case.uuid})
            else:
                told = reverse("referrals:signposted_person", kwargs={"person_uuid": person.uuid})
            return redirect(f"{told}?{_signposting_query(signpostings)}")
    return render(
        request,
        "referrals/signposting_search.html",
        {
            "person": person,
            "case": case,
            "search_form": search_form,
            "searched": search_form.searched(),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def signpost_person(request, person_uuid):
    """Tell a person about services on the map (any role that finds people)."""
    person = get_person_for_user(request, None, person_uuid, what="signposting")
    return _signpost_page(request, person)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def signpost_case(request, case_uuid):
    """The same from a case: the person is the case's, and the page leads back to the case."""
    case = get_case_for_user(request, case_uuid, what="signposting")
    return _signpost_page(request, case.person, case)


# --- What was told, and the list to take away -------------------------------------------------


def _chosen_signpostings(request, person):
    """The person's signpostings by the acting organisation named in ``?signposting=``; 404
    when none of them is."""
    ids = _uuids(request.GET.getlist("signposting"))
    signpostings = list(
        Signposting.objects.filter(person=person, organisation=request.membership.organisation, uuid__in=ids)
        .select_related("service__organization")
        .order_by("recorded_at", "id")
    )
    if not signpostings:
        raise Http404
    return signpostings


def _signposted_page(request, person, case=None):
    signpostings = _chosen_signpostings(request, person)
    language = take_away_language(person)
    list_url = reverse("referrals:take_away_list", kwargs={"person_uuid": person.uuid})
    text_url = reverse("referrals:take_away_text", kwargs={"person_uuid": person.uuid})
    query = _signposting_query(signpostings, language=language)
    return render(
        request,
        "referrals/signposting_told.html",
        {
            "person": person,
            "case": case,
            "signpostings": signpostings,
            "language": language,
            "language_name": get_language_info(language)["name_local"],
            "languages": interface_language_choices(),
            "print_link": f"{list_url}?{query}",
            "text_link": f"{text_url}?{query}",
            "list_url": list_url,
            "text_url": text_url,
        },
    )


@never_cache
@login_required
@require_GET
def signposted_person(request, person_uuid):
    """ "Told about N services", with the links to the list to take away."""
    person = get_person_for_user(request, None, person_uuid, what="signposting")
    return _signposted_page(request, person)


@never_cache
@login_required
@require_GET
def signposted_case(request, case_uuid):
    case = get_case_for_user(request, case_uuid, what="signposting")
    return _signposted_page(request, case.person, case)


def _describe(signpostings, language):
    """Each signposted service as the public map describes it, in ``language`` (call inside
    ``translation.override(language)``). A fixed number of queries for any number of services."""
    services = list({item.service_id: item.service for item in signpostings}.values())
    prefetch_related_objects(services, *RESULT_PREFETCH)
    locations = [link.location for service in services for link in service.service_at_locations.all()]
    prefetch_translations([*services, *locations], language)
    tr = Translator(language)
    now = timezone.now()
    items = [describe_result(service, tr, now) for service in services]
    return items, tr.fell_back


def _take_away(request, *, signpostings, person, language, page_url, text_url, back_url, as_text):
    """The list to take away, as a printable page or as plain text, in ``language``."""
    # Said to the member of staff in their own language, before the page turns to the person's.
    staff = {
        "lang": translation.get_language(),
        "dir": "rtl" if translation.get_language_bidi() else "ltr",
        "back": _("Back"),
        "language": _("This list is in %(language)s. Show it in:")
        % {"language": get_language_info(language)["name_local"]},
        "show": _("Show"),
        "text": _("The same list as text, to send by WhatsApp or SMS"),
        "print": _("To give it on paper, print this page."),
    }
    with translation.override(language):
        items, fell_back = _describe(signpostings, language)
        for item in items:
            item["url"] = request.build_absolute_uri(reverse("directory:service", args=[item["service"].id]))
        context = {
            "person": person,
            "organisation": request.membership.organisation,
            "items": items,
            "fell_back": fell_back,
            "date": timezone.localdate(),
        }
        if as_text:
            text = render_to_string("referrals/signposting_list.txt", context, request=request)
            return HttpResponse(text, content_type="text/plain; charset=utf-8")
        return render(
            request,
            "referrals/signposting_list.html",
            {
                **context,
                "staff": staff,
                "language": language,
                "languages": interface_language_choices(),
                "signpostings": signpostings,
                "page_url": page_url,
                "text_link": text_url,
                "back_url": back_url,
            },
        )


def _person_take_away(request, person_uuid, *, as_text):
    person = get_person_for_user(request, None, person_uuid, what="signposting_list")
    signpostings = _chosen_signpostings(request, person)
    language = take_away_language(person, request.GET.get("language"))
    query = _signposting_query(signpostings, language=language)
    return _take_away(
        request,
        signpostings=signpostings,
        person=person,
        language=language,
        page_url=reverse("referrals:take_away_list", kwargs={"person_uuid": person.uuid}),
        text_url=reverse("referrals:take_away_text", kwargs={"person_uuid": person.uuid}) + f"?{query}",
        back_url=reverse("people:person", kwargs={"person_uuid": person.uuid}),
        as_text=as_text,
    )


@never_cache
@login_required
@require_GET
def take_away_list(request, person_uuid):
    """The printable list of the services a person was told about (``?signposting=`` each,
    ``?language=``)."""
    return _person_take_away(request, person_uuid, as_text=False)


@never_cache
@login_required
@require_GET
def take_away_text(request, person_uuid):
    """The same list as plain text, to paste into WhatsApp or a text message."""
    return _person_take_away(request, person_uuid, as_text=True)


def _visit_take_away(request, visit_uuid, *, as_text):
    visit = get_visit_for_user(request, visit_uuid)
    person = visit.person
    if person is not None:
        record_access(
            user=request.user,
            organisation=request.membership.organisation,
            person_uuid=person.uuid,
            what="signposting_list",
            object_id=visit.uuid,
        )
    signpostings = list(visit.signpostings.select_related("service__organization").order_by("recorded_at", "id"))
    language = take_away_language(person, request.GET.get("language"))
    return _take_away(
        request,
        signpostings=signpostings,
        person=person,
        language=language,
        page_url=reverse("referrals:visit_take_away_list", kwargs={"visit_uuid": visit.uuid}),
        text_url=reverse("referrals:visit_take_away_text", kwargs={"visit_uuid": visit.uuid})
        + f"?{urlencode({'language': language})}",
        back_url=reverse("hubs:visit", kwargs={"visit_uuid": visit.uuid}),
        as_text=as_text,
    )


@never_cache
@login_required
@require_GET
def visit_take_away_list(request, visit_uuid):
    """The printable list of the services someone was told about at a check-in visit."""
    return _visit_take_away(request, visit_uuid, as_text=False)


@never_cache
@login_required
@require_GET
def visit_take_away_text(request, visit_uuid):
    return _visit_take_away(request, visit_uuid, as_text=True)
