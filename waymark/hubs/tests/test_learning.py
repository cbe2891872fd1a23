"""The learning log: after a session the hub's team writes what worked, what to change and the
issues to raise, with actions for members of the lead organisation, due by a date, marked done
once. The team and the network lead read it; nobody else (404)."""

import datetime as dt

from waymark.accounts.models import Membership, Network, PlatformRole
from waymark.audit.models import Event
from waymark.hubs import actions, learning
from waymark.hubs.models import LONDON, CoreOfferThreshold, LearningAction, LearningLog
from waymark.hubs.tests.helpers import HubTestCase, at
from waymark.testing import make_area, make_user

# Friday 6 March 2026, 18:00: the week's sessions are over.
FRIDAY = dt.datetime(2026, 3, 6, 18, 0, tzinfo=LONDON)


class LearningTestCase(HubTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        far = Network.objects.create(name="North East", slug="north-east")
        far.areas.add(make_area("Newcastle"))
        cls.far_lead = make_user("far.lead@example.org")
        PlatformRole.objects.create(user=cls.far_lead, kind=PlatformRole.Kind.NETWORK_LEAD, network=far)

    def setUp(self):
        self.generate()
        self.tuesday = self.session_on(dt.date(2026, 3, 3))
        self.next_tuesday = self.session_on(dt.date(2026, 3, 10))
        self.volunteer_membership = Membership.objects.get(user=self.volunteer)

    def get(self, user, url):
        self.login(user)
        with at(FRIDAY):
            return self.client.get(url)

    def post(self, user, url, data):
        self.login(user)
        with at(FRIDAY):
            return self.client.post(url, data)

    def log_url(self, session=None):
        return f"/organisation/sessions/{(session or self.tuesday).uuid}/learning/"

    def write(self, **data):
        fields = {"what_worked": "", "what_to_change": "", "issues_to_raise": "", **data}
        return self.post(self.volunteer, self.log_url(), {f"log-{key}": value for key, value in fields.items()})

    def add_action(self, user=None, **data):
        fields = {"description": "Ask the library for a second room", "owner": self.volunteer_membership.pk}
        fields["due_on"] = "2026-03-20"
        fields.update(data)
        return self.post(
            user or self.volunteer,
            f"/organisation/sessions/{self.tuesday.uuid}/learning/actions/",
            {f"action-{key}": value for key, value in fields.items()},
        )


class ItWritesTheDebrief(LearningTestCase):
    def test_the_team_writes_it_after_the_session(self):
        response = self.write(what_worked=" The interpreter rota. ", issues_to_raise="Hotel moved 12 people.")
        self.assertRedirects(response, self.log_url(), fetch_redirect_response=False)
        log = LearningLog.objects.get(session=self.tuesday)
        self.assertEqual(log.what_worked, "The interpreter rota.")
        self.assertEqual(log.issues_to_raise, "Hotel moved 12 people.")
        self.assertEqual(log.written_by, self.volunteer)
        event = Event.objects.get(action="hubs.learning_log_written")
        self.assertEqual(event.actor, self.volunteer)
        self.assertEqual(event.organisation, self.hub_org)
        response = self.get(self.volunteer, self.log_url())
        self.assertContains(response, "The interpreter rota.")
        # Rewriting it is a change, recorded as such.
        self.write(what_worked="The interpreter rota, and the tea.")
        self.assertEqual(LearningLog.objects.get().what_worked, "The interpreter rota, and the tea.")
        self.assertTrue(Event.objects.filter(action="hubs.learning_log_changed").exists())

    def test_it_asks_for_something_written(self):
        response = self.write()
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "Write at least one of what worked, what to change or issues to raise.", status_code=400
        )
        self.assertFalse(LearningLog.objects.exists())

    def test_it_refuses_too_long_a_text(self):
        response = self.write(what_worked="x" * 4001)
        self.assertContains(response, "Write at most 4000 characters", status_code=400)

    def test_it_waits_for_the_session_to_begin(self):
        response = self.get(self.volunteer, self.log_url(self.next_tuesday))
        self.assertContains(response, "The learning log is written once the session has begun.")
        self.assertNotContains(response, "Save the learning log")
        response = self.post(self.volunteer, self.log_url(self.next_tuesday), {"log-what_worked": "Too soon"})
        self.assertContains(response, "The learning log is written once the session has begun.", status_code=400)
        self.assertFalse(LearningLog.objects.exists())

    def test_a_cancelled_session_has_nothing_to_debrief(self):
        with at(dt.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)):
            actions.do_cancel_session(self.tuesday, reason="Snow", acting_user=self.coordinator)
        response = self.write(what_worked="Nothing")
        self.assertContains(response, "The session was cancelled, so there is nothing to debrief.", status_code=400)

    def test_the_network_lead_reads_it_but_cannot_write(self):
        self.write(what_worked="The interpreter rota.")
        response = self.get(self.network_lead, self.log_url())
        self.assertContains(response, "The interpreter rota.")
        self.assertNotContains(response, "Save the learning log")
        self.assertNotContains(response, "Add the action")
        response = self.post(self.network_lead, self.log_url(), {"log-what_worked": "Mine now"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(LearningLog.objects.get().what_worked, "The interpreter rota.")

    def test_others_get_404(self):
        self.write(what_worked="The interpreter rota.")
        for user in (self.caseworker, self.outsider, self.partner, self.far_lead, self.council, self.editor):
            self.assertEqual(self.get(user, self.log_url()).status_code, 404, user)
            self.assertEqual(self.post(user, self.log_url(), {"log-what_worked": "x"}).status_code, 404, user)
        self.assertEqual(LearningLog.objects.get().what_worked, "The interpreter rota.")


class ItKeepsActions(LearningTestCase):
    def test_the_team_adds_an_action_with_an_owner_and_due_date(self):
        response = self.add_action()
        self.assertRedirects(response, self.log_url(), fetch_redirect_response=False)
        action = LearningAction.objects.get()
        self.assertEqual(action.owner, self.volunteer_membership)
        self.assertEqual(action.due_on, dt.date(2026, 3, 20))
        self.assertEqual(action.status, LearningAction.Status.OPEN)
        self.assertEqual(action.log.session, self.tuesday)
        self.assertTrue(Event.objects.filter(action="hubs.learning_action_added").exists())
        response = self.get(self.volunteer, f"/organisation/hubs/{self.hub.uuid}/")
        self.assertContains(response, "1 open action")

    def test_the_owner_is_a_member_of_the_lead_organisation(self):
        partner_membership = Membership.objects.get(user=self.partner)
        response = self.add_action(owner=partner_membership.pk)
        self.assertContains(response, "Choose who will do it", status_code=400)
        with at(FRIDAY), self.assertRaisesMessage(Exception, "member of the organisation that leads the hub"):
            learning.do_add_learning_action(
                self.tuesday,
                description="x",
                owner=partner_membership,
                due_on=dt.date(2026, 3, 20),
                acting_user=self.volunteer,
            )
        self.assertFalse(LearningAction.objects.exists())

    def test_it_explains_what_is_missing(self):
        response = self.add_action(description="", due_on="")
        self.assertContains(response, "Say what is to be done", status_code=400)
        self.assertContains(response, "Enter the date it is due by", status_code=400)
        self.assertContains(response, 'class="error-summary"', status_code=400)

    def test_an_action_is_marked_done_once(self):
        self.add_action()
        action = LearningAction.objects.get()
        url = f"/organisation/learning-actions/{action.uuid}/done/"
        response = self.post(self.volunteer, url, {"back": "hub"})
        self.assertRedirects(response, f"/organisation/hubs/{self.hub.uuid}/learning/", fetch_redirect_response=False)
        action.refresh_from_db()
        self.assertTrue(action.is_done)
        self.assertEqual(action.done_by, self.volunteer)
        self.assertTrue(Event.objects.filter(action="hubs.learning_action_done").exists())
        response = self.post(self.volunteer, url, {})
        self.assertRedirects(response, self.log_url(), fetch_redirect_response=False)
        with at(FRIDAY):
            self.assertContains(self.client.get(response.url), "This action is already done.")

    def test_only_the_team_marks_it_done(self):
        self.add_action()
        action = LearningAction.objects.get()
        for user in (self.network_lead, self.caseworker, self.outsider, self.far_lead):
            response = self.post(user, f"/organisation/learning-actions/{action.uuid}/done/", {})
            self.assertEqual(response.status_code, 404, user)
        self.assertFalse(LearningAction.objects.get().is_done)

    def test_only_the_team_adds_actions(self):
        for user in (self.network_lead, self.caseworker, self.outsider):
            self.assertEqual(self.add_action(user).status_code, 404, user)
        self.assertFalse(LearningAction.objects.exists())


class ItListsTheLog(LearningTestCase):
    def url(self):
        return f"/organisation/hubs/{self.hub.uuid}/learning/"

    def test_the_team_and_the_network_lead_see_sessions_and_open_actions(self):
        self.write(what_worked="The interpreter rota.")
        self.add_action(due_on="2026-03-05")
        for user in (self.volunteer, self.coordinator, self.network_lead):
            response = self.get(user, self.url())
            self.assertContains(response, "Learning log of Bolton Hub")
            self.assertContains(response, "The interpreter rota.")
            self.assertContains(response, "Ask the library for a second room")
            self.assertContains(response, "(overdue)")
            self.assertContains(response, "No learning log yet.")  # Thursday's
            self.assertNotContains(response, "Tuesday 10 March")  # still to come
        self.assertContains(self.get(self.volunteer, self.url()), "Mark as done")
        self.assertNotContains(self.get(self.network_lead, self.url()), "Mark as done")

    def test_others_get_404(self):
        for user in (self.caseworker, self.outsider, self.partner, self.far_lead, self.council):
            self.assertEqual(self.get(user, self.url()).status_code, 404, user)

    def test_it_reads_a_fixed_number_of_queries(self):
        self.write(what_worked="Tuesday")
        self.add_action()
        self.get(self.volunteer, self.url())  # shows (and so clears) the messages of the writes
        with at(FRIDAY), self.assertNumQueries(11):
            self.client.get(self.url())
        self.post(self.volunteer, self.log_url(self.session_on(dt.date(2026, 3, 5))), {"log-what_worked": "Thursday"})
        self.add_action(description="Second")
        self.get(self.volunteer, self.url())
        with at(FRIDAY), self.assertNumQueries(11):
            self.client.get(self.url())


class ItIsReachedFromTheSession(LearningTestCase):
    def test_the_session_page_links_to_its_learning_log_once_it_has_begun(self):
        link = f'href="{self.log_url()}"'
        self.assertContains(self.get(self.volunteer, f"/organisation/sessions/{self.tuesday.uuid}/"), link)
        response = self.get(self.volunteer, f"/organisation/sessions/{self.next_tuesday.uuid}/")
        self.assertNotContains(response, f'href="{self.log_url(self.next_tuesday)}"')


class AnAdministratorSetsTheThresholds(HubTestCase):
    def test_the_seeded_thresholds_are_in_the_admin_with_their_source(self):
        self.client.force_login(self.admin)
        session = self.client.session
        session["mfa_set_up"] = True
        session.save()
        response = self.client.get("/admin/hubs/coreofferthreshold/")
        self.assertContains(response, "Welcoming point of contact")
        self.assertContains(response, "Step Change consortium")
        response = self.client.post(
            "/admin/hubs/coreofferthreshold/add/",
            {"line": "casework", "days_per_week": "3", "valid_from": "2026-04-06", "source": "Network meeting"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(CoreOfferThreshold.objects.get(valid_from=dt.date(2026, 4, 6)).days_per_week, 3)
