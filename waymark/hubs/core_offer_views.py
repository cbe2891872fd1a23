"""The core minimum offer pages: one hub's offer for a week or a month with the evidence behind
each line (for its team and its network lead), and the network lead's grid of every hub of
the network against every line, with visitor feedback figures (small numbers suppressed)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from waymark.hubs import access, core_offer, learning
from waymark.hubs.feedback import SUPPRESS_BELOW, feedback_figures
from waymark.hubs.models import LONDON, Hub
from waymark.places.models import Area

# Visitor feedback on the network's grid: what visitors said in this many days.
FEEDBACK_DAYS = 91


def period_from_request(request):
    """The period the page asks for: ``?week=YYYY-MM-DD`` (the week of that day) or
    ``?month=YYYY-MM``; this week when neither is given or readable."""
    try:
        if request.GET.get("month"):
            year, month = (int(part) for part in request.GET["month"].split("-"))
            return core_offer.month_of(year, month)
        if request.GET.get("week"):
            return core_offer.week_of(dt.date.fromisoformat(request.GET["week"]))
    except ValueError:
        pass
    return core_offer.this_week()


def _periods(period):
    week = core_offer.week_of(period.first)
    return {
        "period": period,
        "previous": period.previous(),
        "next": period.next(),
        # The other kind of period around the same days, to switch between them.
        "as_week": week,
        "as_month": core_offer.month_of(period.first.year, period.first.month),
    }


@login_required
@require_GET
def hub_core_offer(request, hub_uuid):
    """One hub's core offer for a week or month: met or not, why, and the evidence."""
    hub, runs_it = access.get_hub_for_reading(request, hub_uuid)
    period = period_from_request(request)
    return render(
        request,
        "hubs/core_offer/hub.html",
        {"hub": hub, "runs_it": runs_it, "lines": core_offer.compute_one(hub, period), **_periods(period)},
    )


@login_required
@require_GET
def my_networks(request):
    """The networks the user leads: straight to the grid when there is one."""
    networks = list(access.networks_led_by(request.user).order_by("name"))
    if not networks:
        raise Http404
    if len(networks) == 1:
        return redirect("hubs:network_hubs", network_uuid=networks[0].uuid)
    return render(request, "hubs/core_offer/networks.html", {"networks": networks})


@login_required
@require_GET
def network_hubs(request, network_uuid):
    """Every hub of the network against every line of the core offer, for a week or month, and
    what visitors said lately (counts below 5 hidden). A fixed number of queries."""
    network = access.get_network_for_lead(request, network_uuid)
    period = period_from_request(request)
    hubs = list(
        Hub.objects.filter(area__in=Area.objects.filter(networks=network))
        .select_related("area", "lead_organisation")
        .order_by("name")
    )
    results = core_offer.compute(hubs, period)
    since = timezone.now() - dt.timedelta(days=FEEDBACK_DAYS)
    feedback = feedback_figures(hubs, suppress_below=SUPPRESS_BELOW, since=since)
    rows = [{"hub": hub, "lines": results[hub.pk], "feedback": feedback[hub.pk]} for hub in hubs]
    return render(
        request,
        "hubs/core_offer/network.html",
        {
            "network": network,
            "rows": rows,
            "lines": core_offer.LINES,
            "feedback_days": FEEDBACK_DAYS,
            "suppress_below": SUPPRESS_BELOW,
            "today": timezone.localdate(timezone=LONDON),
            **_periods(period),
        },
    )


def dashboard_context(request, hub):
    """What the hub dashboard shows of the core offer (this week, each line met or not and
    why) and of the learning log (the open actions)."""
    period = core_offer.this_week()
    return {
        "core_offer_period": period,
        "core_offer_lines": core_offer.compute_one(hub, period),
        "open_learning_actions": learning.open_actions(hub),
    }
