"""The hubs pages: the public hub finder and hub pages; the team's hubs, sessions and rota;
the partner's rota inbox and the signed e-mail link that answers an invitation.

Every staff page starts with a function of ``access.py`` (404 for "not there" and "not
allowed" alike) and writes through ``actions.py``.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waymark.directory.models import Location
from waymark.directory.translation import prefetch_translations
from waymark.directory.views.public import Translator, current_language, describe_place
from waymark.hubs import access, actions
from waymark.hubs.check_in_views import check_in_context
from waymark.hubs.core_offer_views import dashboard_context
from waymark.hubs.forms import (
    AnswerForm,
    AttendanceForm,
    CancelSessionForm,
    ExtraSessionForm,
    FindHubForm,
    GenerateForm,
    HubDetailsForm,
    HubForm,
    InvitePartnerForm,
    MoveSessionForm,
    PartnersForm,
    PatternForm,
    SessionOffersForm,
    SitesForm,
    TeamForm,
)
from waymark.hubs.models import LONDON, Hub, HubSession, RotaInvitation, offer_labels
from waymark.places.geo import haversine_m
from waymark.places.postcodes import locate

# How far ahead the dashboard lists sessions, and looks for rota gaps.
DASHBOARD_WEEKS = 8
GAP_WEEKS = 4
# How many coming sessions a public hub page lists.
PUBLIC_SESSIONS_SHOWN = 6
# How far the hub finder looks, and how many it lists.
FIND_RADIUS_M = 50_000
FIND_SHOWN = 10


def _today():
    return timezone.localdate(timezone=LONDON)


def _put_errors(form, error):
    """Show an action's ValidationError on the form (keyed errors on their fields)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- public pages ------------------------------------------------------------------------


def _coming_sessions(limit_days=None):
    today = _today()
    sessions = HubSession.objects.filter(date__gte=today).select_related("site").order_by("date", "starts_at")
    if limit_days is not None:
        sessions = sessions.filter(date__lte=today + dt.timedelta(days=limit_days))
    return sessions


def _next_session(sessions, now):
    """The first scheduled session in ``sessions`` (in order) that has not ended."""
    return next((s for s in sessions if not s.is_cancelled and s.ends > now), None)


@require_GET
def find_hubs(request):
    """/hubs/: the hubs nearest a postcode (or every hub, by name), each with when it next meets."""
    form = FindHubForm(request.GET or None)
    now = timezone.now()
    hubs = list(
        Hub.objects.select_related("area")
        .prefetch_related(
            Prefetch("sites", queryset=Location.objects.order_by("name")),
            Prefetch("sessions", queryset=_coming_sessions(limit_days=60), to_attr="coming"),
        )
        .order_by("name")
    )
    place = None
    unknown_place = False
    if form.is_valid() and form.cleaned_data["near"]:
        place = locate(form.cleaned_data["near"])
        unknown_place = not place
    results = []
    for hub in hubs:
        distances = [
            haversine_m(place.latitude, place.longitude, float(site.latitude), float(site.longitude))
            for site in hub.sites.all()
            if place and site.latitude is not None and not site.address_hidden
        ]
        distance = min(distances) if distances else None
        if place and (distance is None or distance > FIND_RADIUS_M):
            continue
        results.append({"hub": hub, "distance_m": distance, "next": _next_session(hub.coming, now)})
    if place:
        results.sort(key=lambda result: result["distance_m"])
        results = results[:FIND_SHOWN]
    return render(
        request,
        "hubs/public/find.html",
        {"form": form, "results": results, "place": place, "unknown_place": unknown_place},
    )


@require_GET
def public_hub(request, hub_uuid):
    """/hubs/<uuid>/: when the hub meets next, where, what is on offer, who will be there."""
    now = timezone.now()
    confirmed = RotaInvitation.objects.filter(status=RotaInvitation.Status.CONFIRMED).select_related("organisation")
    hub = (
        Hub.objects.select_related("area", "lead_organisation")
        .prefetch_related(
            Prefetch("sites", queryset=Location.objects.order_by("name").prefetch_related("addresses")),
            Prefetch(
                "sessions",
                queryset=_coming_sessions().prefetch_related(Prefetch("rota", queryset=confirmed, to_attr="coming")),
                to_attr="upcoming",
            ),
        )
        .filter(uuid=hub_uuid)
        .first()
    )
    if hub is None:
        raise Http404
    language = current_language()
    tr = Translator(language)
    sites = list(hub.sites.all())
    prefetch_translations(sites, language)
    sessions = [session for session in hub.upcoming if session.ends > now][:PUBLIC_SESSIONS_SHOWN]
    rows = [
        {
            "session": session,
            "offers": offer_labels(session.offers),
            "organisations": [hub.lead_organisation.name] + [place.organisation.name for place in session.coming],
        }
        for session in sessions
    ]
    next_row = next((row for row in rows if not row["session"].is_cancelled), None)
    return render(
        request,
        "hubs/public/hub.html",
        {
            "hub": hub,
            "places": [describe_place(site, tr) for site in sites],
            "rows": rows,
            "next": next_row,
            "fell_back": tr.fell_back,
        },
    )


# --- the team's pages ----------------------------------------------------------------------


@login_required
@require_GET
def my_hubs(request):
    """The hubs the user runs, each with its next session; and a way to add one."""
    membership = getattr(request, "membership", None)
    today = _today()
    hubs = list(
        access.hubs_for_user(request)
        .select_related("area")
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=HubSession.objects.scheduled()
                .filter(date__gte=today, date__lte=today + dt.timedelta(weeks=DASHBOARD_WEEKS))
                .select_related("site")
                .order_by("date", "starts_at"),
                to_attr="coming",
            )
        )
        .order_by("name")
    )
    open_invitations = 0
    if membership is not None and membership.has_role(*actions.ROTA_RESPONDER_ROLES):
        open_invitations = (
            access.invitations_for_partner(membership.organisation)
            .filter(status=RotaInvitation.Status.INVITED, session__date__gte=today)
            .count()
        )
    now = timezone.now()
    return render(
        request,
        "hubs/my_hubs.html",
        {
            "rows": [{"hub": hub, "next": _next_session(hub.coming, now)} for hub in hubs],
            "can_add": access.is_hub_lead(membership),
            "open_invitations": open_invitations,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_hub(request):
    membership = access.require_hub_lead(request)
    form = HubForm(request.POST or None, organisation=membership.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hub = actions.do_create_hub(
                name=data["name"],
                description=data["description"],
                area=data["area"],
                lead_organisation=membership.organisation,
                model=data["model"],
                sites=data["sites"],
                acting_user=request.user,
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("The hub has been added, and is on the map."))
            return redirect("hubs:settings", hub_uuid=hub.uuid)
    return render(request, "hubs/add_hub.html", {"form": form})


def _rota_counts():
    return {
        f"{status}_count": Count("rota", filter=Q(rota__status=status), distinct=True)
        for status in RotaInvitation.Status.values
    }


@login_required
@require_GET
def hub_dashboard(request, hub_uuid):
    """The hub's coming sessions with their rota, and the sessions soon with nobody confirmed."""
    hub = access.get_hub_for_user(request, hub_uuid)
    today = _today()
    sessions = list(
        hub.sessions.filter(date__gte=today, date__lte=today + dt.timedelta(weeks=DASHBOARD_WEEKS))
        .select_related("site")
        .annotate(**_rota_counts())
        .order_by("date", "starts_at")
    )
    gap_until = today + dt.timedelta(weeks=GAP_WEEKS)
    gaps = [s for s in sessions if not s.is_cancelled and s.date <= gap_until and not s.confirmed_count]
    return render(
        request,
        "hubs/dashboard.html",
        {
            "hub": hub,
            "sessions": sessions,
            "gaps": gaps,
            "gap_weeks": GAP_WEEKS,
            "can_change_settings": access.is_hub_lead(request.membership),
            # This week's core offer and the learning log's open actions (core_offer_views.py).
            **dashboard_context(request, hub),
        },
    )


SETTINGS_PARTS = {
    "details": HubDetailsForm,
    "sites": SitesForm,
    "team": TeamForm,
    "partners": PartnersForm,
}


def _settings_forms(hub, bound=None, bound_part=None):
    organisation = hub.lead_organisation
    initial = {
        "details": {
            "name": hub.name,
            "description": hub.description,
            "area": hub.area_id,
            "model": hub.model,
        },
        "sites": {"sites": list(hub.sites.all())},
        "team": {"team": list(hub.team.all())},
        "partners": {"partners": list(hub.partners.all())},
    }
    forms = {}
    for part, form_class in SETTINGS_PARTS.items():
        kwargs = {"prefix": part}
        if part == "details":
            kwargs.update(organisation=organisation, hub=hub)
        else:
            kwargs["hub"] = hub
        if part == bound_part:
            forms[part] = bound
        else:
            forms[part] = form_class(initial=initial[part], **kwargs)
    return forms


@login_required
@require_http_methods(["GET", "POST"])
def hub_settings(request, hub_uuid):
    """The hub's details, sites, team and partners (one form each), and its session patterns."""
    hub = access.get_hub_for_user(request, hub_uuid, settings=True)
    bound = part = None
    if request.method == "POST":
        part = request.POST.get("part")
        if part not in SETTINGS_PARTS:
            raise Http404
        kwargs = {"prefix": part}
        if part == "details":
            kwargs.update(organisation=hub.lead_organisation, hub=hub)
        else:
            kwargs["hub"] = hub
        bound = SETTINGS_PARTS[part](request.POST, **kwargs)
        if bound.is_valid():
            data = bound.cleaned_data
            try:
                if part == "details":
                    actions.do_update_hub(
                        hub,
                        name=data["name"],
                        description=data["description"],
                        model=data["model"],
                        area=data["area"],
                        acting_user=request.user,
                    )
                elif part == "sites":
                    actions.do_set_sites(hub, data["sites"], acting_user=request.user)
                elif part == "team":
                    actions.do_set_team(hub, data["team"], acting_user=request.user)
                else:
                    actions.do_set_partners(hub, data["partners"], acting_user=request.user)
            except ValidationError as error:
                _put_errors(bound, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("hubs:settings", hub_uuid=hub.uuid)
    patterns = list(hub.patterns.select_related("site").annotate(made=Count("sessions")).order_by("starts_on"))
    until = _today() + dt.timedelta(weeks=DASHBOARD_WEEKS)
    for pattern in patterns:
        pattern.generate_form = GenerateForm(initial={"until": until}, prefix=f"p{pattern.pk}")
        pattern.last_made = actions.latest_generated_date(pattern)
    return render(
        request,
        "hubs/settings.html",
        {"hub": hub, "forms": _settings_forms(hub, bound, part), "patterns": patterns, "bound_part": part},
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_pattern(request, hub_uuid):
    hub = access.get_hub_for_user(request, hub_uuid, settings=True)
    form = PatternForm(request.POST or None, hub=hub, initial={"starts_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_pattern(hub, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("The pattern has been added. Now make its sessions."))
            return redirect("hubs:settings", hub_uuid=hub.uuid)
    return render(request, "hubs/add_pattern.html", {"hub": hub, "form": form})


@login_required
@require_POST
def generate_sessions(request, hub_uuid, pattern_uuid):
    hub = access.get_hub_for_user(request, hub_uuid, settings=True)
    pattern = access.get_pattern_for_user(request, hub, pattern_uuid)
    form = GenerateForm(request.POST, prefix=f"p{pattern.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("hubs:settings", hub_uuid=hub.uuid)
    # Sessions are made from today on: the past is recorded as it happened, not generated.
    made = actions.do_generate_sessions(
        pattern, form.cleaned_data["until"], since=max(_today(), pattern.starts_on), acting_user=request.user
    )
    messages.success(request, _("%(count)d sessions made.") % {"count": len(made)})
    return redirect("hubs:settings", hub_uuid=hub.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def add_extra_session(request, hub_uuid):
    hub = access.get_hub_for_user(request, hub_uuid)
    form = ExtraSessionForm(request.POST or None, hub=hub)
    if request.method == "POST" and form.is_valid():
        try:
            session = actions.do_add_extra_session(hub, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("The extra session has been added."))
            return redirect("hubs:session", session_uuid=session.uuid)
    return render(request, "hubs/extra_session.html", {"hub": hub, "form": form})


def _session_context(request, session, **forms):
    rota = list(session.rota.select_related("organisation", "responded_by").order_by("organisation__name"))
    now = timezone.now()
    for invitation in rota:
        invitation.attendance_form = AttendanceForm(
            prefix=str(invitation.uuid),
            initial={"attended": {True: "yes", False: "no"}.get(invitation.attended)},
        )
    return {
        "hub": session.hub,
        "session": session,
        "rota": rota,
        "offers": offer_labels(session.offers),
        "is_open": not session.is_cancelled and not session.is_past(now),
        "has_begun": now >= session.starts,
        "offers_form": forms.get("offers_form")
        or SessionOffersForm(initial={"offers": session.offers, "notes": session.notes}),
        "invite_form": forms.get("invite_form") or InvitePartnerForm(session=session),
        # The check-in desk (check_in_views.py), shown in the page's check_in block.
        **check_in_context(
            request,
            session,
            rota,
            register_form=forms.get("register_form"),
            duplicates=forms.get("duplicates"),
        ),
    }


@login_required
@require_GET
def session_page(request, session_uuid):
    """A session: when and where, what it offers, the rota, and what the team can change."""
    session = access.get_session_for_user(request, session_uuid)
    return render(request, "hubs/session.html", _session_context(request, session))


@login_required
@require_POST
def session_offers(request, session_uuid):
    session = access.get_session_for_user(request, session_uuid)
    form = SessionOffersForm(request.POST)
    if form.is_valid():
        actions.do_update_session_offers(
            session, offers=form.cleaned_data["offers"], notes=form.cleaned_data["notes"], acting_user=request.user
        )
        messages.success(request, _("Saved."))
        return redirect("hubs:session", session_uuid=session.uuid)
    return render(request, "hubs/session.html", _session_context(request, session, offers_form=form), status=400)


@login_required
@require_POST
def invite_partner(request, session_uuid):
    session = access.get_session_for_user(request, session_uuid)
    form = InvitePartnerForm(request.POST, session=session)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_invite_partner(
                session, data["organisation"], offers=data["offers"], message=data["message"], acting_user=request.user
            )
        except ValidationError as error:
            _put_errors(form, error)
        except actions.IllegalTransition as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("%(name)s has been invited and told by e-mail.") % {"name": data["organisation"].name}
            )
            return redirect("hubs:session", session_uuid=session.uuid)
    return render(request, "hubs/session.html", _session_context(request, session, invite_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def cancel_session(request, session_uuid):
    session = access.get_session_for_user(request, session_uuid)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_cancel_session(session, reason=form.cleaned_data["reason"], acting_user=request.user)
        except actions.IllegalTransition as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The session has been cancelled."))
            return redirect("hubs:session", session_uuid=session.uuid)
    return render(request, "hubs/cancel_session.html", {"hub": session.hub, "session": session, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def move_session(request, session_uuid):
    session = access.get_session_for_user(request, session_uuid)
    initial = {
        "site": session.site_id,
        "date": session.date,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
    }
    form = MoveSessionForm(request.POST or None, hub=session.hub, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_move_session(
                session,
                date=data["date"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                site=data["site"],
                note=data["note"],
                acting_user=request.user,
            )
        except ValidationError as error:
            _put_errors(form, error)
        except actions.IllegalTransition as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The session has been moved."))
            return redirect("hubs:session", session_uuid=session.uuid)
    return render(request, "hubs/move_session.html", {"hub": session.hub, "session": session, "form": form})


@login_required
@require_POST
def record_attendance(request, invitation_uuid):
    invitation = access.get_rota_invitation_for_user(request, invitation_uuid)
    form = AttendanceForm(request.POST, prefix=str(invitation.uuid))
    if not form.is_valid():
        messages.error(request, _("Say whether they came."))
    else:
        try:
            actions.do_record_attendance(invitation, attended=form.cleaned_data["attended"], acting_user=request.user)
        except actions.IllegalTransition as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Attendance recorded."))
    return redirect("hubs:session", session_uuid=invitation.session.uuid)


# --- the partner's side --------------------------------------------------------------------


@login_required
@require_GET
def rota_inbox(request):
    """The invitations sent to the organisation the user acts for: to answer, answered, past."""
    membership = access.require_rota_responder(request)
    today = _today()
    invitations = access.invitations_for_partner(membership.organisation)
    coming = list(invitations.filter(session__date__gte=today).order_by("session__date", "session__starts_at"))
    past = list(invitations.filter(session__date__lt=today).order_by("-session__date")[:20])
    return render(
        request,
        "hubs/rota_inbox.html",
        {
            "organisation": membership.organisation,
            "to_answer": [i for i in coming if i.is_open and not i.session.is_cancelled],
            "answered": [i for i in coming if not i.is_open or i.session.is_cancelled],
            "past": past,
            "form": AnswerForm(),
        },
    )


@login_required
@require_POST
def answer_invitation(request, invitation_uuid):
    invitation = access.get_invitation_for_partner(request, invitation_uuid)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether you will be there."))
        return redirect("hubs:rota_inbox")
    try:
        actions.do_respond_to_invitation(
            invitation, answer=form.cleaned_data["answer"], note=form.cleaned_data["note"], acting_user=request.user
        )
    except actions.IllegalTransition as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: the hub has your answer."))
    return redirect("hubs:rota_inbox")


@require_http_methods(["GET", "POST"])
def rota_link(request, token):
    """The link in a rota e-mail: GET shows the invitation and the choice, POST answers it.
    Nothing changes on GET (mail scanners open links)."""
    try:
        invitation, user = actions.invitation_from_link_token(token)
    except actions.LinkProblem as problem:
        status = 404 if problem.reason == "invalid" else 410
        return render(request, "hubs/rota_link_problem.html", {"reason": problem.reason}, status=status)
    form = AnswerForm(request.POST or None)
    problem = ""
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_respond_to_invitation(
                invitation, answer=form.cleaned_data["answer"], note=form.cleaned_data["note"], acting_user=user
            )
        except actions.IllegalTransition as error:
            problem = error.message
        else:
            return redirect(reverse("hubs:rota_link", args=[token]))
        invitation.refresh_from_db()
    session = invitation.session
    return render(
        request,
        "hubs/rota_link.html",
        {
            "invitation": invitation,
            "session": session,
            "hub": session.hub,
            "offers": offer_labels(invitation.offers),
            "form": form,
            "problem": problem,
            "can_answer": invitation.is_open and not session.is_cancelled and not session.is_past(),
        },
    )
