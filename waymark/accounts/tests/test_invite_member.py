import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from waymark.accounts.models import Invitation, Role
from waymark.audit.models import Event
from waymark.testing import BaseTestCase, make_member

URL = "/organisation/members/invite/"


class InviteMemberTestCase(BaseTestCase):
    def invite(self, email="Newcomer@Example.org", roles=(Role.VOLUNTEER, Role.CASEWORKER), language="en"):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(URL, {"email": email, "roles": list(roles), "language": language})

    def accept_link(self, message):
        match = re.search(r"http://\S+/invitations/\S+/", message.body)
        self.assertIsNotNone(match, message.body)
        return match.group(0)

    def test_it_shows_the_form_with_roles_and_languages(self):
        self.login(self.coordinator)
        response = self.client.get(URL)
        self.assertContains(response, "Invite a member to Croal Valley Welcome Project")
        self.assertContains(response, "<legend>Roles:</legend>", html=True)
        self.assertContains(response, 'value="organisation_admin"')
        self.assertContains(response, '<option value="fa">فارسی</option>', html=True)
        self.assertContains(response, '<option value="en" selected>English</option>', html=True)

    def test_it_records_the_invitation_and_lists_it(self):
        self.login(self.coordinator)
        response = self.invite()
        self.assertRedirects(response, "/organisation/members/", fetch_redirect_response=False)
        invitation = Invitation.objects.get()
        self.assertEqual(invitation.email, "newcomer@example.org")
        self.assertEqual(invitation.organisation, self.hub_org)
        self.assertEqual(invitation.roles, ["volunteer", "caseworker"])
        self.assertEqual(invitation.invited_by, self.coordinator)
        response = self.client.get("/organisation/members/")
        self.assertContains(response, "Invitation sent to newcomer@example.org.")
        self.assertContains(response, "<td>newcomer@example.org</td>", html=True)

    def test_it_e_mails_a_link_that_opens_the_invitation(self):
        self.login(self.coordinator)
        self.invite()
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["newcomer@example.org"])
        self.assertIn("Croal Valley Welcome Project", message.subject)
        self.assertIn("coordinator@example.org has invited you to join Croal Valley Welcome Project", message.body)
        self.assertIn("- Caseworker", message.body)
        link = self.accept_link(message)
        self.client.logout()
        response = self.client.get(link.split("8000", 1)[1])
        self.assertContains(response, "Join Croal Valley Welcome Project on Waymark")

    def test_it_writes_the_e_mail_and_link_in_the_chosen_language(self):
        self.login(self.coordinator)
        self.invite(language="fr")
        link = self.accept_link(mail.outbox[0])
        self.assertIn("/fr/invitations/", link)
        self.client.logout()
        response = self.client.get(link.split("8000", 1)[1])
        self.assertContains(response, '<html lang="fr" dir="ltr">')

    def test_it_writes_one_audit_event_without_the_address(self):
        self.login(self.coordinator)
        self.invite()
        event = Event.objects.get()
        self.assertEqual(event.action, "invitation.sent")
        self.assertEqual(event.actor, self.coordinator)
        self.assertEqual(event.organisation, self.hub_org)
        self.assertEqual(event.object_id, str(Invitation.objects.get().uuid))
        self.assertEqual(event.details, {"roles": ["volunteer", "caseworker"]})

    def test_it_refuses_an_address_that_is_already_a_member(self):
        self.login(self.coordinator)
        response = self.invite(email="Caseworker@example.org")
        self.assertContains(response, "This person is already a member of the organisation.")
        self.assertContains(response, '<a href="#id_email">')
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_it_refuses_a_second_invitation_while_the_first_works(self):
        self.login(self.coordinator)
        self.invite()
        response = self.invite()
        self.assertContains(response, "This address has already been invited.")
        self.assertEqual(Invitation.objects.count(), 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_it_invites_again_once_the_first_link_has_expired(self):
        self.login(self.coordinator)
        self.invite()
        Invitation.objects.update(created_at=timezone.now() - timedelta(days=8))
        response = self.invite()
        self.assertRedirects(response, "/organisation/members/", fetch_redirect_response=False)
        self.assertEqual(Invitation.objects.count(), 2)
        self.assertEqual(len(mail.outbox), 2)

    def test_it_invites_someone_who_belongs_to_another_organisation(self):
        self.login(self.coordinator)
        response = self.invite(email="outsider@example.org")
        self.assertRedirects(response, "/organisation/members/", fetch_redirect_response=False)

    def test_it_needs_an_address_and_a_role(self):
        self.login(self.coordinator)
        response = self.invite(email="", roles=())
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "Enter the e-mail address of the person to invite")
        self.assertContains(response, "Choose at least one role")
        self.assertContains(response, '<a href="#id_roles_0">')
        self.assertFalse(Invitation.objects.exists())

    def test_it_is_not_found_for_a_caseworker(self):
        self.login(self.caseworker)
        self.assertEqual(self.client.get(URL).status_code, 404)
        self.assertEqual(self.invite().status_code, 404)
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_it_is_not_found_for_a_volunteer(self):
        self.login(self.volunteer)
        self.assertEqual(self.invite().status_code, 404)
        self.assertFalse(Invitation.objects.exists())

    def test_it_is_not_found_for_an_outsider(self):
        self.login(self.outsider)
        self.assertEqual(self.invite().status_code, 404)
        self.assertFalse(Invitation.objects.exists())

    def test_it_invites_an_outside_admin_only_to_their_own_organisation(self):
        outside_admin = make_member("admin@salford.example.org", self.other_org, [Role.ORGANISATION_ADMIN])
        self.login(outside_admin)
        self.invite()
        self.assertEqual(Invitation.objects.get().organisation, self.other_org)
