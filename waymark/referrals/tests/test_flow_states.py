"""The referral state machine: every legal move, every illegal one, and who may make each.

The table test walks every state against every action. A legal move changes the state and
writes exactly one history row (ReferralEvent) and one audit event, with no personal detail
in the audit event; an illegal one is refused with the code "illegal_transition" and leaves
the referral, its history and the audit trail exactly as they were.
"""

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from waymark.audit.models import Event
from waymark.casework import cases
from waymark.directory.tests.builders import make_service
from waymark.people.models import Person
from waymark.people.tests.helpers import make_person
from waymark.referrals import flow
from waymark.referrals.access import get_referral_for_user, referrals_for_user
from waymark.referrals.models import DeclineReason, Outcome, Referral, ReferralEvent
from waymark.referrals.tests.helpers import ReferralWorld
from waymark.testing import BaseTestCase

State = Referral.State

# The moves a member makes, and where each legal one leads.
ACTIONS = ("send", "accept", "decline", "redirect", "complete", "withdraw")
LEADS_TO = {
    "send": State.SENT,
    "accept": State.ACCEPTED,
    "decline": State.DECLINED,
    "redirect": State.REDIRECTED,
    "complete": State.COMPLETED,
    "withdraw": State.WITHDRAWN,
}
# The state machine, written out by hand (not read from flow.TRANSITIONS, so that a
# change there has to be made here too, on purpose).
LEGAL = {
    State.DRAFT: {"send", "withdraw"},
    State.SENT: {"accept", "decline", "redirect", "withdraw"},
    State.RECEIVED: {"accept", "decline", "redirect", "withdraw"},
    State.REDIRECTED: {"accept", "decline", "redirect", "withdraw"},
    State.ACCEPTED: {"complete"},
    State.DECLINED: set(),
    State.COMPLETED: set(),
    State.NOT_COMPLETED: set(),
    State.WITHDRAWN: set(),
    State.NO_RESPONSE: set(),
}

PHONE = "+447700900777"
DECLINE_TEXT = "Our caseworkers are full until March"
WITHDRAW_TEXT = "Amina found a solicitor herself"


def codes(error):
    """Every code in a ValidationError, whether on a field or not."""
    if hasattr(error, "error_dict"):
        return [item.code for items in error.error_dict.values() for item in items]
    return [item.code for item in error.error_list]


class StateMachineBase(ReferralWorld, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_world()
        cls.person.phone = PHONE
        cls.person.save(update_fields=["phone"])

    # Bringing a referral to each state, through the actions themselves.

    def receive(self, referral):
        return flow.do_receive(referral, acting_user=self.receiver_caseworker, organisation=self.receiver)

    def answer(self, referral, action):
        """Make ``action`` on ``referral`` as the member who may make it."""
        if action == "send":
            return flow.do_send_referral(referral, acting_user=self.caseworker, organisation=self.sender)
        if action == "withdraw":
            return flow.do_withdraw(referral, text=WITHDRAW_TEXT, acting_user=self.caseworker, organisation=self.sender)
        who = {"acting_user": self.receiver_caseworker, "organisation": self.receiver}
        if action == "accept":
            return flow.do_accept(referral, **who)
        if action == "decline":
            return flow.do_decline(referral, reason=DeclineReason.NO_CAPACITY, text=DECLINE_TEXT, **who)
        if action == "redirect":
            to_service = self.clinic if referral.service_id == self.surgery.pk else self.surgery
            return flow.do_redirect(referral, to_service=to_service, text="Our surgery is quicker", **who)
        if action == "complete":
            return flow.do_complete(referral, completed=True, outcome=Outcome.SUPPORT_GIVEN, **who)
        raise AssertionError(action)

    def in_state(self, state):
        if state == State.DRAFT:
            referral = self.draft()
            self.consent(referral)
            return Referral.objects.get(pk=referral.pk)
        referral = self.sent()
        if state == State.SENT:
            return referral
        if state == State.RECEIVED:
            return self.receive(referral)
        if state == State.REDIRECTED:
            return self.answer(referral, "redirect")
        if state == State.ACCEPTED:
            return self.answer(referral, "accept")
        if state == State.DECLINED:
            return self.answer(referral, "decline")
        if state == State.WITHDRAWN:
            return self.answer(referral, "withdraw")
        if state == State.NO_RESPONSE:
            return flow.do_expire(referral, at=referral.respond_by + dt.timedelta(minutes=1))
        accepted = self.answer(referral, "accept")
        if state == State.COMPLETED:
            return self.answer(accepted, "complete")
        return flow.do_complete(
            accepted,
            completed=False,
            outcome=Outcome.DID_NOT_ATTEND,
            acting_user=self.receiver_caseworker,
            organisation=self.receiver,
        )

    def snapshot(self, referral):
        """What an illegal move must leave alone."""
        row = Referral.objects.get(pk=referral.pk)
        return {
            "state": row.state,
            "service": row.service_id,
            "closed_at": row.closed_at,
            "responded_at": row.responded_at,
            "events": list(ReferralEvent.objects.filter(referral=row).values_list("pk", flat=True)),
            "audit": list(Event.objects.filter(object_id=str(row.uuid)).values_list("pk", flat=True)),
        }

    def assert_refused(self, code, function, *args, **kwargs):
        with self.assertRaises(ValidationError) as caught:
            function(*args, **kwargs)
        self.assertIn(code, codes(caught.exception))
        return caught.exception


class EveryStateAgainstEveryActionTests(StateMachineBase):
    def test_the_table_of_states_and_actions(self):
        for state in State.values:
            for action in ACTIONS:
                with self.subTest(state=state, action=action):
                    referral = self.in_state(state)
                    self.assertEqual(referral.state, state)
                    before = self.snapshot(referral)
                    if action in LEGAL[state]:
                        self.assert_legal_move(referral, action, before)
                    else:
                        error = self.assert_refused("illegal_transition", self.answer, referral, action)
                        self.assertTrue(error.messages[0])
                        self.assertEqual(self.snapshot(referral), before)

    def assert_legal_move(self, referral, action, before):
        from_state = referral.state
        moved = self.answer(referral, action)
        row = Referral.objects.get(pk=referral.pk)
        self.assertEqual(row.state, LEADS_TO[action])
        self.assertEqual(moved.state, row.state)

        new_events = ReferralEvent.objects.filter(referral=row).exclude(pk__in=before["events"])
        self.assertEqual(list(new_events.values_list("from_state", "to_state")), [(from_state, LEADS_TO[action])])
        audit = Event.objects.filter(object_id=str(row.uuid)).exclude(pk__in=before["audit"])
        self.assertEqual(list(audit.values_list("action", flat=True)), [f"referral.{action}"])
        self.assert_no_personal_data(audit.get().details)
        self.assertEqual(audit.get().details["from"], from_state)
        self.assertEqual(audit.get().details["to"], LEADS_TO[action])
        # Closing states are dated, so the receiver's sight of the details can end.
        self.assertEqual(row.closed_at is not None, row.state in Referral.CLOSED_STATES)

    def test_a_draft_can_be_withdrawn(self):
        referral = self.in_state(State.DRAFT)
        before = self.snapshot(referral)
        self.assert_legal_move(referral, "withdraw", before)
        self.assertIsNone(Referral.objects.get(pk=referral.pk).sent_at)
        # It never reached the receiver, so they never see it.
        with self.assertRaises(Http404):
            get_referral_for_user(self.receiver_caseworker, referral.uuid, self.receiver)
        self.assertFalse(referrals_for_user(self.receiver_caseworker, "incoming", self.receiver).exists())

    def assert_no_personal_data(self, details):
        written = json.dumps(details)
        for value in ("Amina", PHONE, DECLINE_TEXT, WITHDRAW_TEXT, "quicker", str(self.person.uuid)):
            self.assertNotIn(value, written)
        self.assertLessEqual(set(details), {"from", "to", "reason", "service"})

    def test_not_completed_and_no_response_are_moves_too(self):
        accepted = self.in_state(State.ACCEPTED)
        done = flow.do_complete(
            accepted,
            completed=False,
            outcome=Outcome.PERSON_DECLINED,
            acting_user=self.receiver_caseworker,
            organisation=self.receiver,
        )
        self.assertEqual(done.state, State.NOT_COMPLETED)
        self.assertEqual(done.events.last().reason, Outcome.PERSON_DECLINED)

        for state in (State.SENT, State.RECEIVED, State.REDIRECTED):
            with self.subTest(state=state):
                referral = self.in_state(state)
                before = self.snapshot(referral)
                expired = flow.do_expire(referral, at=referral.respond_by + dt.timedelta(seconds=1))
                self.assertEqual(Referral.objects.get(pk=referral.pk).state, State.NO_RESPONSE)
                self.assertEqual(expired.events.last().to_state, State.NO_RESPONSE)
                self.assertIsNone(expired.events.last().by)
                audit = Event.objects.filter(object_id=str(referral.uuid)).exclude(pk__in=before["audit"])
                self.assertEqual(list(audit.values_list("action", flat=True)), ["referral.expire"])

    def test_expiring_or_receiving_a_referral_in_another_state_changes_nothing(self):
        for state in set(State.values) - {State.SENT, State.RECEIVED, State.REDIRECTED}:
            with self.subTest(state=state):
                referral = self.in_state(state)
                before = self.snapshot(referral)
                self.assertIsNone(flow.do_expire(referral, at=dt.datetime(2100, 1, 1, tzinfo=dt.UTC)))
                self.receive(referral)
                self.assertEqual(self.snapshot(referral), before)

    def test_a_referral_is_not_expired_before_its_deadline(self):
        referral = self.in_state(State.SENT)
        before = self.snapshot(referral)
        self.assertIsNone(flow.do_expire(referral, at=referral.respond_by - dt.timedelta(seconds=1)))
        self.assertEqual(self.snapshot(referral), before)

    def test_completing_needs_an_outcome_that_fits(self):
        accepted = self.in_state(State.ACCEPTED)
        who = {"acting_user": self.receiver_caseworker, "organisation": self.receiver}
        before = self.snapshot(accepted)
        complete = flow.do_complete
        self.assert_refused("invalid", complete, accepted, completed=True, outcome=Outcome.DID_NOT_ATTEND, **who)
        self.assert_refused("invalid", flow.do_complete, accepted, completed=False, outcome=Outcome.ONGOING, **who)
        self.assert_refused("required", flow.do_complete, accepted, completed=True, outcome=Outcome.OTHER, **who)
        self.assertEqual(self.snapshot(accepted), before)

    def test_declining_needs_a_reason_from_the_list(self):
        referral = self.in_state(State.RECEIVED)
        who = {"acting_user": self.receiver_caseworker, "organisation": self.receiver}
        before = self.snapshot(referral)
        error = self.assert_refused("invalid", flow.do_decline, referral, reason="busy", **who)
        self.assertIn("reason", error.error_dict)
        self.assert_refused("required", flow.do_decline, referral, reason=DeclineReason.OTHER, text=" ", **who)
        self.assertEqual(self.snapshot(referral), before)
        declined = flow.do_decline(referral, reason=DeclineReason.OTHER, text="Closed for August", **who)
        self.assertEqual((declined.decline_reason, declined.decline_text), ("other", "Closed for August"))


class WhoMayActTests(StateMachineBase):
    def test_only_the_receiver_answers_an_inbox_referral(self):
        for state in (State.SENT, State.RECEIVED):
            referral = self.in_state(state)
            before = self.snapshot(referral)
            for user, organisation in (
                (self.caseworker, self.sender),
                (self.outsider, self.outsider_org),
                (self.receiver_caseworker, None),
            ):
                with self.subTest(state=state, organisation=organisation):
                    who = {"acting_user": user, "organisation": organisation}
                    self.assert_refused("illegal_transition", flow.do_accept, referral, **who)
                    self.assert_refused(
                        "illegal_transition", flow.do_decline, referral, reason=DeclineReason.NO_CAPACITY, **who
                    )
                    self.assert_refused(
                        "illegal_transition", flow.do_redirect, referral, to_service=self.surgery, **who
                    )
            self.assertEqual(self.snapshot(referral), before)

        accepted = self.in_state(State.ACCEPTED)
        before = self.snapshot(accepted)
        self.assert_refused(
            "illegal_transition",
            flow.do_complete,
            accepted,
            completed=True,
            outcome=Outcome.SUPPORT_GIVEN,
            acting_user=self.caseworker,
            organisation=self.sender,
        )
        self.assertEqual(self.snapshot(accepted), before)

    def test_only_the_sender_withdraws(self):
        for state in (State.DRAFT, State.SENT, State.RECEIVED):
            referral = self.in_state(state)
            before = self.snapshot(referral)
            for user, organisation in (
                (self.receiver_caseworker, self.receiver),
                (self.outsider, self.outsider_org),
                (self.caseworker, None),
            ):
                with self.subTest(state=state, organisation=organisation):
                    self.assert_refused(
                        "illegal_transition", flow.do_withdraw, referral, acting_user=user, organisation=organisation
                    )
            self.assertEqual(self.snapshot(referral), before)

    def test_only_the_sender_records_consent_and_sends(self):
        referral = self.draft()
        for user, organisation in ((self.receiver_caseworker, self.receiver), (self.outsider, self.outsider_org)):
            with self.subTest(organisation=organisation):
                self.assert_refused(
                    "illegal_transition",
                    flow.do_record_consent,
                    referral,
                    scope=["contact_details"],
                    how="spoken",
                    language="ar",
                    acting_user=user,
                    organisation=organisation,
                )
                self.consent(referral)
                self.assert_refused(
                    "illegal_transition", flow.do_send_referral, referral, acting_user=user, organisation=organisation
                )
        self.assertEqual(Referral.objects.get(pk=referral.pk).state, State.DRAFT)

    def test_the_sender_records_the_answer_to_a_letter(self):
        letter = self.sent(self.food_bank)
        self.assertEqual(letter.delivery, Referral.Delivery.LETTER)
        self.assertIsNone(letter.receiving_organisation)
        before = self.snapshot(letter)
        for user, organisation in ((self.receiver_caseworker, self.receiver), (self.outsider, self.outsider_org)):
            with self.subTest(organisation=organisation):
                self.assert_refused(
                    "illegal_transition", flow.do_accept, letter, acting_user=user, organisation=organisation
                )
        self.assert_refused(
            "illegal_transition",
            flow.do_redirect,
            letter,
            to_service=self.surgery,
            acting_user=self.caseworker,
            organisation=self.sender,
        )
        self.assertEqual(self.snapshot(letter), before)

        accepted = flow.do_accept(letter, acting_user=self.caseworker, organisation=self.sender)
        done = flow.do_complete(
            accepted, completed=True, outcome=Outcome.ONGOING, acting_user=self.caseworker, organisation=self.sender
        )
        self.assertEqual(done.state, State.COMPLETED)
        self.assertEqual(done.events.last().by_organisation, self.sender)

    def test_redirect_stays_within_the_receivers_organisation(self):
        referral = self.in_state(State.RECEIVED)
        who = {"acting_user": self.receiver_caseworker, "organisation": self.receiver}
        before = self.snapshot(referral)
        error = self.assert_refused("other_organisation", flow.do_redirect, referral, to_service=self.food_bank, **who)
        self.assertIn("to_service", error.error_dict)
        self.assert_refused("same_service", flow.do_redirect, referral, to_service=self.clinic, **who)
        self.assertEqual(self.snapshot(referral), before)

        moved = flow.do_redirect(referral, to_service=self.surgery, text="Quicker", **who)
        self.assertEqual((moved.state, moved.service), (State.REDIRECTED, self.surgery))
        self.assertEqual(moved.events.last().from_service, self.clinic)
        self.assertGreater(moved.respond_by, referral.sent_at)

    def test_who_opens_a_referral(self):
        draft = self.draft()
        referral = self.sent()
        self.assertEqual(get_referral_for_user(self.caseworker, referral.uuid, self.sender)[1], "sender")
        incoming = referrals_for_user(self.receiver_caseworker, "incoming", self.receiver)
        self.assertEqual(list(incoming), [referral])
        self.assertFalse(referrals_for_user(self.receiver_volunteer, "incoming", self.receiver).exists())
        self.assertEqual(list(referrals_for_user(self.caseworker, "outgoing", self.sender)), [referral, draft])
        # The sender opening it does not mark it received.
        self.assertEqual(Referral.objects.get(pk=referral.pk).state, State.SENT)
        for user, organisation, uuid in (
            (self.volunteer, self.sender, referral.uuid),
            (self.receiver_volunteer, self.receiver, referral.uuid),
            (self.outsider, self.outsider_org, referral.uuid),
            (self.receiver_caseworker, self.sender, referral.uuid),
            (self.receiver_caseworker, self.receiver, draft.uuid),
        ):
            with self.subTest(user=user.email, organisation=organisation.name), self.assertRaises(Http404):
                get_referral_for_user(user, uuid, organisation)
        self.assertEqual(Referral.objects.get(pk=referral.pk).state, State.SENT)

        opened, side = get_referral_for_user(self.receiver_caseworker, referral.uuid, self.receiver)
        self.assertEqual((opened.state, side), (State.RECEIVED, "receiver"))
        get_referral_for_user(self.receiver_caseworker, referral.uuid, self.receiver)
        self.assertEqual(referral.events.filter(to_state=State.RECEIVED).count(), 1)


class MakingAndSendingRefusalsTests(StateMachineBase):
    """The business rules checked when a draft is made and when it is sent."""

    def test_a_draft_is_of_one_of_the_organisations_people_and_their_own_case(self):
        outsiders_person = make_person(self.outsider_org, "Hawa", by=self.outsider)
        self.assert_refused("other_organisation", self.draft, person=outsiders_person)
        other = make_person(self.sender, "Hawa", by=self.caseworker)
        case = cases.do_open_case(other, acting_user=self.caseworker, title="Housing", owner=self.caseworker)
        error = self.assert_refused("other_person", self.draft, case=case)
        self.assertIn("case", error.error_dict)
        self.assertFalse(Referral.objects.exists())

    def test_a_closed_service_takes_no_referral(self):
        closed = make_service("Closed clinic", self.law_centre, accepts_waymark_referrals=True, status="defunct")
        self.assert_refused("service_closed", self.draft, closed)
        referral = self.draft(self.surgery)
        self.consent(referral)
        self.surgery.status = "inactive"
        self.surgery.save(update_fields=["status"])
        self.assert_refused(
            "service_closed", flow.do_send_referral, referral, acting_user=self.caseworker, organisation=self.sender
        )
        self.assertEqual(Referral.objects.get(pk=referral.pk).state, State.DRAFT)

    def test_a_person_whose_record_is_gone_is_not_referred(self):
        referral = self.draft()
        self.consent(referral)
        Person.objects.filter(pk=self.person.pk).update(anonymised_at=timezone.now())
        self.assert_refused(
            "person_gone", flow.do_send_referral, referral, acting_user=self.caseworker, organisation=self.sender
        )
        self.assert_refused("person_gone", self.draft, person=Person.objects.get(pk=self.person.pk))
        self.assertEqual(Referral.objects.get(pk=referral.pk).state, State.DRAFT)

    def test_a_text_too_long_is_refused(self):
        referral = self.in_state(State.RECEIVED)
        error = self.assert_refused(
            "too_long",
            flow.do_decline,
            referral,
            reason=DeclineReason.NO_CAPACITY,
            text="x" * (flow.TEXT_MAX + 1),
            acting_user=self.receiver_caseworker,
            organisation=self.receiver,
        )
        self.assertIn("text", error.error_dict)
        self.assertEqual(Referral.objects.get(pk=referral.pk).state, State.RECEIVED)
