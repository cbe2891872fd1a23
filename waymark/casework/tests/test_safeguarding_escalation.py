"""Passing an untriaged concern to the next lead (frozen clock, the rules as data), and the
daily check that no open concern is lost."""

import datetime as dt
from io import StringIO

from django.core import mail
from django.core.management import call_command

from waymark.accounts.models import Membership, Role
from waymark.audit.models import Event
from waymark.casework import safeguarding
from waymark.casework.models import EscalationRule, SafeguardingConcern, Urgency
from waymark.casework.tests.test_safeguarding_helpers import NOW, SECRET, SafeguardingTestCase, at
from waymark.testing import make_member, make_organisation

MINUTE = dt.timedelta(minutes=1)


class EscalationTestCase(SafeguardingTestCase):
    def run_job(self, when):
        mail.outbox.clear()
        out = StringIO()
        with at(when), self.captureOnCommitCallbacks(execute=True):
            call_command("escalate_safeguarding_concerns", stdout=out)
        return out.getvalue()

    def test_the_seeded_rules_are_in_force(self):
        self.assertEqual(
            safeguarding.rules_in_force(dt.date(2026, 3, 2)),
            {Urgency.IMMEDIATE: 30, Urgency.SOON: 24 * 60, Urgency.ROUTINE: 3 * 24 * 60},
        )
        self.assertTrue(EscalationRule.objects.filter(source__startswith="Waymark default").exists())

    def test_an_immediate_concern_passes_to_the_next_lead_after_30_minutes_not_before(self):
        concern = self.raise_concern(urgency=Urgency.IMMEDIATE)
        output = self.run_job(NOW + 29 * MINUTE)
        self.assertIn("0 safeguarding concerns passed", output)
        self.assertEqual(mail.outbox, [])
        concern.refresh_from_db()
        self.assertEqual(concern.current_lead, self.coordinator)

        output = self.run_job(NOW + 30 * MINUTE)
        self.assertIn("1 safeguarding concerns passed", output)
        self.assertNotIn(SECRET, output)
        concern.refresh_from_db()
        self.assertEqual(concern.current_lead, self.lead2)
        self.assertEqual(concern.lead_notified_at, NOW + 30 * MINUTE)
        self.assertEqual(concern.times_passed_on, 1)
        self.assertEqual([message.to for message in mail.outbox], [[self.lead2.email]])
        self.assertNotIn(SECRET, mail.outbox[0].body)
        event = Event.objects.get(action="safeguarding.concern_passed_on")
        self.assertEqual(event.details["to_user"], self.lead2.pk)
        self.assertIsNone(event.actor)

        # The clock starts again with the new lead.
        self.run_job(NOW + 59 * MINUTE)
        self.assertEqual(mail.outbox, [])

    def test_after_the_last_lead_it_wraps_to_the_first_and_tells_the_admins(self):
        admin = make_member("admin2@example.org", self.hub_org, [Role.ORGANISATION_ADMIN])
        concern = self.raise_concern(urgency=Urgency.IMMEDIATE)
        self.run_job(NOW + 30 * MINUTE)
        self.run_job(NOW + 60 * MINUTE)
        concern.refresh_from_db()
        self.assertEqual(concern.current_lead, self.coordinator)
        self.assertEqual(concern.times_passed_on, 2)
        recipients = sorted(message.to[0] for message in mail.outbox)
        # The coordinator as the lead it comes back to; the other admin that no lead triaged it.
        self.assertEqual(recipients, sorted([self.coordinator.email, admin.email]))
        admin_message = next(message for message in mail.outbox if message.to == [admin.email])
        self.assertIn("none has triaged it", admin_message.body)
        self.assertNotIn(str(concern.uuid), admin_message.body)

    def test_the_time_depends_on_urgency(self):
        soon = self.raise_concern(urgency=Urgency.SOON)
        routine = self.raise_concern(urgency=Urgency.ROUTINE)
        self.run_job(NOW + dt.timedelta(hours=23, minutes=59))
        self.assertEqual(mail.outbox, [])
        self.run_job(NOW + dt.timedelta(hours=24))
        soon.refresh_from_db()
        routine.refresh_from_db()
        self.assertEqual((soon.times_passed_on, routine.times_passed_on), (1, 0))
        self.run_job(NOW + dt.timedelta(days=3))
        routine.refresh_from_db()
        self.assertEqual(routine.times_passed_on, 1)

    def test_the_rule_in_force_is_the_latest_one_from_before_today(self):
        EscalationRule.objects.create(
            urgency=Urgency.IMMEDIATE, minutes=10, valid_from=dt.date(2026, 3, 1), source="Policy v2"
        )
        EscalationRule.objects.create(
            urgency=Urgency.IMMEDIATE, minutes=5, valid_from=dt.date(2026, 4, 1), source="Policy v3"
        )
        concern = self.raise_concern(urgency=Urgency.IMMEDIATE)
        self.run_job(NOW + 9 * MINUTE)
        concern.refresh_from_db()
        self.assertEqual(concern.times_passed_on, 0)
        self.run_job(NOW + 10 * MINUTE)
        concern.refresh_from_db()
        self.assertEqual(concern.times_passed_on, 1)

    def test_a_triaged_concern_does_not_pass_on(self):
        concern = self.raise_concern(urgency=Urgency.IMMEDIATE)
        self.triage(concern, when=NOW + 5 * MINUTE)
        self.run_job(NOW + dt.timedelta(hours=5))
        concern.refresh_from_db()
        self.assertEqual((concern.current_lead, concern.times_passed_on), (self.coordinator, 0))
        self.assertEqual(mail.outbox, [])

    def test_a_concern_raised_without_a_lead_goes_to_the_first_lead_appointed(self):
        org = make_organisation("Quiet Corner Project")
        helper = make_member("helper@quiet.example", org, [Role.VOLUNTEER])
        concern = self.raise_concern(by=helper, about="A woman at the library")
        self.run_job(NOW + 31 * MINUTE)
        self.assertEqual(mail.outbox, [])  # Still nobody to pass it to.
        membership = Membership.objects.get(user=helper)
        membership.roles = [Role.VOLUNTEER, Role.SAFEGUARDING_LEAD]
        membership.save()
        self.run_job(NOW + 35 * MINUTE)
        concern.refresh_from_db()
        self.assertEqual(concern.current_lead, helper)
        self.assertEqual(concern.times_passed_on, 0)
        self.assertEqual([message.to for message in mail.outbox], [[helper.email]])

    def test_a_lead_who_loses_the_role_is_skipped(self):
        concern = self.raise_concern(urgency=Urgency.IMMEDIATE)
        membership = Membership.objects.get(user=self.coordinator)
        membership.roles = [Role.COORDINATOR]
        membership.save()
        self.run_job(NOW + 30 * MINUTE)
        concern.refresh_from_db()
        self.assertEqual(concern.current_lead, self.lead2)


class DailyCheckTestCase(SafeguardingTestCase):
    def run_check(self, when):
        mail.outbox.clear()
        out = StringIO()
        with at(when), self.captureOnCommitCallbacks(execute=True):
            call_command("check_open_concerns", stdout=out)
        return out.getvalue()

    def test_it_sends_one_digest_per_lead_listing_the_overdue_ones_without_text(self):
        overdue = self.raise_concern(urgency=Urgency.IMMEDIATE, when=NOW)
        fresh = self.raise_concern(urgency=Urgency.ROUTINE, when=NOW)
        old_triaged = self.raise_concern(urgency=Urgency.SOON, when=NOW - dt.timedelta(days=20))
        self.triage(old_triaged, when=NOW - dt.timedelta(days=15))
        recent_triaged = self.raise_concern(urgency=Urgency.SOON, when=NOW - dt.timedelta(days=3))
        self.triage(recent_triaged, when=NOW - dt.timedelta(days=2))
        elsewhere = self.raise_concern(by=self.outsider, about="A boy at the hotel", when=NOW)

        output = self.run_check(NOW + dt.timedelta(hours=2))
        for concern in (overdue, old_triaged, elsewhere):
            self.assertIn(str(concern.uuid), output)
        for concern in (fresh, recent_triaged):
            self.assertNotIn(str(concern.uuid), output)
        self.assertNotIn(SECRET, output)

        by_recipient = {message.to[0]: message for message in mail.outbox}
        self.assertEqual(sorted(by_recipient), sorted([self.coordinator.email, self.lead2.email, self.outsider.email]))
        digest = by_recipient[self.coordinator.email]
        self.assertIn("2 overdue safeguarding concerns", digest.subject)
        self.assertIn(str(overdue.uuid), digest.body)
        self.assertIn(str(old_triaged.uuid), digest.body)
        self.assertNotIn(str(elsewhere.uuid), digest.body)
        self.assertIn("Still open two weeks or more after triage", digest.body)
        self.assertNotIn(SECRET, digest.body)
        self.assertNotIn(str(overdue.uuid), by_recipient[self.outsider.email].body)

    def test_running_twice_a_day_sends_each_digest_once(self):
        self.raise_concern(urgency=Urgency.IMMEDIATE, when=NOW)
        self.run_check(NOW + dt.timedelta(hours=2))
        self.assertEqual(len(mail.outbox), 2)
        self.run_check(NOW + dt.timedelta(hours=3))
        self.assertEqual(mail.outbox, [])
        self.run_check(NOW + dt.timedelta(days=1))
        self.assertEqual(len(mail.outbox), 2)

    def test_nothing_overdue_sends_nothing(self):
        self.raise_concern(urgency=Urgency.ROUTINE, when=NOW)
        output = self.run_check(NOW + dt.timedelta(hours=1))
        self.assertIn("0 overdue safeguarding concerns", output)
        self.assertEqual(mail.outbox, [])

    def test_without_a_lead_the_admins_get_the_digest_without_links(self):
        org = make_organisation("Quiet Corner Project")
        admin = make_member("admin@quiet.example", org, [Role.ORGANISATION_ADMIN])
        helper = make_member("helper@quiet.example", org, [Role.VOLUNTEER])
        concern = self.raise_concern(by=helper, about="A woman at the library", urgency=Urgency.IMMEDIATE)
        self.run_check(NOW + dt.timedelta(hours=1))
        self.assertEqual([message.to for message in mail.outbox], [[admin.email]])
        self.assertIn("no safeguarding lead", mail.outbox[0].body)
        self.assertNotIn(str(concern.uuid), mail.outbox[0].body)

    def test_a_closed_concern_is_never_overdue(self):
        concern = self.raise_concern(urgency=Urgency.IMMEDIATE, when=NOW - dt.timedelta(days=30))
        self.triage(concern, when=NOW - dt.timedelta(days=29))
        safeguarding.do_close_concern(concern, acting_user=self.coordinator, outcome="person_safe")
        self.assertEqual(safeguarding.find_overdue(NOW), [])
        self.assertEqual(SafeguardingConcern.objects.get().status, "closed")


class PassingTwiceTestCase(SafeguardingTestCase):
    def test_a_concern_read_before_another_run_passed_it_on_is_not_passed_again(self):
        concern = self.raise_concern(urgency=Urgency.IMMEDIATE)
        stale = SafeguardingConcern.objects.get(pk=concern.pk)
        with self.captureOnCommitCallbacks(execute=True):
            safeguarding.do_pass_to_next_lead(concern, now=NOW + 30 * MINUTE)
        with self.assertRaises(safeguarding.IllegalTransition):
            safeguarding.do_pass_to_next_lead(stale, now=NOW + 30 * MINUTE)
        concern.refresh_from_db()
        self.assertEqual(concern.times_passed_on, 1)
