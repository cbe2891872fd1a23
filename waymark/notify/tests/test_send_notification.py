"""Sending: in the recipient's language, once, retried after a failure, failed in the end."""

import smtplib
from unittest import mock

from django.core import mail
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from waymark.notify.channels import EmailChannel
from waymark.notify.models import Notification
from waymark.notify.tasks import FAILED, RETRY, SENT, SKIPPED, deliver_notification, send_notification
from waymark.notify.tests.helpers import INVITATION_CONTEXT, TEST_TEMPLATES, notify_invitation
from waymark.testing import BaseTestCase


def refused_once():
    """A replacement for EmailChannel.send whose first call fails the way SMTP servers do."""
    real_send = EmailChannel.send
    calls = []

    def send(channel, message):
        calls.append(message)
        if len(calls) == 1:
            # Servers quote the address in their reply; it must not end up in last_error.
            raise smtplib.SMTPResponseException(451, f"4.3.0 <{message.to}> try again later")
        real_send(channel, message)

    return mock.patch.object(EmailChannel, "send", autospec=True, side_effect=send)


def always_refused():
    error = smtplib.SMTPResponseException(421, "service not available")
    return mock.patch.object(EmailChannel, "send", autospec=True, side_effect=error)


def translated(language, text):
    # Read from the catalogues rather than written out, so a catalogue update cannot break
    # the test; test_it_writes_in_the_recipients_language checks they differ from English.
    with translation.override(language):
        return gettext(text)


REQUIRED = "This field is required."
INVALID_EMAIL = "Enter a valid email address."


@override_settings(TEMPLATES=TEST_TEMPLATES)
class LanguageTests(BaseTestCase):
    def test_it_writes_in_the_recipients_language(self):
        languages = ("en", "fr", "ar", "uk")
        with self.captureOnCommitCallbacks(execute=True):
            for language in languages:
                notify_invitation(template="language_check", language=language, to_address=f"{language}@example.org")

        sent = {message.to[0]: message for message in mail.outbox}
        self.assertEqual(sent["en@example.org"].subject, REQUIRED)
        self.assertEqual(len({sent[f"{language}@example.org"].subject for language in languages}), 4)
        for language in languages:
            with self.subTest(language=language):
                message = sent[f"{language}@example.org"]
                self.assertEqual(message.subject, translated(language, REQUIRED))
                self.assertIn(f"{language}: {translated(language, INVALID_EMAIL)}", message.body)
                self.assertEqual(message.extra_headers["Content-Language"], language)

    def test_it_leaves_the_senders_language_alone(self):
        with translation.override("ar"):
            with self.captureOnCommitCallbacks(execute=True):
                notify_invitation(template="language_check", language="fr")
            # The task ran on leaving captureOnCommitCallbacks, and put the sender's
            # language back when it was done.
            self.assertEqual(len(mail.outbox), 1)
            self.assertEqual(translation.get_language(), "ar")

        self.assertEqual(mail.outbox[0].subject, translated("fr", REQUIRED))

    def test_it_translates_lazy_labels_in_the_context_into_the_recipients_language(self):
        # A lazy label (as a Role label is) is stored as its source text, whatever language
        # is active when the message is made, and translated when the message is written.
        context = {**INVITATION_CONTEXT, "roles": [gettext_lazy(REQUIRED)]}
        with translation.override("uk"), self.captureOnCommitCallbacks(execute=True):
            notification = notify_invitation(language="fr", context=context)

        notification.refresh_from_db()
        self.assertEqual(notification.context["roles"], [REQUIRED])
        self.assertIn(f"- {translated('fr', REQUIRED)}\n", mail.outbox[0].body)
        self.assertNotEqual(translated("fr", REQUIRED), REQUIRED)


class SendOnceTests(BaseTestCase):
    def test_it_sends_once_when_the_task_runs_twice(self):
        with self.captureOnCommitCallbacks(execute=True):
            notification = notify_invitation()

        second_run = send_notification.enqueue(notification.pk)

        self.assertEqual(second_run.return_value, SKIPPED)
        self.assertEqual(len(mail.outbox), 1)
        notification.refresh_from_db()
        self.assertEqual(notification.attempts, 1)

    def test_it_leaves_a_notification_another_worker_has_claimed(self):
        with self.captureOnCommitCallbacks(execute=False):
            notification = notify_invitation()
        Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.SENDING)

        self.assertEqual(deliver_notification(notification.pk), SKIPPED)
        self.assertEqual(mail.outbox, [])


class RetryTests(BaseTestCase):
    def test_it_puts_a_failed_attempt_back_for_a_retry(self):
        with refused_once(), self.captureOnCommitCallbacks(execute=True):
            notification = notify_invitation()

        notification.refresh_from_db()
        self.assertEqual(notification.status, Notification.Status.PENDING)
        self.assertEqual(notification.attempts, 1)
        self.assertEqual(notification.last_error, "SMTPResponseException (SMTP 451)")
        self.assertNotIn("example.org", notification.last_error)
        self.assertEqual(mail.outbox, [])

    def test_it_sends_on_the_retry(self):
        with refused_once():
            with self.captureOnCommitCallbacks(execute=True):
                notification = notify_invitation()
            outcome = deliver_notification(notification.pk)

        self.assertEqual(outcome, SENT)
        self.assertEqual(len(mail.outbox), 1)
        notification.refresh_from_db()
        self.assertEqual(notification.status, Notification.Status.SENT)
        self.assertEqual(notification.attempts, 2)
        self.assertEqual(notification.last_error, "")

    @override_settings(NOTIFY_MAX_ATTEMPTS=3)
    def test_it_gives_up_after_the_last_attempt(self):
        with always_refused():
            with self.captureOnCommitCallbacks(execute=True):
                notification = notify_invitation()
            outcomes = [deliver_notification(notification.pk) for _ in range(3)]

        self.assertEqual(outcomes, [RETRY, FAILED, SKIPPED])
        notification.refresh_from_db()
        self.assertEqual(notification.status, Notification.Status.FAILED)
        self.assertEqual(notification.attempts, 3)
        self.assertEqual(notification.last_error, "SMTPResponseException (SMTP 421)")
        self.assertIsNone(notification.sent_at)
        self.assertEqual(mail.outbox, [])

    def test_it_fails_at_once_when_the_template_is_missing(self):
        with self.captureOnCommitCallbacks(execute=True):
            notification = notify_invitation(template="no-such-message")

        notification.refresh_from_db()
        self.assertEqual(notification.status, Notification.Status.FAILED)
        self.assertEqual(notification.attempts, 1)
        self.assertEqual(notification.last_error, "TemplateDoesNotExist")

    def test_it_fails_at_once_when_the_channel_was_switched_off(self):
        with self.captureOnCommitCallbacks(execute=False):
            notification = notify_invitation()

        with override_settings(NOTIFY_CHANNELS=[]):
            self.assertEqual(deliver_notification(notification.pk), FAILED)

        notification.refresh_from_db()
        self.assertEqual(notification.status, Notification.Status.FAILED)
        self.assertEqual(notification.last_error, "ChannelNotEnabled")
        self.assertEqual(mail.outbox, [])
