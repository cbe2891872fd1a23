"""The invitation e-mail as a new member reads it."""

from django.core import mail

from waymark.notify.tests.helpers import notify_invitation
from waymark.testing import BaseTestCase


class InvitationMessageTests(BaseTestCase):
    def send(self, **options):
        with self.captureOnCommitCallbacks(execute=True):
            notify_invitation(**options)
        return mail.outbox[-1]

    def test_it_says_who_invites_whom_to_what(self):
        message = self.send()

        self.assertEqual(message.subject, "You are invited to join Croal Valley Welcome Project & Friends on Waymark")
        self.assertIn(
            "Coordinator Cora has invited you to join Croal Valley Welcome Project & Friends on Waymark", message.body
        )
        self.assertIn("- Caseworker\n- Volunteer\n", message.body)
        self.assertIn("https://waymark.example/invitations/accept/abc123/", message.body)

    def test_it_escapes_the_html_version_only(self):
        message = self.send()

        html, mimetype = message.alternatives[0]
        self.assertEqual(mimetype, "text/html")
        self.assertIn("Croal Valley Welcome Project &amp; Friends", html)
        self.assertIn('<a href="https://waymark.example/invitations/accept/abc123/">', html)
        self.assertIn("<li>Caseworker</li>", html)
        self.assertNotIn("&amp;", message.body)

    def test_it_marks_the_html_version_right_to_left_for_arabic(self):
        message = self.send(language="ar")

        html, _mimetype = message.alternatives[0]
        self.assertIn('<html lang="ar" dir="rtl">', html)

    def test_it_reads_well_without_the_inviters_name_or_roles(self):
        message = self.send(
            context={"organisation_name": "Kersal Moor Welcome Centre", "accept_url": "https://w.example/a/"}
        )

        self.assertIn("You have been invited to join Kersal Moor Welcome Centre on Waymark", message.body)
        self.assertNotIn("roles", message.body)
