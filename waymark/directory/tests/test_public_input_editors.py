"""Editors deal with problem reports and suggestions; organisations read their feedback."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from waymark.accounts.models import PlatformRole, Role
from waymark.audit.models import Event
from waymark.directory.actions import IllegalTransition
from waymark.directory.actions.public_input import (
    do_dismiss_problem,
    do_give_feedback,
    do_mark_suggestion_added,
    do_report_problem,
    do_resolve_problem,
    do_suggest_service,
)
from waymark.directory.models import ProblemReport, Service, ServiceSuggestion
from waymark.directory.tests.builders import make_organization, make_service
from waymark.directory.views.public_input import SUPPRESS_BELOW, feedback_figures
from waymark.testing import BaseTestCase, make_area, make_member, make_network, make_user


class EditorialTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        # A request to an /ar/ page leaves Arabic active in this thread (the test client does
        # not reset it), which would turn the next reverse() into /ar/…: start and end in English.
        translation.deactivate()
        self.addCleanup(translation.deactivate)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.directory_org = make_organization(
            "Croal Valley Welcome Project", waymark_organisation=cls.hub_org, network=cls.network
        )
        cls.service = make_service("Drop-in advice", organization=cls.directory_org)
        cls.report = do_report_problem(cls.service, kind="wrong_hours", details="Shut on Fridays")
        cls.suggestion = do_suggest_service(name="Sewing group", where="Bolton")

        cls.far_network = make_network("Tyne and Wear", [make_area("Newcastle")])
        cls.far_editor = make_user("far-editor@example.org")
        PlatformRole.objects.create(
            user=cls.far_editor, kind=PlatformRole.Kind.DIRECTORY_EDITOR, network=cls.far_network
        )
        cls.far_org = make_organization("Tyne Food Bank", network=cls.far_network)
        cls.far_service = make_service("Food parcels", organization=cls.far_org)
        cls.far_report = do_report_problem(cls.far_service, kind="closed")
        cls.far_suggestion = do_suggest_service(name="Byker youth club", where="Newcastle")

    def assert_not_there(self, url, *users):
        for user in users:
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url, {"decision": "dismiss", "resolution": "x"}).status_code, 404)
        self.client.logout()

    def assert_asks_to_sign_in(self, url):
        self.client.logout()
        response = self.client.get(url)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.url.startswith(reverse("account_login")))


class TheProblemReportPage(EditorialTestCase):
    def url(self, report=None):
        return reverse("directory:review_problem", args=[(report or self.report).uuid])

    def test_an_editor_of_the_network_sees_the_report_and_the_listing(self):
        self.login(self.editor)
        response = self.client.get(self.url())
        self.assertContains(response, "Drop-in advice")
        self.assertContains(response, "The opening times are wrong")
        self.assertContains(response, "Shut on Fridays")
        self.assertContains(response, reverse("directory:service", args=[self.service.id]))
        self.assertContains(response, "I have checked the whole listing")
        self.assertContains(response, "Deal with the report")

    def test_an_editor_resolves_it_and_marks_the_listing_checked(self):
        self.login(self.editor)
        response = self.client.post(
            self.url(),
            {
                "decision": "resolve",
                "resolution": "Phoned them; hours fixed",
                "mark_checked": "on",
                "check_method": "phone",
            },
        )
        self.assertRedirects(response, reverse("directory:editors_dashboard"), fetch_redirect_response=False)
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, ProblemReport.Status.RESOLVED)
        self.assertEqual(self.report.resolved_by, self.editor)
        self.assertEqual(self.report.resolution, "Phoned them; hours fixed")
        self.service.refresh_from_db()
        self.assertEqual(self.service.verification_method, Service.VerificationMethod.PHONE)
        self.assertEqual(self.service.verified_by, self.editor)
        self.assertTrue(Event.objects.filter(action="directory.problem_resolved", actor=self.editor).exists())
        self.assertTrue(Event.objects.filter(action="directory.listing_checked", actor=self.editor).exists())

    def test_an_editor_dismisses_it(self):
        self.login(self.editor)
        self.client.post(self.url(), {"decision": "dismiss", "resolution": "The hours are right"})
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, ProblemReport.Status.DISMISSED)
        self.service.refresh_from_db()
        self.assertIsNone(self.service.verified_at)
        self.assertTrue(Event.objects.filter(action="directory.problem_dismissed").exists())
        closed = self.client.get(self.url())
        self.assertContains(closed, "What was done")
        self.assertContains(closed, "The hours are right")
        self.assertNotContains(closed, "Deal with the report")

    def test_marking_checked_needs_how(self):
        self.login(self.editor)
        response = self.client.post(self.url(), {"decision": "resolve", "resolution": "Fixed", "mark_checked": "on"})
        self.assertContains(response, "Choose how you checked it")
        response = self.client.post(
            self.url(), {"decision": "dismiss", "resolution": "No", "mark_checked": "on", "check_method": "visit"}
        )
        self.assertContains(response, "Only a resolved report can mark the listing checked")
        response = self.client.post(self.url(), {"decision": "resolve"})
        self.assertContains(response, "Write a note about what you did")
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, ProblemReport.Status.OPEN)

    def test_a_closed_report_cannot_be_closed_again(self):
        do_dismiss_problem(self.report, resolution="Spam", acting_user=self.admin)
        with self.assertRaises(IllegalTransition):
            do_resolve_problem(self.report, resolution="Again", acting_user=self.editor)
        self.login(self.editor)
        response = self.client.post(self.url(), {"decision": "resolve", "resolution": "Again"}, follow=True)
        self.assertContains(response, "This has already been dealt with.")
        self.assertNotContains(response, "I have checked the whole listing")
        self.report.refresh_from_db()
        self.assertEqual((self.report.status, self.report.resolution), (ProblemReport.Status.DISMISSED, "Spam"))

    def test_an_administrator_sees_every_network(self):
        self.login(self.admin)
        self.assertContains(self.client.get(self.url(self.far_report)), "Food parcels")

    def test_it_is_not_there_for_anyone_else(self):
        self.assert_not_there(
            self.url(), self.far_editor, self.coordinator, self.volunteer, self.outsider, self.network_lead
        )
        self.assert_not_there(self.url(self.far_report), self.editor)
        self.assert_asks_to_sign_in(self.url())
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, ProblemReport.Status.OPEN)


class TheSuggestionPage(EditorialTestCase):
    def url(self, suggestion=None):
        return reverse("directory:review_suggestion", args=[(suggestion or self.suggestion).uuid])

    def test_it_was_placed_in_the_network_of_its_area(self):
        self.assertEqual(self.suggestion.network, self.network)
        self.assertEqual(self.far_suggestion.network, self.far_network)

    def test_an_editor_marks_it_added(self):
        self.login(self.editor)
        response = self.client.get(self.url())
        self.assertContains(response, "Sewing group")
        response = self.client.post(self.url(), {"decision": "added", "resolution": "Asked St Peter's to register"})
        self.assertRedirects(response, reverse("directory:editors_dashboard"), fetch_redirect_response=False)
        self.suggestion.refresh_from_db()
        self.assertEqual(self.suggestion.status, ServiceSuggestion.Status.ADDED)
        self.assertEqual(self.suggestion.resolved_by, self.editor)
        self.assertTrue(Event.objects.filter(action="directory.suggestion_added").exists())

    def test_an_editor_dismisses_it(self):
        self.login(self.editor)
        self.assertContains(self.client.get(self.url()), "Deal with the suggestion")
        self.client.post(self.url(), {"decision": "dismiss", "resolution": "Already listed"})
        self.suggestion.refresh_from_db()
        self.assertEqual(self.suggestion.status, ServiceSuggestion.Status.DISMISSED)
        closed = self.client.get(self.url())
        self.assertContains(closed, "Already listed")
        self.assertNotContains(closed, "Deal with the suggestion")

    def test_it_cannot_be_closed_twice(self):
        do_mark_suggestion_added(self.suggestion, acting_user=self.editor)
        self.login(self.editor)
        response = self.client.post(self.url(), {"decision": "dismiss", "resolution": "x"}, follow=True)
        self.assertContains(response, "This has already been dealt with.")
        self.suggestion.refresh_from_db()
        self.assertEqual(self.suggestion.status, ServiceSuggestion.Status.ADDED)

    def test_one_nobody_could_place_is_seen_by_every_editor(self):
        lost = do_suggest_service(name="Somewhere club", where="")
        for editor in (self.editor, self.far_editor, self.admin):
            with self.subTest(editor=editor.email):
                self.login(editor)
                self.assertContains(self.client.get(self.url(lost)), "Somewhere club")

    def test_it_is_not_there_for_anyone_else(self):
        self.assert_not_there(self.url(), self.far_editor, self.coordinator, self.volunteer, self.outsider)
        self.assert_not_there(self.url(self.far_suggestion), self.editor)
        self.assert_asks_to_sign_in(self.url())
        self.login(self.admin)
        self.assertEqual(self.client.get(self.url(self.far_suggestion)).status_code, 200)


class TheOrganisationsFeedback(EditorialTestCase):
    url = "/organisation/listings/feedback/"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other_directory_org = make_organization(
            "Kersal Moor Welcome Centre", waymark_organisation=cls.other_org, network=cls.network
        )
        cls.other_service = make_service("Kersal lunch club", organization=cls.other_directory_org)
        cls.other_coordinator = make_member("kersal-coordinator@example.org", cls.other_org, [Role.COORDINATOR])
        for answer in ("yes", "yes", "partly"):
            do_give_feedback(cls.service, got_help=answer, treated_well="yes", comment="")
        do_give_feedback(cls.service, got_help="no", comment="Nobody spoke Tigrinya")
        do_give_feedback(cls.other_service, got_help="yes", comment="Lovely soup at Kersal")

    def test_the_url(self):
        self.assertEqual(reverse("directory:own_feedback"), self.url)

    def test_a_coordinator_sees_the_figures_and_comments_of_their_services(self):
        self.login(self.coordinator)
        response = self.client.get(self.url)
        self.assertContains(response, "Drop-in advice")
        self.assertContains(response, "Yes: 2")
        self.assertContains(response, "Partly: 1")
        self.assertContains(response, "No: 1")
        self.assertContains(response, "<td>4</td>", html=True)
        self.assertContains(response, "Nobody spoke Tigrinya")
        self.assertNotContains(response, "fewer than 5")
        self.assertNotContains(response, "Kersal")

    def test_another_organisation_never_sees_it(self):
        self.login(self.other_coordinator)
        response = self.client.get(self.url)
        self.assertContains(response, "Lovely soup at Kersal")
        self.assertNotContains(response, "Nobody spoke Tigrinya")
        self.assertNotContains(response, "Drop-in advice")

    def test_it_is_not_there_for_members_who_do_not_keep_listings(self):
        for user in (self.volunteer, self.caseworker, self.outsider, self.editor):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assert_asks_to_sign_in(self.url)

    def test_it_has_no_n_plus_one(self):
        self.login(self.coordinator)
        self.client.get(self.url)
        with CaptureQueriesContext(connection) as few_services:
            self.client.get(self.url)
        for number in range(5):
            service = make_service(f"Extra {number}", organization=self.directory_org)
            do_give_feedback(service, got_help="yes", treated_well="no", comment=f"Comment {number}")
        with self.assertNumQueries(len(few_services)):
            response = self.client.get(self.url)
        self.assertContains(response, "Comment 4")

    def test_figures_shown_outside_the_organisation_hide_small_counts(self):
        rows = feedback_figures([self.service], suppress_below=SUPPRESS_BELOW)
        self.assertEqual(rows[0]["total"], None)
        self.assertEqual(dict(rows[0]["got_help"]), {"yes": None, "partly": None, "no": None})
        for _number in range(SUPPRESS_BELOW):
            do_give_feedback(self.service, got_help="yes")
        rows = feedback_figures([self.service], suppress_below=SUPPRESS_BELOW)
        self.assertEqual(rows[0]["total"], 9)
        self.assertEqual(dict(rows[0]["got_help"]), {"yes": 7, "partly": None, "no": None})
