"""The safeguarding pages: raising (anyone in the organisation), a concern's page (its leads
and whoever raised it), the leads' forms, and the dashboard. Every page is tried as the lead,
the raiser (a volunteer), a caseworker of the same organisation, an outsider, another
organisation's safeguarding lead, a member with no roles, and anonymously."""

import datetime as dt

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from waymark.accounts.models import NationalBody
from waymark.audit.models import RecordAccess
from waymark.casework import safeguarding
from waymark.casework.models import ConcernCategory, Escalation, SafeguardingConcern, Urgency
from waymark.casework.tests.test_safeguarding_helpers import NOW, SECRET, SafeguardingTestCase, at


class RaisingPagesTestCase(SafeguardingTestCase):
    def post(self, path, **data):
        fields = {"category": ConcernCategory.DOMESTIC, "what_happened": SECRET, "urgency": Urgency.SOON, **data}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(path, fields)

    def test_a_volunteer_raises_a_concern_about_a_registered_person_and_sees_it(self):
        self.login(self.volunteer)
        path = f"/people/{self.amina.uuid}/concerns/new/"
        page = self.client.get(path)
        self.assertContains(page, "Raise a safeguarding concern about Amina Yusuf")
        self.assertNotContains(page, 'name="about"')
        response = self.post(path)
        concern = SafeguardingConcern.objects.get()
        self.assertRedirects(response, f"/safeguarding/concerns/{concern.uuid}/", fetch_redirect_response=False)
        self.assertEqual(
            (concern.person, concern.raised_by, concern.category), (self.amina, self.volunteer, "domestic")
        )
        self.assertEqual(len(mail.outbox), 2)
        page = self.client.get(response["Location"])
        self.assertContains(page, "the safeguarding leads have been told")
        self.assertContains(page, SECRET)
        self.assertNotContains(page, "Record the triage")

    def test_raising_about_someone_not_registered_needs_who_it_is_about(self):
        self.login(self.caseworker)
        response = self.post("/safeguarding/concerns/new/")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "There is a problem", status_code=400)
        self.assertFalse(SafeguardingConcern.objects.exists())
        response = self.post("/safeguarding/concerns/new/", about="A young man at the Bridge hotel, room 12")
        concern = SafeguardingConcern.objects.get()
        self.assertIsNone(concern.person)
        self.assertEqual(concern.about, "A young man at the Bridge hotel, room 12")

    def test_the_raise_page_needs_a_choice_of_kind_and_urgency(self):
        self.login(self.volunteer)
        response = self.post(f"/people/{self.amina.uuid}/concerns/new/", category="", urgency="")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'href="#id_category"', status_code=400)

    def test_an_outsider_cannot_raise_about_another_organisations_person(self):
        self.login(self.outsider)
        self.assertEqual(self.client.get(f"/people/{self.amina.uuid}/concerns/new/").status_code, 404)
        self.assertEqual(self.post(f"/people/{self.amina.uuid}/concerns/new/").status_code, 404)
        self.assertFalse(SafeguardingConcern.objects.exists())

    def test_a_member_with_no_roles_gets_404_and_anonymous_is_sent_to_sign_in(self):
        self.login(self.council)
        self.assertEqual(self.client.get("/safeguarding/concerns/new/").status_code, 404)
        self.client.logout()
        response = self.client.get("/safeguarding/concerns/new/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])

    def test_without_a_lead_the_page_says_so(self):
        from waymark.accounts.models import Membership, Role

        Membership.objects.filter(organisation=self.hub_org, roles__icontains="safeguarding_lead").update(
            roles=[Role.COORDINATOR, Role.ORGANISATION_ADMIN]
        )
        Membership.objects.filter(user=self.lead2).update(roles=[Role.VOLUNTEER])
        self.login(self.volunteer)
        response = self.post("/safeguarding/concerns/new/", about="Someone", category="neglect")
        page = self.client.get(response["Location"])
        self.assertContains(page, "no safeguarding lead")
        self.assertEqual([message.to for message in mail.outbox], [[self.coordinator.email]])


class ConcernPageTestCase(SafeguardingTestCase):
    def setUp(self):
        self.concern = self.raise_concern(by=self.volunteer)
        self.path = f"/safeguarding/concerns/{self.concern.uuid}/"

    def test_a_lead_sees_everything_with_the_forms_and_the_opening_is_logged(self):
        self.login(self.coordinator)
        page = self.client.get(self.path)
        self.assertContains(page, SECRET)
        self.assertContains(page, "Amina Yusuf")
        self.assertContains(page, "Record the triage")
        self.assertContains(page, "Record an escalation")
        self.assertNotContains(page, "Close the concern")
        self.assertTrue(
            RecordAccess.objects.filter(
                user=self.coordinator, person_uuid=self.amina.uuid, what="safeguarding_concern"
            ).exists()
        )

    def test_the_raiser_sees_their_own_read_only(self):
        self.login(self.volunteer)
        page = self.client.get(self.path)
        self.assertContains(page, SECRET)
        self.assertNotContains(page, "Record the triage")
        self.assertNotContains(page, "Record an escalation")
        response = self.client.post(f"{self.path}triage/", {"triage-decision": "act", "triage-reason": "x"})
        self.assertEqual(response.status_code, 404)
        self.concern.refresh_from_db()
        self.assertEqual(self.concern.status, "raised")

    def test_others_get_404(self):
        for user in (self.caseworker, self.outsider, self.council, self.partner):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(self.path).status_code, 404)
                for action in ("triage", "escalations", "close"):
                    self.assertEqual(self.client.post(f"{self.path}{action}/", {}).status_code, 404)

    def test_another_organisations_safeguarding_lead_gets_404_and_sees_not_theirs(self):
        # The outsider is a safeguarding lead of another organisation.
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.path).status_code, 404)
        self.assertNotContains(self.client.get("/safeguarding/"), str(self.concern.uuid))

    def test_the_raiser_does_not_see_another_volunteers_concern(self):
        other = self.raise_concern(by=self.caseworker)
        self.login(self.volunteer)
        self.assertEqual(self.client.get(f"/safeguarding/concerns/{other.uuid}/").status_code, 404)

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.path)
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])
        self.client.post(f"{self.path}triage/", {"triage-decision": "act", "triage-reason": "x"})
        self.concern.refresh_from_db()
        self.assertEqual(self.concern.status, "raised")

    def test_a_lead_triages_escalates_and_closes(self):
        self.login(self.lead2)
        response = self.client.post(
            f"{self.path}triage/", {"triage-decision": "act", "triage-reason": "Said he has a plan"}
        )
        self.assertRedirects(response, self.path)
        body = NationalBody.objects.get(slug="serco")
        response = self.client.post(
            f"{self.path}escalations/",
            {
                "escalation-to": "accommodation_provider",
                "escalation-national_body": body.pk,
                "escalation-with_consent": "yes",
            },
        )
        self.assertRedirects(response, self.path)
        self.client.post(
            f"{self.path}escalations/", {"escalation-to": "migrant_help", "escalation-with_consent": "yes"}
        )
        response = self.client.post(f"{self.path}close/", {"close-outcome": "handed_to_statutory"})
        self.assertRedirects(response, self.path)
        self.concern.refresh_from_db()
        self.assertEqual(self.concern.status, "closed")
        self.assertEqual(
            list(self.concern.escalations.values_list("to", flat=True)), ["accommodation_provider", "migrant_help"]
        )
        page = self.client.get(self.path)
        self.assertContains(page, "Serco")
        self.assertContains(page, "Said he has a plan")
        self.assertNotContains(page, "Record an escalation")

    def test_the_forms_show_the_rules_refusals(self):
        self.login(self.coordinator)
        response = self.client.post(
            f"{self.path}escalations/", {"escalation-to": "nrm_referral", "escalation-with_consent": "yes"}
        )
        self.assertContains(response, "Only an NRM First Responder organisation", status_code=400)
        response = self.client.post(
            f"{self.path}escalations/", {"escalation-to": "police", "escalation-with_consent": "no"}
        )
        self.assertContains(response, "lawful reason", status_code=400)
        self.assertFalse(Escalation.objects.exists())
        self.client.post(f"{self.path}triage/", {"triage-decision": "monitor", "triage-reason": "Watching"})
        response = self.client.post(f"{self.path}close/", {"close-outcome": ""})
        self.assertContains(response, "cannot be closed without an outcome", status_code=400)
        self.concern.refresh_from_db()
        self.assertEqual(self.concern.status, "triaged")

    def test_an_illegal_transition_is_a_clear_message(self):
        self.login(self.coordinator)
        self.client.post(f"{self.path}triage/", {"triage-decision": "monitor", "triage-reason": "Watching"})
        response = self.client.post(
            f"{self.path}triage/", {"triage-decision": "act", "triage-reason": "Again"}, follow=True
        )
        self.assertContains(response, "already been triaged")
        self.concern.refresh_from_db()
        self.assertEqual(self.concern.decision, "monitor")


class DashboardTestCase(SafeguardingTestCase):
    def test_a_lead_sees_open_untriaged_first_overdue_marked_and_recently_closed(self):
        old_untriaged = self.raise_concern(urgency=Urgency.IMMEDIATE, when=NOW - dt.timedelta(hours=2))
        triaged = self.raise_concern(urgency=Urgency.SOON, when=NOW - dt.timedelta(days=3))
        self.triage(triaged, when=NOW - dt.timedelta(days=2))
        new_untriaged = self.raise_concern(urgency=Urgency.ROUTINE, when=NOW)
        closed = self.raise_concern(when=NOW - dt.timedelta(days=5))
        self.triage(closed, when=NOW - dt.timedelta(days=5))
        with at(NOW - dt.timedelta(days=4)):
            safeguarding.do_close_concern(closed, acting_user=self.coordinator, outcome="person_safe")
        self.login(self.coordinator)
        with at(NOW):
            page = self.client.get("/safeguarding/")
        html = page.content.decode()
        positions = [html.index(str(concern.uuid)) for concern in (old_untriaged, new_untriaged, triaged, closed)]
        self.assertEqual(positions, sorted(positions))
        self.assertContains(page, "1 overdue")
        self.assertContains(page, "Not triaged in the time its urgency allows", count=1)
        self.assertNotContains(page, SECRET)

    def test_filters_by_status_and_kind(self):
        domestic = self.raise_concern(category=ConcernCategory.DOMESTIC)
        neglect = self.raise_concern(category=ConcernCategory.NEGLECT)
        self.triage(neglect)
        self.login(self.coordinator)
        page = self.client.get("/safeguarding/", {"category": "domestic"})
        self.assertContains(page, str(domestic.uuid))
        self.assertNotContains(page, str(neglect.uuid))
        page = self.client.get("/safeguarding/", {"status": "triaged"})
        self.assertContains(page, str(neglect.uuid))
        self.assertNotContains(page, str(domestic.uuid))

    def test_the_queries_do_not_grow_with_the_concerns(self):
        self.raise_concern()
        self.login(self.coordinator)
        with CaptureQueriesContext(connection) as one:
            self.client.get("/safeguarding/")
        for number in range(6):
            concern = self.raise_concern(
                by=self.caseworker if number % 2 else self.volunteer, about=f"Someone {number}", person=None
            )
            safeguarding.do_record_escalation(concern, acting_user=self.coordinator, to="police", with_consent=True)
            if number % 3 == 0:
                self.triage(concern)
        with self.assertNumQueries(len(one)):
            page = self.client.get("/safeguarding/")
        self.assertEqual(page.status_code, 200)

    def test_the_raiser_sees_only_the_concerns_they_raised(self):
        mine = self.raise_concern(by=self.volunteer)
        theirs = self.raise_concern(by=self.caseworker)
        self.login(self.volunteer)
        page = self.client.get("/safeguarding/")
        self.assertContains(page, "The concerns you raised")
        self.assertContains(page, str(mine.uuid))
        self.assertNotContains(page, str(theirs.uuid))

    def test_a_caseworker_who_raised_none_sees_none_and_others_are_refused(self):
        self.raise_concern(by=self.volunteer)
        self.login(self.caseworker)
        self.assertContains(self.client.get("/safeguarding/"), "No open concerns.")
        self.login(self.council)
        self.assertEqual(self.client.get("/safeguarding/").status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get("/safeguarding/").status_code, 302)

    def test_no_open_concern_is_lost(self):
        """Every open concern is on the dashboard, and every overdue one is in the digest."""
        concerns = []
        for number, urgency in enumerate([Urgency.IMMEDIATE, Urgency.SOON, Urgency.ROUTINE] * 3):
            concern = self.raise_concern(urgency=urgency, when=NOW - dt.timedelta(days=number * 2))
            if number % 2:
                self.triage(concern, when=NOW - dt.timedelta(days=number))
            concerns.append(concern)
        self.login(self.coordinator)
        with at(NOW):
            page = self.client.get("/safeguarding/")
        for concern in concerns:
            self.assertContains(page, str(concern.uuid))
        overdue = [item.concern for item in safeguarding.find_overdue(NOW)]
        self.assertTrue(overdue)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            safeguarding.send_overdue_digests(NOW)
        digest = next(message for message in mail.outbox if message.to == [self.coordinator.email])
        for concern in overdue:
            self.assertIn(str(concern.uuid), digest.body)
        html = page.content.decode()
        self.assertEqual(html.count("(overdue:"), len(overdue))


class DashboardOrderTestCase(SafeguardingTestCase):
    def test_an_overdue_untriaged_concern_comes_before_an_older_one_still_in_time(self):
        routine = self.raise_concern(urgency=Urgency.ROUTINE, when=NOW - dt.timedelta(days=2))
        immediate = self.raise_concern(urgency=Urgency.IMMEDIATE, when=NOW - dt.timedelta(hours=1))
        self.login(self.coordinator)
        with at(NOW):
            html = self.client.get("/safeguarding/").content.decode()
        self.assertLess(html.index(str(immediate.uuid)), html.index(str(routine.uuid)))
