import base64

from django.conf import settings

from waymark.audit.models import RecordAccess
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase


class CardTestCase(BaseTestCase):
    def setUp(self):
        self.person = make_person(
            self.hub_org, "Amina", by=self.caseworker, full_name="Amina Yusuf Ali", phone="07700900123"
        )

    def test_a_volunteer_prints_the_card_with_reference_and_qr_code(self):
        self.login(self.volunteer)
        response = self.client.get(f"/people/{self.person.uuid}/card/")
        self.assertContains(response, self.person.printed_reference)
        self.assertContains(response, 'src="data:image/svg+xml;base64,')
        self.assertNotContains(response, "Yusuf")
        self.assertTrue(RecordAccess.objects.filter(user=self.volunteer, what="card").exists())
        # The code holds only the staff link by card reference.
        svg = base64.b64decode(response.context["qr_data_uri"].split(",", 1)[1]).decode()
        self.assertIn("<svg", svg)
        self.assertEqual(response.context["card_link"], f"{settings.SITE_URL}/people/card/{self.person.reference}/")

    def test_the_card_link_has_no_language_prefix(self):
        self.login(self.volunteer)
        response = self.client.get(f"/ar/people/{self.person.uuid}/card/")
        self.assertTrue(response.context["card_link"].endswith(f"/people/card/{self.person.reference}/"))
        self.assertNotIn("/ar/", response.context["card_link"])

    def test_scanning_the_card_opens_the_person_for_a_member(self):
        self.login(self.volunteer)
        response = self.client.get(f"/people/card/{self.person.reference}/")
        self.assertRedirects(response, f"/people/{self.person.uuid}/", fetch_redirect_response=False)

    def test_scanning_the_card_is_404_for_an_outsider(self):
        self.login(self.outsider)
        self.assertEqual(self.client.get(f"/people/card/{self.person.reference}/").status_code, 404)

    def test_scanning_the_card_is_404_for_a_member_without_roles(self):
        self.login(self.council)
        self.assertEqual(self.client.get(f"/people/card/{self.person.reference}/").status_code, 404)

    def test_scanning_the_card_signed_out_asks_to_sign_in(self):
        response = self.client.get(f"/people/card/{self.person.reference}/")
        self.assertIn("/accounts/login/", response["Location"])


class PrivacyNoticeTestCase(BaseTestCase):
    def test_it_is_shown_in_the_chosen_language_right_to_left(self):
        self.login(self.volunteer)
        response = self.client.get("/people/privacy-notice/", {"language": "ar"})
        self.assertContains(response, 'lang="ar" dir="rtl"')
        self.assertContains(response, "Croal Valley Welcome Project")

    def test_it_is_in_english_by_default(self):
        self.login(self.volunteer)
        response = self.client.get("/people/privacy-notice/")
        self.assertContains(response, "How we look after your information")
        self.assertContains(response, 'dir="ltr"')

    def test_an_unknown_language_is_404(self):
        self.login(self.volunteer)
        self.assertEqual(self.client.get("/people/privacy-notice/", {"language": "xx"}).status_code, 404)

    def test_it_is_404_for_a_member_without_roles(self):
        self.login(self.council)
        self.assertEqual(self.client.get("/people/privacy-notice/").status_code, 404)
