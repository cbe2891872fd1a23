"""Changes to cases: opening, the status transitions, owners, notes and actions.

Every function here is the one way to make its change, from a page, the API or a command: one
transaction, one audit event (uuids, slugs and field names only: never a note's text, a
closing note or a reason), and a ValidationError with a clear, translated message when a rule
refuses. An illegal status transition is refused with ``code="illegal_transition"`` (the API
answers it with 409).

A case moves open → active → closed (with an outcome) → reopened (with a reason) → active →
closed … A case that is open or reopened may also be closed straight away (someone who no
longer wants support before the work began).
"""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from waymark.accounts.models import Membership
from waymark.audit.events import record_event
from waymark.casework.access import CASE_ROLES
from waymark.casework.models import Case, CaseAction, CaseNote

# The statuses of a case that is being worked on (the caseloads list these).
CURRENT_STATUSES = (Case.Status.OPEN, Case.Status.ACTIVE, Case.Status.REOPENED)

# Which statuses each transition may start from.
TRANSITIONS = {
    "activate": (Case.Status.OPEN, Case.Status.REOPENED),
    "close": CURRENT_STATUSES,
    "reopen": (Case.Status.CLOSED,),
}

TITLE_MAX = 120
NOTE_MAX = 10_000


def case_workers(organisation):
    """The organisation's members who may own a case or an action (a case role), as users,
    by name. One query."""
    memberships = Membership.objects.filter(organisation=organisation).select_related("user")
    users = [
        membership.user for membership in memberships if membership.has_role(*CASE_ROLES) and membership.user.is_active
    ]
    return sorted(users, key=lambda user: (str(user).casefold(), user.pk))


def with_caseload_figures(queryset, today):
    """Cases with their count of overdue actions (``overdue_count``), the date their next
    action is due (``next_due``) and their open actions, soonest due first (``open_actions``):
    the same few queries for any number of cases."""
    open_actions = (
        CaseAction.objects.filter(done_at__isnull=True)
        .select_related("owner")
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )
    return (
        queryset.select_related("person", "owner")
        .annotate(
            overdue_count=Count("actions", filter=Q(actions__done_at__isnull=True, actions__due_on__lt=today)),
            next_due=Min("actions__due_on", filter=Q(actions__done_at__isnull=True)),
        )
        .prefetch_related(Prefetch("actions", queryset=open_actions, to_attr="open_actions"))
    )


def check_case_worker(organisation, user, field="owner"):
    """Refuse ``user`` as an owner unless they are an active member of ``organisation`` with a case role."""
    membership = None
    if user is not None:
        membership = Membership.objects.filter(organisation=organisation, user=user, user__is_active=True).first()
    if membership is None or not membership.has_role(*CASE_ROLES):
        raise _field_error(
            field, _("Choose a caseworker of your organisation: only they can own casework."), "not_case_worker"
        )


def _field_error(field, message, code):
    """A ValidationError on ``field`` whose code survives (a dict's own ``code=`` would not)."""
    return ValidationError({field: ValidationError(message, code=code)})


def _check_transition(case, transition):
    if case.status not in TRANSITIONS[transition]:
        messages = {
            "activate": _("Only an open or reopened case can be made active. This case is %(status)s."),
            "close": _("This case is already closed."),
            "reopen": _("Only a closed case can be reopened. This case is %(status)s."),
        }
        raise ValidationError(
            messages[transition] % {"status": case.get_status_display().lower()}, code="illegal_transition"
        )


def _check_not_closed(case, doing):
    if case.is_closed:
        raise ValidationError(
            _("This case is closed: reopen it before you %(doing)s.") % {"doing": doing}, code="case_closed"
        )


def _locked(case):
    """The case re-read under a row lock, so that two transitions of one case cannot cross."""
    return Case.objects.select_for_update(of=("self",)).select_related("person", "owner").get(pk=case.pk)


def _clean_text(text, field, message, *, most=NOTE_MAX):
    text = (text or "").strip()
    if not text:
        raise _field_error(field, message, "required")
    if len(text) > most:
        raise _field_error(field, _("Keep it to %(most)d characters or fewer.") % {"most": most}, "too_long")
    return text


def _event(action, case, acting_user, obj=None, **details):
    record_event(
        action,
        actor=acting_user,
        organisation=case.organisation,
        obj=obj or case,
        details={"case": str(case.uuid), "person": str(case.person.uuid), **details},
    )


# The case and its transitions


@transaction.atomic
def do_open_case(person, *, acting_user, title, owner):
    """Open a case for ``person``, owned by ``owner`` (a case-role member of the person's organisation)."""
    if person.is_merged:
        raise ValidationError(_("This record was merged into another one. Open the case there."), code="merged")
    title = _clean_text(title, "title", _("Say in a few words what the case is about."), most=TITLE_MAX)
    check_case_worker(person.organisation, owner)
    case = Case.objects.create(
        organisation=person.organisation,
        person=person,
        title=title,
        owner=owner,
        opened_by=acting_user,
        opened_at=timezone.now(),
    )
    _event("case.opened", case, acting_user, owner=str(owner.uuid))
    return case


@transaction.atomic
def do_activate_case(case, *, acting_user):
    """Open or reopened → active: work on the case has started (again)."""
    case = _locked(case)
    _check_transition(case, "activate")
    before = case.status
    case.status = Case.Status.ACTIVE
    case.save(update_fields=["status", "updated_at"])
    _event("case.activated", case, acting_user, before=before)
    return case


@transaction.atomic
def do_close_case(case, *, acting_user, outcome, closing_note=""):
    """Close the case with an ``outcome`` (a Case.Outcome) and an optional closing note (encrypted)."""
    case = _locked(case)
    _check_transition(case, "close")
    if outcome not in Case.Outcome.values:
        raise _field_error("outcome", _("Choose the outcome of the case."), "no_outcome")
    closing_note = (closing_note or "").strip()
    if len(closing_note) > NOTE_MAX:
        raise _field_error(
            "closing_note", _("Keep it to %(most)d characters or fewer.") % {"most": NOTE_MAX}, "too_long"
        )
    before = case.status
    case.status = Case.Status.CLOSED
    case.outcome = outcome
    case.closing_note = closing_note
    case.closed_at = timezone.now()
    case.closed_by = acting_user
    case.save(update_fields=["status", "outcome", "closing_note", "closed_at", "closed_by", "updated_at"])
    _event("case.closed", case, acting_user, before=before, outcome=outcome, closing_note=bool(closing_note))
    return case


@transaction.atomic
def do_reopen_case(case, *, acting_user, reason):
    """Closed → reopened, with the reason (encrypted). The last outcome and closing are kept
    until the case is closed again."""
    case = _locked(case)
    _check_transition(case, "reopen")
    reason = _clean_text(reason, "reason", _("Say why the case is reopened."))
    case.status = Case.Status.REOPENED
    case.reopened_at = timezone.now()
    case.reopen_reason = reason
    case.save(update_fields=["status", "reopened_at", "reopen_reason", "updated_at"])
    _event("case.reopened", case, acting_user, last_outcome=case.outcome)
    return case


@transaction.atomic
def do_reassign_case(case, *, acting_user, owner):
    """Give the case to another caseworker of the organisation."""
    case = _locked(case)
    _check_not_closed(case, _("reassign it"))
    check_case_worker(case.organisation, owner)
    if owner.pk == case.owner_id:
        return case
    before = case.owner
    case.owner = owner
    case.save(update_fields=["owner", "updated_at"])
    _event("case.reassigned", case, acting_user, before=str(before.uuid), owner=str(owner.uuid))
    return case


# Notes


class NoteConflict(Exception):
    """A note sent again with a ``client_id`` already used for a different note."""

    def __init__(self, note):
        self.note = note
        self.message = _("This note was already sent with different details. Nothing was changed.")
        super().__init__(self.message)


def _replayed_note(client_id, case, kind, text, happened_on):
    note = CaseNote.objects.filter(client_id=client_id).select_related("case", "written_by").first()
    if note is None:
        return None
    if (note.case_id, note.kind, note.text, note.happened_on) != (case.pk, kind, text, happened_on):
        raise NoteConflict(note)
    return note


@transaction.atomic
def do_add_note(case, *, acting_user, kind, text, happened_on=None, client_id=None):
    """Add a note (encrypted) to the case; returns ``(note, created)``.

    ``client_id`` makes a resend safe: the same id with the same case, kind, text and date
    gives back the note already made (``created`` False); with anything else, NoteConflict.
    """
    if kind not in CaseNote.Kind.values:
        raise _field_error("kind", _("Choose what kind of note it is."), "invalid_kind")
    text = _clean_text(text, "text", _("Write the note."))
    happened_on = happened_on or timezone.localdate()
    if isinstance(happened_on, dt.datetime):
        happened_on = happened_on.date()
    client_id = uuid.UUID(str(client_id)) if client_id else None
    if client_id is not None:
        note = _replayed_note(client_id, case, kind, text, happened_on)
        if note is not None:
            return note, False
    case = _locked(case)
    _check_not_closed(case, _("add a note"))
    if happened_on > timezone.localdate():
        raise _field_error("happened_on", _("The date of a note cannot be in the future."), "future")
    try:
        # A savepoint, so that losing a race on the client id leaves the transaction usable.
        with transaction.atomic():
            note = CaseNote.objects.create(
                case=case,
                kind=kind,
                text=text,
                happened_on=happened_on,
                written_by=acting_user,
                written_at=timezone.now(),
                client_id=client_id,
            )
    except IntegrityError:
        note = _replayed_note(client_id, case, kind, text, happened_on) if client_id else None
        if note is None:
            raise
        return note, False
    _event("case.note_added", case, acting_user, obj=note, kind=kind)
    return note, True


# Actions


@transaction.atomic
def do_add_action(case, *, acting_user, description, owner, due_on=None, goal=None):
    """Add something to do on the case, by ``owner`` (a case-role member), by ``due_on``;
    a step of ``goal`` (a PlanGoal of the same case) when given."""
    case = _locked(case)
    _check_not_closed(case, _("add an action"))
    description = _clean_text(description, "description", _("Say what is to be done."), most=2000)
    check_case_worker(case.organisation, owner)
    if goal is not None and goal.case_id != case.pk:
        raise _field_error("goal", _("Choose a goal of this case."), "other_case")
    action = CaseAction.objects.create(
        case=case, goal=goal, description=description, owner=owner, due_on=due_on, created_by=acting_user
    )
    _event(
        "case.action_added",
        case,
        acting_user,
        obj=action,
        owner=str(owner.uuid),
        due_on=due_on.isoformat() if due_on else None,
    )
    return action


def _locked_action(action):
    return CaseAction.objects.select_for_update(of=("self",)).select_related("case__person", "owner").get(pk=action.pk)


@transaction.atomic
def do_complete_action(action, *, acting_user):
    """Mark the action done."""
    action = _locked_action(action)
    if action.done_at is not None:
        raise ValidationError(_("This action is already done."), code="illegal_transition")
    action.done_at = timezone.now()
    action.done_by = acting_user
    action.save(update_fields=["done_at", "done_by", "updated_at"])
    _event("case.action_done", action.case, acting_user, obj=action)
    return action


@transaction.atomic
def do_reassign_action(action, *, acting_user, owner):
    """Give the action to another caseworker of the organisation."""
    action = _locked_action(action)
    if action.done_at is not None:
        raise ValidationError(_("This action is already done."), code="illegal_transition")
    check_case_worker(action.case.organisation, owner)
    if owner.pk == action.owner_id:
        return action
    before = action.owner
    action.owner = owner
    action.save(update_fields=["owner", "updated_at"])
    _event(
        "case.action_reassigned", action.case, acting_user, obj=action, before=str(before.uuid), owner=str(owner.uuid)
    )
    return action
