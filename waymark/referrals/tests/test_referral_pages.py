"""The referral pages: making a referral with the person's consent, its page for the sender and
the receiver, and every answer posted from it; as the allowed members, a member of the same
organisation whose roles do not allow it (404), and an outsider (404)."""

import datetime as dt

from django.utils import timezone

from waymark.casework.models import ConcernCategory, Urgency
from waymark.casework.safeguarding import do_raise_concern
from waymark.directory.tests.builders import make_service
from waymark.people.models import Consent
from waymark.people.tests.helpers import make_person
from waymark.referrals import flow
from waymark.referrals.models import Referral, ReferralEvent
from waymark.referrals.tests.helpers import ReferralWorld
from waymark.testing import BaseTestCase


class ReferralPagesTestCase(ReferralWorld, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_world()

    def get(self, user, url, data=None):
        self.login(user)
        return self.client.get(url, data)

    def post(self, user, url, data=None):
        self.login(user)
        return self.client.post(url, data or {})

    def url(self, referral, action=""):
        return f"/referrals/{referral.uuid}/" + (f"{action}/" if action else "")

    def new_url(self, person=None, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return f"/referrals/new/?person={(person or self.person).uuid}" + (f"&{query}" if query else "")

    def fresh(self, referral):
        return Referral.objects.get(pk=referral.pk)


class WhoMayOpenTests(ReferralPagesTestCase):
    def test_the_sender_and_the_receiver_open_the_referral(self):
        referral = self.sent()
        response = self.get(self.caseworker, self.url(referral))
        self.assertContains(response, "Referral to Asylum appeals clinic")
        self.assertContains(response, "Made by your organisation.")
        response = self.get(self.receiver_caseworker, self.url(referral))
        self.assertContains(response, "Sent to your organisation by Croal Hub Charity.")
        # The receiver's first opening marks it received, and the page says so.
        self.assertContains(response, "<strong>Received</strong>", html=True)
        self.assertEqual(self.fresh(referral).state, Referral.State.RECEIVED)

    def test_volunteers_and_outsiders_are_told_it_is_not_there(self):
        referral = self.sent()
        for user in (self.volunteer, self.receiver_volunteer, self.outsider):
            with self.subTest(user=user.email):
                self.assertEqual(self.get(user, self.url(referral)).status_code, 404)
                self.assertEqual(self.post(user, self.url(referral, "accept")).status_code, 404)
                self.assertEqual(self.post(user, self.url(referral, "withdraw")).status_code, 404)
        self.assertEqual(self.fresh(referral).state, Referral.State.SENT)

    def test_the_receiver_never_sees_a_draft(self):
        referral = self.draft()
        self.assertEqual(self.get(self.receiver_caseworker, self.url(referral)).status_code, 404)

    def test_only_case_roles_of_the_persons_organisation_open_the_make_page(self):
        self.assertEqual(self.get(self.caseworker, self.new_url()).status_code, 200)
        for user in (self.volunteer, self.outsider, self.receiver_caseworker):
            with self.subTest(user=user.email):
                self.assertEqual(self.get(user, self.new_url()).status_code, 404)
                response = self.post(user, self.new_url(service=self.clinic.id), {"service": str(self.clinic.id)})
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self.get(self.caseworker, "/referrals/new/?person=nonsense").status_code, 404)
        self.assertFalse(Referral.objects.exists())

    def test_the_detail_page_takes_a_fixed_number_of_queries(self):
        referral = self.sent(scope=("contact_details", "journey"))
        self.get(self.receiver_caseworker, self.url(referral))  # received now
        flow.do_accept(referral, acting_user=self.receiver_caseworker, organisation=self.receiver)
        self.login(self.receiver_caseworker)
        # Session, user, memberships; the referral with its service and organisations; its
        # access log entry; its consent; the whole history in one; the session saved (3).
        with self.assertNumQueries(10):
            response = self.client.get(self.url(referral))
        self.assertContains(response, "Record the outcome")


class MakeReferralTests(ReferralPagesTestCase):
    def make(self, service=None, **fields):
        service = service or self.clinic
        data = {
            "service": str(service.id),
            "need": "",
            "notes_excerpt": "Appeal hearing on 3 March.",
            "basis": "consent",
            "scope": ["contact_details", "case_notes"],
            "how": Consent.How.SPOKEN_WITH_INTERPRETER,
            "language": "ar",
            **fields,
        }
        return self.post(self.caseworker, self.new_url(service=service.id), data)

    def test_the_consent_words_are_shown_in_the_persons_language_naming_the_service(self):
        response = self.get(self.caseworker, self.new_url(service=self.clinic.id))
        self.assertContains(response, 'lang="ar" dir="rtl"')
        # In Arabic, naming the organisation and the service (the names stay as they are).
        self.assertContains(response, "مع Bolton Law Centre، لهذه الإحالة إلى Asylum appeals clinic فقط")
        self.assertContains(response, "Asylum appeals clinic (Bolton Law Centre)")
        # The sender may show them in another language.
        response = self.get(self.caseworker, self.new_url(service=self.clinic.id, language="fr"))
        self.assertContains(response, 'lang="fr" dir="ltr"')

    def test_searching_the_map_offers_the_services_found_to_choose(self):
        self.clinic.build_search_text()
        self.clinic.save()
        response = self.get(self.caseworker, self.new_url(q="appeals"))
        self.assertContains(response, f'value="{self.clinic.id}"')
        self.assertNotContains(response, "Wigan Food Bank")
        response = self.get(self.caseworker, self.new_url(q="zzzz-nothing"))
        self.assertContains(response, "No service on the map matched.")

    def test_the_need_in_the_address_is_chosen_by_id_or_slug(self):
        for value in (self.advice_need.id, self.advice_need.slug):
            with self.subTest(value=value):
                response = self.get(self.caseworker, self.new_url(service=self.clinic.id, need=value))
                self.assertContains(
                    response, '<option value="immigration-advice" selected>Immigration advice</option>', html=True
                )

    def test_saving_makes_a_draft_with_the_consent_and_opens_its_page(self):
        response = self.make(need=self.advice_need.slug, urgent="on")
        referral = Referral.objects.get()
        self.assertRedirects(response, self.url(referral), fetch_redirect_response=False)
        self.assertEqual((referral.state, referral.service, referral.need), ("draft", self.clinic, self.advice_need))
        self.assertTrue(referral.urgent)
        self.assertEqual(referral.notes_excerpt, "Appeal hearing on 3 March.")
        self.assertEqual(referral.consent.scope, ["contact_details", "case_notes"])
        self.assertEqual(
            (referral.consent.how, referral.consent.privacy_notice_language, referral.consent.recipient_organisation),
            (Consent.How.SPOKEN_WITH_INTERPRETER, "ar", self.receiver),
        )
        page = self.client.get(self.url(referral))
        self.assertContains(page, "Check before sending")
        self.assertContains(page, "Met:</strong> Regulated by the OISC at level 2.", html=False)

    def test_without_what_they_agree_to_share_nothing_is_made(self):
        response = self.make(scope=[], how="")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Tick what they agree to share.", status_code=400)
        self.assertContains(response, "Choose how they agreed.", status_code=400)
        self.assertFalse(Referral.objects.exists())

    def test_a_case_of_another_person_is_not_found(self):
        from waymark.casework.tests.part_helpers import make_case

        other = make_case(self.sender, by=self.caseworker)
        response = self.get(self.caseworker, self.new_url(case=other.uuid))
        self.assertEqual(response.status_code, 404)
        mine = make_case(self.sender, by=self.caseworker, person=self.person)
        response = self.post(
            self.caseworker,
            self.new_url(service=self.clinic.id, case=mine.uuid),
            {
                "service": str(self.clinic.id),
                "basis": "consent",
                "scope": ["contact_details"],
                "how": "spoken",
                "language": "en",
            },
        )
        self.assertEqual(Referral.objects.latest("id").case, mine)

    def test_a_safeguarding_referral_goes_without_consent_with_a_lawful_reason(self):
        concern = do_raise_concern(
            self.sender,
            acting_user=self.caseworker,
            category=ConcernCategory.DOMESTIC,
            what_happened="Seen with bruises.",
            urgency=Urgency.IMMEDIATE,
            person=self.person,
        )
        response = self.make(basis="safeguarding", concern=str(concern.uuid), scope=[], how="")
        referral = Referral.objects.get()
        self.assertRedirects(response, f"{self.url(referral)}?concern={concern.uuid}", fetch_redirect_response=False)
        self.assertIsNone(referral.consent)
        page = self.client.get(f"{self.url(referral)}?concern={concern.uuid}")
        self.assertContains(page, "Safeguarding referral without consent")
        response = self.post(self.caseworker, self.url(referral, "send"), {"safeguarding_concern": str(concern.uuid)})
        self.assertContains(response, "record the lawful reason", status_code=400)
        response = self.post(
            self.caseworker,
            self.url(referral, "send"),
            {
                "safeguarding_concern": str(concern.uuid),
                "no_consent_reason": "Asking would put her at risk.",
                "no_consent_scope": ["contact_details"],
            },
        )
        self.assertEqual(response.status_code, 302)
        referral = self.fresh(referral)
        self.assertEqual((referral.state, referral.safeguarding_concern), ("sent", concern))
        self.assertEqual(referral.no_consent_reason, "Asking would put her at risk.")


class TheLoopTests(ReferralPagesTestCase):
    def test_made_sent_received_accepted_completed_and_the_sender_sees_the_outcome(self):
        self.post(
            self.caseworker,
            self.new_url(service=self.clinic.id),
            {
                "service": str(self.clinic.id),
                "basis": "consent",
                "scope": ["contact_details"],
                "how": "spoken",
                "language": "ar",
            },
        )
        referral = Referral.objects.get()
        response = self.post(self.caseworker, self.url(referral, "send"))
        self.assertRedirects(response, self.url(referral), fetch_redirect_response=False)
        self.assertEqual(self.fresh(referral).state, Referral.State.SENT)

        page = self.get(self.receiver_caseworker, self.url(referral))
        self.assertContains(page, "Answer the referral")
        self.assertEqual(self.fresh(referral).state, Referral.State.RECEIVED)
        self.assertEqual(self.post(self.receiver_caseworker, self.url(referral, "accept")).status_code, 302)
        response = self.post(
            self.receiver_caseworker,
            self.url(referral, "complete"),
            {"completed": "yes", "outcome": "support_given", "text": "Appeal lodged."},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.fresh(referral).state, Referral.State.COMPLETED)

        page = self.get(self.caseworker, self.url(referral))
        self.assertContains(page, "<strong>Completed</strong>", html=True)
        self.assertContains(page, "Support or advice was given: Appeal lodged.")
        # The history, oldest first, with who acted for which organisation.
        content = page.content.decode()
        steps = ["Draft", "Sent", "Received", "Accepted", "Completed: Support or advice was given"]
        positions = [content.index(f"<td>{step}") for step in steps]
        self.assertEqual(positions, sorted(positions))
        self.assertContains(page, "case@law.test, Bolton Law Centre")
        self.assertNotContains(page, "Record the outcome")

    def test_decline_needs_a_reason_and_the_sender_reads_it(self):
        referral = self.sent()
        response = self.post(self.receiver_caseworker, self.url(referral, "decline"), {"reason": ""})
        self.assertContains(response, "Choose a reason.", status_code=400)
        response = self.post(
            self.receiver_caseworker,
            self.url(referral, "decline"),
            {"reason": "other", "text": ""},
        )
        self.assertContains(response, "Say why.", status_code=400)
        self.post(self.receiver_caseworker, self.url(referral, "decline"), {"reason": "no_capacity", "text": "Full."})
        page = self.get(self.caseworker, self.url(referral))
        self.assertContains(page, "Declined: No capacity at the moment")
        self.assertContains(page, "<td>Full.</td>", html=True)

    def test_the_receiver_moves_it_to_another_of_its_services(self):
        referral = self.sent()
        page = self.get(self.receiver_caseworker, self.url(referral))
        self.assertContains(page, f'<option value="{self.surgery.id}">Drop-in legal surgery</option>', html=True)
        response = self.post(
            self.receiver_caseworker, self.url(referral, "redirect"), {"to_service": self.food_bank.id}
        )
        self.assertContains(response, "Choose a service from the list.", status_code=400)
        response = self.post(self.receiver_caseworker, self.url(referral, "redirect"), {"to_service": self.surgery.id})
        self.assertEqual(response.status_code, 302)
        referral = self.fresh(referral)
        self.assertEqual((referral.state, referral.service), ("redirected", self.surgery))
        page = self.get(self.caseworker, self.url(referral))
        self.assertContains(page, "Moved from Asylum appeals clinic")

    def test_the_sender_withdraws_before_acceptance(self):
        referral = self.sent()
        page = self.get(self.caseworker, self.url(referral))
        self.assertContains(page, "Withdraw the referral")
        self.assertNotContains(page, "Answer the referral")
        response = self.post(self.caseworker, self.url(referral, "withdraw"), {"text": "She moved away."})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.fresh(referral).state, Referral.State.WITHDRAWN)

    def test_for_a_letter_the_sender_records_what_the_service_said(self):
        referral = self.sent(self.food_bank)
        page = self.get(self.caseworker, self.url(referral))
        self.assertContains(page, "Record what the service said")
        self.assertNotContains(page, "Move it to another of your services")
        self.assertEqual(self.post(self.caseworker, self.url(referral, "accept")).status_code, 302)
        self.assertEqual(self.fresh(referral).state, Referral.State.ACCEPTED)


class RefusalTests(ReferralPagesTestCase):
    def test_an_illegal_move_is_refused_with_409(self):
        referral = self.sent()
        flow.do_withdraw(referral, acting_user=self.caseworker, organisation=self.sender)
        response = self.post(self.receiver_caseworker, self.url(referral, "accept"))
        self.assertContains(response, "This referral is withdrawn.", status_code=409)
        response = self.post(self.caseworker, self.url(referral, "send"))
        self.assertEqual(response.status_code, 409)
        self.assertEqual(self.fresh(referral).state, Referral.State.WITHDRAWN)

    def test_the_wrong_side_is_refused_with_409(self):
        referral = self.sent()
        # The sender does not answer an inbox referral; the receiver does not withdraw it.
        response = self.post(self.caseworker, self.url(referral, "accept"))
        self.assertContains(response, "Only the organisation it was sent to can answer", status_code=409)
        response = self.post(self.receiver_caseworker, self.url(referral, "withdraw"))
        self.assertContains(response, "Only the organisation that made this referral", status_code=409)
        self.assertEqual(self.fresh(referral).state, Referral.State.RECEIVED)

    def test_not_eligible_is_refused_until_a_reason_is_given(self):
        for_refugees = make_service(
            "Refugee employment service",
            self.law_centre,
            accepts_waymark_referrals=True,
            for_refugee_hp=True,
        )
        referral = self.draft(for_refugees)
        self.consent(referral)
        page = self.get(self.caseworker, self.url(referral))
        self.assertContains(page, "Not met:</strong> Not for people in their immigration situation.")
        self.assertContains(page, "Why send it anyway")
        response = self.post(self.caseworker, self.url(referral, "send"))
        self.assertContains(response, "They do not meet this service&#x27;s eligibility", status_code=400)
        self.assertEqual(self.fresh(referral).state, Referral.State.DRAFT)
        response = self.post(
            self.caseworker, self.url(referral, "send"), {"override_reason": "She has just been granted status."}
        )
        self.assertEqual(response.status_code, 302)
        referral = self.fresh(referral)
        self.assertTrue(referral.eligibility_overridden)
        self.assertEqual(referral.override_reason, "She has just been granted status.")
        page = self.get(self.caseworker, self.url(referral))
        self.assertContains(page, "Sent although they do not meet the service&#x27;s eligibility")
        self.assertContains(page, "She has just been granted status.")
        # The receiver learns that eligibility was overridden, but not the sender's note.
        page = self.get(self.receiver_caseworker, self.url(referral))
        self.assertContains(page, "Sent although they do not meet the service&#x27;s eligibility")
        self.assertNotContains(page, "She has just been granted status.")

    def test_immigration_advice_to_an_unregulated_service_is_refused(self):
        referral = self.draft(self.food_bank, need=self.advice_need)
        self.consent(referral)
        page = self.get(self.caseworker, self.url(referral))
        self.assertContains(page, "Not a regulated immigration adviser")
        self.assertContains(page, "This cannot be overridden")
        response = self.post(self.caseworker, self.url(referral, "send"), {"override_reason": "Urgent."})
        self.assertContains(
            response, "Not a regulated immigration adviser: it cannot give immigration advice.", status_code=400
        )
        self.assertEqual(self.fresh(referral).state, Referral.State.DRAFT)

    def test_without_consent_it_cannot_be_sent(self):
        referral = self.draft()
        page = self.get(self.caseworker, self.url(referral))
        self.assertContains(page, "Record their consent")
        response = self.post(self.caseworker, self.url(referral, "send"))
        self.assertContains(response, "Record the person&#x27;s consent", status_code=400)
        response = self.post(
            self.caseworker,
            self.url(referral, "consent"),
            {"scope": ["contact_details"], "how": "written", "language": "ar"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.post(self.caseworker, self.url(referral, "send")).status_code, 302)


class SharedDetailsTests(ReferralPagesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.bilal = make_person(cls.sender, "Bilal", by=cls.caseworker, phone="+447700900123", gender="man")

    def test_the_receiver_sees_exactly_what_was_consented(self):
        with_contact = self.sent(scope=("contact_details",), person=self.bilal)
        page = self.get(self.receiver_caseworker, self.url(with_contact))
        self.assertContains(page, "+447700900123")
        self.assertContains(page, "Bilal")
        self.assertNotContains(page, "Date of birth, gender, languages")

        without_contact = self.sent(scope=("personal_details",), person=self.bilal)
        page = self.get(self.receiver_caseworker, self.url(without_contact))
        self.assertNotContains(page, "+447700900123")
        self.assertNotContains(page, "Bilal")
        self.assertContains(page, "The person (their name was not shared)")
        self.assertContains(page, "<dt>Gender</dt><dd>Man</dd>", html=True)

    def test_nothing_after_the_access_period(self):
        referral = self.sent(scope=("contact_details",), person=self.bilal)
        self.get(self.receiver_caseworker, self.url(referral))
        flow.do_accept(referral, acting_user=self.receiver_caseworker, organisation=self.receiver)
        flow.do_complete(
            referral,
            completed=True,
            outcome="support_given",
            acting_user=self.receiver_caseworker,
            organisation=self.receiver,
        )
        page = self.get(self.receiver_caseworker, self.url(referral))
        self.assertContains(page, "+447700900123")
        self.assertContains(page, "You can see these details until")
        # Thirty-one days after it closed (the policy gives thirty).
        Referral.objects.filter(pk=referral.pk).update(closed_at=timezone.now() - dt.timedelta(days=31))
        page = self.get(self.receiver_caseworker, self.url(referral))
        self.assertNotContains(page, "+447700900123")
        self.assertNotContains(page, "Bilal")
        self.assertContains(page, "are no longer available to you")
        # The sender still sees what it shared, and the history is there for both.
        page = self.get(self.caseworker, self.url(referral))
        self.assertContains(page, "+447700900123")
        self.assertEqual(ReferralEvent.objects.filter(referral=referral).count(), 5)


class FormRefusalTests(ReferralPagesTestCase):
    def test_an_outcome_that_does_not_fit_is_refused_on_the_form(self):
        referral = self.sent()
        self.post(self.receiver_caseworker, self.url(referral, "accept"))
        response = self.post(
            self.receiver_caseworker, self.url(referral, "complete"), {"completed": "no", "outcome": "support_given"}
        )
        self.assertContains(response, "Choose an outcome from the list.", status_code=400)
        response = self.post(self.receiver_caseworker, self.url(referral, "complete"), {"outcome": "ongoing"})
        self.assertContains(response, "Say whether it was completed.", status_code=400)
        self.assertEqual(self.fresh(referral).state, Referral.State.ACCEPTED)

    def test_a_drafts_consent_words_are_in_the_persons_language(self):
        referral = self.draft()
        page = self.get(self.caseworker, self.url(referral))
        self.assertContains(page, 'lang="ar" dir="rtl"')
        self.assertContains(page, "مع Bolton Law Centre، لهذه الإحالة إلى Asylum appeals clinic فقط")
        page = self.get(self.caseworker, self.url(referral), {"language": "uk"})
        self.assertContains(page, 'lang="uk" dir="ltr"')

    def test_an_answer_past_its_deadline_is_shown_overdue_to_both_sides(self):
        referral = self.sent()
        page = self.get(self.caseworker, self.url(referral))
        self.assertContains(page, "Answer due by")
        self.assertNotContains(page, "Overdue:")
        Referral.objects.filter(pk=referral.pk).update(respond_by=timezone.now() - dt.timedelta(hours=1))
        for user in (self.caseworker, self.receiver_caseworker):
            with self.subTest(user=user.email):
                self.assertContains(self.get(user, self.url(referral)), "<strong>Overdue:</strong>", html=False)
