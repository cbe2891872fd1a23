"""seed_learning: debriefs with actions and visitor feedback for the demo hubs, idempotent."""

import io

from django.test import TestCase

from waymark.accounts.management.commands.seed_demo import (
    DemoSeed,
    seed_areas,
    seed_networks,
    seed_organisations,
    seed_users,
)
from waymark.hubs.demo import seed_hubs
from waymark.hubs.demo_learning import LOGS_PER_HUB, seed_learning
from waymark.hubs.feedback import SUPPRESS_BELOW, feedback_figures
from waymark.hubs.models import Hub, LearningAction, LearningLog, VisitorFeedback


class SeedLearningTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo = DemoSeed()
        for step in (seed_areas, seed_networks, seed_organisations, seed_users):
            step(demo)
        seed_hubs(stdout=io.StringIO())
        cls.made = seed_learning(stdout=io.StringIO())

    def test_it_writes_debriefs_of_past_sessions_with_actions(self):
        bolton = Hub.objects.get(name="Bolton Hub")
        logs = LearningLog.objects.filter(session__hub=bolton).select_related("session")
        self.assertEqual(logs.count(), LOGS_PER_HUB)
        self.assertTrue(all(log.session.is_past() and not log.session.is_cancelled for log in logs))
        self.assertTrue(all(log.what_worked for log in logs))
        actions = LearningAction.objects.filter(log__session__hub=bolton).select_related("owner")
        self.assertTrue(actions.exists())
        self.assertTrue(all(action.owner.organisation_id == bolton.lead_organisation_id for action in actions))
        self.assertEqual({action.status for action in actions}, {"open", "done"})

    def test_it_gives_feedback_with_some_hubs_under_the_suppression_line(self):
        hubs = list(Hub.objects.all())
        figures = feedback_figures(hubs, suppress_below=SUPPRESS_BELOW)
        totals = {hub.name: figures[hub.pk]["total"] for hub in hubs}
        self.assertEqual(totals["Bolton Hub"], 14)
        self.assertIsNone(totals["Bury Hub"])
        self.assertTrue(VisitorFeedback.objects.filter(loneliness="often_or_always").exists())

    def test_it_changes_nothing_when_run_again(self):
        counts = (LearningLog.objects.count(), LearningAction.objects.count(), VisitorFeedback.objects.count())
        self.assertEqual(seed_learning(stdout=io.StringIO()), (0, 0))
        self.assertEqual(
            counts, (LearningLog.objects.count(), LearningAction.objects.count(), VisitorFeedback.objects.count())
        )
