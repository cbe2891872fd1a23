"""A user signs in with the address their organisation invited; nobody adds another."""

from allauth.account.models import EmailAddress

from waymark.testing import PASSWORD, BaseTestCase


class EmailAddressesTestCase(BaseTestCase):
    def test_it_offers_no_page_to_add_or_change_a_sign_in_address(self):
        self.login(self.caseworker)
        for prefix in ["", "/ar"]:
            with self.subTest(prefix=prefix):
                self.assertEqual(self.client.get(f"{prefix}/accounts/email/").status_code, 404)
                response = self.client.post(
                    f"{prefix}/accounts/email/", {"action_add": "", "email": "someone-else@example.net"}
                )
                self.assertEqual(response.status_code, 404)
                response = self.client.post(
                    f"{prefix}/accounts/email/", {"action_primary": "", "email": "someone-else@example.net"}
                )
                self.assertEqual(response.status_code, 404)
        self.caseworker.refresh_from_db()
        self.assertEqual(self.caseworker.email, "caseworker@example.org")
        self.assertFalse(EmailAddress.objects.exists())

    def test_it_signs_in_with_no_address_but_the_invited_one(self):
        self.login(self.caseworker)
        self.client.post("/accounts/email/", {"action_add": "", "email": "someone-else@example.net"})
        self.client.logout()
        self.client.post("/accounts/login/", {"login": "someone-else@example.net", "password": PASSWORD})
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_it_keeps_sign_in_addresses_out_of_the_admin_site(self):
        self.login(self.admin)
        self.assertEqual(self.client.get("/admin/account/emailaddress/").status_code, 404)
        self.assertNotContains(self.client.get("/admin/"), "/admin/account/emailaddress/")
