"""The hubs part of the internal API (/api/v1/): the hubs a caller can see and their sessions.

The same door as the pages: a hub is visible to the lead organisation's coordinators and
admins, to its team, and to its partner organisations (``access.hubs_visible_to``); anyone
else gets 404. A partner sees the confirmed rota and its own invitations; the hub's own people
see the whole rota.

Each hub carries this week's core minimum offer (``core_offer.py``), worked out from what
happened: per line its slug, whether it is met (null when it cannot be said) and why.
"""

import datetime as dt
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from waymark.api import ApiError, with_errors
from waymark.hubs import access, core_offer
from waymark.hubs.checkins import CheckInConflict, do_check_in, needs_terms
from waymark.hubs.models import LONDON, Given, HubSession, RotaInvitation
from waymark.people import access as people_access

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


class CoreOfferLineOut(Schema):
    slug: str = Field(description="The line of the core minimum offer, e.g. `welcome`, `casework`.")
    met: bool | None = Field(description="Null when it cannot be said (not recorded, or no threshold).")
    why: str


class HubOut(Schema):
    id: UUID
    name: str
    model: str
    area: Ref
    lead_organisation: Ref
    # The hub's service on the public map (also in the Open Referral API), if it has one.
    service_id: UUID | None
    sites: list[SiteOut]
    # This week's core minimum offer (Monday to Sunday, UK time), line by line.
    core_offer: list[CoreOfferLineOut]


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
    hubs = list(hubs)
    offers = core_offer.compute(hubs, core_offer.this_week())
    return [
        {
            "id": hub.uuid,
            "name": hub.name,
            "model": hub.model,
            "area": _ref(hub.area),
            "lead_organisation": _ref(hub.lead_organisation),
            "service_id": hub.service_id,
            "sites": [_site(site) for site in hub.sites.all()],
            "core_offer": [{"slug": line.slug, "met": line.met, "why": line.why} for line in offers[hub.pk]],
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


# --- check-in ------------------------------------------------------------------------------


class CheckInIn(Schema):
    client_id: UUID = Field(
        description="A key the client makes for this check-in (a UUID). Sending the same check-in again with "
        "the same key records it once."
    )
    person_id: UUID | None = Field(None, description="The person checked in (from GET /api/v1/people).")
    anonymous: bool = Field(False, description="True for an anonymous headcount (then no person_id).")
    needs: list[str] = Field([], description="Slugs of the needs raised (terms of the needs taxonomy).")
    given: dict[str, int] = Field({}, description="What was given, as counts: " + ", ".join(Given.values) + ".")
    notes: str = Field("", max_length=2000)


class PersonRef(Schema):
    id: UUID
    display_name: str


class CheckInOut(Schema):
    id: UUID
    client_id: UUID
    session_id: UUID
    person: PersonRef | None
    anonymous: bool
    first_visit: bool
    checked_in_at: dt.datetime
    needs: list[str]
    given: dict[str, int]


def _invalid(field, message, detail):
    return ApiError(422, "invalid", detail, errors=[{"loc": ["body", field], "msg": message, "type": "value_error"}])


def _check_in_out(visit, session, needs=None):
    return {
        "id": visit.uuid,
        "client_id": visit.client_id,
        "session_id": session.uuid,
        "person": {"id": visit.person.uuid, "display_name": visit.person.display_name} if visit.person_id else None,
        "anonymous": visit.anonymous,
        "first_visit": visit.first_visit,
        "checked_in_at": visit.checked_in_at,
        "needs": sorted(needs if needs is not None else (term.slug for term in visit.needs.all())),
        "given": visit.given(),
    }


@router.post(
    "/sessions/{session_id}/check-ins",
    response=with_errors(CheckInOut, 400, 401, 403, 404, 409, 422, ok=201) | {200: CheckInOut},
    summary="Check someone in at a session",
)
def create_check_in(request, session_id: UUID, payload: CheckInIn):
    """Check in a registered person (``person_id``) or count someone anonymously
    (``anonymous: true``), for the session's hub team. 201 with the check-in when it is
    recorded; 200 with the original when the same ``client_id`` comes again with the same
    body; 409 when that ``client_id`` was used for a different check-in, or the person is
    already checked in at this session; 400 when the session is cancelled or not yet on."""
    session = access.get_session_for_user(request, session_id)
    if payload.anonymous == (payload.person_id is not None):
        raise _invalid("person_id", "give person_id or anonymous: true", _("Give a person_id, or anonymous: true."))
    person = None
    if payload.person_id is not None:
        person = people_access.people_for_membership(request.membership).filter(uuid=payload.person_id).first()
        if person is None:
            raise _invalid("person_id", "no such person", _("There is no such person among your organisation's."))
    terms = {term.slug: term for term in needs_terms().filter(slug__in=payload.needs)}
    unknown = [slug for slug in payload.needs if slug not in terms]
    if unknown:
        raise _invalid("needs", "unknown need: " + ", ".join(unknown), _("Choose needs from the list."))
    try:
        visit, created = do_check_in(
            session,
            person,
            acting_user=request.user,
            client_id=payload.client_id,
            needs=list(terms.values()),
            given=payload.given,
            notes=payload.notes,
        )
    except CheckInConflict as conflict:
        raise ApiError(
            409,
            "conflict",
            conflict.message,
            errors=[{"loc": ["body", "client_id"], "msg": conflict.reason, "type": conflict.reason}],
        ) from None
    except ValidationError as error:
        if error.code in ("invalid_given", "invalid_count"):
            raise _invalid("given", error.code, " ".join(error.messages)) from None
        raise ApiError(400, "refused", " ".join(error.messages)) from None
    return Status(201 if created else 200, _check_in_out(visit, session))


@router.get(
    "/sessions/{session_id}/check-ins",
    response=with_errors(list[CheckInOut], 401, 403, 404),
    summary="The check-ins of a session",
)
def list_check_ins(request, session_id: UUID):
    """Everyone checked in at the session, in the order they came, for the session's hub team."""
    session = access.get_session_for_user(request, session_id)
    visits = session.visits.select_related("person").prefetch_related("needs").order_by("checked_in_at", "id")
    return [_check_in_out(visit, session) for visit in visits]
