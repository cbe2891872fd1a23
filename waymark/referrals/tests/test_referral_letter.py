"""The printable referral letter (for the sender only) and its signed link (for the service,
no login): what each shows, who gets 404, and when the link stops working."""

import datetime as dt
import re
import time
from unittest import mock

from waymark.people.models import InformationKind
from waymark.referrals import flow
from waymark.referrals.access import letter_token
from waymark.referrals.models import Referral, ReferralLinkOpening
from waymark.referrals.policy import policy_on
from waymark.referrals.tests.helpers import ReferralWorld
from waymark.testing import BaseTestCase, make_member

LINK = re.compile(r'href="https?://[^/"]+(/r/[^/"]+/)"')


def letter_url(referral):
    return f"/referrals/{referral.uuid}/letter/"


class LetterTestCase(ReferralWorld, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_world()
        cls.coordinator_at_sender = make_member("coord@croal.test", cls.sender, roles=["coordinator"])

    def letter(self, scope=("contact_details",), **fields):
        return self.sent(self.food_bank, scope=scope, **fields)


class PrintableLetterTests(LetterTestCase):
    def test_the_sender_prints_the_letter_with_what_was_shared_and_how_to_answer(self):
        referral = self.letter(scope=("contact_details", "personal_details", "household"), urgent=True)
        self.login(self.caseworker)
        response = self.client.get(letter_url(referral))
        self.assertContains(response, "<h1>Referral to Wigan Food Bank</h1>", html=True)
        self.assertContains(response, "Croal Hub Charity")
        self.assertContains(response, "Yes, this referral is urgent")
        self.assertContains(response, "Please answer by")
        self.assertContains(response, referral.respond_by.strftime("%-d %B %Y"))
        self.assertContains(response, "<h3>Name and contact details</h3>", html=True)
        self.assertContains(response, "<h3>Date of birth, gender, languages</h3>", html=True)
        self.assertContains(response, "<h3>Household</h3>", html=True)
        self.assertNotContains(response, "<h3>Asylum journey, support and accommodation</h3>", html=True)
        self.assertContains(response, "Amina")
        # How to answer: the member who made it, by name and e-mail.
        self.assertContains(response, "case@croal.test")
        self.assertContains(response, "@media print")
        link = LINK.search(response.content.decode()).group(1)
        self.assertTrue(link.startswith("/r/"))

    def test_another_case_role_of_the_sender_may_print_it(self):
        referral = self.letter()
        self.login(self.coordinator_at_sender)
        self.assertEqual(self.client.get(letter_url(referral)).status_code, 200)

    def test_it_is_in_the_interface_language(self):
        referral = self.letter()
        self.login(self.caseworker)
        response = self.client.get(f"/fr{letter_url(referral)}")
        self.assertContains(response, '<html lang="fr"')
        # The shared details are described in the interface language too.
        self.assertContains(response, "<h3>Nom et coordonnées</h3>", html=True)
        self.assertContains(response, "Comment l’appeler")

    def test_there_is_no_letter_for_a_referral_to_an_inbox_or_a_draft(self):
        self.login(self.caseworker)
        self.assertEqual(self.client.get(letter_url(self.sent(self.clinic))).status_code, 404)
        self.assertEqual(self.client.get(letter_url(self.draft(self.food_bank))).status_code, 404)

    def test_a_volunteer_of_the_sender_and_an_outsider_get_404(self):
        referral = self.letter()
        for user in (self.volunteer, self.outsider, self.receiver_caseworker):
            with self.subTest(user=user):
                self.login(user)
                self.assertEqual(self.client.get(letter_url(referral)).status_code, 404)

    def test_it_needs_a_sign_in(self):
        response = self.client.get(letter_url(self.letter()))
        self.assertEqual(response.status_code, 302)


class SignedLinkTests(LetterTestCase):
    def link(self, referral):
        return f"/r/{letter_token(referral)}/"

    def test_the_genuine_link_shows_exactly_the_consented_kinds(self):
        referral = self.letter(scope=("contact_details", "household"))
        response = self.client.get(self.link(referral))
        self.assertContains(response, "<h1>Referral from Croal Hub Charity</h1>", html=True)
        headings = re.findall(r"<h3>(.*?)</h3>", response.content.decode())
        self.assertEqual(headings, [str(InformationKind.CONTACT_DETAILS.label), str(InformationKind.HOUSEHOLD.label)])
        self.assertContains(response, "Amina")
        self.assertContains(response, "Wigan Food Bank")
        # Whom to answer: the organisation and the member who made it, and nothing else of theirs.
        self.assertContains(response, "case@croal.test")

    def test_the_link_on_the_printed_letter_works(self):
        referral = self.letter()
        self.login(self.caseworker)
        link = LINK.search(self.client.get(letter_url(referral)).content.decode()).group(1)
        self.client.logout()
        self.assertContains(self.client.get(link), "Referral from Croal Hub Charity")

    def test_it_is_never_cached_indexed_or_passed_on(self):
        response = self.client.get(self.link(self.letter()))
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(response["X-Robots-Tag"], "noindex")
        self.assertEqual(response["Referrer-Policy"], "no-referrer")
        self.assertContains(response, '<meta name="robots" content="noindex, nofollow">', html=True)
        self.assertLess(len(response.content), 30_000)

    def test_the_first_opening_marks_it_received_and_every_opening_is_logged(self):
        referral = self.letter()
        self.client.get(self.link(referral))
        referral.refresh_from_db()
        self.assertEqual(referral.state, Referral.State.RECEIVED)
        self.assertIsNotNone(referral.received_at)
        self.client.get(self.link(referral))
        self.assertEqual(ReferralLinkOpening.objects.filter(referral=referral).count(), 2)
        self.assertEqual(referral.events.filter(to_state=Referral.State.RECEIVED).count(), 1)

    def test_a_tampered_link_is_404(self):
        referral = self.letter()
        token = letter_token(referral)
        for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "nonsense", token.replace(":", ".", 1)):
            with self.subTest(token=bad):
                self.assertEqual(self.client.get(f"/r/{bad}/").status_code, 404)
        self.assertFalse(ReferralLinkOpening.objects.exists())

    def test_an_expired_link_is_404(self):
        referral = self.letter()
        link = self.link(referral)
        later = time.time() + (policy_on().letter_link_days + 1) * 24 * 3600
        with mock.patch("django.core.signing.time.time", return_value=later):
            self.assertEqual(self.client.get(link).status_code, 404)
        self.assertEqual(self.client.get(link).status_code, 200)

    def test_a_link_made_later_still_ends_a_policy_period_after_sending(self):
        referral = self.letter()
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=referral.sent_at - dt.timedelta(days=policy_on().letter_link_days + 1)
        )
        # A fresh token (a letter printed today) does not give the link a new life.
        self.assertEqual(self.client.get(self.link(referral)).status_code, 404)
        self.assertFalse(ReferralLinkOpening.objects.exists())

    def test_a_withdrawn_referral_is_404(self):
        referral = self.letter()
        flow.do_withdraw(referral, text="", acting_user=self.caseworker, organisation=self.sender)
        self.assertEqual(self.client.get(self.link(referral)).status_code, 404)

    def test_a_link_for_an_inbox_referral_is_404(self):
        referral = self.sent(self.clinic)
        self.assertEqual(self.client.get(self.link(referral)).status_code, 404)
