"""A URLconf with a small API of probe endpoints, for testing what waymark.api does with any
endpoint (authentication, errors), as later apps' endpoints will use it.

Use with ``@override_settings(ROOT_URLCONF="waymark.accounts.tests.api_probe")``; it is
mounted at /api/v1/ like the real one, behind the real middleware.
"""

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy
from ninja import Router, Schema
from ninja.errors import HttpError

from waymark.api import ApiError, SessionAuth, TokenAuth, WaymarkAPI

router = Router()

# Django's own catalogues translate this message into French and Arabic, so a test can see
# a detail rendered in the request's language without depending on our catalogues.
TRANSLATED_BY_DJANGO = "This field is required."


class EchoIn(Schema):
    name: str
    count: int


@router.get("/whoami")
def whoami(request):
    membership = request.membership
    return {
        "user": request.user.email,
        "organisation": membership.organisation.slug if membership else None,
        "memberships": [m.organisation.slug for m in request.memberships],
        "token": request.api_token.prefix if request.api_token else None,
    }


@router.post("/echo")
def echo(request, data: EchoIn):
    return {"name": data.name, "count": data.count}


@router.get("/refused")
def refused(request):
    raise ApiError(400, "refused", gettext_lazy(TRANSLATED_BY_DJANGO))


@router.post("/conflict")
def conflict(request):
    raise ApiError(409, "conflict", "This referral has already been accepted.")


@router.get("/ninja-conflict")
def ninja_conflict(request):
    raise HttpError(409, "Already done.")


@router.get("/missing")
def missing(request):
    raise Http404("no such thing")


@router.get("/crash")
def crash(request):
    raise RuntimeError("a bug")


@router.get("/open", auth=None)
def open_endpoint(request):
    return {"ok": True}


probe_api = WaymarkAPI(title="Probe", urls_namespace="api_probe", auth=[TokenAuth(), SessionAuth()])
probe_api.add_router("/probe", router)

urlpatterns = [path("api/v1/", probe_api.urls)]
