from django.utils import timezone

from waymark.accounts.models import Invitation, Role
from waymark.audit.models import Event
from waymark.testing import BaseTestCase, make_member


class CancelInvitationTestCase(BaseTestCase):
    def setUp(self):
        self.invitation = Invitation.objects.create(
            organisation=self.hub_org, email="newcomer@example.org", roles=[Role.VOLUNTEER], invited_by=self.coordinator
        )
        self.url = f"/organisation/invitations/{self.invitation.uuid}/cancel/"

    def test_it_cancels_the_invitation_so_the_link_stops_working(self):
        self.login(self.coordinator)
        response = self.client.post(self.url)
        self.assertRedirects(response, "/organisation/members/", fetch_redirect_response=False)
        self.invitation.refresh_from_db()
        self.assertIsNotNone(self.invitation.cancelled_at)
        self.client.logout()
        response = self.client.get(f"/invitations/{self.invitation.link_token()}/")
        self.assertContains(response, "This invitation has been cancelled.", status_code=410)

    def test_it_drops_the_invitation_from_the_members_page(self):
        self.login(self.coordinator)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "The invitation to newcomer@example.org is cancelled.")
        self.assertContains(response, "There are no open invitations.")

    def test_it_writes_one_audit_event(self):
        self.login(self.coordinator)
        self.client.post(self.url)
        event = Event.objects.get()
        self.assertEqual(event.action, "invitation.cancelled")
        self.assertEqual(event.object_id, str(self.invitation.uuid))
        self.assertEqual(event.details, {})

    def test_it_cannot_cancel_a_used_invitation(self):
        Invitation.objects.filter(pk=self.invitation.pk).update(accepted_at=timezone.now())
        self.login(self.coordinator)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "This invitation has already been used or cancelled.")
        self.invitation.refresh_from_db()
        self.assertIsNone(self.invitation.cancelled_at)

    def test_it_is_not_found_for_a_caseworker(self):
        self.login(self.caseworker)
        self.assertEqual(self.client.post(self.url).status_code, 404)
        self.invitation.refresh_from_db()
        self.assertIsNone(self.invitation.cancelled_at)

    def test_it_is_not_found_for_a_volunteer(self):
        self.login(self.volunteer)
        self.assertEqual(self.client.post(self.url).status_code, 404)

    def test_it_is_not_found_for_an_outsider(self):
        outside_admin = make_member("admin@salford.example.org", self.other_org, [Role.ORGANISATION_ADMIN])
        for user in (self.outsider, outside_admin):
            self.login(user)
            self.assertEqual(self.client.post(self.url).status_code, 404)
        self.invitation.refresh_from_db()
        self.assertIsNone(self.invitation.cancelled_at)
