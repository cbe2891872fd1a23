"""The directory editors' dashboard, and marking a listing checked from it."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from waymark.accounts.models import PlatformRole
from waymark.audit.models import Event
from waymark.directory.actions.public_input import do_report_problem, do_suggest_service
from waymark.directory.models import ChangeRequest, OrganisationRegistration, ProblemReport, Service
from waymark.directory.tests.builders import make_organization, make_service
from waymark.testing import BaseTestCase, make_area, make_network, make_user

URL = "/editors/"


def age(service, days):
    """Make ``service`` last checked ``days`` ago."""
    Service.objects.filter(pk=service.pk).update(verified_at=timezone.now() - timedelta(days=days))


class DashboardTestCase(BaseTestCase):
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
        cls.fresh = make_service("Fresh drop-in", organization=cls.directory_org)
        cls.due = make_service("Due advice clinic", organization=cls.directory_org)
        cls.stale = make_service("Stale food bank", organization=cls.directory_org)
        cls.hidden = make_service("Hidden refuge", organization=cls.directory_org)
        cls.retired = make_service("Retired service", organization=cls.directory_org, status=Service.Status.DEFUNCT)
        age(cls.fresh, 10)
        age(cls.due, 100)
        age(cls.stale, 200)
        age(cls.hidden, 400)
        age(cls.retired, 500)

        cls.far_network = make_network("Tyne and Wear", [make_area("Newcastle")])
        cls.far_editor = make_user("far-editor@example.org")
        PlatformRole.objects.create(
            user=cls.far_editor, kind=PlatformRole.Kind.DIRECTORY_EDITOR, network=cls.far_network
        )
        cls.far_org = make_organization("Tyne Food Bank", network=cls.far_network)
        cls.far_service = make_service("Byker food parcels", organization=cls.far_org)
        age(cls.far_service, 150)

        cls.add_work(cls.network, cls.directory_org, cls.due, "Bolton", 1)
        cls.add_work(cls.far_network, cls.far_org, cls.far_service, "Newcastle", 1)

    @classmethod
    def add_work(cls, network, organization, service, area_name, number):
        """A pending change, a registration, a problem report and a suggestion in ``network``."""
        area = make_area(area_name)
        for index in range(number):
            ChangeRequest.objects.create(
                organization=organization,
                target_type=ChangeRequest.TargetType.SERVICE,
                target_id=service.id,
                summary=f"New hours {area_name} {index}",
                proposed={"name": "x"},
                submitted_by=cls.coordinator,
            )
            OrganisationRegistration.objects.create(
                name=f"Joining charity {area_name} {index}",
                description="Helps people.",
                area=area,
                network=network,
                contact_name="Sam",
                contact_email=f"sam{index}@example.org",
            )
            do_report_problem(service, kind="closed", details=f"Report {area_name} {index}")
            do_suggest_service(name=f"Suggested club {area_name} {index}", where=area_name)
        # Work already dealt with never shows.
        ChangeRequest.objects.create(
            organization=organization,
            target_type=ChangeRequest.TargetType.SERVICE,
            summary=f"Old approved change {area_name}",
            status=ChangeRequest.Status.APPROVED,
            submitted_by=cls.coordinator,
        )
        report = do_report_problem(service, kind="other", details="old")
        ProblemReport.objects.filter(pk=report.pk).update(status=ProblemReport.Status.RESOLVED)


class TheDashboard(DashboardTestCase):
    def test_an_editor_sees_their_networks_work(self):
        self.login(self.editor)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Networks: Greater Manchester")
        # Listings to check, oldest check first, with their state.
        content = response.content.decode()
        self.assertLess(content.index("Hidden refuge"), content.index("Stale food bank"))
        self.assertLess(content.index("Stale food bank"), content.index("Due advice clinic"))
        self.assertNotIn("Fresh drop-in", content)
        self.assertNotIn("Retired service", content)
        self.assertEqual(response.context["check_counts"], {"due": 1, "stale": 1, "hidden": 1})
        self.assertContains(response, "Off the map")
        self.assertContains(response, "Not checked recently")
        self.assertContains(response, "Check due")
        self.assertContains(response, reverse("directory:mark_checked", args=[self.due.id]))
        # The queues.
        change = ChangeRequest.objects.get(summary="New hours Bolton 0")
        self.assertContains(response, reverse("directory:review_change", args=[change.uuid]))
        registration = OrganisationRegistration.objects.get(name="Joining charity Bolton 0")
        self.assertContains(response, reverse("directory:review_registration", args=[registration.uuid]))
        report = ProblemReport.objects.get(details="Report Bolton 0")
        self.assertContains(response, reverse("directory:review_problem", args=[report.uuid]))
        self.assertContains(response, "Suggested club Bolton 0")
        self.assertNotContains(response, "Old approved change")
        for name in ("changes_total", "registrations_total", "problems_total", "suggestions_total"):
            self.assertEqual(response.context[name], 1, name)
        # Nothing from the other network.
        self.assertNotContains(response, "Byker")
        self.assertNotContains(response, "Newcastle")

    def test_an_administrator_sees_every_network(self):
        self.login(self.admin)
        response = self.client.get(URL)
        self.assertContains(response, "All networks")
        self.assertContains(response, "Byker food parcels")
        self.assertContains(response, "Suggested club Newcastle 0")
        self.assertEqual(response.context["problems_total"], 2)

    def test_the_editor_of_another_network_sees_only_theirs(self):
        self.login(self.far_editor)
        response = self.client.get(URL)
        self.assertContains(response, "Byker food parcels")
        self.assertNotContains(response, "Hidden refuge")
        self.assertNotContains(response, "Suggested club Bolton 0")

    def test_it_is_not_there_for_anyone_else(self):
        for user in (self.coordinator, self.volunteer, self.caseworker, self.outsider, self.network_lead, self.council):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(URL).status_code, 404)
        self.client.logout()
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response.url.startswith(reverse("account_login")))

    def test_it_has_no_n_plus_one(self):
        self.login(self.editor)
        self.client.get(URL)
        with CaptureQueriesContext(connection) as little_work:
            self.client.get(URL)
        self.add_work(self.network, self.directory_org, self.stale, "Bolton", 6)
        for number in range(6):
            age(make_service(f"Old listing {number}", organization=self.directory_org), 120 + number)
        with self.assertNumQueries(len(little_work)):
            response = self.client.get(URL)
        self.assertContains(response, "Old listing 5")
        self.assertEqual(response.context["problems_total"], 7)


class MarkingAListingChecked(DashboardTestCase):
    def url(self, service=None):
        return reverse("directory:mark_checked", args=[(service or self.hidden).id])

    def test_an_editor_marks_it_checked_and_it_returns_to_the_map(self):
        self.assertNotIn(self.hidden, Service.objects.public())
        self.login(self.editor)
        response = self.client.post(self.url(), {"method": "visit"})
        self.assertRedirects(response, URL, fetch_redirect_response=False)
        self.hidden.refresh_from_db()
        self.assertEqual(self.hidden.verification_method, Service.VerificationMethod.VISIT)
        self.assertEqual(self.hidden.verified_by, self.editor)
        self.assertEqual(self.hidden.check_state(), "fresh")
        self.assertIn(self.hidden, Service.objects.public())
        self.assertTrue(Event.objects.filter(action="directory.listing_checked", actor=self.editor).exists())
        self.assertContains(self.client.get(URL), "Hidden refuge is marked as checked.")

    def test_it_needs_a_method_an_editor_can_use(self):
        self.login(self.editor)
        for data in ({}, {"method": "self_confirmed"}, {"method": "guess"}):
            with self.subTest(data=data):
                response = self.client.post(self.url(), data, follow=True)
                self.assertContains(response, "Choose how you checked Hidden refuge.")
        self.hidden.refresh_from_db()
        self.assertEqual(self.hidden.check_state(), "hidden")

    def test_it_is_a_post(self):
        self.login(self.editor)
        self.assertEqual(self.client.get(self.url()).status_code, 405)

    def test_it_is_not_there_for_anyone_else(self):
        for user in (self.far_editor, self.coordinator, self.volunteer, self.outsider):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.post(self.url(), {"method": "phone"}).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.post(self.url(), {"method": "phone"}).status_code, 302)
        self.hidden.refresh_from_db()
        self.assertEqual(self.hidden.check_state(), "hidden")
        self.login(self.admin)
        self.assertEqual(self.client.post(self.url(self.far_service), {"method": "phone"}).status_code, 302)
        self.far_service.refresh_from_db()
        self.assertEqual(self.far_service.verified_by, self.admin)
