"""Waymark's internal JSON API at /api/v1/: its authentication and its one error format.

Two ways in, tried in this order:

- ``Authorization: Bearer <token>`` for other systems. The token is bound to one membership,
  so the request acts for that membership's organisation with its roles. A read-only token
  may only read (GET, HEAD, OPTIONS).
- The session cookie for Waymark's own pages, with Django's CSRF check on unsafe methods.
  The organisation acted for is the one chosen in the header (ActingOrganisationMiddleware).

Either way an endpoint finds ``request.user``, ``request.membership`` (the acting
membership, or None for someone who belongs to no organisation) and ``request.api_token``
(None for a session). Every error, from here or from an endpoint, is answered as
``{"detail": "<message in the user's language>", "code": "<slug>"}``.

An app adds its endpoints in its own ``api.py`` with a ``router = Router()`` and a line in
ROUTERS below. See ``waymark/accounts/api.py`` for an example.
"""

import functools
import inspect
import logging

from django.conf import settings
from django.core import signals
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import path, re_path
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from waymark.accounts.middleware import mfa_still_to_set_up
from waymark.accounts.tokens import token_from_secret

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

# Each app's api.py defines `router`; mount it by adding a line here. They are imported
# when the URLconf first reads `api.urls`, not when this module is, so an app's api.py can
# import ApiError and friends from here without a circular import.
ROUTERS = [
    ("", "waymark.accounts.api.router"),
    ("", "waymark.people.api.router"),
    ("", "waymark.hubs.api.router"),
    ("", "waymark.casework.api.router"),
    ("", "waymark.referrals.api.router"),
]


class ApiError(Exception):
    """Refuse an API request: an HTTP status, a stable machine-readable code, a message for people.

    Endpoints raise it; the API answers ``{"detail": ..., "code": ...}``. Give ``detail``
    as a (lazy) translation: it is rendered in the language of the request. The codes in use:

    - 400 ``refused``: a business rule says no (no consent, not eligible);
    - 404 ``not_found``: does not exist *or* not allowed (raising Http404 does the same);
    - 409 ``conflict``: an illegal state transition or a conflicting replay;
    - 422 ``invalid``: malformed input, with the problems listed in ``errors``.

    This module answers the rest itself: 401 ``not_authenticated`` / ``invalid_token``;
    403 ``read_only_token``, ``csrf_failed``, ``mfa_required``; 405 ``method_not_allowed``;
    500 ``server_error``.
    """

    def __init__(self, status, code, detail, *, errors=None, headers=None):
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        super().__init__(status, code, str(detail))


class ErrorOut(Schema):
    """The body of every error response."""

    detail: str
    code: str
    # Only for 422: what was wrong with the input, field by field.
    errors: list[dict] | None = None


def with_errors(schema, *statuses, ok=200):
    """A ``response=`` mapping that documents the error statuses an endpoint can answer with.

    ``@router.get("/me", response=with_errors(MeOut, 401))`` puts the 401 in the OpenAPI
    document, so partners (and schemathesis) know to expect it.
    """
    return {ok: schema, **dict.fromkeys(statuses, ErrorOut)}


def error_response(status, code, detail, *, errors=None, headers=None):
    body = {"detail": str(detail), "code": code}
    if errors is not None:
        body["errors"] = errors
    response = JsonResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# Authentication


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: an API token made by `create_api_token` or on /account/tokens/."""

    def __call__(self, request):
        header = request.headers.get("Authorization")
        if not header:
            return None  # Let the session have a go.
        # Someone who sends credentials means them: a bad one is refused, never ignored in
        # favour of a session cookie that happens to be there too.
        scheme, _space, secret = header.partition(" ")
        token = token_from_secret(secret.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            raise ApiError(
                401,
                "invalid_token",
                _("The API token is not valid: it may be mistyped, revoked, or its membership may have ended."),
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if token.read_only and request.method not in SAFE_METHODS:
            raise ApiError(403, "read_only_token", _("This API token is read-only: it cannot change anything."))
        request.user = token.membership.user
        request.membership = token.membership
        request.memberships = [token.membership]
        request.api_token = token
        return request.user

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        raise NotImplementedError


class SessionAuth(APIKeyCookie):
    """The signed-in user's session cookie, as Waymark's own pages send it; CSRF-checked."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self):
        super().__init__(csrf=True)

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return None
        # The CSRF check comes after we know who it is, so that an anonymous request is told
        # it is not signed in rather than that its CSRF token is missing.
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise ApiError(403, "csrf_failed", _("The CSRF check failed. Reload the page and try again."))
        # RequireMfaMiddleware leaves /api/ alone (it answers with a redirect to a page);
        # the API refuses instead.
        if mfa_still_to_set_up(request):
            raise ApiError(
                403, "mfa_required", _("Set up two-factor authentication before using Waymark with your roles.")
            )
        request.api_token = None
        return user

    def authenticate(self, request, key):  # pragma: no cover - __call__ does the work
        raise NotImplementedError


# Errors


def _api_error(request, exc):
    return error_response(exc.status, exc.code, exc.detail, errors=exc.errors, headers=exc.headers)


def _not_found(request, exc):
    return error_response(404, "not_found", _("Not found."))


def _permission_denied(request, exc):
    return error_response(403, "forbidden", _("You are not allowed to do this."))


def _not_authenticated(request, exc):
    return error_response(
        401,
        "not_authenticated",
        _("Sign in, or send an API token as “Authorization: Bearer <token>”."),
        headers={"WWW-Authenticate": "Bearer"},
    )


# The code for each status when a library raises ninja's HttpError with a status but no code.
CODES_BY_STATUS = {
    400: "refused",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "throttled",
}


def _http_error(request, exc):
    if isinstance(exc.__cause__, ValueError):
        # Ninja answers a body that is not JSON at all with a 400 "Cannot parse request body",
        # raised from the JSON (or Unicode) decoding error. To a client that is malformed input.
        errors = [{"loc": ["body"], "msg": str(exc.__cause__), "type": "json_invalid"}]
        return error_response(422, "invalid", _("The request body is not valid JSON."), errors=errors)
    return error_response(exc.status_code, CODES_BY_STATUS.get(exc.status_code, "error"), exc.message)


def _validation_error(request, exc):
    # pydantic's own messages (English) for each field; `input` is left out so that a
    # rejected value is not echoed into logs and proxies.
    errors = [
        {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error.get("type", "")}
        for error in exc.errors
    ]
    return error_response(422, "invalid", _("The request is not valid."), errors=errors)


def _server_error(request, exc):
    # Reported the way Django reports any unhandled exception (the log, ADMINS, and the test
    # client re-raising it), but answered in the API's format rather than as an HTML page.
    signals.got_request_exception.send(sender=None, request=request)
    logger.error(
        "Internal server error: %s", request.path, exc_info=exc, extra={"status_code": 500, "request": request}
    )
    return error_response(500, "server_error", _("Something went wrong on our side. Please try again later."))


def answer_405_as_json(view):
    """Wrap one of ninja's path views so that a method it lacks gets a JSON 405."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return error_response(
                405,
                "method_not_allowed",
                _("This method is not allowed here."),
                headers={"Allow": response["Allow"]},
            )
        return response

    return wrapper


@csrf_exempt
def unknown_path(request, *args, **kwargs):
    """Any other path under /api/v1/: a 404 in the API's format, not the HTML page."""
    return _not_found(request, None)


class WaymarkAPI(NinjaAPI):
    """A NinjaAPI that mounts its routers lazily and answers in the error format everywhere.

    ``routers`` is a list of ``(prefix, "dotted.path.to.router")``.
    """

    def __init__(self, *, routers=(), **kwargs):
        self.router_paths = list(routers)
        super().__init__(**kwargs)

    def set_default_exception_handlers(self):
        self.add_exception_handler(Exception, _server_error)
        self.add_exception_handler(ApiError, _api_error)
        self.add_exception_handler(Http404, _not_found)
        self.add_exception_handler(PermissionDenied, _permission_denied)
        self.add_exception_handler(HttpError, _http_error)
        self.add_exception_handler(AuthenticationError, _not_authenticated)
        self.add_exception_handler(ValidationError, _validation_error)

    @property
    def urls(self):
        if self._bound_routers_cache is None:
            for prefix, router in self.router_paths:
                self.add_router(prefix, import_string(router))
        patterns, app_name, namespace = super().urls
        # Ninja's root view raises Http404 outside of an operation, which would give the
        # HTML page: replace it (keeping its name, which ninja reverses) and catch the rest.
        patterns = [pattern for pattern in patterns if pattern.name != "api-root"]
        for pattern in patterns:
            # (Ninja's async views answer 405 themselves; we have none yet.)
            if not inspect.iscoroutinefunction(pattern.callback):
                pattern.callback = answer_405_as_json(pattern.callback)
        patterns += [path("", unknown_path, name="api-root"), re_path(r"^.*$", unknown_path)]
        return patterns, app_name, namespace


api = WaymarkAPI(
    title="Waymark API",
    version="1",
    description=(
        "Waymark's internal API. Authenticate with `Authorization: Bearer <token>` (tokens from "
        "`manage.py create_api_token` or /account/tokens/), or with the session cookie and CSRF token "
        'of a signed-in browser. Errors are `{"detail": ..., "code": ...}`.'
    ),
    urls_namespace="api_v1",
    routers=ROUTERS,
    auth=[TokenAuth(), SessionAuth()],
    # Served from our own static files (ninja is in INSTALLED_APPS) with no inline script,
    # so it works under our CSP; the validator badge would call out to swagger.io, so it is off.
    docs=Swagger(settings={"validatorUrl": None}),
)
