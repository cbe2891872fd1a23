from django.contrib.admin.sites import site
from django.test import RequestFactory

from waymark.audit.events import record_access, record_event
from waymark.audit.models import AppendOnlyError, Event, RecordAccess
from waymark.testing import BaseTestCase


class AppendOnlyTestCase(BaseTestCase):
    def setUp(self):
        self.event = record_event("invitation.sent", actor=self.coordinator, organisation=self.hub_org)
        self.access = record_access(
            user=self.caseworker, organisation=self.hub_org, person_uuid="3f1e6a4e-1b2c-4d5e-8f90-123456789abc"
        )

    def test_it_refuses_to_change_an_event(self):
        self.event.action = "something.else"
        with self.assertRaises(AppendOnlyError):
            self.event.save()
        with self.assertRaises(AppendOnlyError):
            Event.objects.filter(pk=self.event.pk).update(action="something.else")
        self.assertEqual(Event.objects.get(pk=self.event.pk).action, "invitation.sent")

    def test_it_refuses_to_delete_an_event(self):
        with self.assertRaises(AppendOnlyError):
            self.event.delete()
        with self.assertRaises(AppendOnlyError):
            Event.objects.all().delete()
        self.assertTrue(Event.objects.filter(pk=self.event.pk).exists())

    def test_it_refuses_to_change_or_delete_a_record_access(self):
        with self.assertRaises(AppendOnlyError):
            RecordAccess.objects.filter(pk=self.access.pk).update(what="case")
        with self.assertRaises(AppendOnlyError):
            self.access.delete()
        with self.assertRaises(AppendOnlyError):
            RecordAccess.objects.all().delete()
        self.assertTrue(RecordAccess.objects.filter(pk=self.access.pk).exists())

    def test_it_offers_no_add_change_or_delete_in_the_admin(self):
        request = RequestFactory().get("/admin/")
        request.user = self.admin
        for model in (Event, RecordAccess):
            model_admin = site._registry[model]
            self.assertFalse(model_admin.has_add_permission(request))
            self.assertFalse(model_admin.has_change_permission(request, None))
            self.assertFalse(model_admin.has_delete_permission(request, None))
            self.assertNotIn("delete_selected", model_admin.get_actions(request))

    def test_it_shows_events_read_only_in_the_admin(self):
        self.login(self.admin)
        response = self.client.get(f"/admin/audit/event/{self.event.pk}/change/")
        self.assertContains(response, "invitation.sent")
        self.assertNotContains(response, 'name="_save"')
        self.assertNotContains(response, "deletelink")
        response = self.client.post(f"/admin/audit/event/{self.event.pk}/change/", {"action": "something.else"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.get("/admin/audit/event/add/").status_code, 403)
        response = self.client.post(f"/admin/audit/event/{self.event.pk}/delete/", {"post": "yes"})
        self.assertEqual(response.status_code, 403)
        self.assertTrue(Event.objects.filter(pk=self.event.pk).exists())
