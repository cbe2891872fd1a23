"""Periodic job: send notifications that are still waiting.

A notification normally goes out seconds after it is made, through its task. This picks up
the rest: those put back to pending after a failed attempt, and those whose task was lost
(the worker was down, enqueueing failed). Each is claimed before it is sent, so this can
run beside the task worker without sending anything twice.
"""

from collections import Counter
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from waymark.notify.models import Notification
from waymark.notify.tasks import FAILED, RETRY, SENT, SKIPPED, deliver_notification

# A notification younger than this (or tried more recently) is left to its own task.
WAIT = timedelta(minutes=1)
# Sending takes seconds (EMAIL_TIMEOUT is 20); a row still "sending" after this long was
# interrupted by a crash.
INTERRUPTED_AFTER = timedelta(minutes=30)
INTERRUPTED = "Interrupted while sending; not retried, as it may have gone out."


class Command(BaseCommand):
    help = "Send pending notifications made or last tried over a minute ago, oldest first."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=100, help="Rows read at a time (default 100).")

    def handle(self, *args, batch_size, **options):
        now = timezone.now()
        # Whether a crashed send reached the mail server is unknown; sending again could
        # send twice, so such a row is failed for a person to look at.
        interrupted = Notification.objects.filter(
            status=Notification.Status.SENDING, updated_at__lte=now - INTERRUPTED_AFTER
        ).update(status=Notification.Status.FAILED, last_error=INTERRUPTED, updated_at=now)

        waiting = Notification.objects.filter(status=Notification.Status.PENDING, updated_at__lte=now - WAIT)
        outcomes = Counter()
        after = None
        while True:
            batch = waiting.order_by("created_at", "pk")
            if after is not None:
                # Keyset pagination: each row is read once in a run. A retried row is pending
                # again, and only its fresh updated_at keeps it out of `waiting`, which a
                # worker whose clock runs behind ours would not give it.
                created_at, pk = after
                batch = batch.filter(Q(created_at__gt=created_at) | Q(created_at=created_at, pk__gt=pk))
            rows = list(batch.values_list("created_at", "pk")[:batch_size])
            if not rows:
                break
            for _created_at, pk in rows:
                outcomes[deliver_notification(pk)] += 1
            after = rows[-1]

        self.stdout.write(
            f"Sent {outcomes[SENT]}, to retry {outcomes[RETRY]}, failed {outcomes[FAILED]}, "
            f"already taken {outcomes[SKIPPED]}; interrupted sends marked failed: {interrupted}."
        )
