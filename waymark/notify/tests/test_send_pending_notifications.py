"""The periodic job that sends what is still waiting: lost tasks and retries."""

from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from waymark.notify.management.commands.send_pending_notifications import INTERRUPTED
from waymark.notify.models import Notification
from waymark.notify.tests.helpers import notify_invitation
from waymark.testing import BaseTestCase


def stranded(address, minutes_ago):
    """A pending notification whose task never ran, made ``minutes_ago``."""
    notification = notify_invitation(to_address=address)
    then = timezone.now() - timedelta(minutes=minutes_ago)
    Notification.objects.filter(pk=notification.pk).update(created_at=then, updated_at=then)
    return notification


def run_command(*args):
    out = StringIO()
    call_command("send_pending_notifications", *args, stdout=out)
    return out.getvalue()


class SendPendingNotificationsTests(BaseTestCase):
    def test_it_sends_stranded_notifications_oldest_first(self):
        # execute=False: the transaction "commits" without running the tasks, as if the
        # enqueue had been lost.
        with self.captureOnCommitCallbacks(execute=False):
            newer = stranded("newer@example.org", minutes_ago=5)
            older = stranded("older@example.org", minutes_ago=50)
            oldest = stranded("oldest@example.org", minutes_ago=500)

        output = run_command("--batch-size", "2")

        self.assertEqual(
            [message.to[0] for message in mail.outbox],
            ["oldest@example.org", "older@example.org", "newer@example.org"],
        )
        self.assertIn("Sent 3,", output)
        for notification in (newer, older, oldest):
            notification.refresh_from_db()
            self.assertEqual(notification.status, Notification.Status.SENT)

    def test_it_leaves_fresh_notifications_to_their_own_task(self):
        with self.captureOnCommitCallbacks(execute=False):
            fresh = notify_invitation()

        output = run_command()

        self.assertIn("Sent 0,", output)
        self.assertEqual(mail.outbox, [])
        fresh.refresh_from_db()
        self.assertEqual(fresh.status, Notification.Status.PENDING)

    def test_it_leaves_sent_failed_and_cancelled_notifications_alone(self):
        with self.captureOnCommitCallbacks(execute=True):
            sent = notify_invitation()
            cancelled = notify_invitation(do_not_contact=True)
        failed = notify_invitation()
        Notification.objects.filter(pk=failed.pk).update(status=Notification.Status.FAILED)
        long_ago = timezone.now() - timedelta(hours=2)
        Notification.objects.update(created_at=long_ago, updated_at=long_ago)

        run_command()

        self.assertEqual(len(mail.outbox), 1)  # the first, sent by its task
        statuses = dict(Notification.objects.values_list("pk", "status"))
        self.assertEqual(statuses[sent.pk], Notification.Status.SENT)
        self.assertEqual(statuses[cancelled.pk], Notification.Status.CANCELLED)
        self.assertEqual(statuses[failed.pk], Notification.Status.FAILED)

    def test_it_fails_a_send_that_was_interrupted_rather_than_risk_sending_twice(self):
        with self.captureOnCommitCallbacks(execute=False):
            interrupted = notify_invitation()
            in_progress = notify_invitation()
        Notification.objects.filter(pk=interrupted.pk).update(
            status=Notification.Status.SENDING, updated_at=timezone.now() - timedelta(hours=1)
        )
        Notification.objects.filter(pk=in_progress.pk).update(status=Notification.Status.SENDING)

        output = run_command()

        self.assertIn("interrupted sends marked failed: 1", output)
        self.assertEqual(mail.outbox, [])
        interrupted.refresh_from_db()
        in_progress.refresh_from_db()
        self.assertEqual(interrupted.status, Notification.Status.FAILED)
        self.assertEqual(interrupted.last_error, INTERRUPTED)
        self.assertEqual(in_progress.status, Notification.Status.SENDING)
