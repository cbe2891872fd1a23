"""A person's rights reach their referrals: the subject access copy lists them, and erasing the
person clears the texts and the copy of their details that the receiver was given."""

from waymark.casework import rights
from waymark.people.models import InformationKind
from waymark.referrals.models import Referral
from waymark.referrals.tests.helpers import ReferralWorld
from waymark.testing import BaseTestCase


class ReferralRightsTests(ReferralWorld, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_world()

    def test_subject_access_lists_the_referral_and_what_was_shared(self):
        self.sent(scope=[InformationKind.CONTACT_DETAILS, InformationKind.CASE_NOTES], notes_excerpt="Hearing on 4 May")

        data = rights.subject_access_data(self.person)

        [referral] = data["referrals"]
        self.assertEqual(referral["service"], "Asylum appeals clinic")
        self.assertEqual(referral["referred_to"], "Bolton Law Centre")
        self.assertEqual(referral["state"], "Sent")
        self.assertEqual(referral["information_shared"], ["Name and contact details", "Case notes"])
        self.assertEqual(referral["what_the_service_should_know"], "Hearing on 4 May")
        self.assertEqual([step["state"] for step in referral["history"]], ["Draft", "Sent"])

    def test_erasing_the_person_leaves_the_receiver_nothing_about_them(self):
        referral = self.sent(scope=[InformationKind.CONTACT_DETAILS], notes_excerpt="Hearing on 4 May")

        rights.do_erase_person(self.person, acting_user=self.caseworker)

        referral = Referral.objects.get(pk=referral.pk)
        self.assertEqual(referral.shared, {})
        self.assertEqual(referral.notes_excerpt, "")
        self.assertEqual(referral.state, Referral.State.SENT)

    def test_retention_clears_a_referral_closed_longer_ago_than_its_period_once(self):
        import datetime as dt

        from django.utils import timezone

        from waymark.casework.rights_retention import apply_retention
        from waymark.referrals import flow

        old = self.sent(scope=[InformationKind.CONTACT_DETAILS], notes_excerpt="Hearing on 4 May")
        flow.do_decline(
            old,
            reason="no_capacity",
            text="Full until March",
            acting_user=self.receiver_caseworker,
            organisation=self.receiver,
        )
        recent = self.sent(scope=[InformationKind.CONTACT_DETAILS], notes_excerpt="Keep me")
        Referral.objects.filter(pk=old.pk).update(closed_at=timezone.now() - dt.timedelta(days=800))

        first = apply_retention()
        second = apply_retention()

        old = Referral.objects.get(pk=old.pk)
        self.assertEqual((old.shared, old.notes_excerpt, old.decline_text), ({}, "", ""))
        self.assertEqual(old.decline_reason, "no_capacity")
        self.assertEqual(Referral.objects.get(pk=recent.pk).notes_excerpt, "Keep me")
        self.assertEqual(first["done"]["referral"], 1)
        self.assertEqual(second["done"]["referral"], 0)
