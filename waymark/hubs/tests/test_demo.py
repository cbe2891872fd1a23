"""seed_hubs: the ten Step Change hubs and the Newcastle drop-in, idempotent."""

import io

from django.test import TestCase

from waymark.accounts.management.commands.seed_demo import (
    DemoSeed,
    seed_areas,
    seed_networks,
    seed_organisations,
    seed_users,
)
from waymark.directory.models import Service
from waymark.hubs.demo import seed_hubs
from waymark.hubs.models import Hub, HubSession, RotaInvitation


class SeedHubsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo = DemoSeed()
        for step in (seed_areas, seed_networks, seed_organisations, seed_users):
            step(demo)
        seed_hubs(stdout=io.StringIO())

    def test_it_makes_the_ten_step_change_hubs_and_the_newcastle_drop_in(self):
        names = set(Hub.objects.values_list("name", flat=True))
        for town in (
            "Bolton",
            "Bury",
            "Leigh",
            "Manchester",
            "Oldham",
            "Rochdale",
            "Salford",
            "Tameside",
            "Wigan",
            "Stockport",
        ):
            self.assertIn(f"{town} Hub", names)
        self.assertEqual(len(names), 11)
        self.assertEqual(set(Hub.objects.values_list("model", flat=True)), set(Hub.Model.values))
        newcastle = Hub.objects.get(name="Newcastle Multi-Agency Drop-in")
        self.assertEqual(
            sorted(newcastle.sites.values_list("name", flat=True)), ["City Centre Drop-in", "West End Library"]
        )

    def test_the_demo_users_are_the_bolton_team_and_the_partner_is_on_its_rota(self):
        bolton = Hub.objects.get(name="Bolton Hub")
        self.assertEqual(
            sorted(bolton.team.values_list("user__email", flat=True)),
            ["caseworker@demo.waymark", "coordinator@demo.waymark", "volunteer@demo.waymark"],
        )
        self.assertTrue(
            RotaInvitation.objects.filter(
                session__hub=bolton, organisation__slug="medlock-immigration-advice-centre", status="confirmed"
            ).exists()
        )

    def test_it_has_six_months_of_past_sessions_and_the_coming_weeks(self):
        bolton = Hub.objects.get(name="Bolton Hub")
        dates = sorted(bolton.sessions.values_list("date", flat=True))
        self.assertGreaterEqual((dates[-1] - dates[0]).days, 26 * 7 + 5 * 7)
        self.assertTrue(RotaInvitation.objects.filter(session__hub=bolton, attended=True).exists())
        self.assertTrue(bolton.sessions.filter(status="cancelled").exists())

    def test_every_hub_is_on_the_public_map(self):
        for hub in Hub.objects.all():
            self.assertIn(hub.service_id, set(Service.objects.public().values_list("id", flat=True)), hub.name)

    def test_it_can_run_again_without_duplicating_anything(self):
        counts = (Hub.objects.count(), HubSession.objects.count(), RotaInvitation.objects.count())
        seed_hubs()
        self.assertEqual((Hub.objects.count(), HubSession.objects.count(), RotaInvitation.objects.count()), counts)
