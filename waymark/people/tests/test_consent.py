import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from waymark.audit.models import Event
from waymark.people.actions import do_record_consent, do_withdraw_consent
from waymark.people.models import Consent, has_consent
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase


class ConsentRulesTestCase(BaseTestCase):
    def setUp(self):
        self.person = make_person(
            self.hub_org, "Amina", by=self.volunteer, may_call=True, may_text=True, contact_consent=True
        )

    def test_registration_records_consent_to_keep_details_and_to_contact(self):
        self.assertTrue(has_consent(self.person, Consent.Purpose.KEEP_DETAILS))
        self.assertTrue(has_consent(self.person, Consent.Purpose.CONTACT_WELFARE))
        self.assertTrue(self.person.may_contact())

    def test_withdrawing_contact_consent_stops_contact_at_once(self):
        consent = self.person.consents.get(purpose="contact_welfare")
        do_withdraw_consent(consent, acting_user=self.caseworker)
        self.person.refresh_from_db()
        self.assertFalse(self.person.may_contact())
        self.assertFalse(self.person.may_call or self.person.may_text)
        self.assertFalse(has_consent(self.person, Consent.Purpose.CONTACT_WELFARE))
        # The consent is kept, with who took the withdrawal.
        consent.refresh_from_db()
        self.assertEqual(consent.withdrawn_by, self.caseworker)
        self.assertTrue(Event.objects.filter(action="consent.withdrawn", object_id=str(consent.uuid)).exists())

    def test_a_consent_cannot_be_withdrawn_twice(self):
        consent = self.person.consents.get(purpose="contact_welfare")
        do_withdraw_consent(consent, acting_user=self.caseworker)
        with self.assertRaises(ValidationError):
            do_withdraw_consent(consent, acting_user=self.caseworker)

    def test_do_not_contact_overrides_consent(self):
        self.person.do_not_contact = True
        self.assertFalse(self.person.may_contact())

    def test_a_sharing_consent_names_its_recipient(self):
        with self.assertRaises(ValidationError):
            do_record_consent(self.person, acting_user=self.caseworker, purpose="share_referral", how="read")
        do_record_consent(
            self.person,
            acting_user=self.caseworker,
            purpose="share_referral",
            how="read",
            recipient_organisation=self.partner_org,
            scope=["contact_details", "needs"],
        )
        self.assertTrue(has_consent(self.person, "share_referral", recipient=self.partner_org))
        self.assertFalse(has_consent(self.person, "share_referral", recipient=self.other_org))
        self.assertFalse(has_consent(self.person, "share_referral"))

    def test_an_expired_consent_is_not_active(self):
        consent = do_record_consent(
            self.person,
            acting_user=self.caseworker,
            purpose="share_referral",
            how="written",
            recipient_organisation=self.partner_org,
            expires_at=timezone.now() + dt.timedelta(days=30),
        )
        later = timezone.now() + dt.timedelta(days=31)
        self.assertTrue(has_consent(self.person, "share_referral", recipient=self.partner_org))
        self.assertFalse(has_consent(self.person, "share_referral", recipient=self.partner_org, at=later))
        self.assertNotIn(consent, Consent.objects.active(later))


class ConsentPagesTestCase(BaseTestCase):
    def setUp(self):
        self.person = make_person(self.hub_org, "Amina", by=self.volunteer, contact_consent=True, may_call=True)
        self.url = f"/people/{self.person.uuid}/consents/"

    def test_a_caseworker_records_a_consent_to_share_for_a_referral(self):
        self.login(self.caseworker)
        response = self.client.post(
            self.url,
            {
                "purpose": "share_referral",
                "recipient_organisation": self.partner_org.pk,
                "scope": ["contact_details", "journey"],
                "how": "spoken_with_interpreter",
                "privacy_notice_language": "fa",
            },
        )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        consent = self.person.consents.get(purpose="share_referral")
        self.assertEqual(
            (consent.recipient_organisation, consent.scope), (self.partner_org, ["contact_details", "journey"])
        )

    def test_it_explains_a_missing_recipient(self):
        self.login(self.caseworker)
        response = self.client.post(
            self.url, {"purpose": "share_referral", "how": "read", "privacy_notice_language": "en"}
        )
        self.assertContains(response, "Choose the organisation their details will be shared with", status_code=400)

    def test_a_caseworker_withdraws_contact_consent(self):
        consent = self.person.consents.get(purpose="contact_welfare")
        self.login(self.caseworker)
        response = self.client.post(f"{self.url}{consent.uuid}/withdraw/", follow=True)
        self.assertContains(response, "is withdrawn")
        self.person.refresh_from_db()
        self.assertFalse(self.person.may_contact())

    def test_a_volunteer_cannot_see_or_withdraw_consents(self):
        consent = self.person.consents.get(purpose="contact_welfare")
        self.login(self.volunteer)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(f"{self.url}{consent.uuid}/withdraw/").status_code, 404)
        self.assertTrue(self.person.may_contact())

    def test_an_outsider_cannot_withdraw(self):
        consent = self.person.consents.get(purpose="contact_welfare")
        self.login(self.outsider)
        self.assertEqual(self.client.post(f"{self.url}{consent.uuid}/withdraw/").status_code, 404)
        consent.refresh_from_db()
        self.assertIsNone(consent.withdrawn_at)
