"""What visitors say about a hub: anonymous feedback from the QR poster or a link, and its
figures.

Feedback keeps nothing about who gave it (no account, no address, no cookie: the public page
writes no session). The hub's team sees every answer and the counts; figures shown outside the
lead organisation (the network lead's grid) hide any count below ``SUPPRESS_BELOW``, so that
nobody can single out one visitor's answer.
"""

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from waymark.audit.events import record_event
from waymark.hubs.models import Loneliness, VisitorFeedback, Welcome

# Counts below this are shown as "fewer than 5" outside the lead organisation.
SUPPRESS_BELOW = 5


@transaction.atomic
def do_give_feedback(hub, *, welcome, what_helped="", what_is_missing="", loneliness="", language="en"):
    """Record a visitor's feedback about ``hub``, anonymously; return it."""
    feedback = VisitorFeedback.objects.create(
        hub=hub,
        welcome=welcome,
        what_helped=what_helped.strip(),
        what_is_missing=what_is_missing.strip(),
        loneliness=loneliness,
        language=language,
        created_at=timezone.now(),
    )
    record_event(
        "hubs.visitor_feedback_given",
        actor=None,
        organisation=hub.lead_organisation,
        obj=feedback,
        details={"hub": str(hub.uuid)},
    )
    return feedback


def feedback_figures(hubs, *, suppress_below=0, since=None):
    """Counts of the answers per hub, in one query.

    Returns {hub.pk: {"total", "welcome": [(Welcome, count)], "felt_welcome",
    "loneliness": [(Loneliness, count)], "answered_loneliness"}}; ``felt_welcome`` counts
    "very" and "quite welcome". With ``suppress_below``, a count under it becomes None (shown
    as "fewer than N").
    """
    figures = {
        hub.pk: {"welcome": dict.fromkeys(Welcome.values, 0), "loneliness": dict.fromkeys(Loneliness.values, 0)}
        for hub in hubs
    }
    rows = VisitorFeedback.objects.filter(hub_id__in=figures.keys())
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    for row in rows.values("hub_id", "welcome", "loneliness").annotate(count=Count("id")).order_by():
        figure = figures[row["hub_id"]]
        figure["welcome"][row["welcome"]] += row["count"]
        if row["loneliness"]:
            figure["loneliness"][row["loneliness"]] += row["count"]

    def shown(number):
        return None if number < suppress_below else number

    found = {}
    for hub_id, figure in figures.items():
        total = sum(figure["welcome"].values())
        found[hub_id] = {
            "total": shown(total),
            "felt_welcome": shown(figure["welcome"][Welcome.VERY] + figure["welcome"][Welcome.QUITE]),
            "welcome": [(Welcome(value), shown(count)) for value, count in figure["welcome"].items()],
            "answered_loneliness": shown(sum(figure["loneliness"].values())),
            "loneliness": [(Loneliness(value), shown(count)) for value, count in figure["loneliness"].items()],
        }
    return found
