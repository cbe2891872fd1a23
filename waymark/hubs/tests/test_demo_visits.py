"""seed_visits: six months of attendance at the demo hubs, most people returning, idempotent."""

import io
from collections import Counter

from django.test import TestCase

from waymark.accounts.management.commands.seed_demo import (
    DemoSeed,
    seed_areas,
    seed_networks,
    seed_organisations,
    seed_users,
)
from waymark.directory.models import Service, TaxonomyTerm
from waymark.directory.tests.builders import give_need, make_organization, make_service
from waymark.hubs.demo import seed_hubs
from waymark.hubs.demo_visits import seed_visits
from waymark.hubs.models import Hub, Visit
from waymark.people.demo import seed_people
from waymark.referrals.models import Signposting


class SeedVisitsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo = DemoSeed()
        for step in (seed_areas, seed_networks, seed_organisations, seed_users):
            step(demo)
        seed_hubs(stdout=io.StringIO())
        seed_people(stdout=io.StringIO())
        clinic = make_service("Thursday legal clinic", organization=make_organization("Medlock"))
        give_need(clinic, TaxonomyTerm.objects.get(slug="immigration-advice"))
        cls.clinic = clinic
        cls.added = seed_visits(stdout=io.StringIO())

    def test_most_people_come_more_than_once(self):
        bolton = Hub.objects.get(name="Bolton Hub")
        visits = Counter(
            Visit.objects.filter(session__hub=bolton, person__isnull=False).values_list("person", flat=True)
        )
        self.assertGreaterEqual(len(visits), 25)
        returning = sum(1 for count in visits.values() if count > 1)
        self.assertGreaterEqual(returning / len(visits), 0.8)
        self.assertTrue(Visit.objects.filter(session__hub=bolton, anonymous=True).exists())

    def test_each_person_has_one_first_visit_their_earliest(self):
        for person_id in Visit.objects.filter(person__isnull=False).values_list("person", flat=True).distinct():
            visits = list(Visit.objects.filter(person_id=person_id).order_by("session__date"))
            self.assertTrue(visits[0].first_visit)
            self.assertFalse(any(visit.first_visit for visit in visits[1:]))

    def test_visits_have_needs_what_was_given_and_signposting(self):
        self.assertTrue(Visit.objects.filter(needs__slug="immigration-advice").exists())
        self.assertTrue(Visit.objects.filter(hot_meals__gt=0).exists())
        signposting = Signposting.objects.filter(service=self.clinic).first()
        self.assertIsNotNone(signposting)
        self.assertEqual(signposting.organisation, signposting.visit.session.hub.lead_organisation)
        self.assertIn(signposting.service, Service.objects.public())

    def test_it_adds_nothing_when_run_again(self):
        self.assertGreater(self.added, 0)
        count = Visit.objects.count()
        added = seed_visits(stdout=io.StringIO())
        self.assertEqual(added, 0)
        self.assertEqual(Visit.objects.count(), count)
