"""The learning log: the team's debrief after a session, and the actions that come out of it.

Writes, like those of ``actions.py``: atomic, ``acting_user`` keyword-only, one audit event
each. Who may call them (the hub's team) is decided before, in ``access.py``; these check what
must hold whoever calls them: a log is written once the session has begun and was not
cancelled, an action's owner is a member of the hub's lead organisation, and an action is
marked done once.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.accounts.models import Membership
from waymark.audit.events import record_event
from waymark.hubs.actions import IllegalTransition
from waymark.hubs.models import HubSession, LearningAction, LearningLog


def _check_can_log(session, now=None):
    if session.is_cancelled:
        raise ValidationError(_("The session was cancelled, so there is nothing to debrief."), code="cancelled")
    if (now or timezone.now()) < session.starts:
        raise ValidationError(_("The learning log is written once the session has begun."), code="not_begun")


@transaction.atomic
def do_write_learning_log(session, *, what_worked="", what_to_change="", issues_to_raise="", acting_user):
    """Write (or rewrite) the session's learning log; return it."""
    _check_can_log(session)
    log, created = LearningLog.objects.select_for_update().get_or_create(
        session=session, defaults={"written_by": acting_user}
    )
    log.what_worked = what_worked.strip()
    log.what_to_change = what_to_change.strip()
    log.issues_to_raise = issues_to_raise.strip()
    log.written_by = acting_user
    log.save()
    record_event(
        "hubs.learning_log_written" if created else "hubs.learning_log_changed",
        actor=acting_user,
        organisation=session.hub.lead_organisation,
        obj=log,
        details={"hub": str(session.hub.uuid), "session": str(session.uuid)},
    )
    return log


@transaction.atomic
def do_add_learning_action(session, *, description, owner, due_on, acting_user):
    """Add an action with its owner and due date to the session's learning log (made empty if
    the session has none yet); return it."""
    _check_can_log(session)
    if not isinstance(owner, Membership) or owner.organisation_id != session.hub.lead_organisation_id:
        raise ValidationError(
            {"owner": _("The owner must be a member of the organisation that leads the hub.")}, code="owner"
        )
    log, _created = LearningLog.objects.get_or_create(session=session, defaults={"written_by": acting_user})
    action = LearningAction.objects.create(
        log=log, description=description.strip(), owner=owner, due_on=due_on, created_by=acting_user
    )
    record_event(
        "hubs.learning_action_added",
        actor=acting_user,
        organisation=session.hub.lead_organisation,
        obj=action,
        details={"session": str(session.uuid), "owner": str(owner.uuid), "due_on": due_on.isoformat()},
    )
    return action


@transaction.atomic
def do_mark_action_done(action, *, acting_user):
    """Open → done. Refused (IllegalTransition) if it is already done."""
    action = LearningAction.objects.select_for_update().select_related("log__session__hub").get(pk=action.pk)
    if action.is_done:
        raise IllegalTransition(_("This action is already done."))
    action.status = LearningAction.Status.DONE
    action.done_at = timezone.now()
    action.done_by = acting_user
    action.save(update_fields=["status", "done_at", "done_by", "updated_at"])
    record_event(
        "hubs.learning_action_done",
        actor=acting_user,
        organisation=action.log.session.hub.lead_organisation,
        obj=action,
        details={"session": str(action.log.session.uuid)},
    )
    return action


def actions_with_owners():
    return LearningAction.objects.select_related("owner__user").order_by("status", "due_on", "id")


def sessions_with_logs(hub, *, until, limit=60):
    """The hub's last ``limit`` sessions up to ``until`` (newest first), each with its learning
    log and the log's actions (``session.log`` is None when there is none): three queries."""
    logs = LearningLog.objects.prefetch_related(Prefetch("actions", queryset=actions_with_owners()))
    sessions = list(
        HubSession.objects.filter(hub=hub, date__lte=until)
        .select_related("site")
        .prefetch_related(Prefetch("learning_log", queryset=logs))
        .order_by("-date", "-starts_at")[:limit]
    )
    for session in sessions:
        session.log = getattr(session, "learning_log", None)
    return sessions


def open_actions(hub):
    """The hub's open learning log actions, soonest due first."""
    return list(
        actions_with_owners()
        .filter(log__session__hub=hub, status=LearningAction.Status.OPEN)
        .select_related("log__session")
        .order_by("due_on", "id")
    )
