"""Who may see and run which hub: the one door to hubs, sessions and the rota.

Everything is decided by the membership the request acts for (never another organisation the
user also belongs to):

- the lead organisation's coordinators and organisation admins run all its hubs, and alone
  change a hub's settings (team, partners, sites, patterns) or add a hub;
- the hub's team (members of the lead organisation assigned to it, whatever their roles) run
  its sessions and rota;
- a partner organisation's coordinators, admins and caseworkers answer its own invitations.

Anything else is 404, the same as something that does not exist.
"""

from django.db.models import Q
from django.http import Http404

from waymark.accounts.models import Role
from waymark.hubs.actions import ROTA_RESPONDER_ROLES
from waymark.hubs.models import Hub, HubSession, RotaInvitation

LEAD_ROLES = (Role.COORDINATOR, Role.ORGANISATION_ADMIN)


def _membership(request):
    return getattr(request, "membership", None)


def is_hub_lead(membership):
    """True if the membership can set up hubs for its organisation."""
    return membership is not None and membership.has_role(*LEAD_ROLES)


def hubs_for_membership(membership):
    """The hubs this membership runs: all its organisation's hubs for a coordinator or admin,
    else the hubs whose team it is on."""
    if membership is None:
        return Hub.objects.none()
    if is_hub_lead(membership):
        return Hub.objects.filter(lead_organisation_id=membership.organisation_id)
    return Hub.objects.filter(lead_organisation_id=membership.organisation_id, team=membership)


def hubs_for_user(request):
    return hubs_for_membership(_membership(request))


def hubs_on_rota_of(organisation):
    """The hubs an organisation is a partner of (whose rota it can be invited to)."""
    return Hub.objects.filter(partners=organisation)


def hubs_visible_to(membership):
    """Hubs the membership may read about in the API: those it runs, and those its
    organisation is a partner of."""
    if membership is None:
        return Hub.objects.none()
    return Hub.objects.filter(
        Q(pk__in=hubs_for_membership(membership).values("pk")) | Q(partners=membership.organisation_id)
    ).distinct()


def require_hub_lead(request):
    """The acting membership if it may add hubs and change their settings; else 404."""
    membership = _membership(request)
    if not is_hub_lead(membership):
        raise Http404
    return membership


def get_hub_for_user(request, hub_uuid, *, settings=False):
    """A hub the user runs; with ``settings``, one whose settings they may change. Else 404."""
    hubs = hubs_for_user(request)
    if settings:
        membership = _membership(request)
        if not is_hub_lead(membership):
            raise Http404
    try:
        return hubs.select_related("area", "lead_organisation", "service").get(uuid=hub_uuid)
    except Hub.DoesNotExist:
        raise Http404 from None


def get_visible_hub(membership, hub_uuid):
    try:
        return hubs_visible_to(membership).get(uuid=hub_uuid)
    except Hub.DoesNotExist:
        raise Http404 from None


def get_session_for_user(request, session_uuid):
    """A session of a hub the user runs; else 404."""
    try:
        return (
            HubSession.objects.filter(hub__in=hubs_for_user(request))
            .select_related("hub__lead_organisation", "hub__area", "site", "pattern")
            .get(uuid=session_uuid)
        )
    except HubSession.DoesNotExist:
        raise Http404 from None


def get_pattern_for_user(request, hub, pattern_uuid):
    """A pattern of ``hub`` (already fetched through get_hub_for_user with settings); else 404."""
    try:
        return hub.patterns.select_related("site").get(uuid=pattern_uuid)
    except hub.patterns.model.DoesNotExist:
        raise Http404 from None


def get_rota_invitation_for_user(request, invitation_uuid):
    """A rota invitation of a session the user runs (to record attendance); else 404."""
    try:
        return (
            RotaInvitation.objects.filter(session__hub__in=hubs_for_user(request))
            .select_related("session__hub", "organisation")
            .get(uuid=invitation_uuid)
        )
    except RotaInvitation.DoesNotExist:
        raise Http404 from None


def require_rota_responder(request):
    """The acting membership if it may answer rota invitations for its organisation; else 404."""
    membership = _membership(request)
    if membership is None or not membership.has_role(*ROTA_RESPONDER_ROLES):
        raise Http404
    return membership


def invitations_for_partner(organisation):
    """The rota invitations sent to an organisation, with what their pages show."""
    return RotaInvitation.objects.filter(organisation=organisation).select_related(
        "session__hub", "session__site", "organisation"
    )


def get_invitation_for_partner(request, invitation_uuid):
    """An invitation to the organisation the user acts for, if they may answer it; else 404."""
    membership = require_rota_responder(request)
    try:
        return invitations_for_partner(membership.organisation).get(uuid=invitation_uuid)
    except RotaInvitation.DoesNotExist:
        raise Http404 from None


def get_visit_for_user(request, visit_uuid):
    """A visit at a session of a hub the user runs (to record its needs, what was given and
    signposting); else 404."""
    from waymark.hubs.models import Visit

    try:
        return (
            Visit.objects.filter(session__hub__in=hubs_for_user(request))
            .select_related("session__hub__lead_organisation", "session__site", "person")
            .get(uuid=visit_uuid)
        )
    except Visit.DoesNotExist:
        raise Http404 from None


def todays_session_for(request, organisation, now=None):
    """Today's session (not cancelled) of a hub the user runs whose people are
    ``organisation``'s: the one on now or next, else the last to end; None if there is none."""
    from django.utils import timezone

    from waymark.hubs.models import LONDON

    now = now or timezone.now()
    sessions = list(
        HubSession.objects.scheduled()
        .filter(
            hub__in=hubs_for_user(request),
            hub__lead_organisation=organisation,
            date=timezone.localdate(now, timezone=LONDON),
        )
        .order_by("starts_at", "id")
    )
    on_or_coming = [session for session in sessions if session.ends > now]
    if on_or_coming:
        return on_or_coming[0]
    return sessions[-1] if sessions else None


# --- the learning log, visitor feedback and the core offer -----------------------------------
#
# These are read by the hub's team (as above) and by the network lead of a network the hub's
# area belongs to, who sees across hubs but runs none: they read the learning log and the core
# offer, and feedback only as counts with small numbers suppressed. Only the team writes.


def networks_led_by(user):
    """The networks ``user`` is network lead of."""
    from waymark.accounts.models import Network, PlatformRole

    if not user.is_authenticated:
        return Network.objects.none()
    return Network.objects.filter(
        platform_roles__user=user, platform_roles__kind=PlatformRole.Kind.NETWORK_LEAD
    ).distinct()


def hubs_led_by_network_lead(user):
    """The hubs in the areas of the networks ``user`` leads."""
    from waymark.places.models import Area

    return Hub.objects.filter(area__in=Area.objects.filter(networks__in=networks_led_by(user)))


def get_hub_for_reading(request, hub_uuid):
    """(hub, runs_it): a hub the user runs (runs_it True) or whose network they lead (False);
    else 404."""
    hub = hubs_for_user(request).select_related("area", "lead_organisation").filter(uuid=hub_uuid).first()
    if hub is not None:
        return hub, True
    hub = hubs_led_by_network_lead(request.user).select_related("area", "lead_organisation").filter(uuid=hub_uuid)
    hub = hub.first()
    if hub is None:
        raise Http404
    return hub, False


def get_session_for_reading(request, session_uuid):
    """(session, runs_it), as ``get_hub_for_reading`` for the session's hub; else 404."""
    sessions = HubSession.objects.select_related("hub__lead_organisation", "hub__area", "site")
    session = sessions.filter(hub__in=hubs_for_user(request), uuid=session_uuid).first()
    if session is not None:
        return session, True
    session = sessions.filter(hub__in=hubs_led_by_network_lead(request.user), uuid=session_uuid).first()
    if session is None:
        raise Http404
    return session, False


def get_learning_action_for_user(request, action_uuid):
    """An action of a learning log of a hub the user runs (to mark it done); else 404."""
    from waymark.hubs.models import LearningAction

    try:
        return (
            LearningAction.objects.filter(log__session__hub__in=hubs_for_user(request))
            .select_related("log__session__hub", "owner__user")
            .get(uuid=action_uuid)
        )
    except LearningAction.DoesNotExist:
        raise Http404 from None


def get_network_for_lead(request, network_uuid):
    """A network the user leads; else 404."""
    network = networks_led_by(request.user).filter(uuid=network_uuid).first()
    if network is None:
        raise Http404
    return network
