from waymark.accounts.models import Membership, Role
from waymark.audit.models import Event
from waymark.testing import BaseTestCase, make_member


class MemberAdviserTestCase(BaseTestCase):
    def setUp(self):
        self.membership = Membership.objects.get(user=self.caseworker)
        self.url = f"/organisation/members/{self.membership.uuid}/adviser/"

    def test_it_records_an_oisc_adviser_and_their_level(self):
        self.login(self.coordinator)
        response = self.client.post(self.url, {"adviser_regulator": "oisc", "adviser_oisc_level": "2"})
        self.assertRedirects(response, f"/organisation/members/{self.membership.uuid}/", fetch_redirect_response=False)
        self.membership.refresh_from_db()
        self.assertEqual(self.membership.adviser_regulator, "oisc")
        self.assertEqual(self.membership.adviser_oisc_level, 2)
        event = Event.objects.get()
        self.assertEqual(event.action, "membership.adviser_changed")
        self.assertEqual(
            event.details,
            {"before": {"regulator": "", "oisc_level": None}, "after": {"regulator": "oisc", "oisc_level": 2}},
        )

    def test_it_shows_the_registration_on_the_members_list(self):
        self.login(self.coordinator)
        self.client.post(self.url, {"adviser_regulator": "oisc", "adviser_oisc_level": "3"})
        self.assertContains(self.client.get("/organisation/members/"), "OISC level 3")

    def test_it_records_a_solicitor_without_a_level(self):
        self.login(self.coordinator)
        self.client.post(self.url, {"adviser_regulator": "sra", "adviser_oisc_level": ""})
        self.membership.refresh_from_db()
        self.assertEqual(self.membership.adviser_regulator, "sra")
        self.assertIsNone(self.membership.adviser_oisc_level)

    def test_it_asks_for_the_level_of_an_oisc_adviser(self):
        self.login(self.coordinator)
        response = self.client.post(self.url, {"adviser_regulator": "oisc", "adviser_oisc_level": ""})
        self.assertContains(response, "Choose the adviser&#x27;s OISC level", status_code=400)
        self.assertContains(response, 'href="#id_adviser_oisc_level"', status_code=400)
        self.membership.refresh_from_db()
        self.assertEqual(self.membership.adviser_regulator, "")

    def test_it_refuses_a_level_without_the_oisc(self):
        self.login(self.coordinator)
        response = self.client.post(self.url, {"adviser_regulator": "sra", "adviser_oisc_level": "1"})
        self.assertContains(response, "An OISC level needs the OISC as regulator", status_code=400)

    def test_it_clears_a_registration(self):
        partner_admin = make_member("admin@advice.example.org", self.partner_org, [Role.ORGANISATION_ADMIN])
        membership = Membership.objects.get(user=self.partner)
        self.login(partner_admin)
        self.client.post(
            f"/organisation/members/{membership.uuid}/adviser/", {"adviser_regulator": "", "adviser_oisc_level": ""}
        )
        membership.refresh_from_db()
        self.assertEqual(membership.adviser_regulator, "")
        self.assertIsNone(membership.adviser_oisc_level)

    def test_it_is_not_found_for_a_caseworker(self):
        self.login(self.caseworker)
        response = self.client.post(self.url, {"adviser_regulator": "oisc", "adviser_oisc_level": "3"})
        self.assertEqual(response.status_code, 404)
        self.membership.refresh_from_db()
        self.assertEqual(self.membership.adviser_regulator, "")

    def test_it_is_not_found_for_an_outsider(self):
        self.login(self.outsider)
        response = self.client.post(self.url, {"adviser_regulator": "oisc", "adviser_oisc_level": "3"})
        self.assertEqual(response.status_code, 404)
        self.membership.refresh_from_db()
        self.assertEqual(self.membership.adviser_regulator, "")
