"""Check-in pages: the desk on the session page (find, check in, register someone new, count
someone anonymously), a visit's page (needs raised, signposting, what was given) and the
service worker of the offline queue.

Everything works as plain forms with POST-redirect-GET. ``static/hubs/check_in.js`` adds the
offline queue on top: it sends the same check-ins through the API
(``POST /api/v1/sessions/{id}/check-ins``) with the same check-in keys.
"""

import uuid
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waymark.directory.models import Service
from waymark.directory.search import SearchQuery, search_services
from waymark.directory.translation import prefetch_translations, translated
from waymark.hubs import access
from waymark.hubs.check_in_forms import (
    CheckInForm,
    DeskRegisterForm,
    DeskSearchForm,
    ServiceSearchForm,
    VisitDetailsForm,
)
from waymark.hubs.checkins import CheckInConflict, desk_rows, do_check_in, do_record_visit_details, needs_terms
from waymark.hubs.models import LONDON, Given, RotaInvitation, Visit
from waymark.people import access as people_access
from waymark.people.actions import do_register_person
from waymark.people.search import find_duplicates, find_people
from waymark.referrals import access as referrals_access

# How many people a desk search lists, and services a signposting search.
DESK_RESULTS = 10
SERVICE_RESULTS = 10

SERVICE_WORKER = Path(__file__).parent / "static" / "hubs" / "check_in_sw.js"


def can_check_in(session):
    """Check-in is open on the day and after it (to type in a paper list), never before, never
    for a cancelled session."""
    return not session.is_cancelled and session.date <= timezone.localdate(timezone=LONDON)


def _session_url(session, **params):
    url = reverse("hubs:session", kwargs={"session_uuid": session.uuid})
    if params:
        url += "?" + urlencode(params)
    return url + "#check-in"


def check_in_context(request, session, rota, *, search_form=None, register_form=None, duplicates=None):
    """What ``hubs/_check_in.html`` shows on the session page."""
    visits = list(session.visits.select_related("person").prefetch_related("needs").order_by("-checked_in_at", "-id"))
    membership = getattr(request, "membership", None)
    people = people_access.people_for_membership(membership)
    search_form = search_form or DeskSearchForm(request.GET or None)
    query = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    found = []
    if duplicates is not None:
        found = duplicates
    elif request.GET.get("person"):
        try:
            found = list(people.filter(uuid=uuid.UUID(request.GET["person"])))
        except ValueError:
            found = []
    elif query and membership is not None:
        found = find_people(membership.organisation, query, limit=DESK_RESULTS, people=people)
    rows = desk_rows(session, found, rota, visits)
    _translate_needs(
        [term for visit in visits for term in visit.needs.all()] + [term for row in rows for term in row.open_needs]
    )
    just_checked_in = None
    if request.GET.get("checked_in"):
        just_checked_in = next((v for v in visits if str(v.uuid) == request.GET["checked_in"]), None)
    return {
        "can_check_in": can_check_in(session),
        "search_form": search_form,
        "query": query,
        "desk_rows": rows,
        "searched": bool(query) or duplicates is not None or bool(request.GET.get("person")),
        "duplicates_found": duplicates is not None,
        "register_form": register_form
        or DeskRegisterForm(
            initial={
                "display_name": query if query and not any(c.isdigit() for c in query) else "",
                "privacy_notice_language": translation.get_language(),
                "client_id": uuid.uuid4(),
            }
        ),
        "register_form_list": [register_form] if register_form is not None else [],
        "anonymous_client_id": uuid.uuid4(),
        "visits": visits,
        "visit_counts": {
            "total": len(visits),
            "first": sum(1 for v in visits if v.first_visit),
            "returning": sum(1 for v in visits if v.person_id and not v.first_visit),
            "anonymous": sum(1 for v in visits if v.anonymous),
        },
        "just_checked_in": just_checked_in,
        "api_check_ins_url": reverse("api_v1:create_check_in", kwargs={"session_id": session.uuid}),
        "visit_url_pattern": reverse("hubs:visit", kwargs={"visit_uuid": uuid.UUID(int=0)}),
    }


def _translate_needs(terms):
    """Give each need term ``shown_name``: its name in the interface language (one query for
    them all, none in English)."""
    language = translation.get_language()
    distinct = list({term.pk: term for term in terms}.values())
    prefetch_translations(distinct, language)
    names = {term.pk: translated(term, "name", language)[0] for term in distinct}
    for term in terms:
        term.shown_name = names[term.pk]


def _render_session(request, session, status=400, **forms):
    from waymark.hubs.views import _session_context

    return render(request, "hubs/session.html", _session_context(request, session, **forms), status=status)


@login_required
@require_POST
def check_in(request, session_uuid):
    """Check in a person found at the desk, or count someone anonymously."""
    session = access.get_session_for_user(request, session_uuid)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a person to check in, or count someone anonymously."))
        return redirect(_session_url(session))
    person = None
    if form.cleaned_data["person"]:
        people = people_access.people_for_membership(request.membership)
        person = people.filter(uuid=form.cleaned_data["person"]).first()
        if person is None:
            raise Http404
    try:
        visit, _created = do_check_in(
            session, person, acting_user=request.user, client_id=form.cleaned_data["client_id"]
        )
    except CheckInConflict as conflict:
        messages.error(request, conflict.message)
        return redirect(_session_url(session))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_session_url(session))
    if person is None:
        messages.success(request, _("Counted: one more person at this session, anonymously."))
    else:
        messages.success(request, _("%(name)s is checked in.") % {"name": person.display_name})
    return redirect(_session_url(session, checked_in=visit.uuid))


@login_required
@require_POST
def register_and_check_in(request, session_uuid):
    """Register someone new from the desk (a name and their consent) and check them in."""
    session = access.get_session_for_user(request, session_uuid)
    membership = people_access.require_membership(request)
    form = DeskRegisterForm(request.POST)
    if not can_check_in(session):
        messages.error(request, _("Check-in is not open for this session."))
        return redirect(_session_url(session))
    if not form.is_valid():
        return _render_session(request, session, register_form=form)
    data = form.cleaned_data
    # The same form sent twice (a double press, a reload) registers and checks in once.
    done = Visit.objects.filter(client_id=data["client_id"], session=session).first()
    if done is not None:
        return redirect(_session_url(session, checked_in=done.uuid))
    if request.POST.get("confirm_new") != "yes":
        people = people_access.people_for_membership(membership)
        duplicates = find_duplicates(
            membership.organisation, display_name=data["display_name"], people=people, limit=DESK_RESULTS
        )
        if duplicates:
            return _render_session(
                request,
                session,
                status=200,
                register_form=form,
                duplicates=[duplicate.person for duplicate in duplicates],
            )
    try:
        with transaction.atomic():
            person = do_register_person(
                membership.organisation,
                acting_user=request.user,
                display_name=data["display_name"],
                consent_how=data["consent_how"],
                privacy_notice_language=data["privacy_notice_language"],
            )
            visit, _created = do_check_in(session, person, acting_user=request.user, client_id=data["client_id"])
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _render_session(request, session, register_form=form)
    messages.success(
        request,
        _("%(name)s is registered and checked in. Their card reference is %(reference)s.")
        % {"name": person.display_name, "reference": person.printed_reference},
    )
    return redirect(_session_url(session, checked_in=visit.uuid))


def _need_choices(language):
    terms = list(needs_terms())
    prefetch_translations(terms, language)
    by_parent = {}
    for term in terms:
        by_parent.setdefault(term.parent_id, []).append(term)
    choices = []
    for term in by_parent.get(None, []):
        choices.append((term.slug, translated(term, "name", language)[0]))
        for child in by_parent.get(term.id, []):
            choices.append((child.slug, "— " + translated(child, "name", language)[0]))
    return choices, {term.slug: term for term in terms}


def _service_label(service):
    return f"{service.name} ({service.organization.name})"


def _signposting_services(session, search_form):
    """Services the volunteer can tick: those of today's confirmed rota organisations, and
    those a search of the map found."""
    confirmed = RotaInvitation.objects.filter(session=session, status=RotaInvitation.Status.CONFIRMED).values(
        "organisation_id"
    )
    rota_services = list(
        Service.objects.public()
        .filter(organization__waymark_organisation__in=confirmed)
        .select_related("organization")
        .order_by("name")
    )
    found = []
    if search_form.is_valid() and search_form.cleaned_data["service_q"]:
        # Not limited to near the hall: a phone line or an online service helps from anywhere.
        results = search_services(
            SearchQuery(q=search_form.cleaned_data["service_q"]),
            language=translation.get_language(),
            page_size=SERVICE_RESULTS,
        )
        found = [service for service in results.services if service not in rota_services]
    return rota_services, found


@login_required
@require_http_methods(["GET", "POST"])
def visit_page(request, visit_uuid):
    """A visit: record the needs raised, signposting given and what was given."""
    visit = access.get_visit_for_user(request, visit_uuid)
    session = visit.session
    language = translation.get_language()
    need_choices, terms_by_slug = _need_choices(language)
    search_form = ServiceSearchForm(request.GET or None)
    rota_services, found_services = _signposting_services(session, search_form)
    # Services ticked on a search page that was left are still accepted when the form comes back.
    posted_services = []
    if request.method == "POST":
        ids = [value for value in request.POST.getlist("signpost") if value]
        try:
            posted_services = list(
                Service.objects.public()
                .filter(id__in=[uuid.UUID(value) for value in ids])
                .select_related("organization")
            )
        except ValueError:
            posted_services = []
    services = {service.id: service for service in [*rota_services, *found_services, *posted_services]}
    service_choices = [(str(service.id), _service_label(service)) for service in services.values()]
    signposted = list(visit.signpostings.select_related("service__organization").order_by("recorded_at"))
    initial = {
        "needs": list(visit.needs.values_list("slug", flat=True)),
        "notes": visit.notes,
        **{f"given_{name}": getattr(visit, name) or None for name in Given.values},
    }
    form = VisitDetailsForm(request.POST or None, initial=initial, needs=need_choices, services=service_choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            do_record_visit_details(
                visit,
                acting_user=request.user,
                needs=[terms_by_slug[slug] for slug in data["needs"]],
                given=form.given(),
                notes=data["notes"],
                signpost_to=[services[uuid.UUID(value)] for value in data["signpost"]],
                signpost_note=data["signpost_note"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Saved."))
            return redirect(_session_url(session))
    return render(
        request,
        "hubs/visit.html",
        {
            "visit": visit,
            "session": session,
            "hub": session.hub,
            "form": form,
            "form_list": [form],
            "search_form": search_form,
            "rota_service_ids": {str(service.id) for service in rota_services},
            "searched_services": search_form.is_valid() and bool(search_form.cleaned_data["service_q"]),
            "signposted": signposted,
            # "Make a referral": for a person of the acting organisation, by a member who may refer.
            "can_refer": visit.person is not None
            and visit.person.organisation_id == request.membership.organisation_id
            and referrals_access.can_refer(request.membership),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@never_cache
def service_worker(request):
    """The offline queue's service worker, served from beside the session pages so that its
    scope covers them (a script under /static/ could only control /static/)."""
    response = HttpResponse(SERVICE_WORKER.read_text(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = request.path.rsplit("/", 1)[0] + "/"
    return response
