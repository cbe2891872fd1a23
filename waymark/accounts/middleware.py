"""Request set-up for signed-in users: which organisation they act for, and the MFA rule."""

from allauth.mfa.models import Authenticator
from django.shortcuts import redirect
from django.urls import reverse

from waymark.accounts.access import (
    ACTING_MEMBERSHIP_SESSION_KEY,
    choose_acting_membership,
    memberships_for_user,
    user_needs_mfa,
)

MFA_OK_SESSION_KEY = "mfa_set_up"


def mfa_still_to_set_up(request):
    """True if the signed-in user holds a role that needs MFA and has no authenticator app yet.

    The answer "set up" is remembered in the session, so the query runs once per session.
    """
    if request.session.get(MFA_OK_SESSION_KEY):
        return False
    if not user_needs_mfa(request.user, request.memberships):
        return False
    if Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
        request.session[MFA_OK_SESSION_KEY] = True
        return False
    return True


class ActingOrganisationMiddleware:
    """Sets ``request.memberships`` and ``request.membership`` (the one acted for, or None)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = []
        request.membership = None
        if request.user.is_authenticated:
            request.memberships = memberships_for_user(request.user)
            request.membership = choose_acting_membership(
                request.memberships, request.session.get(ACTING_MEMBERSHIP_SESSION_KEY)
            )
        return self.get_response(request)


# Paths a user without MFA may still open: what pages need, and machine interfaces.
MFA_FREE_PREFIXES = ("/static/", "/healthz", "/api/", "/i18n/")


class RequireMfaMiddleware:
    """Sends a user whose roles need two-factor authentication to set it up first.

    Decided per view rather than per path, so that it holds in every language prefix. The
    views that stay open are allauth's own (sign in and out, password, two-factor set-up)
    and views marked with ``mfa_not_required`` (accepting an invitation).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if self.must_set_up_mfa(request, view_func):
            return redirect(reverse("mfa_activate_totp"))
        return None

    def must_set_up_mfa(self, request, view_func):
        if not request.user.is_authenticated:
            return False
        if request.path_info.startswith(MFA_FREE_PREFIXES) or _is_mfa_free_view(view_func):
            return False
        return mfa_still_to_set_up(request)


def mfa_not_required(view_func):
    """Marks a view that a signed-in user may open before setting up two-factor authentication."""
    view_func.mfa_not_required = True
    return view_func


def _is_mfa_free_view(view_func):
    return view_func.__module__.startswith("allauth.") or getattr(view_func, "mfa_not_required", False)
