"""The referral policy rows in the admin: an administrator adds a dated row with its source,
the change is audited, and members of organisations never reach them."""

import datetime as dt

from django.urls import reverse

from waymark.audit.models import Event
from waymark.referrals.models import BankHoliday, ReferralPolicy, SituationMapping
from waymark.referrals.policy import policy_on
from waymark.testing import BaseTestCase


class ReferralPolicyAdminTests(BaseTestCase):
    def test_the_starting_rows_are_there_with_their_sources(self):
        self.login(self.admin)
        for name, text in (
            ("admin:referrals_referralpolicy_changelist", "five working days"),
            ("admin:referrals_bankholiday_changelist", "gov.uk/bank-holidays"),
            ("admin:referrals_situationmapping_changelist", "Appeal rights exhausted"),
        ):
            with self.subTest(name=name):
                self.assertContains(self.client.get(reverse(name)), text)
        self.assertTrue(BankHoliday.objects.filter(date=dt.date(2026, 12, 28), title__startswith="Boxing Day").exists())
        self.assertTrue(SituationMapping.objects.filter(stage="granted", situation="refugee_hp").exists())

    def test_an_administrator_adds_a_new_deadline_from_a_date_and_it_is_audited(self):
        self.login(self.admin)
        response = self.client.post(
            reverse("admin:referrals_referralpolicy_add"),
            {
                "valid_from": "2027-04-01",
                "source": "Network agreement of March 2027",
                "note": "",
                "response_working_days": "7",
                "reminder_working_days": "2",
                "access_days_after_close": "60",
                "letter_link_days": "21",
            },
        )

        self.assertEqual(response.status_code, 302)
        self.assertEqual(policy_on(dt.date(2027, 3, 31)).response_working_days, 5)
        self.assertEqual(policy_on(dt.date(2027, 4, 1)).response_working_days, 7)
        row = ReferralPolicy.objects.get(valid_from=dt.date(2027, 4, 1))
        self.assertTrue(Event.objects.filter(object_id=str(row.pk)).exists())

    def test_members_of_organisations_never_reach_them(self):
        for user in (self.coordinator, self.outsider):
            with self.subTest(user=user):
                self.login(user)
                response = self.client.get(reverse("admin:referrals_referralpolicy_changelist"))
                self.assertEqual(response.status_code, 302)
