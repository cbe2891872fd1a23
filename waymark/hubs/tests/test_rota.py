"""The rota: the team invites a partner organisation to a session, the partner confirms or
declines from its own account or from the signed link in the e-mail."""

import datetime as dt
import re
import time
from unittest import mock

from django.core import mail
from django.core.signing import TimestampSigner

from waymark.audit.models import Event
from waymark.hubs import actions
from waymark.hubs.models import RotaInvitation
from waymark.hubs.tests.helpers import MONDAY, HubTestCase, at


class RotaTestCase(HubTestCase):
    def setUp(self):
        self.generate()
        self.tuesday = self.session_on(dt.date(2026, 3, 3))

    def invite(self, user=None, data=None):
        self.login(user or self.volunteer)
        data = data or {
            "organisation": self.partner_org.pk,
            "offers": ["immigration_advice"],
            "message": "Two advisers?",
        }
        with at(MONDAY), self.captureOnCommitCallbacks(execute=True):
            return self.client.post(f"/organisation/sessions/{self.tuesday.uuid}/invite/", data)

    def link_path(self, message=None):
        message = message or mail.outbox[-1]
        match = re.search(r"http://\S+(/rota/answer/\S+/)", message.body)
        self.assertIsNotNone(match, message.body)
        return match.group(1)

    # --- inviting ------------------------------------------------------------------------

    def test_the_team_invites_a_partner_who_is_e_mailed_a_link(self):
        response = self.invite()
        self.assertRedirects(response, f"/organisation/sessions/{self.tuesday.uuid}/", fetch_redirect_response=False)
        invitation = RotaInvitation.objects.get()
        self.assertEqual((invitation.organisation, invitation.status), (self.partner_org, "invited"))
        self.assertEqual(invitation.offers, ["immigration_advice"])
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["partner@example.org"])
        self.assertIn("Bolton Hub invites Medlock Immigration Advice Centre", message.subject)
        self.assertIn("2026-03-03, 10:00–14:00", message.body)
        self.assertIn("- Immigration advice (regulated adviser)", message.body)
        self.assertIn("Two advisers?", message.body)
        self.assertTrue(Event.objects.filter(action="rota.invited", object_id=str(invitation.uuid)).exists())

    def test_an_organisation_that_is_not_a_partner_cannot_be_invited(self):
        response = self.invite(data={"organisation": self.other_org.pk})
        self.assertContains(response, "Select a valid choice.", status_code=400)
        self.assertFalse(RotaInvitation.objects.exists())

    def test_inviting_is_404_off_the_team_and_for_outsiders(self):
        for user in (self.caseworker, self.outsider, self.partner):
            self.assertEqual(self.invite(user).status_code, 404)
        self.assertFalse(RotaInvitation.objects.exists())

    # --- answering from the partner's own account --------------------------------------

    def test_the_partner_confirms_from_its_rota_page(self):
        self.invite()
        invitation = RotaInvitation.objects.get()
        self.login(self.partner)
        with at(MONDAY):
            page = self.client.get("/organisation/rota/")
            self.assertContains(page, "Bolton Hub, Tuesday 3 March 2026")
            self.assertContains(page, "Two advisers?")
            response = self.client.post(
                f"/organisation/rota/{invitation.uuid}/answer/", {"answer": "confirm"}, follow=True
            )
        self.assertContains(response, "Thank you: the hub has your answer.")
        invitation.refresh_from_db()
        self.assertEqual((invitation.status, invitation.responded_by), ("confirmed", self.partner))
        self.assertEqual(Event.objects.get(action="rota.confirmed").organisation, self.partner_org)
        # The session page and the public hub page show who is coming.
        self.login(self.volunteer)
        with at(MONDAY):
            self.assertContains(self.client.get(f"/organisation/sessions/{self.tuesday.uuid}/"), "Confirmed")
            public = self.client.get(f"/hubs/{self.hub.uuid}/")
        self.assertContains(
            public, "Who will be there: Croal Valley Welcome Project, Medlock Immigration Advice Centre"
        )

    def test_the_partner_declines_with_a_note(self):
        self.invite()
        invitation = RotaInvitation.objects.get()
        self.login(self.partner)
        with at(MONDAY):
            self.client.post(
                f"/organisation/rota/{invitation.uuid}/answer/", {"answer": "decline", "note": "At tribunal."}
            )
        invitation.refresh_from_db()
        self.assertEqual((invitation.status, invitation.response_note), ("declined", "At tribunal."))

    def test_an_answer_cannot_be_given_twice(self):
        self.invite()
        invitation = RotaInvitation.objects.get()
        self.login(self.partner)
        url = f"/organisation/rota/{invitation.uuid}/answer/"
        with at(MONDAY):
            self.client.post(url, {"answer": "confirm"})
            response = self.client.post(url, {"answer": "decline"}, follow=True)
        self.assertContains(response, "This invitation has already been answered.")
        invitation.refresh_from_db()
        self.assertEqual(invitation.status, "confirmed")

    def test_only_the_partners_staff_may_answer(self):
        self.invite()
        invitation = RotaInvitation.objects.get()
        url = f"/organisation/rota/{invitation.uuid}/answer/"
        for user in (self.partner_volunteer, self.outsider, self.volunteer, self.coordinator):
            self.login(user)
            with at(MONDAY):
                self.assertEqual(self.client.post(url, {"answer": "confirm"}).status_code, 404)
        invitation.refresh_from_db()
        self.assertEqual(invitation.status, "invited")

    def test_volunteers_have_no_rota_page(self):
        for user in (self.partner_volunteer, self.volunteer):
            self.login(user)
            self.assertEqual(self.client.get("/organisation/rota/").status_code, 404)

    def test_the_rota_page_lists_only_the_organisations_own_invitations(self):
        self.invite()
        self.login(self.coordinator)
        with at(MONDAY):
            response = self.client.get("/organisation/rota/")
        self.assertNotContains(response, "Bolton Hub, Tuesday")
        self.assertContains(response, "Nothing waiting.")

    # --- answering from the e-mailed link ------------------------------------------------

    def test_the_link_shows_the_invitation_and_changes_nothing_on_get(self):
        self.invite()
        self.client.logout()
        with at(MONDAY):
            response = self.client.get(self.link_path())
        self.assertContains(response, "Invitation from Bolton Hub")
        self.assertContains(response, "Tuesday 3 March 2026, 10:00–14:00")
        self.assertContains(response, "Yes, we will be there")
        self.assertEqual(RotaInvitation.objects.get().status, "invited")

    def test_the_link_confirms_without_signing_in(self):
        self.invite()
        self.client.logout()
        path = self.link_path()
        with at(MONDAY):
            response = self.client.post(path, {"answer": "confirm"}, follow=True)
        self.assertContains(response, "Thank you: your organisation has confirmed it will be there.")
        invitation = RotaInvitation.objects.get()
        self.assertEqual((invitation.status, invitation.responded_by), ("confirmed", self.partner))

    def test_the_link_says_so_when_already_answered(self):
        self.invite()
        self.client.logout()
        path = self.link_path()
        with at(MONDAY):
            self.client.post(path, {"answer": "decline"})
            response = self.client.post(path, {"answer": "confirm"})
        self.assertContains(response, "This invitation has already been answered.")
        self.assertContains(response, "Your organisation has said it cannot come.")
        self.assertEqual(RotaInvitation.objects.get().status, "declined")

    def test_an_expired_link_does_not_work(self):
        self.invite()
        self.client.logout()
        path = self.link_path()
        # Signatures are timed by the clock itself, not by Django's now().
        later = time.time() + dt.timedelta(days=15).total_seconds()
        with at(MONDAY), mock.patch("django.core.signing.time.time", return_value=later):
            response = self.client.post(path, {"answer": "confirm"})
        self.assertContains(response, "The link is too old.", status_code=410)
        self.assertEqual(RotaInvitation.objects.get().status, "invited")

    def test_a_tampered_link_does_not_work(self):
        self.invite()
        self.client.logout()
        path = self.link_path()
        token = path.split("/")[3]
        for bad in (token[:-2] + "xx", "nonsense", TimestampSigner(salt="waymark.accounts.invitation").sign("x")):
            with at(MONDAY):
                response = self.client.post(f"/rota/answer/{bad}/", {"answer": "confirm"})
            self.assertContains(response, "The link is not complete or not valid.", status_code=404)
        self.assertEqual(RotaInvitation.objects.get().status, "invited")

    def test_a_link_from_before_a_new_invitation_no_longer_works(self):
        self.invite()
        old_path = self.link_path()
        invitation = RotaInvitation.objects.get()
        with at(MONDAY):
            actions.do_respond_to_invitation(invitation, answer="decline", acting_user=self.partner)
        self.invite()  # asked again
        self.assertEqual(len(mail.outbox), 2)
        self.client.logout()
        with at(MONDAY):
            response = self.client.post(old_path, {"answer": "confirm"})
            self.assertContains(response, "invited your organisation again", status_code=410)
            self.client.post(self.link_path(mail.outbox[1]), {"answer": "confirm"})
        self.assertEqual(RotaInvitation.objects.get().status, "confirmed")

    def test_a_link_stops_working_for_someone_who_left_the_partner(self):
        self.invite()
        path = self.link_path()
        self.partner.memberships.all().delete()
        self.client.logout()
        with at(MONDAY):
            response = self.client.post(path, {"answer": "confirm"})
        self.assertEqual(response.status_code, 404)

    def test_a_cancelled_session_cannot_be_answered(self):
        self.invite()
        with at(MONDAY):
            actions.do_cancel_session(self.tuesday, acting_user=self.volunteer)
        self.client.logout()
        with at(MONDAY):
            response = self.client.post(self.link_path(), {"answer": "confirm"})
        self.assertContains(response, "This session has been cancelled")
        self.assertEqual(RotaInvitation.objects.get().status, "invited")
