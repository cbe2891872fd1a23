"""The referral endpoints of the internal API: /api/v1/referrals…

The same doors as the pages (``referrals.access``): the caller acts for one organisation,
with a case role (caseworker, coordinator, safeguarding lead, organisation admin). It sees
the referrals its organisation made (the sender) and those sent to it (the receiver, never a
draft); a volunteer, a member with no case role, or anyone else gets 404, as if the referral
did not exist. Opening one as the receiver marks it received, as the page does.

Every move is the state machine's own action (``referrals.flow``); its refusals come back as:

- 409 ``conflict``: an illegal transition (the state does not allow it, or this side of the
  referral may not make it: only the receiver answers an inbox referral, only the sender
  withdraws);
- 400 ``refused``: a business rule said no (no consent, not eligible without an override,
  advice from an unregulated service, the service closed …);
- 422 ``invalid``: malformed input.

Each of them lists the flow's own code in ``errors`` (``type``), with the field it is about in
``loc``, so that a client can tell ``no_consent`` from ``not_eligible`` without reading the
message: the same shape as the 422s pydantic produces.

The receiver never sees the person's record: only ``shared``, the copy made at sending from
the consented scope, and only while ``access.shared_details_for`` allows it.
"""

import datetime as dt
from typing import Literal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from waymark.api import ApiError, with_errors
from waymark.casework import access as casework_access
from waymark.casework.models import ImmigrationMatter
from waymark.directory.models import Service, TaxonomyTerm
from waymark.directory.translation import prefetch_translations, translated
from waymark.hubs.models import Visit
from waymark.people import access as people_access
from waymark.people.models import Consent, InformationKind
from waymark.referrals import access, flow
from waymark.referrals.models import DeclineReason, Outcome, Referral

router = Router(tags=["referrals"])

MAX_LIMIT = 200

# The flow's error codes that mean the request itself was malformed; the rest (but an illegal
# transition) are business rules.
INVALID_CODES = ("required", "invalid", "too_long")

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


# Input


class ConsentIn(Schema):
    scope: list[InformationKind] = Field(min_length=1, description="What the person agreed to share.")
    how: Consent.How
    language: str = Field(
        "", max_length=10, description="The language the person was told about it in (a language code)."
    )

    @field_validator("language")
    @classmethod
    def known_language(cls, value):
        if value and value not in LANGUAGE_CODES:
            raise ValueError(f"not one of {', '.join(LANGUAGE_CODES)}")
        return value


class ReferralIn(Schema):
    person: UUID = Field(description="A person of the organisation acted for.")
    service: UUID = Field(description="A service on the map (its HSDS id).")
    need: str | None = Field(
        None, max_length=100, description="The need: a taxonomy term id (as in the ORUK API) or its slug."
    )
    case: UUID | None = Field(None, description="The person's case it is made from.")
    visit: UUID | None = Field(None, description="The person's hub visit it is made at.")
    immigration_matter: UUID | None = Field(
        None, description="For immigration advice: the matter on the person's case (it sets the OISC level needed)."
    )
    urgent: bool = False
    notes_excerpt: str = Field(
        "", max_length=flow.TEXT_MAX, description="What the service should know (shared only with consent to notes)."
    )
    consent: ConsentIn | None = Field(None, description="The person's consent, recorded with the draft.")


class SendIn(Schema):
    override_reason: str = Field(
        "", max_length=flow.TEXT_MAX, description="Why to send it although the person does not meet the eligibility."
    )
    safeguarding_concern: UUID | None = Field(
        None, description="Without consent: the organisation's safeguarding concern about this person."
    )
    no_consent_reason: str = Field("", max_length=flow.TEXT_MAX, description="Without consent: the lawful reason.")
    no_consent_scope: list[InformationKind] = Field([], description="Without consent: what to share.")


class DeclineIn(Schema):
    reason: DeclineReason
    text: str = Field("", max_length=flow.TEXT_MAX, description="Required for “other”.")


class CompleteIn(Schema):
    completed: bool = Field(description="True if it happened, false if it did not.")
    outcome: Outcome
    text: str = Field("", max_length=flow.TEXT_MAX, description="Required for “other”.")


class TextIn(Schema):
    text: str = Field("", max_length=flow.TEXT_MAX)


class RedirectIn(Schema):
    service: UUID = Field(description="Another service of the receiving organisation.")
    text: str = Field("", max_length=flow.TEXT_MAX)


# Output


class Ref(Schema):
    id: UUID
    name: str


class NeedOut(Schema):
    id: UUID
    slug: str
    name: str


class PersonRef(Schema):
    id: UUID
    display_name: str


class ReferralOut(Schema):
    id: UUID
    side: Literal["sender", "receiver"] = Field(description="How the organisation acted for stands to it.")
    state: Referral.State
    delivery: str = Field(description="“inbox” or “letter” once sent; empty for a draft.")
    urgent: bool
    person: PersonRef | None = Field(description="The sender's person; null for the receiver.")
    service: Ref
    referred_by: Ref = Field(description="The organisation that made it.")
    referred_to: Ref | None = Field(description="The organisation whose inbox it went to; null for a letter.")
    need: NeedOut | None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    respond_by: dt.datetime | None
    overdue: bool = Field(description="Waiting for an answer past its deadline.")
    received_at: dt.datetime | None
    responded_at: dt.datetime | None
    closed_at: dt.datetime | None
    decline_reason: str
    outcome: str


class EventOut(Schema):
    at: dt.datetime
    from_state: str
    to_state: Referral.State
    by_organisation: str | None = Field(description="Null when Waymark made it (the deadline passed).")
    from_service: Ref | None = Field(description="Redirection: the service it was moved from.")
    reason: str
    text: str = Field(description="The receiver sees only the texts its own organisation wrote.")


class ConsentOut(Schema):
    id: UUID
    scope: list[str]
    how: str
    language: str
    given_at: dt.datetime
    active: bool


class ReferralDetailOut(ReferralOut):
    decline_text: str
    outcome_text: str
    eligibility_overridden: bool
    history: list[EventOut] = Field(description="Oldest first.")
    shared: dict | None = Field(
        description="What the receiver sees, as codes (InformationKind sections); null when it may not "
        "(consent withdrawn, or the access period after closing is over)."
    )
    shared_until: dt.datetime | None = Field(description="When the receiver stops seeing it; null while open.")
    # The sender's own record of it: null (or empty) for the receiver.
    notes_excerpt: str | None
    override_reason: str | None
    no_consent_reason: str | None
    consent: ConsentOut | None
    case_id: UUID | None
    visit_id: UUID | None
    immigration_matter_id: UUID | None


def _ref(obj):
    return {"id": obj.uuid, "name": str(obj.name)}


def _name(obj):
    """A service's or need's name in the request's language, where a reviewed translation exists."""
    return translated(obj, "name", translation.get_language())[0]


def _with_translations(referrals):
    """The referrals, with their services' and needs' translated names loaded in one query."""
    referrals = list(referrals)
    directory_objects = [referral.service for referral in referrals]
    directory_objects += [referral.need for referral in referrals if referral.need_id]
    prefetch_translations(directory_objects, translation.get_language())
    return referrals


def _summary(referral, side):
    sender = side == access.SENDER
    return {
        "id": referral.uuid,
        "side": side,
        "state": referral.state,
        "delivery": referral.delivery,
        "urgent": referral.urgent,
        "person": {"id": referral.person.uuid, "display_name": referral.person.display_name} if sender else None,
        "service": {"id": referral.service.id, "name": _name(referral.service)},
        "referred_by": _ref(referral.organisation),
        "referred_to": _ref(referral.receiving_organisation) if referral.receiving_organisation_id else None,
        "need": {"id": referral.need.id, "slug": referral.need.slug, "name": _name(referral.need)}
        if referral.need_id
        else None,
        "created_at": referral.created_at,
        "sent_at": referral.sent_at,
        "respond_by": referral.respond_by,
        "overdue": referral.is_overdue(),
        "received_at": referral.received_at,
        "responded_at": referral.responded_at,
        "closed_at": referral.closed_at,
        "decline_reason": referral.decline_reason,
        "outcome": referral.outcome,
    }


def _detail(referral, side):
    sender = side == access.SENDER
    referral = (
        Referral.objects.select_related(
            "person",
            "organisation",
            "receiving_organisation",
            "service__organization",
            "need",
            "consent",
            "case",
            "visit",
            "immigration_matter",
        )
        .prefetch_related("events__by_organisation", "events__from_service")
        .get(pk=referral.pk)
    )
    _with_translations([referral])
    own_organisation = referral.organisation_id if sender else referral.receiving_organisation_id
    consent = referral.consent if sender else None
    return {
        **_summary(referral, side),
        "decline_text": referral.decline_text,
        "outcome_text": referral.outcome_text,
        "eligibility_overridden": referral.eligibility_overridden,
        "history": [
            {
                "at": event.at,
                "from_state": event.from_state,
                "to_state": event.to_state,
                "by_organisation": event.by_organisation.name if event.by_organisation_id else None,
                "from_service": {"id": event.from_service.id, "name": _name(event.from_service)}
                if event.from_service_id
                else None,
                "reason": event.reason,
                # What the sender wrote (an override reason, why it withdrew) may say more about
                # the person than the consent covers.
                "text": event.text if sender or event.by_organisation_id == own_organisation else "",
            }
            for event in referral.events.all()
        ],
        "shared": access.shared_details_for(referral, side),
        "shared_until": access.access_ends_at(referral),
        "notes_excerpt": referral.notes_excerpt if sender else None,
        "override_reason": referral.override_reason if sender else None,
        "no_consent_reason": referral.no_consent_reason if sender else None,
        "consent": {
            "id": consent.uuid,
            "scope": list(consent.scope),
            "how": consent.how,
            "language": consent.privacy_notice_language,
            "given_at": consent.given_at,
            "active": consent.is_active(),
        }
        if consent is not None
        else None,
        "case_id": referral.case.uuid if sender and referral.case_id else None,
        "visit_id": referral.visit.uuid if sender and referral.visit_id else None,
        "immigration_matter_id": referral.immigration_matter.uuid
        if sender and referral.immigration_matter_id
        else None,
    }


# Errors


def _flow_error(error):
    """The API's answer to a refusal from ``referrals.flow``: 409, 422 or 400 by its code."""
    if hasattr(error, "error_dict"):
        items = [(field, item) for field, errors in error.error_dict.items() for item in errors]
    else:
        items = [(None, item) for item in error.error_list]
    errors = []
    for field, item in items:
        message = item.message % item.params if item.params else item.message
        errors.append({"loc": ["body", field] if field else ["body"], "msg": str(message), "type": item.code or ""})
    codes = {entry["type"] for entry in errors}
    detail = " ".join(entry["msg"] for entry in errors)
    if "illegal_transition" in codes:
        return ApiError(409, "conflict", detail, errors=errors)
    if codes <= set(INVALID_CODES):
        return ApiError(422, "invalid", _("The request is not valid."), errors=errors)
    return ApiError(400, "refused", detail, errors=errors)


def _invalid(field, message):
    return ApiError(
        422,
        "invalid",
        message,
        errors=[{"loc": ["body", field], "msg": str(message), "type": "value_error"}],
    )


def _need(value):
    """The needs taxonomy term named by an id or a slug; 422 if there is none."""
    value = value.strip()
    term = None
    try:
        term = TaxonomyTerm.objects.filter(id=UUID(value)).first()
    except ValueError:
        term = TaxonomyTerm.objects.filter(slug=value).exclude(slug="").first()
    if term is None:
        raise _invalid("need", _("No need has this id or slug."))
    return term


def _service(service_id):
    """A service on the map, whatever its state (the action refuses one that closed); 404 if none."""
    service = Service.objects.select_related("organization__waymark_organisation").filter(id=service_id).first()
    if service is None:
        raise ApiError(404, "not_found", _("No service on the map has this id."))
    return service


# Endpoints


@router.post(
    "/referrals",
    response=with_errors(ReferralDetailOut, 400, 401, 403, 404, 422, ok=201),
    summary="Make a draft referral",
)
def create_referral(request, payload: ReferralIn):
    """A draft referral of one of the organisation's people to a service on the map, with the
    person's consent if ``consent`` is given. Send it with ``/referrals/{id}/send``.
    404 if the person (or the case, visit or immigration matter) is not one the caller may open."""
    membership = people_access.require_membership(request, roles=access.REFERRAL_ROLES)
    person = people_access.get_person_for_user(
        request, None, payload.person, roles=access.REFERRAL_ROLES, what="referral"
    )
    service = _service(payload.service)
    need = _need(payload.need) if payload.need else None
    case = (
        casework_access.get_case_for_user(request, payload.case, what="referral") if payload.case is not None else None
    )
    visit = None
    if payload.visit is not None:
        visit = Visit.objects.filter(uuid=payload.visit, person=person).first()
        if visit is None:
            raise ApiError(404, "not_found", _("Not found."))
    matter = None
    if payload.immigration_matter is not None:
        matter = (
            ImmigrationMatter.objects.select_related("case")
            .filter(uuid=payload.immigration_matter, case__organisation=membership.organisation, case__person=person)
            .first()
        )
        if matter is None:
            raise ApiError(404, "not_found", _("Not found."))
    try:
        # The draft and its consent together, or neither.
        with transaction.atomic():
            referral = flow.do_create_referral(
                organisation=membership.organisation,
                person=person,
                service=service,
                acting_user=request.user,
                need=need,
                case=case,
                visit=visit,
                immigration_matter=matter,
                notes_excerpt=payload.notes_excerpt,
                urgent=payload.urgent,
            )
            if payload.consent is not None:
                flow.do_record_consent(
                    referral,
                    scope=[str(kind) for kind in payload.consent.scope],
                    how=payload.consent.how,
                    language=payload.consent.language,
                    acting_user=request.user,
                    organisation=membership.organisation,
                )
    except ValidationError as error:
        raise _flow_error(error) from None
    return Status(201, _detail(referral, access.SENDER))


@router.get(
    "/referrals",
    response=with_errors(list[ReferralOut], 401, 404, 422),
    summary="Referrals made or received",
)
def list_referrals(
    request,
    direction: Literal["outgoing", "incoming"] = Query(
        "outgoing", description="“outgoing”: made by the organisation; “incoming”: sent to it."
    ),
    state: Referral.State | None = None,
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    """The organisation's referrals, newest first. Nothing about the person for incoming ones:
    open one for what was shared."""
    # A volunteer (or a member with no case role) has no referrals to list: 404, as elsewhere.
    people_access.require_membership(request, roles=access.REFERRAL_ROLES)
    referrals = access.referrals_for_user(request, direction)
    if state:
        referrals = referrals.filter(state=state)
    side = access.RECEIVER if direction == "incoming" else access.SENDER
    page = _with_translations(referrals.order_by("-created_at", "-id")[offset : offset + limit])
    return [_summary(referral, side) for referral in page]


@router.get(
    "/referrals/{referral_id}",
    response=with_errors(ReferralDetailOut, 401, 404),
    summary="One referral, with its history",
)
def get_referral(request, referral_id: UUID):
    """A referral with its history. The receiver's first opening marks it received and tells
    the sender; every opening is logged."""
    referral, side = access.get_referral_for_user(request, referral_id)
    return _detail(referral, side)


@router.post(
    "/referrals/{referral_id}/consent",
    response=with_errors(ReferralDetailOut, 401, 403, 404, 409, 422),
    summary="Record the person's consent to a draft referral",
)
def record_consent(request, referral_id: UUID, payload: ConsentIn):
    """Record the consent (the sender, on a draft); a later one replaces it. 409 once sent."""
    referral, side = access.get_referral_for_user(request, referral_id)
    try:
        flow.do_record_consent(
            referral,
            scope=[str(kind) for kind in payload.scope],
            how=payload.how,
            language=payload.language,
            acting_user=request.user,
            organisation=request.membership.organisation,
        )
    except ValidationError as error:
        raise _flow_error(error) from None
    return _detail(referral, side)


@router.post(
    "/referrals/{referral_id}/send",
    response=with_errors(ReferralDetailOut, 400, 401, 403, 404, 409, 422),
    summary="Send a draft referral",
)
def send_referral(request, referral_id: UUID, payload: SendIn):
    """Send a draft to the service's organisation's inbox, or as a letter. 400 ``refused``
    (code in ``errors``): ``no_consent``; ``not_eligible`` (give ``override_reason`` to send it
    anyway); ``not_regulated`` (immigration advice needs a regulated service of the level);
    ``service_closed``; ``person_gone``. Without consent, a safeguarding referral needs
    ``safeguarding_concern``, ``no_consent_reason`` and ``no_consent_scope``."""
    referral, side = access.get_referral_for_user(request, referral_id)
    concern = None
    if payload.safeguarding_concern is not None:
        concern = casework_access.get_concern_for_user(request, payload.safeguarding_concern, what="referral")
    try:
        referral = flow.do_send_referral(
            referral,
            acting_user=request.user,
            organisation=request.membership.organisation,
            override_reason=payload.override_reason,
            safeguarding_concern=concern,
            no_consent_reason=payload.no_consent_reason,
            no_consent_scope=[str(kind) for kind in payload.no_consent_scope],
        )
    except ValidationError as error:
        raise _flow_error(error) from None
    return _detail(referral, side)


@router.post(
    "/referrals/{referral_id}/accept",
    response=with_errors(ReferralDetailOut, 401, 403, 404, 409, 422),
    summary="Accept a referral",
)
def accept_referral(request, referral_id: UUID):
    """The receiver (or, for a letter, the sender recording the service's answer) accepts it."""
    referral, side = access.get_referral_for_user(request, referral_id)
    try:
        referral = flow.do_accept(referral, acting_user=request.user, organisation=request.membership.organisation)
    except ValidationError as error:
        raise _flow_error(error) from None
    return _detail(referral, side)


@router.post(
    "/referrals/{referral_id}/decline",
    response=with_errors(ReferralDetailOut, 401, 403, 404, 409, 422),
    summary="Decline a referral",
)
def decline_referral(request, referral_id: UUID, payload: DeclineIn):
    """Decline with a reason. To send the person to another organisation, decline it as
    ``better_elsewhere``: the sender refers again with fresh consent."""
    referral, side = access.get_referral_for_user(request, referral_id)
    try:
        referral = flow.do_decline(
            referral,
            reason=payload.reason,
            text=payload.text,
            acting_user=request.user,
            organisation=request.membership.organisation,
        )
    except ValidationError as error:
        raise _flow_error(error) from None
    return _detail(referral, side)


@router.post(
    "/referrals/{referral_id}/complete",
    response=with_errors(ReferralDetailOut, 401, 403, 404, 409, 422),
    summary="Record what came of an accepted referral",
)
def complete_referral(request, referral_id: UUID, payload: CompleteIn):
    """``completed`` true with support_given, ongoing or other; false with did_not_attend,
    person_declined, could_not_help or other (422 for an outcome that does not fit)."""
    referral, side = access.get_referral_for_user(request, referral_id)
    try:
        referral = flow.do_complete(
            referral,
            completed=payload.completed,
            outcome=payload.outcome,
            text=payload.text,
            acting_user=request.user,
            organisation=request.membership.organisation,
        )
    except ValidationError as error:
        raise _flow_error(error) from None
    return _detail(referral, side)


@router.post(
    "/referrals/{referral_id}/withdraw",
    response=with_errors(ReferralDetailOut, 401, 403, 404, 409, 422),
    summary="Withdraw a referral (the sender, before it is accepted)",
)
def withdraw_referral(request, referral_id: UUID, payload: TextIn):
    referral, side = access.get_referral_for_user(request, referral_id)
    try:
        referral = flow.do_withdraw(
            referral, text=payload.text, acting_user=request.user, organisation=request.membership.organisation
        )
    except ValidationError as error:
        raise _flow_error(error) from None
    return _detail(referral, side)


@router.post(
    "/referrals/{referral_id}/redirect",
    response=with_errors(ReferralDetailOut, 400, 401, 403, 404, 409, 422),
    summary="Move a referral to another service of the receiving organisation",
)
def redirect_referral(request, referral_id: UUID, payload: RedirectIn):
    """The receiver moves it to another of its own services; the sender is told. 400
    ``refused`` for a service of another organisation (decline it as ``better_elsewhere``
    instead), the same service, a closed one, or an unregulated one for immigration advice."""
    referral, side = access.get_referral_for_user(request, referral_id)
    to_service = _service(payload.service)
    try:
        referral = flow.do_redirect(
            referral,
            to_service=to_service,
            text=payload.text,
            acting_user=request.user,
            organisation=request.membership.organisation,
        )
    except ValidationError as error:
        raise _flow_error(error) from None
    return _detail(referral, side)
