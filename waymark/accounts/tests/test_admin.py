from waymark.accounts.models import Invitation, Membership, Organisation, Role, User
from waymark.audit.models import Event
from waymark.testing import BaseTestCase


class AccountsAdminTestCase(BaseTestCase):
    def setUp(self):
        self.login(self.admin)

    def test_it_lists_the_models_administrators_look_after(self):
        for url in [
            "/admin/accounts/user/",
            "/admin/accounts/organisation/",
            "/admin/accounts/membership/",
            "/admin/accounts/network/",
            "/admin/accounts/platformrole/",
            "/admin/accounts/invitation/",
            "/admin/accounts/nationalbody/",
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_it_adds_a_user_by_e_mail(self):
        response = self.client.post(
            "/admin/accounts/user/add/",
            {
                "email": "New.Person@Example.org",
                "name": "New Person",
                "usable_password": "true",
                "password1": "a-long-unusual-password",
                "password2": "a-long-unusual-password",
            },
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
        user = User.objects.get(email="new.person@example.org")
        self.assertTrue(user.check_password("a-long-unusual-password"))
        event = Event.objects.get(action="admin.added")
        self.assertEqual(event.object_id, str(user.uuid))
        self.assertNotIn("new.person", str(event.details))

    def test_it_refuses_a_second_user_with_the_same_address_in_another_case(self):
        response = self.client.post(
            "/admin/accounts/user/add/",
            {"email": "CASEWORKER@example.org", "usable_password": "false"},
        )
        self.assertContains(response, "A user with this e-mail address already exists.")

    def test_it_gives_the_first_admin_of_a_new_organisation_with_roles_as_checkboxes(self):
        organisation = Organisation.objects.create(name="New Charity", slug="new-charity")
        response = self.client.get("/admin/accounts/membership/add/")
        self.assertContains(response, 'type="checkbox" name="roles" value="organisation_admin"')
        response = self.client.post(
            "/admin/accounts/membership/add/",
            {
                "user": self.caseworker.pk,
                "organisation": organisation.pk,
                "roles": [Role.ORGANISATION_ADMIN],
                "adviser_regulator": "",
                "adviser_oisc_level": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        membership = Membership.objects.get(organisation=organisation)
        self.assertEqual(membership.roles, ["organisation_admin"])

    def test_it_audits_changes_with_field_names_only(self):
        membership = Membership.objects.get(user=self.caseworker)
        response = self.client.post(
            f"/admin/accounts/membership/{membership.pk}/change/",
            {
                "user": self.caseworker.pk,
                "organisation": self.hub_org.pk,
                "roles": [Role.CASEWORKER, Role.SAFEGUARDING_LEAD],
                "adviser_regulator": "",
                "adviser_oisc_level": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        event = Event.objects.get(action="admin.changed")
        self.assertEqual(event.actor, self.admin)
        self.assertEqual(event.organisation, self.hub_org)
        self.assertEqual(event.object_id, str(membership.uuid))
        self.assertEqual(event.details, {"changes": [{"changed": {"fields": ["Roles"]}}]})

    def test_it_leaves_member_addresses_out_of_inline_changes(self):
        memberships = list(Membership.objects.filter(organisation=self.hub_org).order_by("pk"))
        data = {
            "name": self.hub_org.name,
            "slug": self.hub_org.slug,
            "kind": self.hub_org.kind,
            "charity_number": "",
            "company_number": "",
            "networks": [self.network.pk],
            "require_mfa_for_volunteers": "on",
            "memberships-TOTAL_FORMS": str(len(memberships)),
            "memberships-INITIAL_FORMS": str(len(memberships)),
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        }
        for n, membership in enumerate(memberships):
            roles = membership.roles
            if membership.user == self.caseworker:
                roles = [Role.CASEWORKER, Role.SAFEGUARDING_LEAD]
            data.update(
                {
                    f"memberships-{n}-id": membership.pk,
                    f"memberships-{n}-organisation": self.hub_org.pk,
                    f"memberships-{n}-user": membership.user.pk,
                    f"memberships-{n}-roles": roles,
                    f"memberships-{n}-adviser_regulator": "",
                    f"memberships-{n}-adviser_oisc_level": "",
                }
            )
        response = self.client.post(f"/admin/accounts/organisation/{self.hub_org.pk}/change/", data)
        self.assertEqual(response.status_code, 302, response.content.decode()[-2000:])
        self.assertIn("safeguarding_lead", Membership.objects.get(user=self.caseworker).roles)
        event = Event.objects.get(action="admin.changed")
        self.assertEqual(event.object_id, str(self.hub_org.uuid))
        self.assertEqual(event.details, {"changes": [{"changed": {"name": "membership", "fields": ["Roles"]}}]})
        self.assertNotIn("caseworker@example.org", str(event.details))

    def test_it_audits_deletions(self):
        membership = Membership.objects.get(user=self.caseworker)
        self.client.post(f"/admin/accounts/membership/{membership.pk}/delete/", {"post": "yes"})
        self.assertFalse(Membership.objects.filter(pk=membership.pk).exists())
        event = Event.objects.get(action="admin.deleted")
        self.assertEqual(event.object_id, str(membership.uuid))
        self.assertEqual(event.details, {})

    def test_it_shows_invitations_without_add_or_change(self):
        invitation = Invitation.objects.create(
            organisation=self.hub_org, email="x@example.org", roles=[Role.VOLUNTEER], invited_by=self.coordinator
        )
        self.assertEqual(self.client.get("/admin/accounts/invitation/add/").status_code, 403)
        response = self.client.get(f"/admin/accounts/invitation/{invitation.pk}/change/")
        self.assertNotContains(response, 'name="_save"')

    def test_it_is_closed_to_organisation_admins(self):
        self.login(self.coordinator)
        response = self.client.get("/admin/accounts/membership/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])
