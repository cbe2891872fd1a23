"""Two people acting on one referral at the same moment, for real: threads with database
connections of their own (a database file on SQLite, or PostgreSQL with DATABASE_URL).
Exactly one move wins; the other is refused as an illegal transition and leaves no trace."""

import datetime as dt
from functools import partial

from django.core.exceptions import ValidationError
from django.test import TransactionTestCase

from waymark.accounts.models import Role
from waymark.audit.models import Event, RecordAccess
from waymark.notify.models import Notification
from waymark.referrals import flow
from waymark.referrals.access import get_referral_for_user
from waymark.referrals.models import DeclineReason, Referral, ReferralEvent, ReferralPolicy
from waymark.referrals.tests.helpers import ReferralWorld
from waymark.testing import make_member, run_at_once

ROUNDS = 3


def codes(error):
    if hasattr(error, "error_dict"):
        return [item.code for items in error.error_dict.values() for item in items]
    return [item.code for item in error.error_list]


class ReferralAtOnceTests(ReferralWorld, TransactionTestCase):
    def setUp(self):
        # A TransactionTestCase empties every table between tests, the data migration's
        # policy row with them: put back the one the flow needs.
        ReferralPolicy.objects.get_or_create(
            valid_from=dt.date(2025, 1, 1),
            defaults={
                "response_working_days": 5,
                "reminder_working_days": 1,
                "access_days_after_close": 30,
                "letter_link_days": 14,
                "source": "test",
            },
        )
        self.build_world()
        self.second_receiver = make_member("second@law.test", self.receiver, roles=[Role.COORDINATOR])

    def attempt(self, function):
        """Run ``function`` on a connection of its own; its new state, or the refusal's code."""
        try:
            return function().state
        except ValidationError as error:
            return codes(error)[0]

    def accept(self, referral):
        return flow.do_accept(
            Referral(pk=referral.pk), acting_user=self.receiver_caseworker, organisation=self.receiver
        )

    def withdraw(self, referral):
        return flow.do_withdraw(Referral(pk=referral.pk), acting_user=self.caseworker, organisation=self.sender)

    def decline(self, referral):
        return flow.do_decline(
            Referral(pk=referral.pk),
            reason=DeclineReason.NO_CAPACITY,
            acting_user=self.second_receiver,
            organisation=self.receiver,
        )

    def assert_one_winner(self, referral, outcomes, moves):
        winners = [outcome for outcome in outcomes if outcome in moves.values()]
        self.assertEqual(len(winners), 1, outcomes)
        self.assertEqual([outcome for outcome in outcomes if outcome not in winners], ["illegal_transition"])
        row = Referral.objects.get(pk=referral.pk)
        self.assertEqual(row.state, winners[0])
        after_sending = ReferralEvent.objects.filter(referral=row).exclude(to_state__in=["draft", "sent"])
        self.assertEqual(list(after_sending.values_list("to_state", flat=True)), winners)
        audit = Event.objects.filter(object_id=str(row.uuid), action__in=[f"referral.{move}" for move in moves])
        self.assertEqual(audit.count(), 1)
        return winners[0]

    def test_accept_and_withdraw_at_once(self):
        moves = {"accept": Referral.State.ACCEPTED, "withdraw": Referral.State.WITHDRAWN}
        for _round in range(ROUNDS):
            referral = self.sent()
            outcomes = run_at_once(
                partial(self.attempt, partial(self.accept, referral)),
                partial(self.attempt, partial(self.withdraw, referral)),
            )
            self.assert_one_winner(referral, outcomes, moves)

    def test_accept_and_decline_at_once(self):
        moves = {"accept": Referral.State.ACCEPTED, "decline": Referral.State.DECLINED}
        for _round in range(ROUNDS):
            referral = self.sent()
            outcomes = run_at_once(
                partial(self.attempt, partial(self.accept, referral)),
                partial(self.attempt, partial(self.decline, referral)),
            )
            winner = self.assert_one_winner(referral, outcomes, moves)
            row = Referral.objects.get(pk=referral.pk)
            # The loser's fields are not left behind on the winner's row.
            self.assertEqual(row.decline_reason != "", winner == Referral.State.DECLINED)

    def test_the_deadline_passing_as_the_receiver_accepts(self):
        moves = {"accept": Referral.State.ACCEPTED, "expire": Referral.State.NO_RESPONSE}
        referral = self.sent()

        def expire():
            result = flow.do_expire(Referral(pk=referral.pk), at=referral.respond_by + dt.timedelta(minutes=1))
            if result is None:
                raise ValidationError("too late", code="illegal_transition")
            return result

        outcomes = run_at_once(partial(self.attempt, partial(self.accept, referral)), partial(self.attempt, expire))
        self.assert_one_winner(referral, outcomes, moves)

    def test_two_receivers_opening_it_at_once_receive_it_once(self):
        referral = self.sent()

        def open_as(user):
            opened, side = get_referral_for_user(user, referral.uuid, self.receiver)
            return opened.state, side

        outcomes = run_at_once(partial(open_as, self.receiver_caseworker), partial(open_as, self.second_receiver))
        self.assertEqual(outcomes, [(Referral.State.RECEIVED, "receiver")] * 2)
        row = Referral.objects.get(pk=referral.pk)
        self.assertEqual(row.state, Referral.State.RECEIVED)
        self.assertEqual(ReferralEvent.objects.filter(referral=row, to_state=Referral.State.RECEIVED).count(), 1)
        self.assertEqual(Event.objects.filter(object_id=str(row.uuid), action="referral.receive").count(), 1)
        # Both openings are logged; the sender is told once.
        self.assertEqual(RecordAccess.objects.filter(what="referral", object_id=str(row.uuid)).count(), 2)
        self.assertEqual(Notification.objects.filter(dedupe_key=f"referral-received:{row.uuid}").count(), 1)
