"""Deadlines with a frozen clock: the ``expire_referrals`` job reminds the receiver the working
day before the deadline, once, and returns an unanswered referral to its sender as "no
response" after the deadline, telling the sender once, however often it runs."""

import datetime as dt
import io
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command

from waymark.audit.models import Event
from waymark.notify.models import Notification
from waymark.referrals import flow
from waymark.referrals.models import Referral
from waymark.referrals.tests.helpers import ReferralWorld
from waymark.testing import BaseTestCase

LONDON = ZoneInfo("Europe/London")
SENT_AT = dt.datetime(2026, 12, 23, 10, 0, tzinfo=LONDON)  # Wednesday before Christmas
DUE = dt.datetime(2027, 1, 4, 17, 0, tzinfo=LONDON)  # five working days later
REMIND_AT = dt.datetime(2026, 12, 31, 9, 0, tzinfo=LONDON)  # the working day before, 09:00


@contextmanager
def clock(at):
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


class ExpireReferralsTests(ReferralWorld, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_world()

    def setUp(self):
        with clock(SENT_AT), self.captureOnCommitCallbacks(execute=True):
            self.referral = self.sent()
            self.letter = self.sent(self.food_bank)
        mail.outbox.clear()

    def run_job(self, at):
        out = io.StringIO()
        with clock(at), self.captureOnCommitCallbacks(execute=True):
            call_command("expire_referrals", stdout=out)
        return out.getvalue()

    def state(self, referral):
        return Referral.objects.get(pk=referral.pk).state

    def subjects_to(self, address):
        return [message.subject for message in mail.outbox if message.to == [address]]

    def test_the_deadline_was_set_from_the_frozen_clock(self):
        self.assertEqual(self.referral.sent_at, SENT_AT)
        self.assertEqual(self.referral.respond_by, DUE)
        self.assertEqual(self.letter.respond_by, DUE)

    def test_nothing_happens_before_the_reminder_is_due(self):
        output = self.run_job(REMIND_AT - dt.timedelta(minutes=1))
        self.assertIn("0 referrals returned as not answered; 0 reminders sent.", output)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(self.state(self.referral), Referral.State.SENT)

    def test_the_receiver_is_reminded_once_and_a_letters_sender_is_asked_to_chase(self):
        output = self.run_job(REMIND_AT + dt.timedelta(minutes=10))
        self.assertIn("0 referrals returned as not answered; 2 reminders sent.", output)
        self.assertEqual(self.subjects_to("case@law.test"), ["A referral to Asylum appeals clinic needs an answer"])
        self.assertEqual(self.subjects_to("case@croal.test"), ["Has Wigan Food Bank answered your referral?"])
        # The receiver's volunteer (no case role) and the food bank itself are not reminded.
        self.assertEqual(self.subjects_to("vol@law.test"), [])
        self.assertEqual(self.subjects_to("help@food.test"), [])
        body = next(message.body for message in mail.outbox if message.to == ["case@law.test"])
        self.assertIn("2027-01-04 17:00", body)
        self.assertNotIn("Amina", body)

        self.run_job(REMIND_AT + dt.timedelta(hours=3))
        self.run_job(DUE - dt.timedelta(minutes=1))
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(self.state(self.referral), Referral.State.SENT)

    def test_not_expired_just_before_the_deadline(self):
        self.run_job(DUE - dt.timedelta(seconds=1))
        self.assertEqual(self.state(self.referral), Referral.State.SENT)
        self.assertFalse(Referral.objects.get(pk=self.referral.pk).is_overdue(DUE - dt.timedelta(seconds=1)))

    def test_after_the_deadline_it_returns_to_the_sender_once(self):
        self.assertTrue(Referral.objects.get(pk=self.referral.pk).is_overdue(DUE + dt.timedelta(seconds=1)))
        output = self.run_job(DUE + dt.timedelta(minutes=5))
        self.assertIn("2 referrals returned as not answered", output)
        for referral in (self.referral, self.letter):
            row = Referral.objects.get(pk=referral.pk)
            self.assertEqual(row.state, Referral.State.NO_RESPONSE)
            self.assertEqual(row.closed_at, DUE + dt.timedelta(minutes=5))
            last = row.events.last()
            self.assertEqual((last.from_state, last.to_state, last.by), ("sent", "no_response", None))
        expected = [
            "Your referral to Asylum appeals clinic: not answered in time",
            "Your referral to Wigan Food Bank: not answered in time",
        ]
        self.assertEqual(sorted(self.subjects_to("case@croal.test")), expected)

        # The job runs every 15 minutes: nothing more is sent, moved or recorded.
        events = Event.objects.filter(action="referral.expire").count()
        output = self.run_job(DUE + dt.timedelta(minutes=20))
        self.assertIn("0 referrals returned as not answered; 0 reminders sent.", output)
        self.assertEqual(sorted(self.subjects_to("case@croal.test")), expected)
        self.assertEqual(Event.objects.filter(action="referral.expire").count(), events)
        self.assertEqual(
            Notification.objects.filter(template="referral_update", dedupe_key__startswith="referral-expired").count(),
            2,
        )

    def test_an_answered_referral_is_left_alone(self):
        flow.do_accept(self.referral, acting_user=self.receiver_caseworker, organisation=self.receiver)
        self.run_job(DUE + dt.timedelta(days=3))
        self.assertEqual(self.state(self.referral), Referral.State.ACCEPTED)
        self.assertEqual(self.state(self.letter), Referral.State.NO_RESPONSE)

    def test_a_redirected_referral_has_a_fresh_deadline(self):
        at = dt.datetime(2026, 12, 30, 11, 0, tzinfo=LONDON)
        with clock(at):
            moved = flow.do_redirect(
                self.referral,
                to_service=self.surgery,
                acting_user=self.receiver_caseworker,
                organisation=self.receiver,
            )
        # Wed 30 Dec: Thu 31, Mon 4, Tue 5, Wed 6, Thu 7 January 2027.
        self.assertEqual(moved.respond_by, dt.datetime(2027, 1, 7, 17, 0, tzinfo=LONDON))
        self.run_job(DUE + dt.timedelta(hours=1))
        self.assertEqual(self.state(self.referral), Referral.State.REDIRECTED)
        self.run_job(dt.datetime(2027, 1, 7, 17, 1, tzinfo=LONDON))
        self.assertEqual(self.state(self.referral), Referral.State.NO_RESPONSE)
