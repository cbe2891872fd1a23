"""The spine of the referral flow, end to end (the full tests of each rule are in test_flow_*)."""

from django.core import mail

from waymark.referrals import flow
from waymark.referrals.access import get_referral_for_user
from waymark.referrals.models import Referral
from waymark.referrals.tests.helpers import ReferralWorld
from waymark.testing import BaseTestCase


class ReferralLifeTests(ReferralWorld, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_world()

    def test_sent_to_the_inbox_opened_accepted_and_completed(self):
        with self.captureOnCommitCallbacks(execute=True):
            referral = self.sent()
        self.assertEqual(referral.state, Referral.State.SENT)
        self.assertEqual(referral.delivery, Referral.Delivery.INBOX)
        self.assertEqual(referral.receiving_organisation, self.receiver)
        self.assertEqual(referral.shared["contact_details"]["display_name"], "Amina")
        self.assertNotIn("personal_details", referral.shared)
        self.assertIn("New referral to Asylum appeals clinic", [m.subject for m in mail.outbox])

        opened, side = get_referral_for_user(self.receiver_caseworker, referral.uuid, self.receiver)
        self.assertEqual((opened.state, side), (Referral.State.RECEIVED, "receiver"))

        flow.do_accept(opened, acting_user=self.receiver_caseworker, organisation=self.receiver)
        with self.captureOnCommitCallbacks(execute=True):
            done = flow.do_complete(
                opened,
                completed=True,
                outcome="support_given",
                acting_user=self.receiver_caseworker,
                organisation=self.receiver,
            )
        self.assertEqual(done.state, Referral.State.COMPLETED)
        self.assertEqual(
            list(done.events.values_list("to_state", flat=True)),
            ["draft", "sent", "received", "accepted", "completed"],
        )
        self.assertIn("Your referral to Asylum appeals clinic: completed", [m.subject for m in mail.outbox])

    def test_a_service_not_on_waymark_gets_a_letter(self):
        with self.captureOnCommitCallbacks(execute=True):
            referral = self.sent(self.food_bank)
        self.assertEqual(referral.delivery, Referral.Delivery.LETTER)
        letter = [m for m in mail.outbox if m.to == ["help@food.test"]]
        self.assertEqual(len(letter), 1)
        self.assertIn("/r/", letter[0].body)
        self.assertNotIn("Amina", letter[0].body)
