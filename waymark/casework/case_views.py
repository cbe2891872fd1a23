"""The case pages: opening a case for a person, a person's cases, the case page with its notes,
actions and transitions, and the caseloads (mine, overdue actions, the team's).

Every view fetches through ``casework.access`` first (404 for anyone who may not: volunteers,
other organisations), then calls an action of ``casework.cases`` for any change. Each form on
the case page posts to a URL of its own; when it is refused, the case page is shown again
with that form's errors (400, or 409 for a transition the case's status does not allow).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from waymark.accounts.models import Membership
from waymark.casework import access, case_parts, cases
from waymark.casework.case_forms import (
    ACTION_SORTS,
    CASE_SORTS,
    ActionForm,
    CaseloadForm,
    CloseCaseForm,
    NoteForm,
    OpenCaseForm,
    ReassignActionForm,
    ReassignCaseForm,
    ReopenCaseForm,
)
from waymark.casework.models import CaseAction
from waymark.people import access as people_access

CASES_PER_PAGE = 25


def _add_errors(form, error):
    """Put an action's ValidationError on the form's fields (or the form) it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _refused_status(error):
    codes = {getattr(item, "code", None) for item in getattr(error, "error_list", [error])}
    return 409 if codes & {"illegal_transition", "case_closed"} else 400


# Opening a case, a person's cases


@login_required
def open_case(request, person_uuid):
    """Open a case for a person, owned by a caseworker of the organisation (the acting user by default)."""
    person = people_access.get_person_for_user(request, None, person_uuid, roles=access.CASE_ROLES, what="case_open")
    users = cases.case_workers(person.organisation)
    initial = {"owner": str(request.user.uuid)} if any(user.pk == request.user.pk for user in users) else {}
    form = OpenCaseForm(request.POST or None, users=users, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = cases.do_open_case(
                person, acting_user=request.user, title=form.cleaned_data["title"], owner=form.cleaned_data["owner"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The case is opened."))
            return redirect("casework:case", case_uuid=case.uuid)
    return render(
        request, "casework/case_new.html", {"person": person, "form": form}, status=400 if form.errors else 200
    )


@login_required
def person_cases(request, person_uuid):
    """A person's cases in the organisation, newest first."""
    person = people_access.get_person_for_user(
        request, None, person_uuid, roles=access.CASE_ROLES, what="cases", include_merged=True
    )
    if person.is_merged:
        messages.info(request, _("This record was merged into another one: here it is."))
        return redirect("casework:person_cases", person_uuid=person.merged_into.uuid)
    today = timezone.localdate()
    person_case_list = cases.with_caseload_figures(
        access.cases_for_membership(request.membership).filter(person=person), today
    ).order_by("-opened_at", "-id")
    return render(
        request, "casework/case_list.html", {"person": person, "cases": list(person_case_list), "today": today}
    )


# The case page


def _render_case(request, case, *, status=200, **forms):
    """The case page, with any bound ``forms`` (that were refused) in place of the empty ones."""
    membership = request.membership
    users = cases.case_workers(case.organisation)
    today = timezone.localdate()
    actions = list(case.actions.select_related("owner", "done_by", "goal"))
    open_actions = sorted(
        (action for action in actions if action.done_at is None),
        key=lambda action: (action.due_on is None, action.due_on or today, action.pk),
    )
    done_actions = sorted(
        (action for action in actions if action.done_at is not None), key=lambda action: action.done_at, reverse=True
    )
    for action in open_actions:
        action.overdue = action.is_overdue(today)
    context = {
        "case": case,
        "person": case.person,
        "notes": list(case.notes.select_related("written_by")),
        "open_actions": open_actions,
        "done_actions": done_actions,
        "case_workers": users,
        "today": today,
        "can_activate": case.status in cases.TRANSITIONS["activate"],
        "can_close": case.status in cases.TRANSITIONS["close"],
        "can_reopen": case.status in cases.TRANSITIONS["reopen"],
        "transition_error": forms.pop("transition_error", None),
        "note_form": forms.get("note_form") or NoteForm(),
        "action_form": forms.get("action_form") or ActionForm(users=users, initial={"owner": str(case.owner.uuid)}),
        "close_form": forms.get("close_form") or CloseCaseForm(),
        "reopen_form": forms.get("reopen_form") or ReopenCaseForm(),
        "reassign_form": forms.get("reassign_form") or ReassignCaseForm(users=users),
        "action_reassign_form": forms.get("action_reassign_form"),
        "refused_form": next((form for form in forms.values() if form is not None and form.errors), None),
    }
    context.update(case_parts.context_for_case(case, membership))
    return render(request, "casework/case.html", context, status=status)


@login_required
def case_detail(request, case_uuid):
    case = access.get_case_for_user(request, case_uuid)
    return _render_case(request, case)


def _post_form(request, case_uuid, form_class, form_name, do, *, needs_users=False, success):
    """Handle a form on the case page: validate, call ``do(case, form)``, and go back to the
    case page; or show the page again with the form's errors."""
    case = access.get_case_for_user(request, case_uuid, what="case_change")
    kwargs = {"users": cases.case_workers(case.organisation)} if needs_users else {}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            do(case, form)
        except ValidationError as error:
            _add_errors(form, error)
            return _render_case(request, case, status=_refused_status(error), **{form_name: form})
        messages.success(request, success)
        return redirect("casework:case", case_uuid=case.uuid)
    return _render_case(request, case, status=400, **{form_name: form})


@login_required
@require_POST
def activate_case(request, case_uuid):
    case = access.get_case_for_user(request, case_uuid, what="case_change")
    try:
        cases.do_activate_case(case, acting_user=request.user)
    except ValidationError as error:
        return _render_case(request, case, status=409, transition_error=error.messages[0])
    messages.success(request, _("The case is active."))
    return redirect("casework:case", case_uuid=case.uuid)


@login_required
@require_POST
def close_case(request, case_uuid):
    return _post_form(
        request,
        case_uuid,
        CloseCaseForm,
        "close_form",
        lambda case, form: cases.do_close_case(case, acting_user=request.user, **form.cleaned_data),
        success=_("The case is closed."),
    )


@login_required
@require_POST
def reopen_case(request, case_uuid):
    return _post_form(
        request,
        case_uuid,
        ReopenCaseForm,
        "reopen_form",
        lambda case, form: cases.do_reopen_case(case, acting_user=request.user, reason=form.cleaned_data["reason"]),
        success=_("The case is reopened."),
    )


@login_required
@require_POST
def reassign_case(request, case_uuid):
    return _post_form(
        request,
        case_uuid,
        ReassignCaseForm,
        "reassign_form",
        lambda case, form: cases.do_reassign_case(case, acting_user=request.user, owner=form.cleaned_data["owner"]),
        needs_users=True,
        success=_("The case has a new caseworker."),
    )


@login_required
@require_POST
def add_note(request, case_uuid):
    return _post_form(
        request,
        case_uuid,
        NoteForm,
        "note_form",
        lambda case, form: cases.do_add_note(case, acting_user=request.user, **form.cleaned_data),
        success=_("The note is added."),
    )


@login_required
@require_POST
def add_action(request, case_uuid):
    return _post_form(
        request,
        case_uuid,
        ActionForm,
        "action_form",
        lambda case, form: cases.do_add_action(case, acting_user=request.user, **form.cleaned_data),
        needs_users=True,
        success=_("The action is added."),
    )


def _case_action(request, case_uuid, action_uuid):
    case = access.get_case_for_user(request, case_uuid, what="case_change")
    return case, get_object_or_404(CaseAction.objects.select_related("owner"), case=case, uuid=action_uuid)


@login_required
@require_POST
def complete_action(request, case_uuid, action_uuid):
    case, action = _case_action(request, case_uuid, action_uuid)
    try:
        cases.do_complete_action(action, acting_user=request.user)
    except ValidationError as error:
        return _render_case(request, case, status=409, transition_error=error.messages[0])
    messages.success(request, _("The action is done."))
    return redirect("casework:case", case_uuid=case.uuid)


@login_required
@require_POST
def reassign_action(request, case_uuid, action_uuid):
    case, action = _case_action(request, case_uuid, action_uuid)
    form = ReassignActionForm(request.POST, users=cases.case_workers(case.organisation))
    if form.is_valid():
        try:
            cases.do_reassign_action(action, acting_user=request.user, owner=form.cleaned_data["owner"])
        except ValidationError as error:
            _add_errors(form, error)
            return _render_case(request, case, status=_refused_status(error), action_reassign_form=form)
        messages.success(request, _("The action has a new owner."))
        return redirect("casework:case", case_uuid=case.uuid)
    return _render_case(request, case, status=400, action_reassign_form=form)


# Caseloads


def _case_members(membership):
    """The memberships of the organisation with a case role (for the caseworker filter)."""
    members = Membership.objects.filter(organisation_id=membership.organisation_id).select_related("user")
    members = [member for member in members if member.has_role(*access.CASE_ROLES)]
    return sorted(members, key=lambda member: (str(member.user).casefold(), member.pk))


def _sorted_cases(queryset, sort):
    if sort == "next_due":
        return queryset.order_by(F("next_due").asc(nulls_last=True), "-opened_at", "-id")
    if sort == "-next_due":
        return queryset.order_by(F("next_due").desc(nulls_last=True), "-opened_at", "-id")
    return queryset.order_by(*CASE_SORTS[sort])


def _caseload(request, *, team):
    membership = access.require_membership(request, roles=access.TEAM_ROLES if team else access.CASE_ROLES)
    form = CaseloadForm(request.GET, members=_case_members(membership) if team else None)
    sort = form.value("sort")
    today = timezone.localdate()
    queryset = access.cases_for_membership(membership).filter(status__in=form.statuses())
    if team:
        owner = form.value("owner")
        if owner is not None:
            queryset = queryset.filter(owner=owner)
    else:
        queryset = queryset.filter(owner=request.user)
    queryset = _sorted_cases(cases.with_caseload_figures(queryset, today), sort)
    page = Paginator(queryset, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "casework/caseload.html",
        {
            "page": page,
            "form": form,
            "sort": sort,
            "team": team,
            "can_see_team": access.can_see_team_caseload(membership),
            "today": today,
            "organisation": membership.organisation,
        },
    )


@login_required
def my_caseload(request):
    """The acting user's cases that are open, active or reopened (or of the status asked for)."""
    return _caseload(request, team=False)


@login_required
def team_caseload(request):
    """Every caseworker's cases, for coordinators and organisation admins."""
    return _caseload(request, team=True)


@login_required
def overdue_actions(request):
    """Actions not done and due before today on cases being worked on: the user's own; for
    coordinators and organisation admins, the team's (filterable by caseworker)."""
    membership = access.require_membership(request, roles=access.CASE_ROLES)
    team = access.can_see_team_caseload(membership)
    form = CaseloadForm(
        request.GET,
        members=_case_members(membership) if team else None,
        sorts=ACTION_SORTS,
        statuses=False,
        default_sort="due",
    )
    sort = form.value("sort")
    today = timezone.localdate()
    queryset = CaseAction.objects.filter(
        case__in=access.cases_for_membership(membership).filter(status__in=cases.CURRENT_STATUSES),
        done_at__isnull=True,
        due_on__lt=today,
    ).select_related("case__person", "owner")
    if team:
        owner = form.value("owner")
        if owner is not None:
            queryset = queryset.filter(owner=owner)
    else:
        queryset = queryset.filter(owner=request.user)
    page = Paginator(queryset.order_by(*ACTION_SORTS[sort]), CASES_PER_PAGE).get_page(request.GET.get("page"))
    for action in page.object_list:
        action.days_late = (today - action.due_on).days
    return render(
        request,
        "casework/caseload_overdue.html",
        {
            "page": page,
            "form": form,
            "sort": sort,
            "team": team,
            "today": today,
            "organisation": membership.organisation,
        },
    )
