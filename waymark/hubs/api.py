"""The hubs part of the internal API (/api/v1/): the hubs a caller can see and their sessions.

The same door as the pages: a hub is visible to the lead organisation's coordinators and
admins, to its team, and to its partner organisations (``access.hubs_visible_to``); anyone
else gets 404. A partner sees the confirmed rota and its own invitations; the hub's own people
see the whole rota.

No core minimum offer here yet: it is computed from check-ins and visit records, which come
with check-in; a field that always said "unknown" would mislead partner systems.
"""

import datetime as dt
from uuid import UUID

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from pydantic import Field

from waymark.api import ApiError, with_errors
from waymark.hubs import access
from waymark.hubs.models import LONDON, HubSession, RotaInvitation

router = Router(tags=["hubs"])

# The longest span one request may ask for, and the span given when none is.
LONGEST_SPAN = dt.timedelta(days=366)
DEFAULT_SPAN = dt.timedelta(days=28)


class Ref(Schema):
    id: UUID
    name: str


class SiteOut(Schema):
    id: UUID
    name: str
    latitude: float | None
    longitude: float | None


class HubOut(Schema):
    id: UUID
    name: str
    model: str
    area: Ref
    lead_organisation: Ref
    # The hub's service on the public map (also in the Open Referral API), if it has one.
    service_id: UUID | None
    sites: list[SiteOut]


class RotaOut(Schema):
    organisation: Ref
    status: str
    offers: list[str]
    # Recorded after the session: null until someone records it.
    attended: bool | None


class SessionOut(Schema):
    id: UUID
    date: dt.date
    starts_at: str = Field(description="HH:MM, Europe/London wall-clock time.")
    ends_at: str = Field(description="HH:MM, Europe/London wall-clock time.")
    status: str
    is_moved: bool
    is_extra: bool
    site: Ref
    offers: list[str]
    rota: list[RotaOut]


class SessionFilter(Schema):
    from_: dt.date | None = Field(None, alias="from", description="First date (default: today, UK time).")
    to: dt.date | None = Field(None, description="Last date (default: 28 days after `from`).")


def _ref(thing):
    return {"id": thing.uuid, "name": thing.name}


def _site(location):
    hidden = location.address_hidden
    return {
        "id": location.id,
        "name": location.name,
        "latitude": None if hidden or location.latitude is None else float(location.latitude),
        "longitude": None if hidden or location.longitude is None else float(location.longitude),
    }


@router.get("/hubs", response=with_errors(list[HubOut], 401, 403), summary="Hubs you can see")
def list_hubs(request):
    """The hubs the caller runs (as coordinator, organisation admin or team member of the lead
    organisation) and those their organisation is a partner of, by name."""
    hubs = (
        access.hubs_visible_to(request.membership)
        .select_related("area", "lead_organisation")
        .prefetch_related("sites")
        .order_by("name")
    )
    return [
        {
            "id": hub.uuid,
            "name": hub.name,
            "model": hub.model,
            "area": _ref(hub.area),
            "lead_organisation": _ref(hub.lead_organisation),
            "service_id": hub.service_id,
            "sites": [_site(site) for site in hub.sites.all()],
        }
        for hub in hubs
    ]


@router.get(
    "/hubs/{hub_id}/sessions",
    response=with_errors(list[SessionOut], 401, 403, 404, 422),
    summary="A hub's sessions between two dates",
)
def list_sessions(request, hub_id: UUID, filters: Query[SessionFilter]):
    """The hub's sessions from ``from`` to ``to`` (both included, at most 366 days apart),
    cancelled ones too, in date order, each with its rota."""
    membership = request.membership
    hub = access.get_visible_hub(membership, hub_id)
    first = filters.from_ or timezone.localdate(timezone=LONDON)
    last = filters.to or first + DEFAULT_SPAN
    if last < first:
        raise ApiError(
            422,
            "invalid",
            _("`to` must not be before `from`."),
            errors=[{"loc": ["query", "to"], "msg": "before from"}],
        )
    if last - first > LONGEST_SPAN:
        raise ApiError(
            422,
            "invalid",
            _("Ask for at most 366 days at a time."),
            errors=[{"loc": ["query", "to"], "msg": "span too long"}],
        )
    runs_it = access.hubs_for_membership(membership).filter(pk=hub.pk).exists()
    rota = RotaInvitation.objects.select_related("organisation").order_by("organisation__name")
    if not runs_it:
        rota = rota.filter(Q(status=RotaInvitation.Status.CONFIRMED) | Q(organisation_id=membership.organisation_id))
    sessions = (
        HubSession.objects.filter(hub=hub, date__gte=first, date__lte=last)
        .select_related("site")
        .prefetch_related(Prefetch("rota", queryset=rota))
        .order_by("date", "starts_at")
    )
    return [
        {
            "id": session.uuid,
            "date": session.date,
            "starts_at": f"{session.starts_at:%H:%M}",
            "ends_at": f"{session.ends_at:%H:%M}",
            "status": session.status,
            "is_moved": session.is_moved,
            "is_extra": session.is_extra,
            "site": {"id": session.site.id, "name": session.site.name},
            "offers": list(session.offers),
            "rota": [
                {
                    "organisation": _ref(invitation.organisation),
                    "status": invitation.status,
                    "offers": list(invitation.offers),
                    "attended": invitation.attended,
                }
                for invitation in session.rota.all()
            ],
        }
        for session in sessions
    ]
