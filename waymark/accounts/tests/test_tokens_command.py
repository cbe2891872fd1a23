"""manage.py create_api_token EMAIL [--organisation SLUG] [--read-only] [--name NAME]."""

from io import StringIO

from django.core.management import CommandError, call_command

from waymark.accounts.models import ApiToken, Membership, Role, hash_token
from waymark.audit.models import Event
from waymark.testing import BaseTestCase


class CreateApiTokenCommandTests(BaseTestCase):
    def run_command(self, *args):
        stdout, stderr = StringIO(), StringIO()
        call_command("create_api_token", *args, stdout=stdout, stderr=stderr)
        return stdout.getvalue().strip(), stderr.getvalue()

    def test_it_prints_the_token_once_and_stores_only_its_hash(self):
        secret, message = self.run_command("caseworker@example.org", "--name", "Case system")
        token = ApiToken.objects.get()
        self.assertEqual(token.token_hash, hash_token(secret))
        self.assertTrue(secret.startswith(token.prefix))
        self.assertEqual(token.membership, Membership.objects.get(user=self.caseworker))
        self.assertEqual(token.name, "Case system")
        self.assertFalse(token.read_only)
        stored = [str(value) for value in ApiToken.objects.values().get().values()]
        self.assertNotIn(secret, stored)
        self.assertIn("Croal Valley Welcome Project", message)
        self.assertIn("will not be shown again", message)
        self.assertNotIn(secret, message)

    def test_the_token_works(self):
        secret, _message = self.run_command("caseworker@example.org")
        response = self.client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        self.assertEqual(response.json()["user"]["email"], "caseworker@example.org")

    def test_it_makes_a_read_only_token(self):
        _secret, message = self.run_command("volunteer@example.org", "--read-only")
        self.assertTrue(ApiToken.objects.get().read_only)
        self.assertIn("read-only", message)

    def test_it_writes_an_audit_event_without_the_token(self):
        secret, _message = self.run_command("caseworker@example.org", "--read-only")
        token = ApiToken.objects.get()
        event = Event.objects.get(action="api_token.created")
        self.assertIsNone(event.actor)
        self.assertEqual(event.organisation, self.hub_org)
        self.assertEqual(event.object_id, str(token.uuid))
        self.assertEqual(event.details["via"], "command")
        self.assertIs(event.details["read_only"], True)
        self.assertNotIn(secret, str(event.details))

    def test_it_matches_the_e_mail_address_whatever_its_case(self):
        self.run_command("  CaseWorker@Example.org ")
        self.assertEqual(ApiToken.objects.get().membership.user, self.caseworker)

    def test_it_asks_which_organisation_when_the_user_has_several(self):
        Membership.objects.create(user=self.caseworker, organisation=self.partner_org, roles=[Role.VOLUNTEER])
        with self.assertRaisesMessage(CommandError, "choose one with --organisation") as raised:
            self.run_command("caseworker@example.org")
        self.assertIn("croal-valley-welcome-project, medlock-immigration-advice-centre", str(raised.exception))
        self.assertFalse(ApiToken.objects.exists())

    def test_it_binds_the_token_to_the_organisation_named(self):
        second = Membership.objects.create(user=self.caseworker, organisation=self.partner_org, roles=[Role.VOLUNTEER])
        self.run_command("caseworker@example.org", "--organisation", "medlock-immigration-advice-centre")
        self.assertEqual(ApiToken.objects.get().membership, second)

    def test_it_refuses_an_organisation_the_user_is_not_a_member_of(self):
        with self.assertRaisesMessage(
            CommandError, "not a member of an organisation with the slug 'kersal-moor-welcome-centre'"
        ):
            self.run_command("caseworker@example.org", "--organisation", "kersal-moor-welcome-centre")
        with self.assertRaisesMessage(CommandError, "Their organisations: croal-valley-welcome-project."):
            self.run_command("caseworker@example.org", "--organisation", "no-such-organisation")
        self.assertFalse(ApiToken.objects.exists())

    def test_it_refuses_an_unknown_e_mail_address(self):
        with self.assertRaisesMessage(CommandError, "No user has the e-mail address nobody@example.org."):
            self.run_command("nobody@example.org")

    def test_it_refuses_a_user_without_an_organisation(self):
        with self.assertRaisesMessage(CommandError, "editor@example.org is not a member of any organisation"):
            self.run_command("editor@example.org")

    def test_it_refuses_an_inactive_user(self):
        self.caseworker.is_active = False
        self.caseworker.save()
        with self.assertRaisesMessage(CommandError, "caseworker@example.org is not active"):
            self.run_command("caseworker@example.org")
        self.assertFalse(ApiToken.objects.exists())
