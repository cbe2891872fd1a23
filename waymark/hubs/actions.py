"""Writes to hubs, sessions and the rota. Views, the API and commands all call these.

Every action is ``@transaction.atomic``, takes ``acting_user`` keyword-only (None for a partner
answering from a signed e-mail link without signing in), writes one audit event and sends its
e-mails after commit. Who may call which action is decided before, in ``access.py``; the
actions check what must hold whoever calls them (a team member belongs to the lead
organisation, a session is held at one of the hub's sites, a cancelled session is not moved).

Actions that change what the public sees of a hub (its name, sites, patterns, sessions and
their offers) end with ``sync_hub_service``, which keeps the hub's service on the map in step.
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from waymark.accounts.models import Membership, Role
from waymark.audit.events import record_event
from waymark.directory.models import (
    NEED_LINK_TYPE,
    NEEDS_TAXONOMY_NAME,
    Attribute,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from waymark.hubs.models import (
    LONDON,
    WEEKDAYS,
    Hub,
    HubSession,
    Offer,
    RotaInvitation,
    SessionPattern,
    ordered_offers,
    validate_offers,
    validate_weekdays,
)
from waymark.notify.actions import do_notify


class IllegalTransition(Exception):
    """The session's or invitation's status does not allow this step."""

    def __init__(self, message=None):
        self.message = message or _("This has already been dealt with.")
        super().__init__(self.message)


# --- the hub's service on the map ----------------------------------------------------------

# The needs a hub's service is listed under on the map, from what its sessions offer.
# Immigration advice is left out on purpose: only a regulated adviser may give it, so the map
# lists it under the partner's own regulated service, never under the hub.
OFFER_NEEDS = {
    Offer.WELCOME: "social",
    Offer.SOCIAL_SPACE: "social",
    Offer.CASEWORK: "asylum-support",
    Offer.HOUSING_ADVICE: "housing",
    Offer.ORIENTATION: "orientation",
    Offer.ESOL_REGISTRATION: "esol",
    Offer.EMPLOYABILITY: "employment",
    Offer.HOT_FOOD: "food",
    Offer.ACTIVITIES: "sport-wellbeing",
    Offer.HEALTH: "health",
}

# How far ahead "what this hub offers" looks when listing it on the map.
OFFERS_HORIZON = dt.timedelta(weeks=8)


def _directory_organization(organisation):
    """The lead organisation's listing on the map, made if it has none yet."""
    organization = Organization.objects.filter(waymark_organisation=organisation).first()
    if organization is None:
        organization = Organization.objects.create(
            name=organisation.name,
            description=str(_("A member organisation of Waymark.")),
            waymark_organisation=organisation,
            network=organisation.networks.order_by("name").first(),
        )
    return organization


def _new_hub_service(hub):
    """The service that stands for ``hub`` on the map: free, drop in, for people seeking
    asylum, refugees and people with no recourse to public funds."""
    return Service.objects.create(
        organization=_directory_organization(hub.lead_organisation),
        name=hub.name,
        description=hub.description,
        status=Service.Status.ACTIVE,
        fees_description="Free",
        access_drop_in=True,
        for_seeking_asylum=True,
        for_refused_are=True,
        for_refugee_hp=True,
        for_nrpf=True,
        verified_at=timezone.now(),
        verification_method=Service.VerificationMethod.SELF_CONFIRMED,
    )


def derived_opening_times(hub, today=None):
    """The hub's opening times for the map, as the field values of directory Schedules.

    Each pattern gives a weekly schedule at its hours. A coming session of the pattern that is
    cancelled or moved cuts the pattern's schedule around that date (valid_to the day before,
    a new schedule from the day after), so "next open" on the map skips it; a moved session
    and an extra one each give a schedule of their own for their one date. Past sessions
    change nothing: only what is still to come matters to someone reading the map.
    """
    today = today or timezone.localdate(timezone=LONDON)
    patterns = list(hub.patterns.select_related("site").order_by("starts_on", "starts_at"))
    sessions = list(hub.sessions.filter(date__gte=today).select_related("site", "pattern"))
    holes = defaultdict(set)
    one_offs = []
    for session in sessions:
        pattern = session.pattern
        is_pattern_occurrence = (
            pattern is not None
            and session.pattern_date == session.date
            and (session.starts_at, session.ends_at, session.site_id)
            == (pattern.starts_at, pattern.ends_at, pattern.site_id)
        )
        comes_from_pattern = pattern is not None and session.pattern_date is not None
        if comes_from_pattern and session.pattern_date >= today and (session.is_cancelled or not is_pattern_occurrence):
            holes[pattern.pk].add(session.pattern_date)
        if not session.is_cancelled and not is_pattern_occurrence:
            one_offs.append(session)

    schedules = []
    for pattern in patterns:
        byday = ",".join(day for day in WEEKDAYS if day in pattern.weekdays)
        start = pattern.starts_on
        for hole in [*sorted(holes[pattern.pk]), None]:
            end = hole - dt.timedelta(days=1) if hole is not None else pattern.ends_on
            # A piece over before today, or with none of the pattern's days in it (between two
            # holes), is left out.
            if end is None or (end >= today and pattern_dates(pattern, start, end)):
                schedules.append(
                    {
                        "freq": Schedule.Frequency.WEEKLY,
                        "interval": 1,
                        "wkst": "MO",
                        "byday": byday,
                        "valid_from": start,
                        "valid_to": end,
                        "opens_at": pattern.starts_at,
                        "closes_at": pattern.ends_at,
                        "description": pattern.site.name,
                    }
                )
            if hole is not None:
                start = hole + dt.timedelta(days=1)
    for session in sorted(one_offs, key=lambda session: (session.date, session.starts_at)):
        schedules.append(
            {
                "freq": Schedule.Frequency.WEEKLY,
                "interval": 1,
                "wkst": "MO",
                "byday": WEEKDAYS[session.date.weekday()],
                "valid_from": session.date,
                "valid_to": session.date,
                "opens_at": session.starts_at,
                "closes_at": session.ends_at,
                "description": session.site.name,
            }
        )
    return schedules


def sync_hub_service(hub, today=None):
    """Bring the hub's service on the map in step with the hub: its name and description, its
    sites, its opening times (``derived_opening_times``) and the needs it is listed under
    (from what its patterns and coming sessions offer). Marks the listing as checked now: it
    is the hub's own live data. Called inside the actions that change these; no audit event
    of its own (the action writes one)."""
    if hub.service_id is None:
        return None
    today = today or timezone.localdate(timezone=LONDON)
    service = Service.objects.select_for_update().get(pk=hub.service_id)

    site_ids = set(hub.sites.values_list("id", flat=True))
    linked = set(service.service_at_locations.values_list("location_id", flat=True))
    # One by one, so the directory's signals rebuild the search fields (map cells) as for any link.
    for link in service.service_at_locations.exclude(location_id__in=site_ids):
        link.delete()
    for location_id in site_ids - linked:
        ServiceAtLocation.objects.create(service=service, location_id=location_id)

    service.schedules.all().delete()
    Schedule.objects.bulk_create(Schedule(service=service, **values) for values in derived_opening_times(hub, today))

    offers = set()
    for pattern_offers in hub.patterns.filter(_running_on(today)).values_list("offers", flat=True):
        offers.update(pattern_offers)
    coming = hub.sessions.scheduled().filter(date__gte=today, date__lte=today + OFFERS_HORIZON)
    for session_offers in coming.values_list("offers", flat=True):
        offers.update(session_offers)
    slugs = {OFFER_NEEDS[offer] for offer in offers if offer in OFFER_NEEDS}
    terms = TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME, slug__in=slugs)
    Attribute.objects.filter(link_entity=service.hsds_entity, link_id=service.id, link_type=NEED_LINK_TYPE).delete()
    Attribute.objects.bulk_create(
        Attribute(taxonomy_term=term, link_entity=service.hsds_entity, link_id=service.id, link_type=NEED_LINK_TYPE)
        for term in terms
    )

    now = timezone.now()
    service.name = hub.name
    service.description = hub.description
    service.last_modified = now
    service.verified_at = now
    service.verification_method = Service.VerificationMethod.SELF_CONFIRMED
    service.build_search_text()
    service.save()
    return service


def _running_on(today):
    """A filter for the patterns that have not ended by ``today``."""
    return Q(ends_on__isnull=True) | Q(ends_on__gte=today)


# --- hubs ----------------------------------------------------------------------------------


def _check_sites(hub, sites):
    sites = list(sites)
    if any(site.location_type != "physical" for site in sites):
        raise ValidationError({"sites": _("A hub meets at places people can walk into.")})
    return sites


@transaction.atomic
def do_create_hub(*, name, area, lead_organisation, model, acting_user, description="", sites=()):
    """Make a hub, and its service on the map at its sites (public at once: it appears in
    search, the Open Referral API and exports)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the hub a name.")})
    if model not in Hub.Model.values:
        raise ValidationError({"model": _("Choose the hub's model from the list.")})
    hub = Hub.objects.create(
        name=name, description=description.strip(), area=area, lead_organisation=lead_organisation, model=model
    )
    hub.sites.set(_check_sites(hub, sites))
    hub.service = _new_hub_service(hub)
    hub.save(update_fields=["service", "updated_at"])
    sync_hub_service(hub)
    record_event(
        "hub.created",
        actor=acting_user,
        organisation=lead_organisation,
        obj=hub,
        details={"model": model, "area": area.slug, "service": str(hub.service_id)},
    )
    return hub


@transaction.atomic
def do_update_hub(hub, *, name, description, model, area, acting_user):
    """Change the hub's name, description, model or area (its map listing follows)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the hub a name.")})
    if model not in Hub.Model.values:
        raise ValidationError({"model": _("Choose the hub's model from the list.")})
    hub = Hub.objects.select_for_update().get(pk=hub.pk)
    changed = [
        field
        for field, value in (("name", name), ("description", description.strip()), ("model", model), ("area", area))
        if getattr(hub, field) != value
    ]
    hub.name, hub.description, hub.model, hub.area = name, description.strip(), model, area
    hub.save()
    sync_hub_service(hub)
    record_event(
        "hub.updated", actor=acting_user, organisation=hub.lead_organisation, obj=hub, details={"fields": changed}
    )
    return hub


@transaction.atomic
def do_set_team(hub, memberships, *, acting_user):
    """Make ``memberships`` the hub's team. Each must be a member of the lead organisation:
    the team is not a second role system, only who of the lead organisation runs this hub."""
    memberships = list(memberships)
    if any(membership.organisation_id != hub.lead_organisation_id for membership in memberships):
        raise ValidationError({"team": _("The team are members of the hub's lead organisation.")})
    hub.team.set(memberships)
    record_event(
        "hub.team_set",
        actor=acting_user,
        organisation=hub.lead_organisation,
        obj=hub,
        details={"memberships": sorted(str(membership.uuid) for membership in memberships)},
    )
    return hub


@transaction.atomic
def do_set_partners(hub, organisations, *, acting_user):
    """Make ``organisations`` the hub's partners: those the coordinator can invite to sessions."""
    organisations = list(organisations)
    if any(organisation.pk == hub.lead_organisation_id for organisation in organisations):
        raise ValidationError({"partners": _("The lead organisation runs the hub; it is not its own partner.")})
    hub.partners.set(organisations)
    record_event(
        "hub.partners_set",
        actor=acting_user,
        organisation=hub.lead_organisation,
        obj=hub,
        details={"organisations": sorted(str(organisation.uuid) for organisation in organisations)},
    )
    return hub


@transaction.atomic
def do_set_sites(hub, locations, *, acting_user):
    """Make ``locations`` the places the hub meets. A site with a session pattern still
    running, or a coming session, stays: end the pattern or move the session first."""
    locations = _check_sites(hub, locations)
    wanted = {location.pk for location in locations}
    today = timezone.localdate(timezone=LONDON)
    in_use = set(hub.patterns.filter(_running_on(today)).values_list("site_id", flat=True))
    in_use |= set(hub.sessions.scheduled().filter(date__gte=today).values_list("site_id", flat=True))
    if in_use - wanted:
        raise ValidationError({"sites": _("Sessions are still planned at a site you took away.")})
    hub.sites.set(locations)
    sync_hub_service(hub)
    record_event(
        "hub.sites_set",
        actor=acting_user,
        organisation=hub.lead_organisation,
        obj=hub,
        details={"sites": sorted(str(location.pk) for location in locations)},
    )
    return hub


# --- patterns and sessions -----------------------------------------------------------------


def _check_site(hub, site):
    if not hub.sites.filter(pk=site.pk).exists():
        raise ValidationError({"site": _("Choose one of the hub's sites.")})


def _check_times(starts_at, ends_at):
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A session must end after it starts.")})


def _clean_offers(offers):
    offers = ordered_offers(offers)
    validate_offers(offers)
    return offers


@transaction.atomic
def do_add_pattern(hub, *, site, weekdays, starts_at, ends_at, starts_on, ends_on=None, offers=(), acting_user):
    """Add a recurring session ("every Tuesday and Thursday 10:00–14:00 at X"). Generate its
    sessions with ``do_generate_sessions``."""
    _check_site(hub, site)
    weekdays = [day for day in WEEKDAYS if day in set(weekdays)]
    try:
        validate_weekdays(weekdays)
    except ValidationError as error:
        raise ValidationError({"weekdays": error.messages}) from None
    _check_times(starts_at, ends_at)
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last date must not be before the first.")})
    pattern = SessionPattern.objects.create(
        hub=hub,
        site=site,
        weekdays=weekdays,
        starts_at=starts_at,
        ends_at=ends_at,
        starts_on=starts_on,
        ends_on=ends_on,
        offers=_clean_offers(offers),
    )
    sync_hub_service(hub)
    record_event(
        "hub.pattern_added",
        actor=acting_user,
        organisation=hub.lead_organisation,
        obj=pattern,
        details={"hub": str(hub.uuid), "weekdays": weekdays, "site": str(site.pk)},
    )
    return pattern


@transaction.atomic
def do_end_pattern(pattern, *, ends_on, acting_user):
    """Stop a pattern after ``ends_on``. Its sessions after that date are removed unless
    someone has been invited to them (those stay, for the coordinator to cancel or keep)."""
    pattern = SessionPattern.objects.select_for_update().select_related("hub").get(pk=pattern.pk)
    if ends_on < pattern.starts_on:
        raise ValidationError({"ends_on": _("The last date must not be before the first.")})
    pattern.ends_on = ends_on
    pattern.save(update_fields=["ends_on", "updated_at"])
    removed = pattern.sessions.filter(pattern_date__gt=ends_on, rota__isnull=True, is_moved=False).delete()[0]
    sync_hub_service(pattern.hub)
    record_event(
        "hub.pattern_ended",
        actor=acting_user,
        organisation=pattern.hub.lead_organisation,
        obj=pattern,
        details={"ends_on": ends_on.isoformat(), "sessions_removed": removed},
    )
    return pattern


def pattern_dates(pattern, since, until):
    """The dates from ``since`` to ``until`` (both included) the pattern gives a session on."""
    day = max(since, pattern.starts_on)
    last = min(until, pattern.ends_on) if pattern.ends_on else until
    dates = []
    while day <= last:
        if pattern.occurs_on(day):
            dates.append(day)
        day += dt.timedelta(days=1)
    return dates


@transaction.atomic
def do_generate_sessions(pattern, until, *, acting_user, since=None):
    """Make the pattern's sessions up to ``until`` (from its first date, or ``since``).

    Idempotent: a date that already has its session (even one since moved or cancelled) gets
    no second one, so running it again, or with a later ``until``, only fills what is
    missing. Returns the sessions made.
    """
    pattern = SessionPattern.objects.select_for_update().select_related("hub").get(pk=pattern.pk)
    since = since or pattern.starts_on
    have = set(pattern.sessions.values_list("pattern_date", flat=True))
    sessions = [
        HubSession(
            hub=pattern.hub,
            pattern=pattern,
            pattern_date=day,
            site_id=pattern.site_id,
            date=day,
            starts_at=pattern.starts_at,
            ends_at=pattern.ends_at,
            offers=list(pattern.offers),
        )
        for day in pattern_dates(pattern, since, until)
        if day not in have
    ]
    HubSession.objects.bulk_create(sessions)
    sync_hub_service(pattern.hub)
    record_event(
        "hub.sessions_generated",
        actor=acting_user,
        organisation=pattern.hub.lead_organisation,
        obj=pattern,
        details={"until": until.isoformat(), "made": len(sessions)},
    )
    return sessions


def _locked_session(session):
    return HubSession.objects.select_for_update().select_related("hub", "site").get(pk=session.pk)


@transaction.atomic
def do_cancel_session(session, *, reason="", acting_user):
    """Cancel a scheduled session. Partners on its rota see it cancelled in their inbox."""
    session = _locked_session(session)
    if session.is_cancelled:
        raise IllegalTransition(_("This session has already been cancelled."))
    if session.is_past():
        raise IllegalTransition(_("This session is over: it can no longer be cancelled."))
    session.status = HubSession.Status.CANCELLED
    session.cancelled_reason = (reason or "").strip()[:300]
    session.save(update_fields=["status", "cancelled_reason", "updated_at"])
    sync_hub_service(session.hub)
    record_event("hub.session_cancelled", actor=acting_user, organisation=session.hub.lead_organisation, obj=session)
    return session


@transaction.atomic
def do_move_session(session, *, date, starts_at, ends_at, site, note="", acting_user):
    """Move a scheduled session to another date, time or site of the hub."""
    session = _locked_session(session)
    if session.is_cancelled:
        raise IllegalTransition(_("A cancelled session cannot be moved."))
    if session.is_past():
        raise IllegalTransition(_("This session is over: it can no longer be moved."))
    _check_site(session.hub, site)
    _check_times(starts_at, ends_at)
    if date < timezone.localdate(timezone=LONDON):
        raise ValidationError({"date": _("Choose a date from today on.")})
    before = {"date": session.date.isoformat(), "starts_at": f"{session.starts_at:%H:%M}", "site": str(session.site_id)}
    session.date, session.starts_at, session.ends_at, session.site = date, starts_at, ends_at, site
    session.is_moved = True
    session.moved_note = (note or "").strip()[:300]
    session.save(update_fields=["date", "starts_at", "ends_at", "site", "is_moved", "moved_note", "updated_at"])
    sync_hub_service(session.hub)
    record_event(
        "hub.session_moved",
        actor=acting_user,
        organisation=session.hub.lead_organisation,
        obj=session,
        details={"from": before, "to": {"date": date.isoformat(), "starts_at": f"{starts_at:%H:%M}"}},
    )
    return session


@transaction.atomic
def do_add_extra_session(hub, *, site, date, starts_at, ends_at, offers=(), notes="", acting_user):
    """Add a one-off session outside the hub's patterns."""
    _check_site(hub, site)
    _check_times(starts_at, ends_at)
    if date < timezone.localdate(timezone=LONDON):
        raise ValidationError({"date": _("Choose a date from today on.")})
    session = HubSession.objects.create(
        hub=hub,
        site=site,
        date=date,
        starts_at=starts_at,
        ends_at=ends_at,
        is_extra=True,
        offers=_clean_offers(offers),
        notes=(notes or "").strip(),
    )
    sync_hub_service(hub)
    record_event(
        "hub.extra_session_added",
        actor=acting_user,
        organisation=hub.lead_organisation,
        obj=session,
        details={"hub": str(hub.uuid), "date": date.isoformat()},
    )
    return session


@transaction.atomic
def do_update_session_offers(session, *, offers, notes=None, acting_user):
    """Say what this one session offers (and, optionally, change the team's notes)."""
    session = _locked_session(session)
    offers = _clean_offers(offers)
    before = list(session.offers)
    session.offers = offers
    fields = ["offers", "updated_at"]
    if notes is not None:
        session.notes = notes.strip()
        fields.append("notes")
    session.save(update_fields=fields)
    sync_hub_service(session.hub)
    record_event(
        "hub.session_offers_changed",
        actor=acting_user,
        organisation=session.hub.lead_organisation,
        obj=session,
        details={"before": before, "after": offers},
    )
    return session


# --- the rota ------------------------------------------------------------------------------

# A link in a rota e-mail answers for two weeks (and never after the session has ended).
ROTA_LINK_VALID_FOR = dt.timedelta(days=14)

# Who in a partner organisation may answer for it, from its account or a link.
ROTA_RESPONDER_ROLES = (Role.COORDINATOR, Role.ORGANISATION_ADMIN, Role.CASEWORKER)


class LinkProblem(Exception):
    """A rota link that cannot be used: ``reason`` is "expired", "invalid" or "replaced"."""

    def __init__(self, reason):
        self.reason = reason
        super().__init__(reason)


def _rota_signer():
    # A salt of its own, so that no other signed value in Waymark passes as a rota answer.
    return signing.TimestampSigner(salt="waymark.hubs.rota-invitation")


def rota_link_token(invitation, user):
    """The token of the e-mailed link for ``user`` to answer ``invitation``: its uuid, the
    round it was sent in and the recipient, signed and timestamped (nothing is stored)."""
    return _rota_signer().sign_object({"i": str(invitation.uuid), "r": invitation.round, "u": user.pk})


def invitation_from_link_token(token):
    """(invitation, user) from a link token; raises LinkProblem when it cannot be used: too
    old ("expired"), not made by Waymark or naming nothing ("invalid"), or sent before the
    organisation was invited again ("replaced")."""
    try:
        value = _rota_signer().unsign_object(token, max_age=ROTA_LINK_VALID_FOR)
    except signing.SignatureExpired:
        raise LinkProblem("expired") from None
    except (signing.BadSignature, ValueError):
        raise LinkProblem("invalid") from None
    invitation = (
        RotaInvitation.objects.select_related("session__hub", "session__site", "organisation")
        .filter(uuid=value.get("i"))
        .first()
        if isinstance(value, dict)
        else None
    )
    if invitation is None:
        raise LinkProblem("invalid")
    membership = (
        Membership.objects.select_related("user")
        .filter(organisation=invitation.organisation, user_id=value.get("u"))
        .first()
    )
    # Someone who has left the organisation, or lost the roles to answer for it, cannot.
    if membership is None or not membership.has_role(*ROTA_RESPONDER_ROLES):
        raise LinkProblem("invalid")
    if invitation.round != value.get("r"):
        raise LinkProblem("replaced")
    return invitation, membership.user


def rota_link_url(invitation, user, language=None):
    with override(language or settings.LANGUAGE_CODE):
        path = reverse("hubs:rota_link", args=[rota_link_token(invitation, user)])
    return settings.SITE_URL + path


def rota_recipients(organisation):
    """Who in a partner organisation is told of an invitation: its coordinators and admins,
    else its caseworkers."""
    memberships = list(Membership.objects.filter(organisation=organisation).select_related("user"))
    for roles in ((Role.COORDINATOR, Role.ORGANISATION_ADMIN), (Role.CASEWORKER,)):
        chosen = [membership.user for membership in memberships if membership.has_role(*roles)]
        if chosen:
            return [user for user in chosen if user.is_active]
    return []


@transaction.atomic
def do_invite_partner(session, organisation, *, acting_user, offers=(), message=""):
    """Invite a partner organisation to a session, and e-mail its coordinators a link to answer.

    Inviting an organisation that has already answered asks it again (back to "invited"); the
    links sent before stop working. Only the hub's partners can be invited, and only to a
    scheduled session that has not ended.
    """
    session = _locked_session(session)
    if not session.hub.partners.filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": _("Add the organisation to the hub's partners first.")})
    if session.is_cancelled:
        raise IllegalTransition(_("This session has been cancelled."))
    if session.is_past():
        raise IllegalTransition(_("This session is over."))
    offers = _clean_offers(offers)
    message = (message or "").strip()[:500]
    invitation = RotaInvitation.objects.select_for_update().filter(session=session, organisation=organisation).first()
    if invitation is not None and invitation.is_open:
        raise IllegalTransition(_("This organisation has been invited and has not answered yet."))
    now = timezone.now()
    if invitation is None:
        invitation = RotaInvitation.objects.create(
            session=session, organisation=organisation, offers=offers, message=message, invited_by=acting_user
        )
    else:
        invitation.status = RotaInvitation.Status.INVITED
        invitation.round += 1
        invitation.offers, invitation.message = offers, message
        invitation.invited_by, invitation.invited_at = acting_user, now
        invitation.responded_by, invitation.responded_at, invitation.response_note = None, None, ""
        invitation.save()
    record_event(
        "rota.invited",
        actor=acting_user,
        organisation=session.hub.lead_organisation,
        obj=invitation,
        details={"session": str(session.uuid), "organisation": str(organisation.uuid), "round": invitation.round},
    )
    for user in rota_recipients(organisation):
        language = user.language or settings.LANGUAGE_CODE
        do_notify(
            template="hubs_rota_invitation",
            language=language,
            to_user=user,
            context={
                "hub_name": session.hub.name,
                "organisation_name": organisation.name,
                "date": session.date.isoformat(),
                "starts_at": f"{session.starts_at:%H:%M}",
                "ends_at": f"{session.ends_at:%H:%M}",
                "site_name": session.site.name,
                # Lazy labels: the notification translates them into the e-mail's language.
                "offers": [Offer(offer).label for offer in offers],
                "message": message,
                "invited_by_name": acting_user.get_full_name(),
                "answer_url": rota_link_url(invitation, user, language),
                "valid_days": ROTA_LINK_VALID_FOR.days,
            },
            dedupe_key=f"rota:{invitation.uuid}:{invitation.round}:{user.pk}",
        )
    return invitation


CONFIRM = "confirm"
DECLINE = "decline"


@transaction.atomic
def do_respond_to_invitation(invitation, *, answer, acting_user, note=""):
    """The partner confirms or declines (``answer`` is CONFIRM or DECLINE). ``acting_user`` is
    who answered: signed in, or the recipient named in the e-mailed link."""
    if answer not in (CONFIRM, DECLINE):
        raise ValidationError({"answer": _("Confirm or decline.")})
    invitation = (
        RotaInvitation.objects.select_for_update().select_related("session__hub", "organisation").get(pk=invitation.pk)
    )
    if not invitation.is_open:
        raise IllegalTransition(_("This invitation has already been answered."))
    session = invitation.session
    if session.is_cancelled:
        raise IllegalTransition(_("This session has been cancelled."))
    if session.is_past():
        raise IllegalTransition(_("This session is over."))
    invitation.status = RotaInvitation.Status.CONFIRMED if answer == CONFIRM else RotaInvitation.Status.DECLINED
    invitation.responded_by = acting_user
    invitation.responded_at = timezone.now()
    invitation.response_note = (note or "").strip()[:500]
    invitation.save(update_fields=["status", "responded_by", "responded_at", "response_note", "updated_at"])
    record_event(
        "rota.confirmed" if answer == CONFIRM else "rota.declined",
        actor=acting_user,
        organisation=invitation.organisation,
        obj=invitation,
        details={"session": str(session.uuid)},
    )
    return invitation


@transaction.atomic
def do_record_attendance(invitation, *, attended, acting_user):
    """Record after the session began whether the partner came (True or False)."""
    invitation = RotaInvitation.objects.select_for_update().select_related("session__hub").get(pk=invitation.pk)
    session = invitation.session
    if session.is_cancelled:
        raise IllegalTransition(_("This session was cancelled."))
    if timezone.now() < session.starts:
        raise IllegalTransition(_("Attendance is recorded once the session has begun."))
    invitation.attended = bool(attended)
    invitation.attendance_recorded_by = acting_user
    invitation.save(update_fields=["attended", "attendance_recorded_by", "updated_at"])
    record_event(
        "rota.attendance_recorded",
        actor=acting_user,
        organisation=session.hub.lead_organisation,
        obj=invitation,
        details={"attended": invitation.attended},
    )
    return invitation


def latest_generated_date(pattern):
    """The last date the pattern has a session for, or None."""
    return pattern.sessions.aggregate(last=Max("pattern_date"))["last"]
