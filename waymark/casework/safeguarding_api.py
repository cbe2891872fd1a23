"""The safeguarding endpoints of the internal API (/api/v1/safeguarding-concerns).

The same doors as the pages (``casework.access``): anyone in the organisation may raise a
concern; a safeguarding lead sees all of the organisation's, anyone else only those they
raised; everything else is 404. Triage, escalations and closing are for leads; an illegal
transition is 409, a business rule refused (NRM referral by a non-First Responder, no consent
and no reason) 400.

The list carries no encrypted text; one concern (for its lead or raiser) carries all of it.
"""

import datetime as dt
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from waymark.accounts.models import NationalBody
from waymark.api import ApiError, with_errors
from waymark.casework import access, safeguarding
from waymark.casework.models import ConcernCategory, Escalation, SafeguardingConcern, Urgency
from waymark.people import access as people_access

router = Router(tags=["safeguarding"])

MAX_LIMIT = 200


class ConcernIn(Schema):
    person_id: UUID | None = Field(None, description="A registered person of the organisation; else give `about`.")
    about: str = Field("", max_length=1000, description="Who it is about, when they are not registered.")
    category: ConcernCategory
    what_happened: str = Field(min_length=1, max_length=10000, description="What was seen or said.")
    urgency: Urgency


class ConcernSummaryOut(Schema):
    id: UUID
    status: SafeguardingConcern.Status
    category: ConcernCategory
    urgency: Urgency
    person_id: UUID | None
    raised_at: dt.datetime
    raised_by_me: bool
    triaged_at: dt.datetime | None
    decision: str
    closed_at: dt.datetime | None
    outcome: str
    escalation_count: int


class EscalationOut(Schema):
    id: UUID
    to: Escalation.To
    national_body: str | None = Field(description="The national body's slug, if one was named.")
    to_detail: str
    their_reference: str
    with_consent: bool
    no_consent_reason: str
    note: str
    made_at: dt.datetime


class ConcernOut(ConcernSummaryOut):
    about: str
    what_happened: str
    decision_reason: str
    outcome_note: str
    escalations: list[EscalationOut]


class TriageIn(Schema):
    decision: SafeguardingConcern.Decision
    reason: str = Field(min_length=1, max_length=5000)


class EscalationIn(Schema):
    to: Escalation.To
    national_body: str | None = Field(None, description="Slug of a national body (First Responder, provider …).")
    to_detail: str = Field("", max_length=200)
    their_reference: str = Field("", max_length=100)
    with_consent: bool
    no_consent_reason: str = Field("", max_length=5000)
    note: str = Field("", max_length=5000)


class CloseIn(Schema):
    outcome: SafeguardingConcern.Outcome
    outcome_note: str = Field("", max_length=5000)


def _summary(concern, user, escalation_count=None):
    return {
        "id": concern.uuid,
        "status": concern.status,
        "category": concern.category,
        "urgency": concern.urgency,
        "person_id": concern.person.uuid if concern.person_id else None,
        "raised_at": concern.raised_at,
        "raised_by_me": concern.raised_by_id == user.pk,
        "triaged_at": concern.triaged_at,
        "decision": concern.decision,
        "closed_at": concern.closed_at,
        "outcome": concern.outcome,
        "escalation_count": escalation_count
        if escalation_count is not None
        else getattr(concern, "escalation_count", 0),
    }


def _full(concern, user):
    escalations = list(concern.escalations.select_related("national_body"))
    return {
        **_summary(concern, user, len(escalations)),
        "about": concern.about,
        "what_happened": concern.what_happened,
        "decision_reason": concern.decision_reason,
        "outcome_note": concern.outcome_note,
        "escalations": [
            {
                "id": escalation.uuid,
                "to": escalation.to,
                "national_body": escalation.national_body.slug if escalation.national_body else None,
                "to_detail": escalation.to_detail,
                "their_reference": escalation.their_reference,
                "with_consent": escalation.with_consent,
                "no_consent_reason": escalation.no_consent_reason,
                "note": escalation.note,
                "made_at": escalation.made_at,
            }
            for escalation in escalations
        ],
    }


def _refused(error):
    messages = getattr(error, "message_dict", {"__all__": error.messages})
    errors = [{"loc": ["body", field], "msg": str(message)} for field, items in messages.items() for message in items]
    detail = " ".join(str(message) for items in messages.values() for message in items)
    return ApiError(400, "refused", detail, errors=errors)


def _conflict(error):
    return ApiError(409, "conflict", error.message)


@router.post(
    "/safeguarding-concerns",
    response=with_errors(ConcernOut, 400, 401, 403, 404, 422, ok=201),
    summary="Raise a safeguarding concern",
)
def raise_concern(request, payload: ConcernIn):
    """Raise a concern (any role in the organisation). The safeguarding leads are e-mailed at
    once; the answer is the concern as its raiser sees it."""
    membership = access.require_membership(request, roles=access.RAISE_ROLES)
    person = None
    if payload.person_id is not None:
        person = people_access.get_person_for_user(request, None, payload.person_id, what="raise_concern")
    elif not payload.about.strip():
        raise ApiError(
            422,
            "invalid",
            _("Give person_id for a registered person, or about for someone who is not."),
            errors=[
                {"loc": ["body", "payload", "about"], "msg": "Field required without person_id", "type": "missing"}
            ],
        )
    try:
        concern = safeguarding.do_raise_concern(
            membership.organisation,
            acting_user=request.user,
            person=person,
            about=payload.about,
            category=payload.category,
            what_happened=payload.what_happened,
            urgency=payload.urgency,
        )
    except ValidationError as error:
        raise _refused(error) from None
    return Status(201, _full(concern, request.user))


@router.get(
    "/safeguarding-concerns", response=with_errors(list[ConcernSummaryOut], 401, 404), summary="Safeguarding concerns"
)
def list_concerns(
    request,
    status: SafeguardingConcern.Status | None = None,
    category: ConcernCategory | None = None,
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
):
    """A safeguarding lead: all of the organisation's concerns; anyone else: those they raised.
    The latest first. No encrypted text here: open one for that."""
    membership = access.require_membership(request, roles=access.RAISE_ROLES)
    concerns = (
        access.concerns_for_membership(membership)
        .select_related("person")
        .annotate(escalation_count=Count("escalations"))
        .order_by("-raised_at", "-id")
    )
    if status:
        concerns = concerns.filter(status=status)
    if category:
        concerns = concerns.filter(category=category)
    return [_summary(concern, request.user) for concern in concerns[:limit]]


@router.get(
    "/safeguarding-concerns/{concern_id}",
    response=with_errors(ConcernOut, 401, 404),
    summary="One safeguarding concern",
)
def get_concern(request, concern_id: UUID):
    concern = access.get_concern_for_user(request, concern_id, what="api")
    return _full(concern, request.user)


@router.post(
    "/safeguarding-concerns/{concern_id}/triage",
    response=with_errors(ConcernOut, 400, 401, 403, 404, 409, 422),
    summary="Triage a concern (safeguarding leads)",
)
def triage_concern(request, concern_id: UUID, payload: TriageIn):
    concern = access.get_concern_for_user(request, concern_id, leads_only=True, what="api_triage")
    try:
        concern = safeguarding.do_triage_concern(
            concern, acting_user=request.user, decision=payload.decision, reason=payload.reason
        )
    except safeguarding.IllegalTransition as error:
        raise _conflict(error) from None
    except ValidationError as error:
        raise _refused(error) from None
    return _full(concern, request.user)


@router.post(
    "/safeguarding-concerns/{concern_id}/escalations",
    response=with_errors(EscalationOut, 400, 401, 403, 404, 409, 422, ok=201),
    summary="Record an escalation (safeguarding leads)",
)
def add_escalation(request, concern_id: UUID, payload: EscalationIn):
    """One escalation outward. 400 ``refused``: an NRM referral by an organisation that is not a
    First Responder, a missing or wrong national body, or no consent without a lawful reason."""
    concern = access.get_concern_for_user(request, concern_id, leads_only=True, what="api_escalation")
    body = None
    if payload.national_body:
        body = NationalBody.objects.filter(slug=payload.national_body).first()
        if body is None:
            raise ApiError(400, "refused", _("No national body has this slug."))
    try:
        escalation = safeguarding.do_record_escalation(
            concern,
            acting_user=request.user,
            to=payload.to,
            with_consent=payload.with_consent,
            no_consent_reason=payload.no_consent_reason,
            national_body=body,
            to_detail=payload.to_detail,
            their_reference=payload.their_reference,
            note=payload.note,
        )
    except safeguarding.IllegalTransition as error:
        raise _conflict(error) from None
    except ValidationError as error:
        raise _refused(error) from None
    return Status(
        201,
        {
            "id": escalation.uuid,
            "to": escalation.to,
            "national_body": escalation.national_body.slug if escalation.national_body else None,
            "to_detail": escalation.to_detail,
            "their_reference": escalation.their_reference,
            "with_consent": escalation.with_consent,
            "no_consent_reason": escalation.no_consent_reason,
            "note": escalation.note,
            "made_at": escalation.made_at,
        },
    )


@router.post(
    "/safeguarding-concerns/{concern_id}/close",
    response=with_errors(ConcernOut, 400, 401, 403, 404, 409, 422),
    summary="Close a concern with its outcome (safeguarding leads)",
)
def close_concern(request, concern_id: UUID, payload: CloseIn):
    concern = access.get_concern_for_user(request, concern_id, leads_only=True, what="api_close")
    try:
        concern = safeguarding.do_close_concern(
            concern, acting_user=request.user, outcome=payload.outcome, outcome_note=payload.outcome_note
        )
    except safeguarding.IllegalTransition as error:
        raise _conflict(error) from None
    except ValidationError as error:
        raise _refused(error) from None
    return _full(concern, request.user)
