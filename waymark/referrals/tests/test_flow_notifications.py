"""Notifications from the referral flow: sent once, in each recipient's language, carrying
nothing about the person, and never to a person who is not to be contacted (the text message
when a referral is accepted)."""

import io
from contextlib import redirect_stdout

from django.core import mail
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

from waymark.accounts.models import Role
from waymark.notify.actions import DO_NOT_CONTACT
from waymark.notify.models import Notification
from waymark.notify.tasks import SKIPPED, deliver_notification
from waymark.people.tests.helpers import make_person
from waymark.referrals import flow
from waymark.referrals.access import get_referral_for_user
from waymark.referrals.models import DeclineReason, Referral
from waymark.referrals.tests.helpers import ReferralWorld
from waymark.testing import BaseTestCase, make_member

EMAIL = "waymark.notify.channels.EmailChannel"
CONSOLE = "waymark.notify.channels.ConsoleSmsChannel"
PHONE = "+447700900123"


class ReferralNotificationTests(ReferralWorld, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_world()
        cls.french_receiver = make_member("fr@law.test", cls.receiver, roles=[Role.COORDINATOR])
        cls.french_receiver.language = "fr"
        cls.french_receiver.save(update_fields=["language"])

    def send(self, service=None):
        with self.captureOnCommitCallbacks(execute=True):
            return self.sent(service)

    def mails_to(self, address):
        return [message for message in mail.outbox if message.to == [address]]

    def test_the_receivers_answering_members_are_told_once_each(self):
        referral = self.send()
        notifications = Notification.objects.filter(template="referral_new")
        self.assertEqual(
            sorted(notification.recipient.email for notification in notifications), ["case@law.test", "fr@law.test"]
        )
        self.assertEqual(len(self.mails_to("case@law.test")), 1)
        self.assertEqual(self.mails_to("vol@law.test"), [])  # no case role
        self.assertEqual(self.mails_to("case@salford.test"), [])
        message = self.mails_to("case@law.test")[0]
        self.assertEqual(message.subject, "New referral to Asylum appeals clinic")
        self.assertIn(str(referral.uuid), message.body)
        self.assertIn("Croal Hub Charity", message.body)
        self.assertNotIn("Amina", message.body)

        # Running the sending task again (a retry, a second worker) sends nothing more.
        for notification in notifications:
            self.assertEqual(deliver_notification(notification.pk), SKIPPED)
        self.assertEqual(len(self.mails_to("case@law.test")), 1)

    def test_in_each_recipients_language(self):
        self.send()
        french = Notification.objects.get(template="referral_new", recipient=self.french_receiver)
        self.assertEqual(french.language, "fr")
        english = Notification.objects.get(template="referral_new", recipient=self.receiver_caseworker)
        self.assertEqual(english.language, "en")

        message = self.mails_to("fr@law.test")[0]
        self.assertEqual(message.extra_headers.get("Content-Language"), "fr")
        # Rendered under French: the greeting is translated; the subject is whatever the
        # French catalogue holds for it (English until it is translated).
        self.assertTrue(message.body.startswith("Bonjour,"), message.body)
        with translation.override("fr"):
            subject = gettext("New referral to %(service_name)s") % {"service_name": "Asylum appeals clinic"}
        self.assertEqual(message.subject, subject)
        self.assertTrue(self.mails_to("case@law.test")[0].body.startswith("Hello,"))

    def test_the_sender_is_told_in_their_language_once_however_often_it_is_opened(self):
        self.caseworker.language = "ar"
        self.caseworker.save(update_fields=["language"])
        referral = self.send()
        with self.captureOnCommitCallbacks(execute=True):
            get_referral_for_user(self.receiver_caseworker, referral.uuid, self.receiver)
        with self.captureOnCommitCallbacks(execute=True):
            get_referral_for_user(self.french_receiver, referral.uuid, self.receiver)
        told = Notification.objects.filter(template="referral_update", recipient=self.caseworker)
        self.assertEqual(told.count(), 1)
        self.assertEqual(told.get().language, "ar")
        messages = self.mails_to("case@croal.test")
        self.assertEqual(len(messages), 1)
        self.assertTrue(messages[0].body.startswith("مرحبًا،"), messages[0].body)

    def test_every_answer_reaches_the_sender(self):
        for answer, word in (
            (lambda r, who: flow.do_accept(r, **who), "accepted"),
            (lambda r, who: flow.do_decline(r, reason=DeclineReason.NO_CAPACITY, **who), "declined"),
            (lambda r, who: flow.do_redirect(r, to_service=self.surgery, **who), "redirected"),
        ):
            with self.subTest(word=word):
                mail.outbox.clear()
                referral = self.send()
                with self.captureOnCommitCallbacks(execute=True):
                    answer(referral, {"acting_user": self.receiver_caseworker, "organisation": self.receiver})
                subjects = [message.subject for message in self.mails_to("case@croal.test")]
                self.assertEqual(len(subjects), 1, subjects)
                self.assertTrue(subjects[0].endswith(word), subjects)

    def test_a_withdrawal_reaches_the_receiver(self):
        referral = self.send()
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            flow.do_withdraw(referral, acting_user=self.caseworker, organisation=self.sender)
        self.assertEqual(
            [message.subject for message in self.mails_to("case@law.test")],
            ["Referral to Asylum appeals clinic withdrawn"],
        )

    def test_a_withdrawn_letter_is_withdrawn_at_the_service_too(self):
        referral = self.send(self.food_bank)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            flow.do_withdraw(referral, acting_user=self.caseworker, organisation=self.sender)
        [message] = self.mails_to("help@food.test")
        self.assertEqual(message.subject, "Referral to Wigan Food Bank withdrawn")
        self.assertNotIn("Amina", message.body)
        self.assertNotIn("/referrals/", message.body)

    def test_a_letter_goes_to_the_service_in_the_sites_language(self):
        referral = self.send(self.food_bank)
        letter = Notification.objects.get(template="referral_letter")
        self.assertEqual((letter.language, letter.recipient), ("en", None))
        [message] = self.mails_to("help@food.test")
        self.assertEqual(message.subject, "Referral to Wigan Food Bank from Croal Hub Charity")
        self.assertIn("/r/", message.body)
        self.assertNotIn("Amina", message.body)
        # Nobody at an organisation on Waymark is told: there is none.
        self.assertEqual(Notification.objects.filter(template="referral_new").count(), 0)
        self.assertEqual(referral.delivery, Referral.Delivery.LETTER)


@override_settings(NOTIFY_CHANNELS=[EMAIL, CONSOLE])
class AcceptanceTextTests(ReferralWorld, BaseTestCase):
    """The person is texted when a service accepts their referral, if they may be texted."""

    @classmethod
    def setUpTestData(cls):
        cls.build_world()

    def person_with(self, **details):
        return make_person(
            self.sender, "Amina", by=self.caseworker, phone=PHONE, may_text=True, contact_consent=True, **details
        )

    def accept(self, person):
        referral = self.sent(person=person)
        out = io.StringIO()
        with redirect_stdout(out), self.captureOnCommitCallbacks(execute=True):
            flow.do_accept(referral, acting_user=self.receiver_caseworker, organisation=self.receiver)
        return referral, out.getvalue()

    def text_for(self, referral):
        return Notification.objects.get(dedupe_key=f"referral-accepted-sms:{referral.uuid}")

    def test_a_person_who_may_be_texted_gets_one_text_in_their_language(self):
        referral, printed = self.accept(self.person_with(languages=["ar"]))
        text = self.text_for(referral)
        self.assertEqual((text.channel, text.status, text.language), ("sms", "sent", "ar"))
        self.assertIn(f"Text message to {PHONE} (language: ar)", printed)
        self.assertIn("Asylum appeals clinic", printed)
        self.assertNotIn("Amina", printed)
        # The same event again makes no second text.
        out = io.StringIO()
        with redirect_stdout(out), self.captureOnCommitCallbacks(execute=True):
            flow._text_person(Referral.objects.select_related("person", "service__organization").get(pk=referral.pk))
        self.assertEqual(out.getvalue(), "")
        self.assertEqual(Notification.objects.filter(channel="sms").count(), 1)

    def test_never_to_a_person_who_is_not_to_be_contacted(self):
        for details in ({"do_not_contact": True}, {"may_text": False}):
            with self.subTest(details=details):
                fields = {"may_text": True, **details}
                person = make_person(
                    self.sender, "Amina", by=self.caseworker, phone=PHONE, contact_consent=True, **fields
                )
                referral, printed = self.accept(person)
                self.assertEqual(Referral.objects.get(pk=referral.pk).state, Referral.State.ACCEPTED)
                text = self.text_for(referral)
                self.assertEqual((text.status, text.last_error, text.context), ("cancelled", DO_NOT_CONTACT, {}))
                self.assertIsNone(text.sent_at)
                self.assertEqual(printed, "")

    def test_no_consent_to_be_contacted_no_text(self):
        person = make_person(self.sender, "Amina", by=self.caseworker, phone=PHONE, may_text=True)
        referral, printed = self.accept(person)
        self.assertEqual(self.text_for(referral).status, "cancelled")
        self.assertEqual(printed, "")

    @override_settings(NOTIFY_CHANNELS=[EMAIL])
    def test_with_text_messages_switched_off_the_acceptance_goes_ahead(self):
        referral, printed = self.accept(self.person_with())
        self.assertEqual(Referral.objects.get(pk=referral.pk).state, Referral.State.ACCEPTED)
        self.assertFalse(Notification.objects.filter(channel="sms").exists())
        self.assertEqual(printed, "")
