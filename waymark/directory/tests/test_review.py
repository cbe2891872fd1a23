"""Directory editors review changes field by field, approve or reject them with a reason, and
read a listing's history; only for their own networks' organisations."""

from django.core import mail
from django.urls import reverse

from waymark.accounts.models import PlatformRole
from waymark.audit.models import Event
from waymark.directory.actions.changes import do_propose_change, do_reject_change
from waymark.directory.listing_data import apply_service_data
from waymark.directory.models import ChangeRequest, Service, Translation
from waymark.directory.tests.builders import make_need, make_organization
from waymark.testing import BaseTestCase, make_network, make_user


class ReviewTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.food = make_need("food", name="Food")
        cls.organization = make_organization(waymark_organisation=cls.hub_org, network=cls.network)
        cls.service = apply_service_data(
            Service(organization=cls.organization),
            {"name": "Food bank", "free": True, "needs": ["food"], "languages": ["en"]},
            organization=cls.organization,
        )
        tyneside = make_network("Tyneside")
        cls.editor_elsewhere = make_user("tyneside.editor@example.org")
        PlatformRole.objects.create(
            user=cls.editor_elsewhere, kind=PlatformRole.Kind.DIRECTORY_EDITOR, network=tyneside
        )

    def setUp(self):
        self.change = do_propose_change(
            organization=self.organization,
            target_type="service",
            kind="update",
            target=self.service,
            data={
                "name": "Community food bank",
                "languages": ["en", "ar"],
                "opening_times": [{"days": ["MO", "WE"], "opens_at": "10:00", "closes_at": "13:00"}],
            },
            acting_user=self.coordinator,
        )
        self.url = reverse("directory:review_change", args=[self.change.uuid])
        self.history_url = reverse("directory:service_history", args=[self.service.id])


class AccessTests(ReviewTestCase):
    def test_editors_of_the_network_and_administrators_see_the_pages(self):
        for user in (self.editor, self.admin):
            self.login(user)
            for url in (self.url, self.history_url):
                with self.subTest(user=user.email, url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200)
                    self.assertContains(response, reverse("directory:editors_dashboard"))

    def test_everyone_else_gets_404_and_changes_nothing(self):
        for user in (self.coordinator, self.volunteer, self.caseworker, self.outsider, self.editor_elsewhere):
            self.login(user)
            for url in (self.url, self.history_url):
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
            self.assertEqual(self.client.post(self.url, {"decision": "approve"}).status_code, 404)
        self.change.refresh_from_db()
        self.assertEqual(self.change.status, "pending")

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        for url in (self.url, self.history_url):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("account_login"), response["Location"])


class ReviewPageTests(ReviewTestCase):
    def test_it_shows_the_change_field_by_field_in_words(self):
        self.login(self.editor)
        response = self.client.get(self.url)
        self.assertContains(response, "Food bank")
        self.assertContains(response, "Community food bank")
        self.assertContains(response, "English, Arabic")
        self.assertContains(response, "Monday, Wednesday 10:00–13:00")
        self.assertNotContains(response, "Changed on the map since")

    def test_a_new_service_shows_only_what_it_says(self):
        change = do_propose_change(
            organization=self.organization,
            target_type="service",
            kind="create",
            data={"name": "Sewing circle", "free": True, "needs": ["food"]},
            acting_user=self.coordinator,
        )
        self.login(self.editor)
        response = self.client.get(reverse("directory:review_change", args=[change.uuid]))
        self.assertContains(response, "Sewing circle")
        self.assertContains(response, "<td>Food</td>", html=True)
        self.assertNotContains(response, "Other name")

    def test_it_warns_when_the_live_listing_changed_since(self):
        apply_service_data(self.service, {"name": "Food bank Bolton"}, organization=self.organization)
        self.login(self.editor)
        self.assertContains(self.client.get(self.url), "Changed on the map since this was proposed")

    def test_approving_publishes_it_and_tells_the_submitter(self):
        self.login(self.editor)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, {"decision": "approve"})
        self.assertRedirects(response, self.url)
        service = Service.objects.get(id=self.service.id)
        self.assertEqual(service.name, "Community food bank")
        self.assertTrue(Service.objects.public().filter(name="Community food bank").exists())
        self.assertEqual(len(mail.outbox), 1)
        self.assertTrue(Event.objects.filter(action="directory.change_approved", actor=self.editor).exists())
        self.assertContains(self.client.get(self.history_url), "Approved")

    def test_rejecting_needs_a_reason(self):
        self.login(self.editor)
        response = self.client.post(self.url, {"decision": "reject", "reason": ""})
        self.assertContains(response, "Say why the change is rejected")
        self.change.refresh_from_db()
        self.assertEqual(self.change.status, "pending")

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, {"decision": "reject", "reason": "Use the name on your sign."})
        self.change.refresh_from_db()
        self.assertEqual((self.change.status, self.change.reason), ("rejected", "Use the name on your sign."))
        self.assertIn("Use the name on your sign.", mail.outbox[0].body)
        self.assertEqual(Service.objects.get(id=self.service.id).name, "Food bank")

    def test_a_decided_change_cannot_be_approved(self):
        do_reject_change(self.change, reason="No.", acting_user=self.editor)
        self.login(self.admin)
        response = self.client.post(self.url, {"decision": "approve"}, follow=True)
        self.assertContains(response, "already been dealt with")
        self.assertNotContains(response, "Approve and publish")
        self.assertEqual(Service.objects.get(id=self.service.id).name, "Food bank")

    def test_a_change_that_no_longer_applies_is_refused_clearly(self):
        self.service.delete()
        self.login(self.editor)
        response = self.client.post(self.url, {"decision": "approve"})
        self.assertContains(response, "This change can no longer be applied")
        self.change.refresh_from_db()
        self.assertEqual(self.change.status, "pending")

    def test_an_editor_marks_a_translation_reviewed(self):
        change = do_propose_change(
            organization=self.organization,
            target_type="translation",
            kind="update",
            target=self.service,
            data={"language": "ar", "texts": {"name": "بنك الطعام"}},
            acting_user=self.coordinator,
        )
        url = reverse("directory:review_change", args=[change.uuid])
        self.login(self.editor)
        response = self.client.get(url)
        self.assertContains(response, "بنك الطعام")
        self.assertContains(response, "mark it reviewed")

        self.client.post(url, {"decision": "approve", "mark_reviewed": "on"})

        translation = Translation.objects.get(object_id=self.service.id, language="ar", field_name="name")
        self.assertEqual(translation.status, Translation.Status.REVIEWED)
        self.assertEqual(ChangeRequest.objects.get(id=change.id).status, "approved")


class HistoryTests(ReviewTestCase):
    def test_it_lists_every_change_of_the_listing_in_few_queries(self):
        for number in range(3):
            do_propose_change(
                organization=self.organization,
                target_type="service",
                kind="update",
                target=self.service,
                data={"name": f"Food bank {number}"},
                acting_user=self.coordinator,
            )
        self.login(self.editor)
        self.client.get(self.history_url)
        with self.assertNumQueries(10):
            response = self.client.get(self.history_url)
        self.assertContains(response, "Food bank 2")
        self.assertContains(response, "coordinator@example.org", count=4)
