"""/account/tokens/: users list, make and revoke their own API tokens, and nobody else's."""

from waymark.accounts.models import ApiToken, Membership, Role, hash_token
from waymark.accounts.tokens import create_api_token
from waymark.audit.models import Event
from waymark.testing import BaseTestCase


class TokenListTests(BaseTestCase):
    def setUp(self):
        self.token, _secret = create_api_token(
            Membership.objects.get(user=self.caseworker), acting_user=self.caseworker, name="Case tablet"
        )

    def test_it_lists_the_users_own_tokens(self):
        self.login(self.caseworker)
        response = self.client.get("/account/tokens/")
        self.assertContains(response, "Case tablet")
        self.assertContains(response, f"{self.token.prefix}…")
        self.assertContains(response, "Croal Valley Welcome Project")
        self.assertContains(response, "Read and change")
        self.assertContains(response, "Never")
        self.assertContains(response, f"/account/tokens/{self.token.uuid}/revoke/")

    def test_it_shows_revoked_tokens_as_revoked(self):
        self.login(self.caseworker)
        self.client.post(f"/account/tokens/{self.token.uuid}/revoke/")
        response = self.client.get("/account/tokens/")
        self.assertContains(response, "Revoked")
        self.assertNotContains(response, f"/account/tokens/{self.token.uuid}/revoke/")

    def test_another_member_of_the_organisation_does_not_see_them(self):
        self.login(self.coordinator)
        response = self.client.get("/account/tokens/")
        self.assertContains(response, "You have no API tokens.")
        self.assertNotContains(response, "Case tablet")

    def test_an_outsider_does_not_see_them(self):
        self.login(self.outsider)
        response = self.client.get("/account/tokens/")
        self.assertNotContains(response, "Case tablet")
        self.assertNotContains(response, self.token.prefix)

    def test_it_is_for_signed_in_users_only(self):
        response = self.client.get("/account/tokens/")
        self.assertRedirects(response, "/accounts/login/?next=/account/tokens/", fetch_redirect_response=False)

    def test_it_is_translated(self):
        self.login(self.caseworker)
        response = self.client.get("/ar/account/tokens/")
        self.assertContains(response, 'dir="rtl"')


class TokenCreateTests(BaseTestCase):
    def test_it_offers_the_users_organisations(self):
        Membership.objects.create(user=self.caseworker, organisation=self.partner_org, roles=[Role.VOLUNTEER])
        self.login(self.caseworker)
        response = self.client.get("/account/tokens/new/")
        self.assertContains(response, "Croal Valley Welcome Project")
        self.assertContains(response, "Medlock Immigration Advice Centre")
        self.assertNotContains(response, "Kersal Moor Welcome Centre")

    def test_it_makes_a_token_and_shows_it_once(self):
        membership = Membership.objects.get(user=self.caseworker)
        self.login(self.caseworker)
        response = self.client.post(
            "/account/tokens/new/", {"name": "Hub tablet", "membership": str(membership.uuid), "read_only": "on"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        token = ApiToken.objects.get()
        secret = response.context["secret"]
        self.assertContains(response, f'value="{secret}"')
        self.assertEqual(token.token_hash, hash_token(secret))
        self.assertEqual((token.membership, token.name, token.read_only), (membership, "Hub tablet", True))

        # Never again: not on the list, and nowhere in the audit trail.
        self.assertNotContains(self.client.get("/account/tokens/"), secret)
        event = Event.objects.get(action="api_token.created")
        self.assertEqual((event.actor, event.organisation), (self.caseworker, self.hub_org))
        self.assertNotIn(secret, str(event.details))

    def test_it_keeps_the_name_out_of_the_audit_trail(self):
        # Free text, and audit rows are never erased: "Amina's phone" must not stay there for good.
        membership = Membership.objects.get(user=self.caseworker)
        self.login(self.caseworker)
        self.client.post("/account/tokens/new/", {"name": "Amina's phone", "membership": str(membership.uuid)})
        event = Event.objects.get(action="api_token.created")
        self.assertNotIn("Amina", str(event.details))

    def test_the_new_token_works(self):
        membership = Membership.objects.get(user=self.volunteer)
        self.login(self.volunteer)
        response = self.client.post("/account/tokens/new/", {"name": "Script", "membership": str(membership.uuid)})
        self.client.logout()
        me = self.client.get("/api/v1/me", headers={"Authorization": f"Bearer {response.context['secret']}"})
        self.assertEqual(me.json()["user"]["email"], "volunteer@example.org")

    def test_it_needs_a_name(self):
        membership = Membership.objects.get(user=self.caseworker)
        self.login(self.caseworker)
        response = self.client.post("/account/tokens/new/", {"name": "", "membership": str(membership.uuid)})
        self.assertContains(response, "There is a problem")
        self.assertFalse(ApiToken.objects.exists())

    def test_it_refuses_someone_elses_membership(self):
        # The coordinator's membership of the same organisation: not the caseworker's to use.
        someone_elses = Membership.objects.get(user=self.coordinator)
        self.login(self.caseworker)
        response = self.client.post("/account/tokens/new/", {"name": "Sneaky", "membership": str(someone_elses.uuid)})
        self.assertContains(response, "There is a problem")
        self.assertFalse(ApiToken.objects.exists())

    def test_it_explains_that_a_user_without_an_organisation_cannot_have_one(self):
        self.login(self.editor)
        response = self.client.post("/account/tokens/new/", {"name": "Editor script"})
        self.assertContains(response, "you are not a member of any")
        self.assertFalse(ApiToken.objects.exists())


class TokenRevokeTests(BaseTestCase):
    def setUp(self):
        self.token, self.secret = create_api_token(
            Membership.objects.get(user=self.caseworker), acting_user=self.caseworker, name="Case tablet"
        )
        self.url = f"/account/tokens/{self.token.uuid}/revoke/"

    def test_it_asks_first(self):
        self.login(self.caseworker)
        response = self.client.get(self.url)
        self.assertContains(response, "Yes, revoke it")
        self.token.refresh_from_db()
        self.assertIsNone(self.token.revoked_at)

    def test_it_revokes_the_token_for_good(self):
        self.login(self.caseworker)
        response = self.client.post(self.url, follow=True)
        self.assertRedirects(response, "/account/tokens/")
        self.assertContains(response, f"The token {self.token.prefix}… is revoked.")
        self.token.refresh_from_db()
        self.assertIsNotNone(self.token.revoked_at)
        event = Event.objects.get(action="api_token.revoked")
        self.assertEqual((event.actor, event.organisation), (self.caseworker, self.hub_org))
        self.assertEqual(event.object_id, str(self.token.uuid))

        self.client.logout()
        api = self.client.get("/api/v1/me", headers={"Authorization": f"Bearer {self.secret}"})
        self.assertEqual(api.status_code, 401)

    def test_revoking_twice_changes_nothing_more(self):
        self.login(self.caseworker)
        self.client.post(self.url)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "was already revoked")
        self.assertEqual(Event.objects.filter(action="api_token.revoked").count(), 1)

    def assert_not_theirs(self, user):
        self.login(user)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.url).status_code, 404)
        self.token.refresh_from_db()
        self.assertIsNone(self.token.revoked_at)
        self.assertFalse(Event.objects.filter(action="api_token.revoked").exists())

    def test_another_member_of_the_organisation_cannot_revoke_it(self):
        # Even the organisation admin: a token is its owner's.
        self.assert_not_theirs(self.coordinator)

    def test_an_outsider_cannot_revoke_it(self):
        self.assert_not_theirs(self.outsider)

    def test_an_unknown_token_is_a_404(self):
        self.login(self.caseworker)
        self.assertEqual(
            self.client.get("/account/tokens/00000000-0000-0000-0000-000000000000/revoke/").status_code, 404
        )
