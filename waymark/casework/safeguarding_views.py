"""The safeguarding pages: raising a concern (anyone in the organisation), the leads'
dashboard, a concern's page, and the leads' triage, escalation and closing.

Every concern is fetched through ``casework.access.get_concern_for_user`` (404 for anyone who
may not see it; the opening is logged). Changes go through ``casework.safeguarding``.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from waymark.casework import access, safeguarding
from waymark.casework.models import SafeguardingConcern
from waymark.casework.safeguarding_forms import (
    CloseForm,
    ConcernForm,
    DashboardFilterForm,
    EscalationForm,
    TriageForm,
)
from waymark.people import access as people_access

# The dashboard lists closed concerns of this many last days ("recently closed").
RECENTLY_CLOSED_DAYS = 30
# At most this many rows per list on the dashboard; the filters reach the rest.
DASHBOARD_ROWS = 200


def _put_errors(form, error):
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _raise(request, person=None):
    membership = access.require_membership(request, roles=access.RAISE_ROLES)
    form = ConcernForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            concern = safeguarding.do_raise_concern(
                membership.organisation,
                acting_user=request.user,
                person=person,
                about=form.cleaned_data.get("about", ""),
                category=form.cleaned_data["category"],
                what_happened=form.cleaned_data["what_happened"],
                urgency=form.cleaned_data["urgency"],
            )
        except ValidationError as error:
            _put_errors(form, error)
        else:
            if concern.current_lead_id:
                messages.success(
                    request, _("Thank you. The concern is raised and the safeguarding leads have been told.")
                )
            else:
                messages.warning(
                    request,
                    _(
                        "The concern is raised, but your organisation has no safeguarding lead: its organisation "
                        "admins have been told to appoint one. If anyone is in danger, call 999."
                    ),
                )
            return redirect("casework:concern", concern_uuid=concern.uuid)
    return render(
        request,
        "casework/concern_raise.html",
        {"form": form, "person": person, "organisation": membership.organisation},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def raise_concern(request):
    """Raise a concern about someone who is not registered."""
    return _raise(request)


@login_required
@require_http_methods(["GET", "POST"])
def raise_concern_for_person(request, person_uuid):
    """Raise a concern about a registered person (from their page)."""
    person = people_access.get_person_for_user(request, None, person_uuid, what="raise_concern")
    return _raise(request, person)


def dashboard_rows(concerns, now, rules):
    """Each concern with ``overdue`` ("" or the reason) set, for the list."""
    rows = list(concerns)
    for concern in rows:
        concern.overdue = safeguarding.overdue_reason(concern, rules, now)
        concern.overdue_label = safeguarding.OVERDUE_LABELS.get(concern.overdue, "")
    return rows


@login_required
def dashboard(request):
    """For safeguarding leads: the organisation's open concerns (untriaged first, the oldest
    first within each, overdue ones marked) and those closed in the last 30 days, filterable by
    status and kind. For anyone else: the concerns they raised."""
    membership = access.require_membership(request, roles=access.RAISE_ROLES)
    is_lead = access.is_safeguarding_lead(membership)
    form = DashboardFilterForm(request.GET or None)
    status = category = ""
    if form.is_valid():
        status, category = form.cleaned_data["status"], form.cleaned_data["category"]
    now = timezone.now()
    rules = safeguarding.rules_in_force(timezone.localdate(now))
    concerns = (
        access.concerns_for_membership(membership)
        .select_related("person", "raised_by", "current_lead")
        .annotate(escalation_count=Count("escalations"))
    )
    if category:
        concerns = concerns.filter(category=category)
    if status:
        open_rows = []
        chosen = concerns.filter(status=status).order_by("raised_at", "id")
        if status == SafeguardingConcern.Status.CLOSED:
            chosen = chosen.order_by("-closed_at", "-id")
        filtered_rows = dashboard_rows(chosen[:DASHBOARD_ROWS], now, rules)
        closed_rows = []
    else:
        filtered_rows = None
        # Untriaged ("raised") sorts before "triaged"; within each, the overdue ones first,
        # then the oldest.
        open_rows = dashboard_rows(
            concerns.exclude(status=SafeguardingConcern.Status.CLOSED).order_by("status", "raised_at", "id")[
                :DASHBOARD_ROWS
            ],
            now,
            rules,
        )
        open_rows.sort(key=lambda concern: (concern.status, not concern.overdue))
        closed_rows = dashboard_rows(
            concerns.filter(
                status=SafeguardingConcern.Status.CLOSED, closed_at__gte=now - dt.timedelta(days=RECENTLY_CLOSED_DAYS)
            ).order_by("-closed_at", "-id")[:DASHBOARD_ROWS],
            now,
            rules,
        )
    return render(
        request,
        "casework/safeguarding_dashboard.html",
        {
            "is_lead": is_lead,
            "organisation": membership.organisation,
            "form": form,
            "status": status,
            "open_rows": open_rows,
            "closed_rows": closed_rows,
            "filtered_rows": filtered_rows,
            "overdue_count": sum(1 for row in open_rows if row.overdue),
            "recently_closed_days": RECENTLY_CLOSED_DAYS,
            "triaged_open_days": safeguarding.TRIAGED_OPEN_DAYS,
            "has_leads": bool(safeguarding.safeguarding_leads(membership.organisation)) if not is_lead else True,
        },
    )


def _concern_context(request, concern, *, triage_form=None, escalation_form=None, close_form=None):
    is_lead = access.is_safeguarding_lead(request.membership)
    now = timezone.now()
    context = {
        "concern": concern,
        "is_lead": is_lead,
        "escalations": list(concern.escalations.select_related("national_body", "made_by")),
        "overdue_label": safeguarding.OVERDUE_LABELS.get(
            safeguarding.overdue_reason(concern, safeguarding.rules_in_force(timezone.localdate(now)), now), ""
        ),
        "has_leads": concern.current_lead_id is not None or bool(safeguarding.safeguarding_leads(concern.organisation)),
    }
    if is_lead:
        # A form sent back with its errors is shown whatever the status, so the errors are seen.
        if concern.status == SafeguardingConcern.Status.RAISED or triage_form is not None:
            context["triage_form"] = triage_form or TriageForm(prefix="triage")
        if concern.is_open or escalation_form is not None:
            context["escalation_form"] = escalation_form or EscalationForm(
                prefix="escalation", organisation=concern.organisation
            )
        if concern.status == SafeguardingConcern.Status.TRIAGED or close_form is not None:
            context["close_form"] = close_form or CloseForm(prefix="close")
    return context


@login_required
def concern_detail(request, concern_uuid):
    """Everything about the concern; for a lead, with the forms to triage, escalate and close
    it. Whoever raised it sees it read-only."""
    concern = access.get_concern_for_user(request, concern_uuid)
    return render(request, "casework/concern.html", _concern_context(request, concern))


def _lead_concern(request, concern_uuid, what):
    return access.get_concern_for_user(request, concern_uuid, leads_only=True, what=what)


def _refused(request, concern, status=400, **forms):
    return render(request, "casework/concern.html", _concern_context(request, concern, **forms), status=status)


@login_required
@require_POST
def triage_concern(request, concern_uuid):
    concern = _lead_concern(request, concern_uuid, "safeguarding_triage")
    form = TriageForm(request.POST, prefix="triage")
    if form.is_valid():
        try:
            safeguarding.do_triage_concern(concern, acting_user=request.user, **form.cleaned_data)
        except safeguarding.IllegalTransition as error:
            messages.error(request, error.message)
        except ValidationError as error:
            _put_errors(form, error)
            return _refused(request, concern, triage_form=form)
        else:
            messages.success(request, _("The concern is triaged."))
        return redirect("casework:concern", concern_uuid=concern.uuid)
    return _refused(request, concern, triage_form=form)


@login_required
@require_POST
def add_escalation(request, concern_uuid):
    concern = _lead_concern(request, concern_uuid, "safeguarding_escalation")
    form = EscalationForm(request.POST, prefix="escalation", organisation=concern.organisation)
    if form.is_valid():
        try:
            safeguarding.do_record_escalation(concern, acting_user=request.user, **form.cleaned_data)
        except safeguarding.IllegalTransition as error:
            messages.error(request, error.message)
        except ValidationError as error:
            _put_errors(form, error)
            return _refused(request, concern, escalation_form=form)
        else:
            messages.success(request, _("The escalation is recorded."))
        return redirect("casework:concern", concern_uuid=concern.uuid)
    return _refused(request, concern, escalation_form=form)


@login_required
@require_POST
def close_concern(request, concern_uuid):
    concern = _lead_concern(request, concern_uuid, "safeguarding_close")
    form = CloseForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            safeguarding.do_close_concern(concern, acting_user=request.user, **form.cleaned_data)
        except safeguarding.IllegalTransition as error:
            messages.error(request, error.message)
        except ValidationError as error:
            _put_errors(form, error)
            return _refused(request, concern, close_form=form)
        else:
            messages.success(request, _("The concern is closed."))
        return redirect("casework:concern", concern_uuid=concern.uuid)
    return _refused(request, concern, close_form=form)
