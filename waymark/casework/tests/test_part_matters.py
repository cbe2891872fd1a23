"""Immigration matters: the level each needs (from dated policy rows, changed with a reason) and
the regulated-advice rule for their outcome."""

import datetime as dt
from unittest import mock

from django.core.exceptions import ValidationError

from waymark.accounts.models import Membership, Role
from waymark.audit.models import Event
from waymark.casework import parts
from waymark.casework.models import AdviceLevelRule, ImmigrationMatter, MatterKind
from waymark.casework.tests.part_helpers import make_case
from waymark.testing import BaseTestCase, make_member


def frozen(day):
    """Patch the clock to noon on ``day`` (UTC)."""
    return mock.patch(
        "django.utils.timezone.now", return_value=dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
    )


class AdviceLevelTestCase(BaseTestCase):
    def setUp(self):
        self.case = make_case(self.hub_org, by=self.caseworker)

    def test_the_seeded_rules_cover_every_kind_of_matter(self):
        seeded = dict(AdviceLevelRule.objects.filter(valid_from=dt.date(2024, 1, 1)).values_list("kind", "oisc_level"))
        self.assertEqual(set(seeded), set(MatterKind.values))
        self.assertEqual((seeded["asylum_claim"], seeded["appeal"], seeded["evisa"]), (2, 3, 1))
        self.assertTrue(all("OISC" in rule.source for rule in AdviceLevelRule.objects.all()))

    def test_a_new_matter_takes_the_level_of_the_rule_in_force_today(self):
        AdviceLevelRule.objects.create(kind="settlement", oisc_level=2, valid_from=dt.date(2027, 3, 1), source="test")
        with frozen(dt.date(2027, 2, 28)):
            before = parts.do_add_matter(self.case, acting_user=self.caseworker, kind="settlement")
        with frozen(dt.date(2027, 3, 1)):
            on_the_day = parts.do_add_matter(self.case, acting_user=self.caseworker, kind="settlement")
        self.assertEqual((before.required_level, on_the_day.required_level), (1, 2))

    def test_with_no_rule_in_force_the_highest_level_is_assumed(self):
        AdviceLevelRule.objects.filter(kind="citizenship").delete()
        matter = parts.do_add_matter(self.case, acting_user=self.caseworker, kind="citizenship")
        self.assertEqual(matter.required_level, 3)

    def test_the_page_adds_a_matter_and_says_the_level(self):
        self.login(self.caseworker)
        response = self.client.post(f"/cases/{self.case.uuid}/immigration/", {"kind": "appeal"}, follow=True)
        self.assertContains(response, "OISC level 3 or above")
        matter = self.case.immigration_matters.get()
        self.assertEqual((matter.kind, matter.required_level, matter.created_by), ("appeal", 3, self.caseworker))
        event = Event.objects.get(action="immigration_matter.added")
        self.assertEqual(event.details["required_level"], 3)

    def test_an_unknown_kind_is_refused(self):
        self.login(self.caseworker)
        response = self.client.post(f"/cases/{self.case.uuid}/immigration/", {"kind": "smuggling"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.case.immigration_matters.exists())

    def test_the_level_is_changed_with_a_reason_and_audited_without_it(self):
        matter = parts.do_add_matter(self.case, acting_user=self.caseworker, kind="asylum_claim")
        self.login(self.caseworker)
        url = f"/cases/{self.case.uuid}/immigration/{matter.uuid}/level/"
        response = self.client.post(url, {"level": 3})
        self.assertContains(response, "Say why the matter needs a different level", status_code=400)
        response = self.client.post(url, {"level": 3, "reason": "Previous refusal and a pending appeal"})
        self.assertEqual(response.status_code, 302)
        matter.refresh_from_db()
        self.assertEqual(
            (matter.required_level, matter.level_change_reason, matter.level_changed_by),
            (3, "Previous refusal and a pending appeal", self.caseworker),
        )
        event = Event.objects.get(action="immigration_matter.level_changed")
        self.assertEqual((event.details["previous"], event.details["required_level"]), (2, 3))
        self.assertNotIn("refusal", str(event.details))

    def test_the_same_level_is_not_a_change(self):
        matter = parts.do_add_matter(self.case, acting_user=self.caseworker, kind="asylum_claim")
        with self.assertRaises(ValidationError):
            parts.do_change_matter_level(matter, acting_user=self.caseworker, level=2, reason="No change")
        with self.assertRaises(ValidationError):
            parts.do_change_matter_level(matter, acting_user=self.caseworker, level=4, reason="No such level")


class RegulatedAdviceTestCase(BaseTestCase):
    """The partner organisation's caseworker is an OISC level 2 adviser."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.solicitor = make_member(
            "solicitor@example.org",
            cls.partner_org,
            [Role.CASEWORKER],
            adviser_regulator=Membership.Regulator.SRA,
        )
        cls.plain = make_member("plain@example.org", cls.partner_org, [Role.CASEWORKER])

    def setUp(self):
        self.case = make_case(self.partner_org, by=self.partner)
        self.level_2 = parts.do_add_matter(self.case, acting_user=self.partner, kind="asylum_claim")
        self.level_3 = parts.do_add_matter(self.case, acting_user=self.partner, kind="appeal")

    def outcome_url(self, matter):
        return f"/cases/{self.case.uuid}/immigration/{matter.uuid}/outcome/"

    def test_an_oisc_level_2_adviser_records_advice_on_a_level_2_matter(self):
        self.login(self.partner)
        response = self.client.get(self.outcome_url(self.level_2))
        self.assertContains(response, 'value="advice_given"')
        response = self.client.post(self.outcome_url(self.level_2), {"outcome": "advice_given"})
        self.assertEqual(response.status_code, 302)
        self.level_2.refresh_from_db()
        self.assertEqual(
            (
                self.level_2.outcome,
                self.level_2.outcome_regulator,
                self.level_2.outcome_oisc_level,
                self.level_2.outcome_recorded_by,
            ),
            ("advice_given", "oisc", 2, self.partner),
        )
        self.assertIsNotNone(self.level_2.outcome_recorded_at)
        event = Event.objects.get(action="immigration_matter.outcome_recorded")
        self.assertEqual(
            (event.details["outcome"], event.details["regulator"], event.details["oisc_level"]),
            ("advice_given", "oisc", 2),
        )

    def test_an_oisc_level_2_adviser_is_refused_advice_on_a_level_3_matter(self):
        self.login(self.partner)
        response = self.client.get(self.outcome_url(self.level_3))
        self.assertNotContains(response, 'value="advice_given"')
        self.assertContains(response, 'value="signposted"')
        response = self.client.post(self.outcome_url(self.level_3), {"outcome": "advice_given"})
        self.assertContains(response, "Only a regulated immigration adviser whose level covers", status_code=400)
        self.assertContains(response, "OISC level 3", status_code=400)
        self.level_3.refresh_from_db()
        self.assertEqual(self.level_3.outcome, "")
        with self.assertRaises(ValidationError):
            parts.do_record_matter_outcome(self.level_3, acting_user=self.partner, outcome="advice_given")

    def test_a_raised_level_takes_effect_for_the_rule(self):
        parts.do_change_matter_level(self.level_2, acting_user=self.partner, level=3, reason="Appeal likely")
        with self.assertRaises(ValidationError):
            parts.do_record_matter_outcome(self.level_2, acting_user=self.partner, outcome="advice_given")

    def test_a_solicitor_records_advice_at_every_level(self):
        for matter in (self.level_2, self.level_3):
            parts.do_record_matter_outcome(matter, acting_user=self.solicitor, outcome="advice_given")
            matter.refresh_from_db()
            self.assertEqual(
                (matter.outcome, matter.outcome_regulator, matter.outcome_oisc_level), ("advice_given", "sra", None)
            )
        self.login(self.solicitor)
        self.assertContains(self.client.get(self.outcome_url(self.level_3)), 'value="advice_given"')

    def test_a_plain_caseworker_may_only_signpost(self):
        self.login(self.plain)
        response = self.client.get(self.outcome_url(self.level_2))
        self.assertNotContains(response, 'value="advice_given"')
        self.assertContains(response, "you can record only that the person was signposted")
        response = self.client.post(self.outcome_url(self.level_2), {"outcome": "advice_given"})
        self.assertContains(response, "Record that the person was signposted", status_code=400)
        self.level_2.refresh_from_db()
        self.assertEqual(self.level_2.outcome, "")
        response = self.client.post(self.outcome_url(self.level_2), {"outcome": "signposted"})
        self.assertEqual(response.status_code, 302)
        self.level_2.refresh_from_db()
        self.assertEqual(
            (self.level_2.outcome, self.level_2.outcome_regulator, self.level_2.outcome_oisc_level),
            ("signposted", "", None),
        )

    def test_an_adviser_of_another_organisation_is_judged_by_their_membership_here(self):
        # The hub's caseworker is recorded as an adviser nowhere; giving them an OISC level at
        # another organisation does not make them one on this organisation's cases.
        hub_case = make_case(self.hub_org, by=self.caseworker)
        matter = parts.do_add_matter(hub_case, acting_user=self.caseworker, kind="evisa")
        Membership.objects.create(
            user=self.caseworker,
            organisation=self.other_org,
            roles=[Role.CASEWORKER],
            adviser_regulator=Membership.Regulator.OISC,
            adviser_oisc_level=3,
        )
        with self.assertRaises(ValidationError):
            parts.do_record_matter_outcome(matter, acting_user=self.caseworker, outcome="advice_given")

    def test_the_rule_itself(self):
        def member(regulator="", level=None):
            return Membership(adviser_regulator=regulator, adviser_oisc_level=level)

        self.assertTrue(parts.may_give_advice(member("oisc", 2), 2))
        self.assertTrue(parts.may_give_advice(member("oisc", 3), 1))
        self.assertFalse(parts.may_give_advice(member("oisc", 2), 3))
        self.assertFalse(parts.may_give_advice(member("oisc", None), 1))
        for regulator in ("sra", "bsb", "cilex"):
            self.assertTrue(parts.may_give_advice(member(regulator), 3))
        self.assertFalse(parts.may_give_advice(member(), 1))
        self.assertFalse(parts.may_give_advice(None, 1))
        self.assertEqual(
            [value for value, _label in parts.outcomes_allowed(member(), self.level_2)],
            [ImmigrationMatter.Outcome.SIGNPOSTED],
        )

    def test_the_case_page_partial_shows_the_level_and_outcome(self):
        parts.do_record_matter_outcome(self.level_2, acting_user=self.partner, outcome="advice_given")
        self.login(self.partner)
        response = self.client.get(f"/cases/{self.case.uuid}/immigration/")
        self.assertContains(response, "Immigration advice given")
        self.assertContains(response, "Appeal")
