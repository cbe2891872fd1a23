"""No unsuitable referrals: sending to a service whose eligibility the person does not meet is
refused unless the sender gives a reason (recorded, encrypted, in the history); an
immigration-advice referral goes only to a regulated service of the level the matter needs,
with no override."""

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.db import connection

from waymark.audit.models import Event
from waymark.casework import cases
from waymark.casework.models import ImmigrationMatter
from waymark.directory.tests.builders import make_need, make_service
from waymark.people.tests.helpers import make_person
from waymark.referrals import flow
from waymark.referrals.models import DeclineReason, Referral
from waymark.referrals.tests.helpers import ReferralWorld
from waymark.testing import BaseTestCase, make_area

State = Referral.State
OVERRIDE = "Her refugee status letter is due this week; the service agreed by phone"


def codes(error):
    """Every code in a ValidationError, whether on a field or not."""
    if hasattr(error, "error_dict"):
        return [item.code for items in error.error_dict.values() for item in items]
    return [item.code for item in error.error_list]


class SuitabilityBase(ReferralWorld, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_world()
        cls.refugees_only = make_service(
            "Move-on housing support", cls.law_centre, accepts_waymark_referrals=True, for_refugee_hp=True
        )

    def send(self, referral, **kwargs):
        self.consent(referral)
        return flow.do_send_referral(referral, acting_user=self.caseworker, organisation=self.sender, **kwargs)

    def refused(self, referral, code, **kwargs):
        with self.assertRaises(ValidationError) as caught:
            self.send(referral, **kwargs)
        self.assertIn(code, codes(caught.exception))
        row = Referral.objects.get(pk=referral.pk)
        self.assertEqual(row.state, State.DRAFT)
        self.assertEqual(list(row.events.values_list("to_state", flat=True)), ["draft"])
        self.assertFalse(Event.objects.filter(action="referral.send", object_id=str(referral.uuid)).exists())
        return caught.exception


class EligibilityTests(SuitabilityBase):
    def test_a_refugee_service_refuses_a_person_seeking_asylum(self):
        error = self.refused(self.draft(self.refugees_only), "not_eligible")
        self.assertIn("override_reason", error.error_dict)
        self.assertIn("Not for people in their immigration situation.", error.messages[0])

    def test_the_sender_may_override_with_a_reason(self):
        referral = self.draft(self.refugees_only)
        self.refused(referral, "not_eligible", override_reason="   ")
        sent = self.send(referral, override_reason=OVERRIDE)
        row = Referral.objects.get(pk=sent.pk)
        self.assertEqual(row.state, State.SENT)
        self.assertTrue(row.eligibility_overridden)
        self.assertEqual(row.override_reason, OVERRIDE)
        last = row.events.last()
        self.assertEqual((last.to_state, last.reason, last.text), (State.SENT, "override", OVERRIDE))
        # Encrypted where it is stored, and not copied into the audit trail.
        with connection.cursor() as cursor:
            cursor.execute("SELECT override_reason FROM referrals_referral WHERE id = %s", [row.pk])
            stored = cursor.fetchone()[0]
            cursor.execute("SELECT text FROM referrals_referralevent WHERE id = %s", [last.pk])
            stored_event = cursor.fetchone()[0]
        self.assertNotIn("refugee status", stored)
        self.assertNotIn("refugee status", stored_event)
        event = Event.objects.get(action="referral.send", object_id=str(row.uuid))
        self.assertEqual(event.details["reason"], "override")
        self.assertNotIn("refugee status", json.dumps(event.details))
        # Overrides can be counted for reports.
        self.assertEqual(Referral.objects.filter(eligibility_overridden=True).count(), 1)

    def test_a_suitable_referral_records_no_override(self):
        sent = self.send(self.draft(self.clinic), override_reason="")
        self.assertFalse(sent.eligibility_overridden)
        self.assertEqual(sent.events.last().reason, "")

    def test_an_unknown_stage_is_not_a_refusal(self):
        for stage in (None, "not_known", "other_status"):
            with self.subTest(stage=stage):
                person = make_person(self.sender, "Hawa", by=self.caseworker)
                if stage:
                    person.journey.create(stage=stage, since=dt.date(2026, 1, 1), recorded_by=self.caseworker)
                sent = self.send(self.draft(self.refugees_only, person=person))
                self.assertEqual(sent.state, State.SENT)
                self.assertFalse(sent.eligibility_overridden)

    def test_age_gender_and_area(self):
        bolton, salford = make_area("Bolton"), make_area("Salford")
        adults = make_service("Adult drop-in", self.law_centre, accepts_waymark_referrals=True, minimum_age=18)
        women = make_service("Women's group", self.law_centre, accepts_waymark_referrals=True, gender="women")
        salford_only = make_service("Salford tenancy help", self.law_centre, accepts_waymark_referrals=True)
        salford_only.restricted_to_areas.add(salford)
        child = make_person(self.sender, "Yonas", by=self.caseworker, date_of_birth=dt.date(2012, 5, 1))
        man = make_person(self.sender, "Dawit", by=self.caseworker, gender="man", home_area=bolton)
        non_binary = make_person(self.sender, "Sam", by=self.caseworker, gender="non_binary")
        in_salford = make_person(self.sender, "Lina", by=self.caseworker, home_area=salford)
        unknown = make_person(self.sender, "Noor", by=self.caseworker)

        for service, person in ((adults, child), (women, man), (salford_only, man)):
            with self.subTest(service=service.name, person=person.display_name):
                self.refused(self.draft(service, person=person), "not_eligible")
        for service, person in ((adults, unknown), (women, non_binary), (women, unknown), (salford_only, in_salford)):
            with self.subTest(service=service.name, person=person.display_name):
                self.assertEqual(self.send(self.draft(service, person=person)).state, State.SENT)
        with self.subTest("override"):
            self.assertTrue(
                self.send(self.draft(adults, person=child), override_reason="Aged 17, assessed").eligibility_overridden
            )


class RegulatedAdviceTests(SuitabilityBase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.level_one = make_service(
            "Level 1 advice desk",
            cls.law_centre,
            accepts_waymark_referrals=True,
            advice_regulator="oisc",
            advice_oisc_level=1,
        )
        cls.unregulated = make_service("Advice cafe", cls.law_centre, accepts_waymark_referrals=True)
        cls.case = cases.do_open_case(cls.person, acting_user=cls.caseworker, title="Appeal", owner=cls.caseworker)
        cls.appeal = ImmigrationMatter.objects.create(
            case=cls.case, kind="appeal", required_level=2, created_by=cls.caseworker
        )
        cls.judicial_review = ImmigrationMatter.objects.create(
            case=cls.case, kind="appeal", required_level=3, created_by=cls.caseworker
        )

    def advice(self, service, matter=None, need=None):
        return self.draft(service, need=need or self.advice_need, immigration_matter=matter, case=self.case)

    def test_an_unregulated_service_is_refused_even_with_an_override(self):
        for service in (self.unregulated, self.food_bank):
            with self.subTest(service=service.name):
                error = self.refused(self.advice(service), "not_regulated", override_reason=OVERRIDE)
                self.assertIn("service", error.error_dict)
        # Nor a service whose regulator an import could not confirm.
        unconfirmed = make_service(
            "Imported adviser",
            self.law_centre,
            accepts_waymark_referrals=True,
            advice_regulator="oisc",
            advice_oisc_level=3,
            regulator_not_confirmed=True,
        )
        self.refused(self.advice(unconfirmed), "not_regulated", override_reason=OVERRIDE)

    def test_a_sub_need_of_immigration_advice_is_regulated_too(self):
        appeal_advice = make_need("appeal-advice-test", "Appeal advice", parent=self.advice_need)
        self.refused(self.advice(self.unregulated, need=appeal_advice), "not_regulated")

    def test_the_level_must_cover_the_matter(self):
        error = self.refused(self.advice(self.level_one, self.appeal), "not_regulated", override_reason=OVERRIDE)
        self.assertIn("level 2", error.messages[0])
        # Without a matter, level 1 is enough.
        self.assertEqual(self.send(self.advice(self.level_one)).state, State.SENT)

    def test_oisc_level_two_takes_a_level_two_matter_and_a_solicitor_any(self):
        self.assertEqual(self.send(self.advice(self.clinic, self.appeal)).state, State.SENT)
        self.refused(self.advice(self.clinic, self.judicial_review), "not_regulated")
        sent = self.send(self.advice(self.surgery, self.judicial_review))  # SRA regulated
        self.assertEqual(sent.state, State.SENT)

    def test_another_need_goes_anywhere(self):
        food = make_need("food-test", "Food")
        self.assertEqual(self.send(self.draft(self.unregulated, need=food)).state, State.SENT)

    def test_redirecting_advice_keeps_to_regulated_services(self):
        referral = self.send(self.advice(self.surgery, self.judicial_review))
        who = {"acting_user": self.receiver_caseworker, "organisation": self.receiver}
        for service in (self.unregulated, self.level_one, self.clinic):
            with self.subTest(service=service.name), self.assertRaises(ValidationError) as caught:
                flow.do_redirect(referral, to_service=service, **who)
            self.assertIn("not_regulated", codes(caught.exception))
        self.assertEqual(Referral.objects.get(pk=referral.pk).state, State.SENT)
        # Declining is always possible.
        declined = flow.do_decline(referral, reason=DeclineReason.BETTER_ELSEWHERE, **who)
        self.assertEqual(declined.state, State.DECLINED)
