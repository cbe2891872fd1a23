"""The case endpoints of the internal API: caseloads, one case, adding a note.

The same doors as the pages (``casework.access``): the caller acts for one organisation and
sees only its cases, and only with a case role (caseworker, coordinator, safeguarding lead,
organisation admin); a volunteer, a member with no role, or anyone asking for a case of
another organisation gets 404. A read-only token cannot add notes (403).
"""

import datetime as dt
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from waymark.api import ApiError, with_errors
from waymark.casework import access, cases
from waymark.casework.models import Case, CaseNote

router = Router(tags=["cases"])

MAX_LIMIT = 200


class PersonRef(Schema):
    id: UUID
    display_name: str


class UserRef(Schema):
    id: UUID
    name: str


class CaseOut(Schema):
    id: UUID
    person: PersonRef
    title: str
    status: Case.Status
    outcome: str = Field(description="A Case.Outcome value once the case has been closed, else empty.")
    owner: UserRef
    opened_at: dt.datetime
    overdue_actions: int = Field(description="Actions not done whose due date is before today.")
    next_due: dt.date | None = Field(description="When the soonest open action is due.")


class NoteOut(Schema):
    id: UUID
    case_id: UUID
    kind: CaseNote.Kind
    text: str
    happened_on: dt.date
    written_by: UserRef
    written_at: dt.datetime
    client_id: UUID | None


class ActionOut(Schema):
    id: UUID
    description: str
    owner: UserRef
    due_on: dt.date | None
    done_at: dt.datetime | None
    overdue: bool


class CaseDetailOut(CaseOut):
    closed_at: dt.datetime | None
    reopened_at: dt.datetime | None
    notes: list[NoteOut] = Field(description="Newest first.")
    actions: list[ActionOut] = Field(description="Open ones first, soonest due first; then those done.")


class NoteIn(Schema):
    kind: CaseNote.Kind = CaseNote.Kind.CONTACT
    text: str = Field(min_length=1, max_length=cases.NOTE_MAX)
    happened_on: dt.date | None = Field(None, description="The day it happened; today when left out.")
    client_id: UUID | None = Field(
        None,
        description="A key the client makes for this note (a UUID), so that sending it again (offline, "
        "a retry) adds it once: the same key with the same body answers 200 with the note; with a "
        "different body, 409.",
    )


def _user(user):
    return {"id": user.uuid, "name": str(user)}


def _case_out(case, **extra):
    return {
        "id": case.uuid,
        "person": {"id": case.person.uuid, "display_name": case.person.display_name},
        "title": case.title,
        "status": case.status,
        "outcome": case.outcome,
        "owner": _user(case.owner),
        "opened_at": case.opened_at,
        "overdue_actions": case.overdue_count,
        "next_due": case.next_due,
        **extra,
    }


def _note_out(note, case):
    return {
        "id": note.uuid,
        "case_id": case.uuid,
        "kind": note.kind,
        "text": note.text,
        "happened_on": note.happened_on,
        "written_by": _user(note.written_by),
        "written_at": note.written_at,
        "client_id": note.client_id,
    }


@router.get("/cases", response=with_errors(list[CaseOut], 401, 404, 422), summary="A caseload")
def list_cases(
    request,
    owner: str = Query("me", description="“me”; a user's id (coordinators and organisation admins); or “team”."),
    status: Literal["current", "all", "open", "active", "closed", "reopened"] = Query(
        "current", description="“current”: open, active or reopened."
    ),
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
):
    """The cases of a caseworker in the organisation acted for, newest first."""
    membership = access.require_membership(request, roles=access.CASE_ROLES)
    queryset = access.cases_for_membership(membership)
    owner = owner.strip().lower()
    if owner == "me" or owner == str(request.user.uuid):
        queryset = queryset.filter(owner=request.user)
    else:
        if owner != "team":
            try:
                owner_uuid = UUID(owner)
            except ValueError:
                raise ApiError(
                    422,
                    "invalid",
                    _("Give owner as “me”, “team” or a user's id."),
                    errors=[{"loc": ["query", "owner"], "msg": "not me, team or a UUID", "type": "value_error"}],
                ) from None
        # Someone else's caseload is the team's business: coordinators and organisation admins.
        if not access.can_see_team_caseload(membership):
            raise ApiError(404, "not_found", _("Not found."))
        if owner != "team":
            queryset = queryset.filter(owner__uuid=owner_uuid)
    if status == "current":
        queryset = queryset.filter(status__in=cases.CURRENT_STATUSES)
    elif status != "all":
        queryset = queryset.filter(status=status)
    queryset = cases.with_caseload_figures(queryset, timezone.localdate()).order_by("-opened_at", "-id")
    return [_case_out(case) for case in queryset[offset : offset + limit]]


@router.get("/cases/{case_id}", response=with_errors(CaseDetailOut, 401, 404), summary="One case")
def get_case(request, case_id: UUID):
    """A case with its notes and actions."""
    case = access.get_case_for_user(request, case_id, what="api")
    today = timezone.localdate()
    case = cases.with_caseload_figures(Case.objects.filter(pk=case.pk), today).get()
    notes = case.notes.select_related("written_by")
    actions = sorted(
        case.actions.select_related("owner"),
        key=lambda action: (action.done_at is not None, action.due_on is None, action.due_on or today, action.pk),
    )
    return _case_out(
        case,
        closed_at=case.closed_at,
        reopened_at=case.reopened_at,
        notes=[_note_out(note, case) for note in notes],
        actions=[
            {
                "id": action.uuid,
                "description": action.description,
                "owner": _user(action.owner),
                "due_on": action.due_on,
                "done_at": action.done_at,
                "overdue": action.is_overdue(today),
            }
            for action in actions
        ],
    )


@router.post(
    "/cases/{case_id}/notes",
    response=with_errors(NoteOut, 401, 403, 404, 409, 422, ok=201) | {200: NoteOut},
    summary="Add a note to a case",
)
def add_note(request, case_id: UUID, payload: NoteIn):
    """Add a note (kept encrypted). 201 with the note; 200 with the original when the same
    ``client_id`` comes again with the same body; 409 when that ``client_id`` was used for a
    different note, or the case is closed; 422 for a date in the future."""
    case = access.get_case_for_user(request, case_id, what="api_note")
    try:
        note, created = cases.do_add_note(
            case,
            acting_user=request.user,
            kind=payload.kind,
            text=payload.text,
            happened_on=payload.happened_on,
            client_id=payload.client_id,
        )
    except cases.NoteConflict as conflict:
        raise ApiError(
            409,
            "conflict",
            conflict.message,
            errors=[{"loc": ["body", "client_id"], "msg": "key_reused", "type": "key_reused"}],
        ) from None
    except ValidationError as error:
        if getattr(error, "code", None) in ("case_closed", "illegal_transition"):
            raise ApiError(409, "conflict", " ".join(error.messages)) from None
        errors = [
            {"loc": ["body", field], "msg": str(message), "type": "value_error"}
            for field, messages in getattr(error, "message_dict", {"__all__": error.messages}).items()
            for message in messages
        ]
        raise ApiError(422, "invalid", _("The request is not valid."), errors=errors) from None
    return Status(201 if created else 200, _note_out(note, case))
