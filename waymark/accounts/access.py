"""Who may do what: the one place organisation and platform roles are checked.

Views call these instead of checking roles themselves. A user acts for one organisation at a
time (their *acting membership*); organisation-level permissions come from that membership
only, never from another organisation the user also belongs to.
"""

from django.conf import settings
from django.http import Http404

from waymark.accounts.models import Invitation, Membership, PlatformRole, Role

ACTING_MEMBERSHIP_SESSION_KEY = "acting_membership"


def memberships_for_user(user):
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name"))


def choose_acting_membership(memberships, wanted_uuid):
    """The membership the session asked for, else the first one (alphabetical), else None."""
    for membership in memberships:
        if str(membership.uuid) == wanted_uuid:
            return membership
    return memberships[0] if memberships else None


def require_org_role(request, *roles):
    """The acting membership if it holds one of ``roles``; otherwise 404.

    404 rather than 403 so that an outsider cannot tell "not allowed" from "not there".
    """
    membership = getattr(request, "membership", None)
    if membership is None or not membership.has_role(*roles):
        raise Http404
    return membership


def require_organisation_admin(request):
    return require_org_role(request, Role.ORGANISATION_ADMIN)


def platform_roles_for_user(user):
    return list(PlatformRole.objects.filter(user=user).select_related("network", "area"))


def is_demo_user(user):
    return settings.WAYMARK_DEMO and user.email.endswith("@demo.waymark")


def user_needs_mfa(user, memberships=None):
    """True if any role the user holds can reach case, assessment or safeguarding records."""
    if is_demo_user(user):
        return False
    if user.is_superuser or user.is_staff or PlatformRole.objects.filter(user=user).exists():
        return True
    if memberships is None:
        memberships = memberships_for_user(user)
    return any(membership.needs_mfa for membership in memberships)


def require_administrator(request):
    """Go on only for an administrator (Django's superuser flag); 404 for everyone else."""
    if not (request.user.is_authenticated and request.user.is_superuser):
        raise Http404


def members_of(organisation):
    """The organisation's memberships with their users, ready to list."""
    return Membership.objects.filter(organisation=organisation).select_related("user").order_by("user__email")


def get_membership_for_admin(request, membership_uuid):
    """A membership of the organisation the request acts for, if the user administers it; else 404.

    Looked up inside the acting organisation only, so a guessed uuid of another
    organisation's member is "not there".
    """
    acting = require_organisation_admin(request)
    try:
        return members_of(acting.organisation).select_related("organisation").get(uuid=membership_uuid)
    except Membership.DoesNotExist:
        raise Http404 from None


def get_invitation_for_admin(request, invitation_uuid):
    """An invitation to the organisation the request acts for, if the user administers it; else 404."""
    acting = require_organisation_admin(request)
    try:
        return Invitation.objects.select_related("organisation").get(
            organisation=acting.organisation, uuid=invitation_uuid
        )
    except Invitation.DoesNotExist:
        raise Http404 from None


def is_organisation_admin(request):
    """True if the user administers the organisation the request acts for (for links in pages)."""
    membership = getattr(request, "membership", None)
    return membership is not None and membership.has_role(Role.ORGANISATION_ADMIN)
