"""Making a notification: after commit only, once per event, never to someone not to be contacted."""

from django.core import mail
from django.db import transaction
from django.test import override_settings

from waymark.notify.actions import DO_NOT_CONTACT, do_notify
from waymark.notify.channels import ChannelNotEnabled
from waymark.notify.models import Notification
from waymark.notify.tasks import SKIPPED, send_notification
from waymark.notify.tests.helpers import INVITATION_CONTEXT, notify_invitation
from waymark.testing import BaseTestCase


class DoNotifyTests(BaseTestCase):
    def test_it_sends_only_after_the_transaction_commits(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            notification = notify_invitation()
            self.assertEqual(mail.outbox, [])
            self.assertEqual(Notification.objects.get().status, Notification.Status.PENDING)

        self.assertEqual(len(callbacks), 1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["new.member@example.org"])
        notification.refresh_from_db()
        self.assertEqual(notification.status, Notification.Status.SENT)
        self.assertEqual(notification.attempts, 1)
        self.assertIsNotNone(notification.sent_at)

    def test_it_sends_nothing_when_the_transaction_rolls_back(self):
        class Oops(Exception):
            pass

        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(Oops), transaction.atomic():
            notify_invitation()
            raise Oops

        self.assertFalse(Notification.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_it_makes_one_notification_per_dedupe_key(self):
        with self.captureOnCommitCallbacks(execute=True):
            first = notify_invitation(dedupe_key="invitation:1")
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            second = notify_invitation(dedupe_key="invitation:1")

        self.assertEqual(second.pk, first.pk)
        self.assertEqual(callbacks, [])
        self.assertEqual(Notification.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_it_makes_separate_notifications_for_separate_events(self):
        with self.captureOnCommitCallbacks(execute=True):
            notify_invitation(dedupe_key="invitation:1")
            notify_invitation(dedupe_key="invitation:2")
            notify_invitation()
            notify_invitation()

        self.assertEqual(Notification.objects.count(), 4)
        self.assertEqual(len(mail.outbox), 4)

    def test_it_cancels_a_message_to_someone_not_to_be_contacted(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            notification = notify_invitation(do_not_contact=True)

        self.assertEqual(callbacks, [])
        self.assertEqual(mail.outbox, [])
        notification.refresh_from_db()
        self.assertEqual(notification.status, Notification.Status.CANCELLED)
        self.assertEqual(notification.last_error, DO_NOT_CONTACT)
        self.assertEqual(notification.context, {})
        # Even a task run by mistake sends nothing.
        self.assertEqual(send_notification.enqueue(notification.pk).return_value, SKIPPED)
        self.assertEqual(mail.outbox, [])

    def test_it_writes_to_a_users_address_in_their_language(self):
        self.caseworker.language = "fr"
        self.caseworker.save()
        with self.captureOnCommitCallbacks(execute=True):
            notification = do_notify(template="invitation", language=None, context={}, to_user=self.caseworker)

        self.assertEqual(notification.address, "caseworker@example.org")
        self.assertEqual(notification.language, "fr")
        self.assertEqual(notification.recipient, self.caseworker)
        self.assertEqual(mail.outbox[0].to, ["caseworker@example.org"])

    def test_it_falls_back_to_a_language_waymark_offers(self):
        with self.captureOnCommitCallbacks(execute=True):
            regional = notify_invitation(language="fr-CA")
            unknown = notify_invitation(language="xx")

        self.assertEqual(regional.language, "fr")
        self.assertEqual(unknown.language, "en")

    def test_it_refuses_a_channel_that_is_switched_off(self):
        with self.assertRaises(ChannelNotEnabled):
            notify_invitation(channel=Notification.Channel.SMS, to_address="+447700900123")
        self.assertFalse(Notification.objects.exists())

    @override_settings(NOTIFY_CHANNELS=[])
    def test_it_refuses_email_when_email_is_switched_off(self):
        with self.assertRaises(ChannelNotEnabled):
            notify_invitation()

    def test_it_refuses_a_notification_without_an_address(self):
        with self.assertRaises(ValueError):
            do_notify(template="invitation", language="en", context=INVITATION_CONTEXT)
        self.assertFalse(Notification.objects.exists())
