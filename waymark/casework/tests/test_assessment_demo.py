"""seed_assessments: assessments of the demo people of both hubs' lead charities by the demo
caseworkers, some reassessed, one at risk of suicide (a concern raised through the action);
a second run adds nothing."""

import io

from django.test import TestCase

from waymark.accounts.management.commands.seed_demo import (
    DemoSeed,
    seed_areas,
    seed_networks,
    seed_organisations,
    seed_users,
)
from waymark.accounts.models import Organisation
from waymark.casework.demo_assessments import seed_assessments
from waymark.casework.models import Assessment, SafeguardingConcern
from waymark.people.demo import seed_people
from waymark.people.models import Person
from waymark.places.demo import seed_accommodation_sites


class SeedAssessmentsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo = DemoSeed()
        for step in (seed_areas, seed_networks, seed_organisations, seed_users):
            step(demo)
        seed_accommodation_sites()
        seed_people()
        cls.output = io.StringIO()
        cls.created = seed_assessments(stdout=cls.output)

    def test_it_assesses_a_good_share_of_the_people_of_several_organisations(self):
        self.assertEqual(Assessment.objects.count(), self.created)
        for organisation in Organisation.objects.filter(slug__in=Person.objects.values("organisation__slug")):
            people = Person.objects.filter(organisation=organisation).count()
            assessed = Person.objects.filter(organisation=organisation, assessments__isnull=False).distinct().count()
            self.assertGreaterEqual(assessed, people // 2, organisation)
        self.assertEqual(
            set(Assessment.objects.values_list("assessed_by__email", flat=True)),
            {"caseworker@demo.waymark", "coordinator@demo.waymark", "outsider@demo.waymark"},
        )
        self.assertIn("Assessments:", self.output.getvalue())

    def test_some_are_reassessed_with_changed_scores(self):
        changed = 0
        for person in Person.objects.filter(assessments__isnull=False).distinct():
            rounds = list(person.assessments.order_by("assessed_at"))
            if len(rounds) == 2:
                before, after = rounds
                changed += before.life_satisfaction != after.life_satisfaction or before.anxiety != after.anxiety
        self.assertGreater(changed, 3)

    def test_one_is_at_risk_of_suicide_and_a_concern_was_raised(self):
        concern = SafeguardingConcern.objects.get()
        self.assertEqual((concern.category, concern.source), ("suicide_self_harm", "assessment"))
        self.assertIn("suicide_risk", concern.assessment.indicators)
        self.assertEqual(concern.assessment.derived_risk_level, "critical")

    def test_a_second_run_adds_nothing(self):
        self.assertEqual(seed_assessments(), 0)
        self.assertEqual(Assessment.objects.count(), self.created)
        self.assertEqual(SafeguardingConcern.objects.count(), 1)
