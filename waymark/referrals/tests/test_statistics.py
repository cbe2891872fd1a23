"""Response statistics per service: median days to answer, share accepted, suppressed under 10."""

import datetime as dt

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from waymark.referrals.models import DeclineReason, Outcome, Referral
from waymark.referrals.statistics import MIN_REFERRALS, response_statistics
from waymark.referrals.tests.helpers import ReferralWorld

State = Referral.State
SENT = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))


def make_referral(world, service, state, *, answered_after_days=None, sent_at=SENT):
    """A referral row in ``state`` (made directly: these tests are about the counting, and the
    state machine has its own)."""
    fields = {}
    if state == State.DECLINED:
        fields["decline_reason"] = DeclineReason.NO_CAPACITY
    if state in (State.COMPLETED, State.NOT_COMPLETED):
        fields["outcome"] = Outcome.SUPPORT_GIVEN if state == State.COMPLETED else Outcome.DID_NOT_ATTEND
    responded_at = None
    if answered_after_days is not None:
        responded_at = sent_at + dt.timedelta(days=answered_after_days)
    return Referral.objects.create(
        person=world.person,
        organisation=world.sender,
        created_by=world.caseworker,
        service=service,
        state=state,
        sent_at=None if state == State.DRAFT else sent_at,
        responded_at=responded_at,
        **fields,
    )


class ResponseStatisticsTests(ReferralWorld, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_world()

    def test_it_gives_the_median_days_to_answer_and_the_share_accepted(self):
        # Answered after 1, 2, 3, 4 and 10 days (median 3); 3 accepted or later of 5 answered
        # plus 2 expired = 3 of 7; one still waiting counts only in the total.
        for state, days in [
            (State.ACCEPTED, 1),
            (State.COMPLETED, 2),
            (State.NOT_COMPLETED, 3),
            (State.DECLINED, 4),
            (State.DECLINED, 10),
            (State.NO_RESPONSE, None),
            (State.NO_RESPONSE, None),
            (State.RECEIVED, None),
            (State.SENT, None),
            (State.SENT, None),
        ]:
            make_referral(self, self.clinic, state, answered_after_days=days)

        stats = response_statistics([self.clinic.id])[self.clinic.id]

        self.assertFalse(stats.suppressed)
        self.assertEqual(stats.referrals, 10)
        self.assertEqual(stats.median_days_to_respond, 3.0)
        self.assertAlmostEqual(stats.share_accepted, 3 / 7)
        self.assertEqual(stats.percent_accepted, 43)

    def test_it_gives_days_with_one_decimal(self):
        for hours in [12, 30, 30, 40, 40, 50, 60, 70, 80, 90]:
            make_referral(self, self.clinic, State.ACCEPTED, answered_after_days=hours / 24)

        stats = response_statistics([self.clinic.id])[self.clinic.id]

        self.assertEqual(stats.median_days_to_respond, 1.9)  # 45 hours
        self.assertEqual(stats.share_accepted, 1.0)

    def test_it_suppresses_every_figure_under_ten_referrals(self):
        for _number in range(MIN_REFERRALS - 1):
            make_referral(self, self.clinic, State.ACCEPTED, answered_after_days=2)

        stats = response_statistics([self.clinic.id])[self.clinic.id]

        self.assertTrue(stats.suppressed)
        self.assertIsNone(stats.referrals)
        self.assertIsNone(stats.median_days_to_respond)
        self.assertIsNone(stats.share_accepted)

    def test_it_shows_the_figures_from_ten_referrals(self):
        for _number in range(MIN_REFERRALS):
            make_referral(self, self.clinic, State.ACCEPTED, answered_after_days=2)

        stats = response_statistics([self.clinic.id])[self.clinic.id]

        self.assertFalse(stats.suppressed)
        self.assertEqual(stats.referrals, 10)

    def test_it_leaves_out_drafts_and_withdrawn_referrals(self):
        for _number in range(MIN_REFERRALS - 1):
            make_referral(self, self.clinic, State.ACCEPTED, answered_after_days=2)
        make_referral(self, self.clinic, State.DRAFT)
        make_referral(self, self.clinic, State.WITHDRAWN)

        self.assertTrue(response_statistics([self.clinic.id])[self.clinic.id].suppressed)

    def test_it_has_no_median_when_nothing_was_answered_yet(self):
        for _number in range(MIN_REFERRALS):
            make_referral(self, self.clinic, State.NO_RESPONSE)

        stats = response_statistics([self.clinic.id])[self.clinic.id]

        self.assertIsNone(stats.median_days_to_respond)
        self.assertEqual(stats.share_accepted, 0.0)

    def test_it_answers_for_many_services_in_one_query(self):
        for _number in range(MIN_REFERRALS):
            make_referral(self, self.clinic, State.ACCEPTED, answered_after_days=1)
            make_referral(self, self.surgery, State.DECLINED, answered_after_days=5)

        with self.assertNumQueries(1):
            found = response_statistics([self.clinic.id, self.surgery.id, self.food_bank.id])

        self.assertEqual(found[self.clinic.id].share_accepted, 1.0)
        self.assertEqual(found[self.surgery.id].median_days_to_respond, 5.0)
        self.assertEqual(found[self.surgery.id].share_accepted, 0.0)
        self.assertTrue(found[self.food_bank.id].suppressed)


class ServicePageStatisticsTests(ReferralWorld, TestCase):
    """The public service page shows how the service answers referrals, from 10 referrals."""

    @classmethod
    def setUpTestData(cls):
        cls.build_world()

    def page(self):
        return self.client.get(reverse("directory:service", args=[self.clinic.id]))

    def test_it_shows_the_median_and_the_share_accepted(self):
        for days in [1, 2, 3, 3, 3, 4, 4, 5, 6, 8]:
            make_referral(self, self.clinic, State.ACCEPTED, answered_after_days=days)
        make_referral(self, self.clinic, State.DECLINED, answered_after_days=1)
        make_referral(self, self.clinic, State.NO_RESPONSE)

        response = self.page()

        self.assertContains(response, "Referrals through Waymark:")
        text = " ".join(response.content.decode().split())
        self.assertIn("Referrals through Waymark: median 3.0 days to answer, 83% accepted (from 12 referrals)", text)

    def test_it_shows_nothing_under_ten_referrals(self):
        for _number in range(MIN_REFERRALS - 1):
            make_referral(self, self.clinic, State.ACCEPTED, answered_after_days=2)

        response = self.page()

        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Referrals through Waymark")
