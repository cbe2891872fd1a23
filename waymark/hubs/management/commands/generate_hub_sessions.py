"""Keep every hub's calendar filled ahead (a daily periodic job, see settings.PERIODIC_JOBS).

Each session pattern that still runs gets its sessions up to ``HUB_SESSIONS_AHEAD_WEEKS``
weeks from today, so that the rota can be planned and the map shows when the hub is open next
without anyone remembering to press "make sessions". Dates that already have their session
(moved or cancelled ones included) get no second one; past dates are left as they were.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from waymark.hubs.actions import do_generate_sessions
from waymark.hubs.models import LONDON, SessionPattern


def generate_hub_sessions(today=None):
    """Fill every running pattern up to the horizon; returns how many sessions were made."""
    today = today or timezone.localdate(timezone=LONDON)
    until = today + dt.timedelta(weeks=settings.HUB_SESSIONS_AHEAD_WEEKS)
    running = SessionPattern.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=until)
    made = 0
    for pattern in running.order_by("pk"):
        # The job is its own actor: the audit event has no user.
        made += len(do_generate_sessions(pattern, until, acting_user=None, since=today))
    return made


class Command(BaseCommand):
    help = "Make the coming sessions of every hub's session patterns (a daily periodic job)."

    def handle(self, *args, **options):
        made = generate_hub_sessions()
        self.stdout.write(f"Made {made} hub sessions up to {settings.HUB_SESSIONS_AHEAD_WEEKS} weeks ahead.")
