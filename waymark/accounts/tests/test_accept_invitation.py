import time
from datetime import timedelta
from unittest import mock

from django.core.signals import got_request_exception
from django.utils import timezone
from django.views.debug import SafeExceptionReporterFilter

from waymark.accounts.actions import do_change_member_roles, do_remove_member
from waymark.accounts.models import Invitation, Membership, Role, User
from waymark.audit.models import Event
from waymark.testing import PASSWORD, BaseTestCase, make_member, make_user

NEW_PASSWORD = "a-long-and-unusual-password"


class AcceptInvitationTestCase(BaseTestCase):
    def setUp(self):
        self.invitation = Invitation.objects.create(
            organisation=self.hub_org,
            email="newcomer@example.org",
            roles=[Role.VOLUNTEER, Role.CASEWORKER],
            invited_by=self.coordinator,
        )
        self.url = f"/invitations/{self.invitation.link_token()}/"

    def test_it_shows_a_newcomer_who_invited_them_and_asks_for_a_password(self):
        response = self.client.get(self.url)
        self.assertContains(response, "Join Croal Valley Welcome Project on Waymark")
        self.assertContains(response, "coordinator@example.org has invited you as: Volunteer, Caseworker.")
        self.assertContains(response, "You will sign in with newcomer@example.org.")
        self.assertContains(response, '<label for="id_password1">')

    def test_it_creates_the_user_and_membership_and_signs_them_in(self):
        response = self.client.post(self.url, {"name": "Amina", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        user = User.objects.get(email="newcomer@example.org")
        self.assertEqual(user.name, "Amina")
        self.assertTrue(user.check_password(NEW_PASSWORD))
        membership = Membership.objects.get(user=user)
        self.assertEqual(membership.organisation, self.hub_org)
        self.assertEqual(membership.roles, ["volunteer", "caseworker"])
        self.invitation.refresh_from_db()
        self.assertIsNotNone(self.invitation.accepted_at)
        self.assertEqual(self.invitation.accepted_by, user)
        # Signed in; a caseworker is sent on to set up two-factor authentication.
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)
        self.assertRedirects(self.client.get("/"), "/accounts/2fa/totp/activate/", fetch_redirect_response=False)

    def test_it_writes_one_audit_event_without_personal_values(self):
        self.client.post(self.url, {"name": "Amina", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        event = Event.objects.get()
        user = User.objects.get(email="newcomer@example.org")
        self.assertEqual(event.action, "invitation.accepted")
        self.assertEqual(event.actor, user)
        self.assertEqual(event.organisation, self.hub_org)
        self.assertEqual(event.object_id, str(self.invitation.uuid))
        self.assertEqual(event.details["roles"], ["volunteer", "caseworker"])
        self.assertNotIn("newcomer", str(event.details))
        self.assertNotIn("Amina", str(event.details))

    def test_it_keeps_the_new_password_out_of_error_reports(self):
        failed_requests = []

        def remember(sender, request, **kwargs):
            failed_requests.append(request)

        got_request_exception.connect(remember)
        self.addCleanup(got_request_exception.disconnect, remember)
        self.client.raise_request_exception = False
        with mock.patch("waymark.accounts.actions.do_accept_invitation", side_effect=RuntimeError("broken")):
            response = self.client.post(self.url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        self.assertEqual(response.status_code, 500)
        reported = SafeExceptionReporterFilter().get_post_parameters(failed_requests[0])
        self.assertNotIn(NEW_PASSWORD, reported.values())

    def test_it_refuses_passwords_that_differ(self):
        response = self.client.post(self.url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "The two passwords are not the same")
        self.assertFalse(User.objects.filter(email="newcomer@example.org").exists())

    def test_it_refuses_a_weak_password(self):
        response = self.client.post(self.url, {"password1": "12345678901", "password2": "12345678901"})
        self.assertContains(response, 'href="#id_password1"')
        self.assertFalse(User.objects.filter(email="newcomer@example.org").exists())
        self.invitation.refresh_from_db()
        self.assertIsNone(self.invitation.accepted_at)

    def test_it_asks_someone_with_an_account_to_sign_in_first(self):
        make_user("newcomer@example.org")
        response = self.client.get(self.url)
        self.assertContains(response, "You already have a Waymark account. Sign in as newcomer@example.org")
        self.assertContains(response, f"/accounts/login/?next={self.url.replace(':', '%3A')}")
        self.assertNotContains(response, "id_password1")
        # Posting a password does not take over the existing account.
        self.client.post(self.url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        self.assertFalse(User.objects.get(email="newcomer@example.org").check_password(NEW_PASSWORD))
        self.assertFalse(Membership.objects.filter(user__email="newcomer@example.org").exists())

    def test_it_brings_someone_with_an_account_back_to_the_invitation_after_signing_in(self):
        self.hub_org.require_mfa_for_volunteers = False
        self.hub_org.save()
        self.invitation.roles = [Role.VOLUNTEER]
        self.invitation.save()
        user = make_user("newcomer@example.org")
        response = self.client.post(
            f"/accounts/login/?next={self.url}", {"login": "newcomer@example.org", "password": PASSWORD}
        )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.client.post(self.url)
        self.assertTrue(Membership.objects.filter(user=user, organisation=self.hub_org).exists())

    def test_it_lets_the_invited_user_join_once_signed_in(self):
        user = make_user("Newcomer@Example.org")
        self.login(user)
        response = self.client.get(self.url)
        self.assertContains(response, "Accept the invitation")
        response = self.client.post(self.url)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        membership = Membership.objects.get(user=user, organisation=self.hub_org)
        self.assertEqual(membership.roles, ["volunteer", "caseworker"])
        # They now act for the organisation they joined.
        self.assertContains(self.client.get("/"), "You are signed in for Croal Valley Welcome Project.")

    def test_it_lets_someone_who_needs_mfa_accept_before_setting_it_up(self):
        self.invitation.email = "outsider@example.org"
        self.invitation.save()
        self.client.force_login(self.outsider)
        response = self.client.get(self.url)
        self.assertContains(response, "Accept the invitation")

    def test_it_adds_the_roles_of_a_member_who_is_invited_again(self):
        self.invitation.email = "volunteer@example.org"
        self.invitation.roles = [Role.CASEWORKER]
        self.invitation.save()
        self.login(self.volunteer)
        self.client.post(self.url)
        self.assertEqual(Membership.objects.get(user=self.volunteer).roles, ["volunteer", "caseworker"])

    def test_it_refuses_someone_signed_in_as_another_user(self):
        self.login(self.outsider)
        response = self.client.get(self.url)
        self.assertContains(response, "This invitation is for someone else", status_code=403)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertFalse(Membership.objects.filter(user=self.outsider, organisation=self.hub_org).exists())

    def test_it_refuses_an_expired_link(self):
        eight_days_ago = time.time() - timedelta(days=8).total_seconds()
        with mock.patch("time.time", return_value=eight_days_ago):
            url = f"/invitations/{self.invitation.link_token()}/"
        response = self.client.get(url)
        self.assertContains(response, "This invitation has expired", status_code=410)
        response = self.client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        self.assertEqual(response.status_code, 410)
        self.assertFalse(User.objects.filter(email="newcomer@example.org").exists())

    def test_it_refuses_an_invitation_older_than_a_week(self):
        Invitation.objects.filter(pk=self.invitation.pk).update(created_at=timezone.now() - timedelta(days=8))
        response = self.client.get(self.url)
        self.assertContains(response, "This invitation has expired", status_code=410)

    def test_it_refuses_a_cancelled_invitation(self):
        Invitation.objects.filter(pk=self.invitation.pk).update(cancelled_at=timezone.now())
        response = self.client.get(self.url)
        self.assertContains(response, "This invitation has been cancelled.", status_code=410)
        response = self.client.post(self.url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        self.assertEqual(response.status_code, 410)
        self.assertFalse(User.objects.filter(email="newcomer@example.org").exists())

    def invitation_from_a_second_admin(self):
        second_admin = make_member("second-admin@example.org", self.hub_org, [Role.ORGANISATION_ADMIN])
        self.invitation.invited_by = second_admin
        self.invitation.roles = [Role.ORGANISATION_ADMIN]
        self.invitation.save()
        return Membership.objects.get(user=second_admin)

    def test_it_refuses_an_invitation_from_an_admin_who_has_since_been_removed(self):
        # Or a removed admin could get back in through an invitation to an address of their own.
        do_remove_member(self.invitation_from_a_second_admin(), acting_user=self.coordinator)
        response = self.client.get(self.url)
        self.assertContains(response, "This invitation has been cancelled.", status_code=410)
        response = self.client.post(self.url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        self.assertEqual(response.status_code, 410)
        self.assertFalse(User.objects.filter(email="newcomer@example.org").exists())
        self.assertFalse(Event.objects.filter(action="invitation.accepted").exists())

    def test_it_refuses_an_invitation_from_an_admin_who_has_since_stepped_down(self):
        membership = self.invitation_from_a_second_admin()
        do_change_member_roles(membership, [Role.CASEWORKER], acting_user=self.coordinator)
        user = make_user("newcomer@example.org")
        self.login(user)
        response = self.client.post(self.url)
        self.assertContains(response, "This invitation has been cancelled.", status_code=410)
        self.assertFalse(Membership.objects.filter(user=user).exists())

    def test_it_refuses_a_used_invitation(self):
        self.client.post(self.url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        self.client.logout()
        response = self.client.get(self.url)
        self.assertContains(response, "This invitation has already been used.", status_code=410)

    def test_it_says_so_in_the_readers_language(self):
        response = self.client.get("/fr" + self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="fr"')

    def test_it_does_not_find_a_tampered_link(self):
        other = Invitation.objects.create(
            organisation=self.other_org, email="x@example.org", roles=[Role.VOLUNTEER], invited_by=self.outsider
        )
        value, timestamp, signature = self.invitation.link_token().split(":")
        self.assertEqual(self.client.get(f"/invitations/{other.uuid}:{timestamp}:{signature}/").status_code, 404)
        self.assertEqual(self.client.get(f"/invitations/{self.invitation.uuid}/").status_code, 404)
