"""Making a pattern's sessions: the right dates, at the wall-clock time on either side of a
clock change, and never a second session for a date."""

import datetime as dt

from waymark.audit.models import Event
from waymark.hubs import actions
from waymark.hubs.models import HubSession
from waymark.hubs.tests.helpers import MONDAY, HubTestCase, at


class GenerateSessionsTestCase(HubTestCase):
    def test_it_makes_a_session_on_each_day_of_the_pattern(self):
        made = self.generate(until=dt.date(2026, 3, 13))
        self.assertEqual(
            [session.date for session in made],
            [dt.date(2026, 3, 3), dt.date(2026, 3, 5), dt.date(2026, 3, 10), dt.date(2026, 3, 12)],
        )
        session = self.session_on(dt.date(2026, 3, 3))
        self.assertEqual((session.starts_at, session.ends_at), (dt.time(10), dt.time(14)))
        self.assertEqual(session.site, self.site)
        self.assertEqual(session.offers, ["welcome", "casework", "hot_food"])
        self.assertEqual(session.status, HubSession.Status.SCHEDULED)

    def test_it_is_idempotent(self):
        self.generate(until=dt.date(2026, 3, 13))
        again = self.generate(until=dt.date(2026, 3, 13))
        self.assertEqual(again, [])
        later = self.generate(until=dt.date(2026, 3, 20))
        self.assertEqual([session.date for session in later], [dt.date(2026, 3, 17), dt.date(2026, 3, 19)])
        self.assertEqual(self.hub.sessions.count(), 6)

    def test_a_moved_or_cancelled_session_is_not_made_again(self):
        self.generate(until=dt.date(2026, 3, 13))
        with at(MONDAY):
            actions.do_move_session(
                self.session_on(dt.date(2026, 3, 3)),
                date=dt.date(2026, 3, 4),
                starts_at=dt.time(11),
                ends_at=dt.time(15),
                site=self.library,
                acting_user=self.volunteer,
            )
            actions.do_cancel_session(self.session_on(dt.date(2026, 3, 5)), acting_user=self.volunteer)
        self.generate(until=dt.date(2026, 3, 13))
        self.assertEqual(
            sorted(self.hub.sessions.values_list("date", flat=True)),
            [dt.date(2026, 3, 4), dt.date(2026, 3, 5), dt.date(2026, 3, 10), dt.date(2026, 3, 12)],
        )

    def test_sessions_keep_their_wall_clock_time_across_the_clock_change(self):
        # British Summer Time began on Sunday 29 March 2026.
        self.generate(until=dt.date(2026, 4, 2))
        before = self.session_on(dt.date(2026, 3, 26))
        after = self.session_on(dt.date(2026, 3, 31))
        self.assertEqual(before.starts_at, after.starts_at)
        self.assertEqual(before.starts.astimezone(dt.UTC).time(), dt.time(10))
        self.assertEqual(after.starts.astimezone(dt.UTC).time(), dt.time(9))
        self.assertEqual(after.ends.astimezone(dt.UTC).time(), dt.time(13))

    def test_it_stops_at_the_patterns_last_date(self):
        with at(MONDAY):
            actions.do_end_pattern(self.pattern, ends_on=dt.date(2026, 3, 10), acting_user=self.coordinator)
        made = self.generate(until=dt.date(2026, 3, 31))
        self.assertEqual(made[-1].date, dt.date(2026, 3, 10))

    def test_ending_a_pattern_removes_its_later_sessions_nobody_was_invited_to(self):
        self.generate(until=dt.date(2026, 3, 20))
        with at(MONDAY):
            actions.do_invite_partner(
                self.session_on(dt.date(2026, 3, 19)), self.partner_org, acting_user=self.coordinator
            )
            actions.do_end_pattern(self.pattern, ends_on=dt.date(2026, 3, 10), acting_user=self.coordinator)
        self.assertEqual(
            sorted(self.hub.sessions.values_list("date", flat=True)),
            [dt.date(2026, 3, 3), dt.date(2026, 3, 5), dt.date(2026, 3, 10), dt.date(2026, 3, 19)],
        )

    def test_it_writes_one_audit_event(self):
        self.generate(until=dt.date(2026, 3, 13))
        event = Event.objects.get(action="hub.sessions_generated")
        self.assertEqual(event.actor, self.coordinator)
        self.assertEqual(event.organisation, self.hub_org)
        self.assertEqual(event.details, {"until": "2026-03-13", "made": 4})
