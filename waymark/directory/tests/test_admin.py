"""The directory in the admin site, for administrators putting listings right."""

from waymark.audit.models import Event
from waymark.directory.models import Schedule, Synonym, Translation, text_hash
from waymark.directory.tests.builders import give_need, make_need, make_service
from waymark.testing import BaseTestCase


class DirectoryAdminTestCase(BaseTestCase):
    def setUp(self):
        self.login(self.admin)
        self.dental = make_need("dental", "Dental care")
        self.service = make_service("Smile clinic", description="Teeth checked.")
        give_need(self.service, self.dental)
        Schedule.objects.create(service=self.service, byday="MO", description="Mondays only")

    def test_it_lists_every_directory_model(self):
        for model in ["organization", "service", "location", "taxonomyterm", "attribute", "schedule", "translation"]:
            with self.subTest(model=model):
                response = self.client.get(f"/admin/directory/{model}/")
                self.assertEqual(response.status_code, 200)
        self.assertContains(self.client.get("/admin/directory/service/"), "Smile clinic")
        self.assertContains(self.client.get("/admin/directory/taxonomyterm/"), "Dental care")

    def test_it_shows_a_service_with_its_opening_times_inline(self):
        response = self.client.get(f"/admin/directory/service/{self.service.id}/change/")
        self.assertContains(response, "Mondays only")

    def test_it_adds_a_synonym_and_audits_it(self):
        response = self.client.post(
            "/admin/directory/synonym/add/", {"term": str(self.dental.id), "language": "fa", "word": "دندان"}
        )
        self.assertEqual(response.status_code, 302)
        synonym = Synonym.objects.get(word="دندان")
        self.assertEqual(synonym.term, self.dental)
        self.assertTrue(Event.objects.filter(action="admin.added", object_id=str(synonym.uuid)).exists())

    def test_it_fingerprints_a_translation_saved_here_against_the_current_english(self):
        response = self.client.post(
            "/admin/directory/translation/add/",
            {
                "model_label": "directory.service",
                "object_id": str(self.service.id),
                "field_name": "description",
                "language": "fr",
                "text": "Dents contrôlées.",
                "status": "reviewed",
            },
        )
        self.assertEqual(response.status_code, 302)
        translation = Translation.objects.get(object_id=self.service.id)
        self.assertEqual(translation.source_text_hash, text_hash("Teeth checked."))
        self.assertFalse(translation.is_out_of_date(self.service))


class WorkflowRecordsAdminTests(BaseTestCase):
    def test_an_administrator_can_look_up_workflow_records_but_not_change_them(self):
        from waymark.directory.models import ProblemReport

        service = make_service("Smile clinic")
        report = ProblemReport.objects.create(service=service, kind=ProblemReport.Kind.CLOSED)
        self.login(self.admin)
        for model in [
            "changerequest",
            "organisationregistration",
            "problemreport",
            "servicesuggestion",
            "servicefeedback",
            "verificationlink",
        ]:
            with self.subTest(model=model):
                self.assertEqual(self.client.get(f"/admin/directory/{model}/").status_code, 200)
                self.assertEqual(self.client.get(f"/admin/directory/{model}/add/").status_code, 403)
        page = self.client.get(f"/admin/directory/problemreport/{report.pk}/change/")
        self.assertContains(page, "Smile clinic")
        self.assertNotContains(page, 'name="_save"')
