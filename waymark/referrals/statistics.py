"""How services answer referrals made through Waymark: the figures shown on a service's public
page and beside each suggestion.

For each service, over the referrals that were sent to it (``sent_at`` set) and not withdrawn
by the sender:

- ``referrals``: how many there were;
- ``median_days_to_respond``: the median of ``responded_at - sent_at`` in days (one decimal),
  over the referrals that were answered (accepted or declined; completing comes after an
  acceptance and keeps its ``responded_at``). A referral that expired (``no_response``) or is
  still waiting has no time to answer, so it is left out of the median: silence shows in the
  share accepted instead, whose denominator counts it;
- ``share_accepted``: the accepted ones (accepted, completed, not completed) over those
  answered or expired (0 to 1). Referrals still waiting for an answer count in neither part.

Small numbers are suppressed (architecture.md): under ``MIN_REFERRALS`` referrals a service
gets no figures at all, not even the count, only the ``suppressed`` flag.

One query for any number of services; the medians are computed in Python from the rows, so
the result is the same on SQLite and PostgreSQL.
"""

import statistics
from dataclasses import dataclass

from waymark.referrals.models import Referral

MIN_REFERRALS = 10

State = Referral.State
ACCEPTED_STATES = frozenset({State.ACCEPTED, State.COMPLETED, State.NOT_COMPLETED})
SECONDS_PER_DAY = 24 * 60 * 60


@dataclass(frozen=True)
class Stats:
    """A service's response figures; all None when ``suppressed``."""

    referrals: int | None
    median_days_to_respond: float | None
    share_accepted: float | None
    suppressed: bool = False

    @property
    def percent_accepted(self):
        """The share accepted as a whole percentage, or None."""
        return None if self.share_accepted is None else round(self.share_accepted * 100)


SUPPRESSED = Stats(referrals=None, median_days_to_respond=None, share_accepted=None, suppressed=True)


def _figures(rows):
    """Stats from one service's rows of (state, sent_at, responded_at)."""
    if len(rows) < MIN_REFERRALS:
        return SUPPRESSED
    days = [
        (responded_at - sent_at).total_seconds() / SECONDS_PER_DAY
        for _state, sent_at, responded_at in rows
        if responded_at is not None
    ]
    # Answered (responded_at set) or expired: the referrals whose fate is known.
    decided = [
        state for state, _sent_at, responded_at in rows if responded_at is not None or state == State.NO_RESPONSE
    ]
    accepted = sum(1 for state in decided if state in ACCEPTED_STATES)
    return Stats(
        referrals=len(rows),
        median_days_to_respond=round(statistics.median(days), 1) if days else None,
        share_accepted=accepted / len(decided) if decided else None,
    )


def response_statistics(service_ids):
    """``{service_id: Stats}`` for every id given (suppressed where under ``MIN_REFERRALS``).
    One query."""
    service_ids = list(service_ids)
    if not service_ids:
        return {}
    rows = {service_id: [] for service_id in service_ids}
    sent = (
        Referral.objects.filter(service_id__in=service_ids, sent_at__isnull=False)
        .exclude(state=State.WITHDRAWN)
        .order_by()
        .values_list("service_id", "state", "sent_at", "responded_at")
    )
    for service_id, state, sent_at, responded_at in sent:
        rows[service_id].append((state, sent_at, responded_at))
    return {service_id: _figures(found) for service_id, found in rows.items()}
