"""seed_concerns: demo concerns at each stage across the demo organisations, made through the
actions, with fixed ids, idempotent."""

import io

from django.core import mail
from django.test import TestCase

from waymark.accounts import demo as accounts_demo
from waymark.accounts.management.commands.seed_demo import (
    DemoSeed,
    seed_areas,
    seed_networks,
    seed_organisations,
    seed_users,
)
from waymark.audit.models import Event
from waymark.casework.demo_safeguarding import CONCERNS, concern_uuid, seed_concerns
from waymark.casework.models import Escalation, SafeguardingConcern
from waymark.casework.safeguarding import do_raise_concern
from waymark.people.demo import seed_people


class SeedConcernsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo = DemoSeed()
        for step in (seed_areas, seed_networks, seed_organisations, seed_users):
            step(demo)
        seed_people(stdout=io.StringIO())
        cls.out = io.StringIO()
        cls.made = seed_concerns(stdout=cls.out)

    def test_it_makes_every_concern_with_its_fixed_id(self):
        self.assertEqual(self.made, len(CONCERNS))
        self.assertIn(f"{len(CONCERNS)} created", self.out.getvalue())
        self.assertEqual(
            set(SafeguardingConcern.objects.values_list("uuid", flat=True)),
            {concern_uuid(spec["key"]) for spec in CONCERNS},
        )

    def test_the_stages_are_all_there_across_organisations(self):
        statuses = set(SafeguardingConcern.objects.values_list("organisation__slug", "status"))
        for slug in (accounts_demo.BOLTON_HUB_LEAD, accounts_demo.SALFORD_HUB_LEAD):
            for status in (
                ("raised", "triaged", "closed") if slug == accounts_demo.BOLTON_HUB_LEAD else ("triaged", "closed")
            ):
                self.assertIn((slug, status), statuses)
        self.assertTrue(all(concern.outcome for concern in SafeguardingConcern.objects.filter(status="closed")))
        self.assertTrue(
            Escalation.objects.filter(to="first_responder", national_body__slug="the-salvation-army").exists()
        )
        without = Escalation.objects.filter(with_consent=False)
        self.assertTrue(without.exists())
        self.assertTrue(all(escalation.no_consent_reason for escalation in without))

    def test_they_were_made_through_the_actions(self):
        self.assertEqual(Event.objects.filter(action="safeguarding.concern_raised").count(), len(CONCERNS))
        self.assertTrue(Event.objects.filter(action="safeguarding.concern_closed").exists())
        raised = Event.objects.filter(action="safeguarding.concern_raised").values_list("object_id", flat=True)
        self.assertEqual(set(raised), {str(concern_uuid(spec["key"])) for spec in CONCERNS})

    def test_a_second_run_adds_nothing(self):
        mail.outbox.clear()
        self.assertEqual(seed_concerns(), 0)
        self.assertEqual(SafeguardingConcern.objects.count(), len(CONCERNS))
        self.assertEqual(mail.outbox, [])

    def test_concerns_raised_afterwards_get_ids_of_their_own(self):
        concern = SafeguardingConcern.objects.first()
        made = [
            do_raise_concern(
                concern.organisation,
                acting_user=concern.raised_by,
                about="Someone",
                category="other",
                what_happened="Something",
                urgency="routine",
            )
            for _number in range(2)
        ]
        fixed = {concern_uuid(spec["key"]) for spec in CONCERNS}
        self.assertEqual(len({made[0].uuid, made[1].uuid} - fixed), 2)
