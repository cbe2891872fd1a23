"""Text messages: GOV.UK Notify and the console, the person's language and contact wishes,
sent once, retried after a provider error, and switched on and off by NOTIFY_SMS."""

import io
import json
import os
import runpy
from contextlib import redirect_stdout
from datetime import timedelta
from functools import partial
from unittest import mock

import requests
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, TransactionTestCase, override_settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from notifications_python_client.errors import HTTPError

import waymark.settings
from waymark.notify.actions import DO_NOT_CONTACT, do_notify, notify_person
from waymark.notify.channels import ChannelNotEnabled
from waymark.notify.models import Notification
from waymark.notify.tasks import SENT, SKIPPED, deliver_notification, send_notification
from waymark.people.models import Consent
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase, run_at_once

EMAIL = "waymark.notify.channels.EmailChannel"
GOVUK = "waymark.notify.channels.NotifySmsChannel"
CONSOLE = "waymark.notify.channels.ConsoleSmsChannel"
API_KEY = "waymark_test-11111111-2222-3333-4444-555555555555-66666666-7777-8888-9999-000000000000"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
PHONE = "+447700900123"
SETTINGS_FILE = waymark.settings.__file__

ACCEPTED = {"service_name": "Drop-in legal advice", "organisation_name": "Medlock Immigration Advice Centre"}

# A template that shows the language it was rendered in, with a sentence Django itself
# translates, so these tests see the recipient's language at work whatever Waymark's own
# catalogues hold (referral_accepted's sentence may not be translated yet).
LANGUAGE_TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {
                        "notify/sms_language_check/sms.txt": (
                            "{% load i18n %}{% get_current_language as code %}"
                            '{{ code }}: {% translate "This field is required." %}'
                        ),
                    },
                ),
                "django.template.loaders.app_directories.Loader",
            ],
        },
    }
]


def govuk_notify():
    """GOV.UK Notify's client replaced where channels.py imports it: no network."""
    return mock.patch("waymark.notify.channels.NotificationsAPIClient", autospec=True)


def provider_error(status, text):
    """The client's HTTPError as it raises it, with the API's JSON reply."""
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps({"status_code": status, "errors": [{"error": "Error", "message": text}]}).encode()
    return HTTPError(response)


@override_settings(
    NOTIFY_CHANNELS=[EMAIL, GOVUK], GOVUK_NOTIFY_API_KEY=API_KEY, GOVUK_NOTIFY_SMS_TEMPLATE_ID=TEMPLATE_ID
)
class GovukNotifyTests(BaseTestCase):
    def make_textable(self, **details):
        """A person who may be texted: a phone, "we may text them", consent to be contacted."""
        return make_person(
            self.hub_org, by=self.caseworker, contact_consent=True, **{"phone": PHONE, "may_text": True, **details}
        )

    def text(self, person, dedupe_key="referral-accepted-sms:1", template="referral_accepted", context=ACCEPTED):
        return notify_person(person, template=template, context=context, dedupe_key=dedupe_key)

    def test_it_sends_the_message_through_govuk_notify(self):
        person = self.make_textable()

        with govuk_notify() as client_class, self.captureOnCommitCallbacks(execute=True):
            notification = self.text(person)

        client_class.assert_called_once_with(API_KEY)
        client_class.return_value.send_sms_notification.assert_called_once_with(
            phone_number=PHONE,
            template_id=TEMPLATE_ID,
            personalisation={
                "body": "Waymark: Medlock Immigration Advice Centre has accepted your referral to "
                "Drop-in legal advice. They will be in touch."
            },
        )
        notification.refresh_from_db()
        self.assertEqual(notification.channel, Notification.Channel.SMS)
        self.assertEqual(notification.status, Notification.Status.SENT)
        self.assertEqual(notification.address, PHONE)
        self.assertIsNone(notification.recipient)

    def test_it_writes_in_the_language_the_person_asked_to_be_contacted_in(self):
        with translation.override("fr"):
            required_fr = gettext("This field is required.")
        with translation.override("ar"):
            required_ar = gettext("This field is required.")
        self.assertNotEqual(required_fr, "This field is required.")  # the check below means something
        people = {
            "contact language": (self.make_textable(contact_language="fr", languages=["ar"]), "fr", required_fr),
            # Somali has no messages in Waymark: the first language it has is used.
            "first language offered": (self.make_textable(languages=["so", "ar"]), "ar", required_ar),
            "nothing known": (self.make_textable(), "en", "This field is required."),
        }

        with (
            override_settings(TEMPLATES=LANGUAGE_TEMPLATES),
            govuk_notify() as client_class,
            self.captureOnCommitCallbacks(execute=True),
        ):
            for label, (person, _code, _text) in people.items():
                self.text(person, dedupe_key=f"language:{label}", template="sms_language_check", context={})

        calls = client_class.return_value.send_sms_notification.call_args_list
        sent = [call.kwargs["personalisation"]["body"] for call in calls]
        for label, (_person, code, text) in people.items():
            with self.subTest(label):
                notification = Notification.objects.get(dedupe_key=f"language:{label}")
                self.assertEqual(notification.language, code)
                self.assertIn(f"{code}: {text}", sent)
        # The sender's own language is left alone.
        self.assertEqual(translation.get_language(), "en")

    def test_it_renders_referral_accepted_in_the_persons_language(self):
        person = self.make_textable(contact_language="fr")

        with govuk_notify() as client_class, self.captureOnCommitCallbacks(execute=True):
            notification = self.text(person)

        self.assertEqual(notification.language, "fr")
        body = client_class.return_value.send_sms_notification.call_args.kwargs["personalisation"]["body"]
        with translation.override("fr"):
            sentence = (
                gettext("%(organisation_name)s has accepted your referral to %(service_name)s. They will be in touch.")
                % ACCEPTED
            )
        # Until the French catalogue has this sentence, gettext gives the English one back;
        # either way the message is what French gives.
        self.assertEqual(body, f"Waymark: {sentence}")

    def test_it_never_texts_someone_who_must_not_be_contacted(self):
        withdrawn = self.make_textable()
        Consent.objects.filter(person=withdrawn, purpose=Consent.Purpose.CONTACT_WELFARE).update(
            withdrawn_at=timezone.now(), withdrawn_by=self.caseworker
        )
        expired = self.make_textable()
        Consent.objects.filter(person=expired, purpose=Consent.Purpose.CONTACT_WELFARE).update(
            expires_at=timezone.now() - timedelta(days=1)
        )
        anonymised = self.make_textable()
        anonymised.anonymised_at = timezone.now()
        anonymised.save(update_fields=["anonymised_at"])
        people = {
            "do not contact": self.make_textable(do_not_contact=True),
            "may not text": self.make_textable(may_text=False),
            "no consent to be contacted": make_person(
                self.hub_org, by=self.caseworker, contact_consent=False, phone=PHONE, may_text=True
            ),
            "consent withdrawn": withdrawn,
            "consent expired": expired,
            "anonymised": anonymised,
        }

        with govuk_notify() as client_class, self.captureOnCommitCallbacks(execute=True):
            for label, person in people.items():
                self.text(person, dedupe_key=f"dnc:{label}")

        client_class.return_value.send_sms_notification.assert_not_called()
        for label in people:
            with self.subTest(label):
                notification = Notification.objects.get(dedupe_key=f"dnc:{label}")
                self.assertEqual(notification.status, Notification.Status.CANCELLED)
                self.assertEqual(notification.last_error, DO_NOT_CONTACT)
                self.assertEqual(notification.context, {})
                # The task and the retry command both leave a cancelled row alone.
                self.assertEqual(deliver_notification(notification.pk), SKIPPED)
        client_class.return_value.send_sms_notification.assert_not_called()

    def test_it_makes_nothing_for_someone_without_a_phone_number(self):
        person = make_person(self.hub_org, by=self.caseworker, contact_consent=True, may_text=True)

        with govuk_notify() as client_class, self.captureOnCommitCallbacks(execute=True):
            self.assertIsNone(self.text(person))

        self.assertFalse(Notification.objects.exists())
        client_class.assert_not_called()

    def test_it_texts_once_for_one_event(self):
        person = self.make_textable()

        with govuk_notify() as client_class:
            with self.captureOnCommitCallbacks(execute=True):
                first = self.text(person)
            with self.captureOnCommitCallbacks(execute=True):
                second = self.text(person)
            # The task run again (a worker retrying it, or the retry command) sends nothing.
            self.assertEqual(send_notification.call(first.pk), SKIPPED)

        self.assertEqual(first.pk, second.pk)
        self.assertEqual(Notification.objects.count(), 1)
        client_class.return_value.send_sms_notification.assert_called_once()

    def test_it_retries_after_a_provider_error_and_keeps_the_number_out_of_the_error(self):
        person = self.make_textable()

        with govuk_notify() as client_class:
            send = client_class.return_value.send_sms_notification
            send.side_effect = [provider_error(500, f"Internal server error sending to {PHONE}"), None]
            with self.captureOnCommitCallbacks(execute=True):
                notification = self.text(person)

            notification.refresh_from_db()
            self.assertEqual(notification.status, Notification.Status.PENDING)
            self.assertEqual(notification.attempts, 1)
            self.assertEqual(notification.last_error, "HTTPError")
            self.assertNotIn("7700", notification.last_error)

            # What send_pending_notifications does for a pending row.
            self.assertEqual(deliver_notification(notification.pk), SENT)

        self.assertEqual(send.call_count, 2)
        notification.refresh_from_db()
        self.assertEqual(notification.status, Notification.Status.SENT)
        self.assertEqual(notification.attempts, 2)
        self.assertEqual(notification.last_error, "")

    @override_settings(NOTIFY_MAX_ATTEMPTS=2)
    def test_it_gives_up_after_the_last_attempt(self):
        person = self.make_textable()

        with govuk_notify() as client_class:
            client_class.return_value.send_sms_notification.side_effect = provider_error(
                400, f"phone_number {PHONE} is not a valid mobile number"
            )
            with self.captureOnCommitCallbacks(execute=True):
                notification = self.text(person)
            self.assertEqual(deliver_notification(notification.pk), "failed")

        notification.refresh_from_db()
        self.assertEqual(notification.status, Notification.Status.FAILED)
        self.assertEqual(notification.last_error, "HTTPError")


class SwitchedOffTests(BaseTestCase):
    @override_settings(NOTIFY_CHANNELS=[EMAIL])
    def test_it_makes_nothing_when_text_messages_are_off(self):
        person = make_person(self.hub_org, by=self.caseworker, contact_consent=True, phone=PHONE, may_text=True)

        with self.captureOnCommitCallbacks(execute=True):
            self.assertIsNone(notify_person(person, template="referral_accepted", context=ACCEPTED, dedupe_key="x"))
        with self.assertRaises(ChannelNotEnabled):
            do_notify(
                template="referral_accepted",
                language="en",
                context=ACCEPTED,
                to_address=PHONE,
                channel=Notification.Channel.SMS,
            )

        self.assertFalse(Notification.objects.exists())

    @override_settings(NOTIFY_CHANNELS=[EMAIL, CONSOLE])
    def test_the_console_channel_prints_the_message(self):
        person = make_person(
            self.hub_org, by=self.caseworker, contact_consent=True, phone=PHONE, may_text=True, contact_language="ar"
        )
        printed = io.StringIO()

        with redirect_stdout(printed), self.captureOnCommitCallbacks(execute=True):
            notification = notify_person(person, template="referral_accepted", context=ACCEPTED, dedupe_key="x")

        self.assertIn(f"Text message to {PHONE} (language: ar)", printed.getvalue())
        self.assertIn("Drop-in legal advice", printed.getvalue())
        notification.refresh_from_db()
        self.assertEqual(notification.status, Notification.Status.SENT)


@override_settings(
    NOTIFY_CHANNELS=[EMAIL, GOVUK], GOVUK_NOTIFY_API_KEY=API_KEY, GOVUK_NOTIFY_SMS_TEMPLATE_ID=TEMPLATE_ID
)
class SendAtOnceTests(TransactionTestCase):
    def test_it_texts_once_when_two_workers_take_the_same_message_at_once(self):
        notification = Notification.objects.create(
            channel=Notification.Channel.SMS,
            template="referral_accepted",
            language="en",
            address=PHONE,
            context=ACCEPTED,
        )

        with govuk_notify() as client_class:
            outcomes = run_at_once(
                partial(send_notification.call, notification.pk),
                partial(send_notification.call, notification.pk),
            )

        self.assertCountEqual(outcomes, [SENT, SKIPPED])
        client_class.return_value.send_sms_notification.assert_called_once()
        notification.refresh_from_db()
        self.assertEqual(notification.status, Notification.Status.SENT)
        self.assertEqual(notification.attempts, 1)


def settings_with(**environment):
    """waymark/settings.py as it reads ``environment`` (on top of the real one)."""
    environment = {"DEBUG": "1", **environment}
    cleared = ("NOTIFY_SMS", "GOVUK_NOTIFY_API_KEY", "GOVUK_NOTIFY_API_KEY_FILE", "GOVUK_NOTIFY_SMS_TEMPLATE_ID")
    with mock.patch.dict(os.environ):
        for name in cleared:
            os.environ.pop(name, None)
        os.environ.update(environment)
        return runpy.run_path(SETTINGS_FILE)


class SettingsTests(SimpleTestCase):
    PRODUCTION = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "FIELD_ENCRYPTION_KEYS": "ZGV2LW9ubHktaW5zZWN1cmUtZmllbGQta2V5LTAwMDA=",
        "BLIND_INDEX_KEY": "y" * 40,
        "EMAIL_URL": "smtp://mail.example.org:587",
    }

    def test_text_messages_go_to_the_console_in_development_and_are_off_in_production(self):
        self.assertEqual(settings_with()["NOTIFY_CHANNELS"], [EMAIL, CONSOLE])
        self.assertEqual(settings_with(**self.PRODUCTION)["NOTIFY_CHANNELS"], [EMAIL])

    def test_notify_sms_off_leaves_no_sms_channel(self):
        self.assertEqual(settings_with(NOTIFY_SMS="off")["NOTIFY_CHANNELS"], [EMAIL])

    def test_govuk_needs_an_api_key_and_a_template(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "GOVUK_NOTIFY_API_KEY is not set"):
            settings_with(**self.PRODUCTION, NOTIFY_SMS="govuk", GOVUK_NOTIFY_SMS_TEMPLATE_ID=TEMPLATE_ID)
        with self.assertRaisesMessage(ImproperlyConfigured, "GOVUK_NOTIFY_SMS_TEMPLATE_ID is not set"):
            settings_with(**self.PRODUCTION, NOTIFY_SMS="govuk", GOVUK_NOTIFY_API_KEY=API_KEY)

        govuk = {"NOTIFY_SMS": "govuk", "GOVUK_NOTIFY_API_KEY": API_KEY, "GOVUK_NOTIFY_SMS_TEMPLATE_ID": TEMPLATE_ID}
        configured = settings_with(**self.PRODUCTION, **govuk)
        self.assertEqual(configured["NOTIFY_CHANNELS"], [EMAIL, GOVUK])
        self.assertEqual(configured["GOVUK_NOTIFY_API_KEY"], API_KEY)

    def test_an_unknown_value_stops_start_up(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "NOTIFY_SMS must be off, console or govuk, not 'twilio'"):
            settings_with(NOTIFY_SMS="twilio")
