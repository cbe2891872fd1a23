"""Visitor feedback: the public form (from the QR poster or a link), its thank-you page, the
poster the team prints, and what the team sees.

The public form needs no account and keeps nothing about the visitor: no session is written,
no message is flashed (both would set a cookie), and the rate limit knows the client only by a
keyed hash of its address. It works without JavaScript.
"""

import base64

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy, override
from django.views.decorators.http import require_GET, require_http_methods

from waymark.hubs import access
from waymark.hubs.feedback import do_give_feedback, feedback_figures
from waymark.hubs.feedback_forms import VisitorFeedbackForm
from waymark.hubs.models import Hub, Loneliness, VisitorFeedback, Welcome
from waymark.lib import ratelimit

# Sends per client per hour: a family filling it in one after another on one phone, not a script.
RATE_LIMIT = 10
RATE_WINDOW = 3600
OVER_LIMIT = gettext_lazy(
    "You have sent a lot in a short time, so we cannot take this one now. Please try again in an hour."
)
# How many answers with something written the team's page lists, newest first.
ANSWERS_SHOWN = 100


def _public_hub(hub_uuid):
    hub = Hub.objects.select_related("lead_organisation").filter(uuid=hub_uuid).first()
    if hub is None:
        raise Http404
    return hub


@require_http_methods(["GET", "POST"])
def give_feedback(request, hub_uuid):
    """ "Tell us how it was": anonymous feedback about a hub, in the visitor's language."""
    hub = _public_hub(hub_uuid)
    form = VisitorFeedbackForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        # Counted only once valid: a person correcting a mistake is not held back.
        if ratelimit.hit(request, "hubs.feedback", limit=RATE_LIMIT, per=RATE_WINDOW):
            do_give_feedback(hub, language=get_language(), **form.cleaned_data)
            return redirect("hubs:feedback_thanks", hub_uuid=hub.uuid)
        form.add_error(None, OVER_LIMIT)
        status = 429
    return render(request, "hubs/feedback/give.html", {"hub": hub, "form": form}, status=status)


@require_GET
def feedback_thanks(request, hub_uuid):
    return render(request, "hubs/feedback/thanks.html", {"hub": _public_hub(hub_uuid)})


def public_feedback_link(request, hub):
    """The feedback page's full address, without a language prefix: the page opens in English
    and offers every language, whatever language the team's own pages are in."""
    with override("en"):
        return request.build_absolute_uri(reverse("hubs:give_feedback", args=[hub.uuid]))


@login_required
@require_GET
def feedback_poster(request, hub_uuid):
    """A page to print and put up in the hall: a QR code of the feedback page and its address."""
    hub = access.get_hub_for_user(request, hub_uuid)
    link = public_feedback_link(request, hub)
    # A data: URI in an <img>, which the CSP allows (img-src data:), rather than inline SVG.
    svg = segno.make(link, error="m").svg_inline(scale=6, border=2, omitsize=False)
    qr_data_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
    return render(request, "hubs/feedback/poster.html", {"hub": hub, "link": link, "qr_data_uri": qr_data_uri})


@login_required
@require_GET
def hub_feedback(request, hub_uuid):
    """What visitors said about the hub: the counts, and the answers with something written.
    For the hub's team only; the figures are the lead organisation's own, so they are shown
    as they are."""
    hub = access.get_hub_for_user(request, hub_uuid)
    answers = list(
        VisitorFeedback.objects.filter(hub=hub)
        .exclude(what_helped="", what_is_missing="")
        .order_by("-created_at")[:ANSWERS_SHOWN]
    )
    return render(
        request,
        "hubs/feedback/hub.html",
        {
            "hub": hub,
            "figures": feedback_figures([hub])[hub.pk],
            "answers": answers,
            "link": public_feedback_link(request, hub),
            "welcome_choices": Welcome.choices,
            "loneliness_choices": Loneliness.choices,
        },
    )
