"""Answers that demand action act at once, inside the assessment: suicide risk raises a concern;
someone in adult accommodation who says they are under 18 is flagged "age disputed" (their date
of birth untouched) with a child-protection concern; signs of trafficking give the NRM route for
the organisation and a modern-slavery concern. One audit event per assessment, ids only."""

import datetime as dt
from unittest import mock

from django.core.exceptions import ValidationError

from waymark.accounts.models import NationalBody
from waymark.audit.models import Event
from waymark.casework.assessments import MODERN_SLAVERY_HELPLINE, do_record_assessment, prompts_for
from waymark.casework.models import Assessment, SafeguardingConcern
from waymark.casework.tests.assessment_helpers import AssessmentTestCase

THURSDAY = dt.datetime(2026, 3, 5, 11, 0, tzinfo=dt.UTC)


class SuicideRisk(AssessmentTestCase):
    def test_it_raises_an_immediate_concern_linked_to_the_assessment(self):
        assessment = do_record_assessment(
            self.amina, acting_user=self.caseworker, indicators=["suicide_risk", "mental_health"], notes="Said so."
        )
        concern = SafeguardingConcern.objects.get()
        self.assertEqual(
            (concern.category, concern.urgency, concern.source, concern.assessment, concern.person),
            ("suicide_self_harm", "immediate", "assessment", assessment, self.amina),
        )
        self.assertEqual((concern.organisation, concern.raised_by), (self.hub_org, self.caseworker))
        self.assertEqual(assessment.derived_risk_level, "critical")
        prompts = prompts_for(assessment)
        self.assertEqual(prompts.suicide_concern, concern)
        self.assertIsNone(prompts.nrm)
        self.assertFalse(prompts.age_disputed)

    def test_one_audit_event_with_ids_only(self):
        assessment = do_record_assessment(
            self.amina,
            acting_user=self.caseworker,
            needs=[("housing", "soon")],
            indicators=["suicide_risk"],
            notes="He said he has a plan.",
        )
        event = Event.objects.get(action="casework.assessment_recorded")
        concern = SafeguardingConcern.objects.get()
        self.assertEqual(event.object_id, str(assessment.uuid))
        self.assertEqual(
            event.details,
            {
                "person": str(self.amina.uuid),
                "risk_level": "critical",
                "needs": ["housing"],
                "concerns": [str(concern.uuid)],
                "age_disputed": False,
            },
        )
        self.assertNotIn("plan", str(event.details))

    def test_without_it_no_concern_is_raised(self):
        do_record_assessment(self.amina, acting_user=self.caseworker, indicators=["mental_health"])
        self.assertFalse(SafeguardingConcern.objects.exists())

    def test_a_refused_assessment_raises_nothing(self):
        with self.assertRaises(ValidationError) as refused:
            do_record_assessment(
                self.amina, acting_user=self.caseworker, needs=[("no-such-need", "soon")], indicators=["suicide_risk"]
            )
        self.assertIn("needs", refused.exception.message_dict)
        self.assertFalse(Assessment.objects.exists())
        self.assertFalse(SafeguardingConcern.objects.exists())


class UnderEighteenInAdultAccommodation(AssessmentTestCase):
    def test_it_flags_the_age_dispute_and_raises_a_child_protection_concern(self):
        self.live_in(self.amina, "contingency_hotel")
        with mock.patch("django.utils.timezone.now", return_value=THURSDAY):
            assessment = do_record_assessment(self.amina, acting_user=self.caseworker, indicators=["under_18"])
        self.amina.refresh_from_db()
        self.assertTrue(self.amina.age_disputed)
        self.assertEqual(self.amina.age_disputed_since, dt.date(2026, 3, 5))
        # The date of birth they gave is never overwritten.
        self.assertEqual(self.amina.date_of_birth, dt.date(2001, 5, 4))
        concern = SafeguardingConcern.objects.get()
        self.assertEqual((concern.category, concern.urgency), ("child_protection", "immediate"))
        self.assertIn("children's services", concern.what_happened)
        prompts = prompts_for(assessment)
        self.assertTrue(prompts.age_disputed)
        self.assertEqual(prompts.child_concern, concern)
        self.assertIs(Event.objects.get(action="casework.assessment_recorded").details["age_disputed"], True)

    def test_each_kind_of_adult_accommodation_counts(self):
        for kind in ("initial_accommodation", "dispersal", "large_site"):
            self.live_in(self.amina, kind)
            do_record_assessment(self.amina, acting_user=self.caseworker, indicators=["under_18"])
        self.assertEqual(SafeguardingConcern.objects.filter(category="child_protection").count(), 3)

    def test_not_in_adult_accommodation_there_is_no_flag(self):
        self.live_in(self.amina, "none_private")
        assessment = do_record_assessment(self.amina, acting_user=self.caseworker, indicators=["under_18"])
        self.amina.refresh_from_db()
        self.assertFalse(self.amina.age_disputed)
        self.assertIsNone(self.amina.age_disputed_since)
        self.assertFalse(SafeguardingConcern.objects.exists())
        self.assertFalse(prompts_for(assessment).age_disputed)

    def test_with_no_journey_recorded_there_is_no_flag(self):
        do_record_assessment(self.amina, acting_user=self.caseworker, indicators=["under_18"])
        self.amina.refresh_from_db()
        self.assertFalse(self.amina.age_disputed)

    def test_a_reassessment_keeps_the_date_the_dispute_began(self):
        self.live_in(self.amina, "initial_accommodation")
        with mock.patch("django.utils.timezone.now", return_value=THURSDAY):
            do_record_assessment(self.amina, acting_user=self.caseworker, indicators=["under_18"])
        do_record_assessment(self.amina, acting_user=self.caseworker, indicators=["under_18"])
        self.amina.refresh_from_db()
        self.assertEqual(self.amina.age_disputed_since, dt.date(2026, 3, 5))


class Trafficking(AssessmentTestCase):
    def test_a_first_responder_organisation_refers_itself(self):
        self.hub_org.is_nrm_first_responder = True
        self.hub_org.save()
        self.amina.refresh_from_db()
        assessment = do_record_assessment(self.amina, acting_user=self.caseworker, indicators=["trafficking"])
        prompts = prompts_for(assessment)
        self.assertTrue(prompts.nrm.first_responder)
        self.assertEqual(prompts.nrm.first_responders, [])
        concern = SafeguardingConcern.objects.get()
        self.assertEqual((concern.category, concern.urgency), ("modern_slavery", "soon"))
        self.assertEqual(prompts.trafficking_concern, concern)

    def test_any_other_organisation_passes_it_to_a_first_responder_or_the_helpline(self):
        self.assertFalse(self.hub_org.is_nrm_first_responder)
        assessment = do_record_assessment(self.amina, acting_user=self.caseworker, indicators=["trafficking"])
        prompts = prompts_for(assessment)
        self.assertFalse(prompts.nrm.first_responder)
        self.assertEqual(prompts.nrm.helpline, MODERN_SLAVERY_HELPLINE)
        expected = list(NationalBody.objects.filter(is_nrm_first_responder=True).order_by("name"))
        self.assertTrue(expected)
        self.assertEqual(prompts.nrm.first_responders, expected)
        self.assertEqual(SafeguardingConcern.objects.get().category, "modern_slavery")
