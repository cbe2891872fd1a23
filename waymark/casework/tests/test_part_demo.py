"""The demo's case parts: a plan with an overdue step, outcomes, a matter and a letter, once."""

from django.test import override_settings

from waymark.casework import parts
from waymark.casework.part_demo import add_demo_parts
from waymark.casework.tests.part_helpers import make_case
from waymark.testing import BaseTestCase


@override_settings(CASEWORK_ATTACHMENT_STORAGE="database")
class DemoPartsTestCase(BaseTestCase):
    def test_it_fills_a_case_once(self):
        case = make_case(self.hub_org, by=self.caseworker)
        self.assertTrue(add_demo_parts(case, caseworker=self.caseworker, index=0))
        self.assertFalse(add_demo_parts(case, caseworker=self.caseworker, index=0))
        self.assertEqual(case.goals.count(), 2)
        self.assertTrue(any(step.is_overdue() for step in case.actions.all()))
        self.assertEqual(case.need_outcomes.get().outcome, "resolved")
        self.assertEqual(case.goals.get(need="health").status, "achieved")
        # Nobody at the hub is a regulated adviser: the matter is signposted.
        self.assertEqual(case.immigration_matters.get().outcome, "signposted")
        self.assertEqual(parts.attachment_content(case.attachments.get())[:11], b"Appointment")

    def test_a_regulated_adviser_records_advice_their_level_covers(self):
        case = make_case(self.partner_org, by=self.partner)
        add_demo_parts(case, caseworker=self.partner, adviser=self.partner, index=0)
        matter = case.immigration_matters.get()
        self.assertEqual((matter.kind, matter.outcome, matter.outcome_oisc_level), ("asylum_claim", "advice_given", 2))
