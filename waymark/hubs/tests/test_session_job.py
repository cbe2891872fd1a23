"""The daily job keeps each hub's calendar filled ahead from its session patterns."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from waymark.audit.models import Event
from waymark.hubs import actions
from waymark.hubs.management.commands.generate_hub_sessions import generate_hub_sessions
from waymark.hubs.tests.helpers import MONDAY, HubTestCase, at

# Monday 2 March 2026: the pattern (Tuesdays and Thursdays) starts the next day.
TODAY = dt.date(2026, 3, 2)


@override_settings(HUB_SESSIONS_AHEAD_WEEKS=2)
class SessionJobTests(HubTestCase):
    def test_it_fills_the_coming_weeks_once(self):
        with at(MONDAY):
            made = generate_hub_sessions(TODAY)
        self.assertEqual(made, 4)
        self.assertEqual(
            sorted(self.hub.sessions.values_list("date", flat=True)),
            [dt.date(2026, 3, 3), dt.date(2026, 3, 5), dt.date(2026, 3, 10), dt.date(2026, 3, 12)],
        )
        with at(MONDAY):
            self.assertEqual(generate_hub_sessions(TODAY), 0)
        self.assertTrue(Event.objects.filter(action__startswith="hub", actor__isnull=True).exists())

    def test_a_cancelled_session_is_not_made_again(self):
        with at(MONDAY):
            generate_hub_sessions(TODAY)
            actions.do_cancel_session(self.session_on(dt.date(2026, 3, 5)), reason="Closed", acting_user=self.volunteer)
            generate_hub_sessions(TODAY)
        self.assertEqual(self.hub.sessions.filter(date=dt.date(2026, 3, 5)).count(), 1)
        self.assertEqual(self.session_on(dt.date(2026, 3, 5)).status, "cancelled")

    def test_an_ended_pattern_makes_nothing_more(self):
        self.pattern.ends_on = dt.date(2026, 3, 5)
        self.pattern.save(update_fields=["ends_on"])
        with at(MONDAY):
            self.assertEqual(generate_hub_sessions(TODAY), 2)
            self.assertEqual(generate_hub_sessions(dt.date(2026, 3, 9)), 0)

    def test_the_command_says_what_it_made(self):
        out = StringIO()
        with at(MONDAY):
            call_command("generate_hub_sessions", stdout=out)
        self.assertIn("hub sessions up to 2 weeks ahead", out.getvalue())
