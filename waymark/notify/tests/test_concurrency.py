"""Never twice, with real concurrency: workers in threads of their own, each on its own connection.

These run on whatever DATABASE_URL names (a database file on SQLite, never the in-memory
database, so that threads really compete for it).
"""

from functools import partial

from django.core import mail
from django.test import TransactionTestCase

from waymark.notify.models import Notification
from waymark.notify.tasks import SENT, SKIPPED, send_notification
from waymark.notify.tests.helpers import notify_invitation
from waymark.testing import run_at_once

ROUNDS = 3


class SendAtOnceTests(TransactionTestCase):
    def test_it_sends_once_when_two_workers_take_the_same_notification_at_once(self):
        for round_number in range(ROUNDS):
            with self.subTest(round=round_number):
                # Made outside a transaction with nothing to run it: it waits, pending.
                notification = Notification.objects.create(
                    template="invitation",
                    language="en",
                    address=f"round{round_number}@example.org",
                    context={"organisation_name": "Croal Valley", "invited_by_name": "Cora", "accept_url": "x"},
                )
                mail.outbox.clear()

                outcomes = run_at_once(
                    partial(send_notification.call, notification.pk),
                    partial(send_notification.call, notification.pk),
                )

                self.assertCountEqual(outcomes, [SENT, SKIPPED])
                self.assertEqual([message.to for message in mail.outbox], [[notification.address]])
                notification.refresh_from_db()
                self.assertEqual(notification.status, Notification.Status.SENT)
                self.assertEqual(notification.attempts, 1)


class NotifyAtOnceTests(TransactionTestCase):
    def test_it_makes_one_notification_when_two_requests_make_the_same_one_at_once(self):
        for round_number in range(ROUNDS):
            with self.subTest(round=round_number):
                key = f"invitation:round-{round_number}"
                mail.outbox.clear()

                outcomes = run_at_once(
                    partial(notify_invitation, dedupe_key=key),
                    partial(notify_invitation, dedupe_key=key),
                )

                self.assertTrue(all(isinstance(outcome, Notification) for outcome in outcomes), outcomes)
                self.assertEqual(outcomes[0].pk, outcomes[1].pk)
                self.assertEqual(Notification.objects.filter(dedupe_key=key).count(), 1)
                # Only the request that made it sends it (the tests run tasks at once, after commit).
                self.assertEqual(len(mail.outbox), 1)
                self.assertEqual(Notification.objects.get(dedupe_key=key).status, Notification.Status.SENT)
