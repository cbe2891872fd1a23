"""Consent scope: the receiver gets a copy of exactly what the person agreed to share, made when
the referral is sent, and sees it only while the consent stands and until the policy period
after the referral closed. Without consent nothing is sent, except a safeguarding referral
about a concern for this person, with the lawful reason and a chosen scope."""

import datetime as dt
import json
import time
from unittest import mock

from django.core.exceptions import ValidationError
from django.http import Http404

from waymark.audit.models import Event
from waymark.casework.safeguarding import do_raise_concern
from waymark.people.actions import do_add_household_member, do_update_person, do_withdraw_consent
from waymark.people.models import InformationKind
from waymark.people.tests.helpers import make_person
from waymark.referrals import flow
from waymark.referrals.access import access_ends_at, letter_token, referral_from_letter_token, shared_details_for
from waymark.referrals.models import DeclineReason, Referral, ReferralLinkOpening, ReferralPolicy
from waymark.referrals.sharing import describe
from waymark.referrals.tests.helpers import ALL_SCOPE, ReferralWorld
from waymark.testing import BaseTestCase

State = Referral.State
PHONE = "+447700900123"
REASON = "Risk of serious harm tonight; she cannot be reached to ask"


def codes(error):
    """Every code in a ValidationError, whether on a field or not."""
    if hasattr(error, "error_dict"):
        return [item.code for items in error.error_dict.values() for item in items]
    return [item.code for item in error.error_list]


class ConsentScopeTests(ReferralWorld, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_world()
        cls.bashir = make_person(
            cls.sender,
            "Bashir",
            by=cls.caseworker,
            full_name="Bashir Ahmadi",
            phone=PHONE,
            date_of_birth=dt.date(1990, 3, 14),
            gender="man",
            languages=["fa", "en"],
            journey={"stage": "appeal", "since": dt.date(2026, 6, 1)},
        )
        do_add_household_member(cls.bashir, acting_user=cls.caseworker, relationship="child", is_child=True)

    def send(self, scope, person=None, notes_excerpt="Hearing on 12 January; needs a Dari interpreter"):
        referral = self.draft(person=person or self.bashir, notes_excerpt=notes_excerpt)
        self.consent(referral, scope)
        return flow.do_send_referral(referral, acting_user=self.caseworker, organisation=self.sender)

    def close(self, referral):
        return flow.do_decline(
            referral,
            reason=DeclineReason.NO_CAPACITY,
            acting_user=self.receiver_caseworker,
            organisation=self.receiver,
        )

    def test_the_copy_holds_exactly_the_consented_kinds(self):
        referral = self.send(["journey", "contact_details", "case_notes"])
        shared = Referral.objects.get(pk=referral.pk).shared
        self.assertEqual(set(shared), {"scope", "contact_details", "journey", "case_notes"})
        self.assertEqual(shared["scope"], ["contact_details", "journey", "case_notes"])
        self.assertEqual(shared["contact_details"]["full_name"], "Bashir Ahmadi")
        self.assertEqual(shared["contact_details"]["phone"], PHONE)
        self.assertEqual(shared["journey"]["stage"], "appeal")
        self.assertEqual(shared["case_notes"], "Hearing on 12 January; needs a Dari interpreter")
        written = json.dumps(shared)
        for not_consented in ("1990-03-14", "child", '"fa"'):
            self.assertNotIn(not_consented, written)

        headings = [heading for heading, _rows in describe(shared_details_for(referral, "receiver"))]
        self.assertEqual(
            headings,
            [
                str(InformationKind.CONTACT_DETAILS.label),
                str(InformationKind.JOURNEY.label),
                "What the service should know",
            ],
        )

    def test_without_case_notes_in_scope_the_notes_excerpt_stays_behind(self):
        referral = self.send(["contact_details"])
        self.assertEqual(set(referral.shared), {"scope", "contact_details"})
        self.assertNotIn("Hearing", json.dumps(referral.shared))

    def test_every_kind_when_everything_is_consented(self):
        referral = self.send(ALL_SCOPE)
        self.assertEqual(set(referral.shared), {"scope", *InformationKind.values})
        self.assertEqual(referral.shared["personal_details"]["date_of_birth"], "1990-03-14")
        self.assertEqual(referral.shared["personal_details"]["languages"], ["fa", "en"])
        self.assertEqual([member["relationship"] for member in referral.shared["household"]], ["child"])

    def test_the_copy_is_made_at_sending(self):
        referral = self.send(["contact_details"])
        do_update_person(self.bashir, acting_user=self.caseworker, phone="+447700900999")
        self.assertEqual(Referral.objects.get(pk=referral.pk).shared["contact_details"]["phone"], PHONE)

    def test_the_sender_sees_what_it_shared_and_the_receiver_the_same_while_open(self):
        referral = self.send(["contact_details"])
        self.assertEqual(shared_details_for(referral, "sender"), referral.shared)
        self.assertEqual(shared_details_for(referral, "receiver"), referral.shared)
        self.assertIsNone(shared_details_for(referral, "someone else"))
        self.assertIsNone(access_ends_at(referral))

    def test_the_receiver_loses_sight_after_the_policy_period(self):
        referral = self.close(self.send(["contact_details"]))
        self.assertIsNotNone(referral.closed_at)
        ends = referral.closed_at + dt.timedelta(days=30)  # access_days_after_close in the policy data
        self.assertEqual(access_ends_at(referral), ends)
        self.assertEqual(shared_details_for(referral, "receiver", at=ends - dt.timedelta(days=1)), referral.shared)
        self.assertEqual(shared_details_for(referral, "receiver", at=ends), referral.shared)
        self.assertIsNone(shared_details_for(referral, "receiver", at=ends + dt.timedelta(seconds=1)))
        # The sender keeps its own record.
        self.assertEqual(shared_details_for(referral, "sender", at=ends + dt.timedelta(days=400)), referral.shared)

    def test_the_policy_period_is_the_one_in_force_on_londons_day_of_closing(self):
        ReferralPolicy.objects.create(
            valid_from=dt.date(2026, 7, 1),
            response_working_days=5,
            reminder_working_days=1,
            access_days_after_close=7,
            letter_link_days=14,
            source="A shorter period from July",
        )
        # 23:30 UTC on 30 June is 00:30 on 1 July in London: July's policy applies.
        closed_at = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
        self.assertEqual(access_ends_at(Referral(closed_at=closed_at)), closed_at + dt.timedelta(days=7))
        earlier = dt.datetime(2026, 6, 30, 22, 30, tzinfo=dt.UTC)
        self.assertEqual(access_ends_at(Referral(closed_at=earlier)), earlier + dt.timedelta(days=30))

    def test_the_receiver_loses_sight_when_the_person_withdraws_consent(self):
        referral = self.send(["contact_details"])
        before = dt.datetime.now(dt.UTC)
        do_withdraw_consent(referral.consent, acting_user=self.caseworker)
        referral = Referral.objects.get(pk=referral.pk)
        self.assertIsNone(shared_details_for(referral, "receiver"))
        # Sight before the withdrawal is not rewritten: it was lawful then.
        self.assertEqual(shared_details_for(referral, "receiver", at=before), referral.shared)

    def test_a_withdrawn_referral_shows_the_receiver_nothing(self):
        referral = self.send(["contact_details"])
        referral = flow.do_withdraw(referral, acting_user=self.caseworker, organisation=self.sender)
        self.assertIsNone(shared_details_for(referral, "receiver"))

    def test_the_consent_names_the_receiver_purpose_who_and_how(self):
        referral = self.draft(person=self.bashir)
        consent = self.consent(referral, ["contact_details", "nonsense"])
        self.assertEqual(consent.purpose, "share_referral")
        self.assertEqual(consent.recipient_organisation, self.receiver)
        self.assertEqual(consent.scope, ["contact_details"])
        self.assertEqual(consent.recorded_by, self.caseworker)
        self.assertEqual(consent.how, "spoken_with_interpreter")
        self.assertEqual(consent.privacy_notice_language, "ar")
        self.assertEqual(Referral.objects.get(pk=referral.pk).consent, consent)
        event = Event.objects.get(action="referral.consent", object_id=str(referral.uuid))
        self.assertEqual(event.details["scope"], ["contact_details"])

        for scope, how, code in (
            ([], "spoken", "required"),
            (["nonsense"], "spoken", "required"),
            (["journey"], "nod", "invalid"),
        ):
            with self.subTest(scope=scope, how=how), self.assertRaises(ValidationError) as caught:
                flow.do_record_consent(
                    referral, scope=scope, how=how, language="fa", acting_user=self.caseworker, organisation=self.sender
                )
            self.assertIn(code, codes(caught.exception))


class NoConsentTests(ReferralWorld, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_world()
        cls.concern = do_raise_concern(
            cls.sender,
            acting_user=cls.caseworker,
            category="domestic",
            what_happened="Bruising seen; she said her partner",
            urgency="immediate",
            person=cls.person,
        )
        cls.other_person = make_person(cls.sender, "Hawa", by=cls.caseworker)
        cls.concern_about_other = do_raise_concern(
            cls.sender,
            acting_user=cls.caseworker,
            category="domestic",
            what_happened="Shouting heard",
            urgency="soon",
            person=cls.other_person,
        )
        cls.outsiders_person = make_person(cls.outsider_org, "Amina", by=cls.outsider)
        cls.outsiders_concern = do_raise_concern(
            cls.outsider_org,
            acting_user=cls.outsider,
            category="domestic",
            what_happened="Seen at the door",
            urgency="soon",
            person=cls.outsiders_person,
        )

    def refused(self, referral, code, **kwargs):
        events = referral.events.count()
        with self.assertRaises(ValidationError) as caught:
            flow.do_send_referral(referral, acting_user=self.caseworker, organisation=self.sender, **kwargs)
        self.assertIn(code, codes(caught.exception))
        row = Referral.objects.get(pk=referral.pk)
        self.assertEqual((row.state, row.shared, row.events.count()), (State.DRAFT, {}, events))
        self.assertFalse(Event.objects.filter(action="referral.send", object_id=str(referral.uuid)).exists())
        return caught.exception

    def test_no_consent_no_referral(self):
        referral = self.draft()
        error = self.refused(referral, "no_consent")
        self.assertIn("consent", error.error_dict)

    def test_a_withdrawn_consent_does_not_count(self):
        referral = self.draft()
        consent = self.consent(referral)
        do_withdraw_consent(consent, acting_user=self.caseworker)
        self.refused(referral, "no_consent")

    def test_a_safeguarding_referral_needs_the_reason_and_a_scope(self):
        referral = self.draft()
        error = self.refused(
            referral, "no_consent", safeguarding_concern=self.concern, no_consent_scope=["contact_details"]
        )
        self.assertIn("no_consent_reason", error.error_dict)
        self.refused(referral, "required", safeguarding_concern=self.concern, no_consent_reason=REASON)
        self.refused(referral, "no_consent", no_consent_reason=REASON, no_consent_scope=["contact_details"])

    def test_the_concern_must_be_about_this_person_and_of_this_organisation(self):
        referral = self.draft()
        for concern in (self.concern_about_other, self.outsiders_concern):
            with self.subTest(concern=concern.pk):
                self.refused(
                    referral,
                    "other_person",
                    safeguarding_concern=concern,
                    no_consent_reason=REASON,
                    no_consent_scope=["contact_details"],
                )

    def test_a_safeguarding_referral_without_consent_shares_only_the_chosen_scope(self):
        referral = self.draft()
        sent = flow.do_send_referral(
            referral,
            acting_user=self.caseworker,
            organisation=self.sender,
            safeguarding_concern=self.concern,
            no_consent_reason=REASON,
            no_consent_scope=["contact_details", "journey"],
        )
        row = Referral.objects.get(pk=sent.pk)
        self.assertEqual(row.state, State.SENT)
        self.assertEqual(row.safeguarding_concern, self.concern)
        self.assertEqual(row.no_consent_reason, REASON)
        self.assertEqual(row.no_consent_scope, ["contact_details", "journey"])
        self.assertEqual(set(row.shared), {"scope", "contact_details", "journey"})
        self.assertEqual(shared_details_for(row, "receiver"), row.shared)
        event = Event.objects.get(action="referral.send", object_id=str(row.uuid))
        self.assertNotIn("harm", json.dumps(event.details))


class LetterLinkTests(ReferralWorld, BaseTestCase):
    """A service not on Waymark reads the referral through the letter's signed link: only what
    was consented, only while the link and the consent last, every opening logged."""

    @classmethod
    def setUpTestData(cls):
        cls.build_world()

    def test_the_link_opens_the_referral_once_received_and_logs_each_opening(self):
        referral = self.sent(self.food_bank, scope=["contact_details"])
        token = letter_token(referral)
        opened = referral_from_letter_token(token)
        self.assertEqual((opened.pk, opened.state), (referral.pk, State.RECEIVED))
        self.assertEqual(set(opened.shared), {"scope", "contact_details"})
        referral_from_letter_token(token)
        self.assertEqual(ReferralLinkOpening.objects.filter(referral=referral).count(), 2)
        self.assertEqual(referral.events.filter(to_state=State.RECEIVED).count(), 1)
        received = referral.events.get(to_state=State.RECEIVED)
        self.assertEqual((received.by, received.by_organisation), (None, None))

    def test_a_bad_an_old_or_an_inbox_link_is_not_found(self):
        letter = self.sent(self.food_bank)
        inbox = self.sent()
        with mock.patch("django.core.signing.time.time", return_value=time.time() - 15 * 24 * 3600):
            old = letter_token(letter)
        for token in (letter_token(letter)[:-2] + "xx", old, letter_token(inbox), "nonsense"):
            with self.subTest(token=token), self.assertRaises(Http404):
                referral_from_letter_token(token)
        self.assertEqual(ReferralLinkOpening.objects.count(), 0)
        self.assertEqual(Referral.objects.get(pk=letter.pk).state, State.SENT)

    def test_the_link_stops_when_consent_is_withdrawn_or_the_referral_withdrawn(self):
        letter = self.sent(self.food_bank)
        do_withdraw_consent(letter.consent, acting_user=self.caseworker)
        with self.assertRaises(Http404):
            referral_from_letter_token(letter_token(letter))
        withdrawn = flow.do_withdraw(self.sent(self.food_bank), acting_user=self.caseworker, organisation=self.sender)
        with self.assertRaises(Http404):
            referral_from_letter_token(letter_token(withdrawn))
