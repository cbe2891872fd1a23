"""The risk level of an assessment: derived from the RiskRule rows in force on its date (the
latest row per rule), the highest matching level, low when none; the caseworker's own level
with a reason."""

import datetime as dt

from django.core.exceptions import ValidationError

from waymark.audit.models import Event
from waymark.casework.assessments import derive_risk_level, do_change_risk_level, do_record_assessment, rules_in_force
from waymark.casework.models import RiskLevel, RiskRule
from waymark.casework.tests.assessment_helpers import AssessmentTestCase

JANUARY = dt.date(2026, 1, 10)
MARCH = dt.date(2026, 3, 10)


def rule(kind, level, valid_from=dt.date(2026, 1, 1), indicator="", threshold=None):
    return RiskRule.objects.create(
        kind=kind, indicator=indicator, threshold=threshold, level=level, valid_from=valid_from, source="Test policy"
    )


class ItDerivesTheRiskLevel(AssessmentTestCase):
    def setUp(self):
        super().setUp()
        RiskRule.objects.all().delete()

    def test_it_is_low_when_no_rule_matches(self):
        rule("indicator", "high", indicator="destitution")
        self.assertEqual(derive_risk_level(JANUARY, indicators=["lgbt"]), RiskLevel.LOW)
        self.assertEqual(derive_risk_level(JANUARY), RiskLevel.LOW)

    def test_the_highest_matching_level_wins(self):
        rule("indicator", "medium", indicator="pregnancy")
        rule("indicator", "critical", indicator="suicide_risk")
        rule("loneliness_often", "high")
        self.assertEqual(derive_risk_level(JANUARY, indicators=["pregnancy"]), RiskLevel.MEDIUM)
        self.assertEqual(derive_risk_level(JANUARY, indicators=["pregnancy"], loneliness="often"), RiskLevel.HIGH)
        self.assertEqual(
            derive_risk_level(JANUARY, indicators=["pregnancy", "suicide_risk"], loneliness="often"),
            RiskLevel.CRITICAL,
        )

    def test_the_rule_in_force_is_the_latest_row_on_or_before_the_date(self):
        rule("indicator", "medium", indicator="destitution", valid_from=dt.date(2026, 1, 1))
        rule("indicator", "high", indicator="destitution", valid_from=dt.date(2026, 3, 1))
        rule("indicator", "critical", indicator="destitution", valid_from=dt.date(2026, 6, 1))
        self.assertEqual(derive_risk_level(dt.date(2025, 12, 31), indicators=["destitution"]), RiskLevel.LOW)
        self.assertEqual(derive_risk_level(JANUARY, indicators=["destitution"]), RiskLevel.MEDIUM)
        self.assertEqual(derive_risk_level(MARCH, indicators=["destitution"]), RiskLevel.HIGH)
        self.assertEqual(len(rules_in_force(MARCH)), 1)

    def test_a_later_row_can_lower_a_rule(self):
        rule("high_anxiety", "high", threshold=6, valid_from=dt.date(2026, 1, 1))
        rule("high_anxiety", "medium", threshold=8, valid_from=dt.date(2026, 3, 1))
        self.assertEqual(derive_risk_level(JANUARY, anxiety=7), RiskLevel.HIGH)
        self.assertEqual(derive_risk_level(MARCH, anxiety=7), RiskLevel.LOW)
        self.assertEqual(derive_risk_level(MARCH, anxiety=9), RiskLevel.MEDIUM)

    def test_the_scores_and_immediate_needs_rules(self):
        rule("low_wellbeing", "medium", threshold=4)
        rule("immediate_needs", "high", threshold=2)
        self.assertEqual(derive_risk_level(JANUARY, life_satisfaction=4), RiskLevel.MEDIUM)
        self.assertEqual(derive_risk_level(JANUARY, life_satisfaction=5), RiskLevel.LOW)
        self.assertEqual(derive_risk_level(JANUARY, life_satisfaction=None), RiskLevel.LOW)
        one = [("housing", "immediate"), ("food", "soon")]
        two = [("housing", "immediate"), ("food", "immediate")]
        self.assertEqual(derive_risk_level(JANUARY, needs=one), RiskLevel.LOW)
        self.assertEqual(derive_risk_level(JANUARY, needs=two), RiskLevel.HIGH)

    def test_the_action_stores_the_level_of_the_assessments_own_date(self):
        rule("indicator", "medium", indicator="destitution", valid_from=dt.date(2026, 1, 1))
        rule("indicator", "high", indicator="destitution", valid_from=dt.date(2026, 3, 1))
        in_january = do_record_assessment(
            self.amina,
            acting_user=self.caseworker,
            indicators=["destitution"],
            assessed_at=dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC),
        )
        in_march = do_record_assessment(
            self.amina,
            acting_user=self.caseworker,
            indicators=["destitution"],
            assessed_at=dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC),
        )
        self.assertEqual(in_january.derived_risk_level, RiskLevel.MEDIUM)
        self.assertEqual(in_march.derived_risk_level, RiskLevel.HIGH)


class TheSeededRules(AssessmentTestCase):
    def test_they_are_a_dated_starting_point_for_review(self):
        rows = RiskRule.objects.all()
        self.assertTrue(rows.exists())
        self.assertEqual({row.valid_from for row in rows}, {dt.date(2024, 1, 1)})
        self.assertTrue(all("review" in row.source and "domain" in row.source for row in rows))
        self.assertEqual(derive_risk_level(JANUARY, indicators=["suicide_risk"]), RiskLevel.CRITICAL)
        self.assertEqual(derive_risk_level(JANUARY, indicators=["lgbt"]), RiskLevel.LOW)


class TheCaseworkerChangesTheLevel(AssessmentTestCase):
    def test_it_needs_a_reason_and_is_audited(self):
        assessment = do_record_assessment(self.amina, acting_user=self.caseworker, indicators=["lgbt"])
        self.assertEqual(assessment.risk_level, RiskLevel.LOW)
        with self.assertRaises(ValidationError):
            do_change_risk_level(assessment, acting_user=self.caseworker, level="high", reason="  ")
        do_change_risk_level(assessment, acting_user=self.caseworker, level="high", reason="Threats from a neighbour")
        assessment.refresh_from_db()
        self.assertEqual((assessment.risk_level, assessment.derived_risk_level), (RiskLevel.HIGH, RiskLevel.LOW))
        self.assertEqual(assessment.override_reason, "Threats from a neighbour")
        self.assertEqual(assessment.overridden_by, self.caseworker)
        event = Event.objects.get(action="casework.assessment_risk_level_changed")
        self.assertEqual(event.details, {"from": "low", "to": "high", "derived": "low"})
        self.assertNotIn("neighbour", str(event.details))
