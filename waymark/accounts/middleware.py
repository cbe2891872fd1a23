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


# Paths a user without MFA may still open: to set it up, to sign out, and what pages need.
MFA_FREE_PREFIXES = ("/static/", "/healthz", "/api/", "/i18n/")


class RequireMfaMiddleware:
    """Sends a user whose roles need two-factor authentication to set it up first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.must_set_up_mfa(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def must_set_up_mfa(self, request):
        user = request.user
        if not user.is_authenticated or request.session.get(MFA_OK_SESSION_KEY):
            return False
        path = request.path_info
        if path.startswith(MFA_FREE_PREFIXES) or "/accounts/" in path:
            return False
        if not user_needs_mfa(user, request.memberships):
            return False
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            request.session[MFA_OK_SESSION_KEY] = True
            return False
        return True
