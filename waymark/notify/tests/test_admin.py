"""The read-only admin list of notifications."""

from django.core import mail
from django.urls import reverse

from waymark.notify.models import Notification
from waymark.notify.tests.helpers import notify_invitation
from waymark.testing import BaseTestCase


class NotificationAdminTests(BaseTestCase):
    def setUp(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.notification = notify_invitation(to_address="secret.address@example.org")
        mail.outbox.clear()

    def test_it_lists_notifications_for_an_administrator_without_personal_data(self):
        self.login(self.admin)

        response = self.client.get(reverse("admin:notify_notification_changelist"))

        self.assertContains(response, "invitation")
        self.assertContains(response, "Sent")
        self.assertNotContains(response, "secret.address@example.org")
        self.assertNotContains(response, "Coordinator Cora")

    def test_it_shows_one_notification_read_only_without_address_or_context(self):
        self.login(self.admin)

        response = self.client.get(reverse("admin:notify_notification_change", args=[self.notification.pk]))

        self.assertContains(response, str(self.notification.uuid))
        self.assertNotContains(response, "secret.address@example.org")
        self.assertNotContains(response, "Coordinator Cora")
        self.assertNotContains(response, 'type="submit" value="Save"')

    def test_it_offers_no_way_to_add_or_delete(self):
        self.login(self.admin)

        add = self.client.get(reverse("admin:notify_notification_add"))
        delete = self.client.post(reverse("admin:notify_notification_delete", args=[self.notification.pk]))

        self.assertEqual(add.status_code, 403)
        self.assertEqual(delete.status_code, 403)
        self.assertTrue(Notification.objects.filter(pk=self.notification.pk).exists())

    def test_it_keeps_members_without_admin_rights_out(self):
        for user in (self.coordinator, self.outsider):
            with self.subTest(user=user):
                self.login(user)
                response = self.client.get(reverse("admin:notify_notification_changelist"))
                self.assertRedirects(
                    response,
                    reverse("admin:login") + "?next=" + response.wsgi_request.path,
                    fetch_redirect_response=False,
                )
