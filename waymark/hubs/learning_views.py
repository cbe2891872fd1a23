"""The learning log pages: the debriefs of a hub's sessions, one session's debrief with its
actions, and marking an action done.

The hub's team reads and writes; the network lead of a network the hub's area belongs to reads
(``access.get_hub_for_reading``); anyone else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waymark.hubs import access, learning
from waymark.hubs.actions import IllegalTransition
from waymark.hubs.learning_forms import LearningActionForm, LearningLogForm
from waymark.hubs.models import LONDON, LearningLog


def _today():
    return timezone.localdate(timezone=LONDON)


def _put_errors(form, error):
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_GET
def hub_learning(request, hub_uuid):
    """The hub's past sessions, each with its debrief (or a way to write one), and the open
    actions, soonest due first."""
    hub, runs_it = access.get_hub_for_reading(request, hub_uuid)
    today = _today()
    return render(
        request,
        "hubs/learning/hub.html",
        {
            "hub": hub,
            "runs_it": runs_it,
            "sessions": learning.sessions_with_logs(hub, until=today),
            "open_actions": learning.open_actions(hub),
            "today": today,
        },
    )


def _log_context(session, runs_it, *, log_form=None, action_form=None):
    hub = session.hub
    log = (
        LearningLog.objects.filter(session=session)
        .select_related("written_by")
        .prefetch_related("actions__owner__user")
        .first()
    )
    begun = timezone.now() >= session.starts
    can_write = runs_it and begun and not session.is_cancelled
    if can_write and log_form is None:
        initial = {}
        if log is not None:
            initial = {
                "what_worked": log.what_worked,
                "what_to_change": log.what_to_change,
                "issues_to_raise": log.issues_to_raise,
            }
        log_form = LearningLogForm(initial=initial, prefix="log")
    if can_write and action_form is None:
        action_form = LearningActionForm(hub=hub, prefix="action")
    return {
        "hub": hub,
        "session": session,
        "log": log,
        "actions": list(log.actions.all()) if log else [],
        "runs_it": runs_it,
        "can_write": can_write,
        "begun": begun,
        "log_form": log_form,
        "action_form": action_form,
        "today": _today(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def session_learning(request, session_uuid):
    """One session's debrief: what worked, what to change, issues to raise, and its actions."""
    session, runs_it = access.get_session_for_reading(request, session_uuid)
    if request.method == "POST":
        if not runs_it:
            raise Http404
        form = LearningLogForm(request.POST, prefix="log")
        if form.is_valid():
            try:
                learning.do_write_learning_log(session, acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                _put_errors(form, error)
            else:
                messages.success(request, _("The learning log is saved."))
                return redirect("hubs:session_learning", session_uuid=session.uuid)
        return render(request, "hubs/learning/session.html", _log_context(session, runs_it, log_form=form), status=400)
    return render(request, "hubs/learning/session.html", _log_context(session, runs_it))


@login_required
@require_POST
def add_learning_action(request, session_uuid):
    session = access.get_session_for_user(request, session_uuid)
    form = LearningActionForm(request.POST, hub=session.hub, prefix="action")
    if form.is_valid():
        try:
            learning.do_add_learning_action(session, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _put_errors(form, error)
        else:
            messages.success(request, _("The action is added."))
            return redirect("hubs:session_learning", session_uuid=session.uuid)
    return render(request, "hubs/learning/session.html", _log_context(session, True, action_form=form), status=400)


@login_required
@require_POST
def mark_learning_action_done(request, action_uuid):
    action = access.get_learning_action_for_user(request, action_uuid)
    try:
        learning.do_mark_action_done(action, acting_user=request.user)
    except IllegalTransition as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Marked as done."))
    if request.POST.get("back") == "hub":
        return redirect("hubs:hub_learning", hub_uuid=action.log.session.hub.uuid)
    return redirect("hubs:session_learning", session_uuid=action.log.session.uuid)
