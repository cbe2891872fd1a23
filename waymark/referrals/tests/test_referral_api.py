"""/api/v1/referrals: making a draft (with consent), sending it, the receiver's answers, the
sender withdrawing, the lists and one referral, as a partner system (token) or Waymark's own
pages (session and CSRF) would call them.

Every endpoint is called by the allowed side, a volunteer of the same organisation (404) and
an outsider (404). Refusals keep the flow's code in ``errors[].type``: 409 ``conflict`` for an
illegal transition, 400 ``refused`` for a business rule, 422 ``invalid`` for malformed input.
"""

import datetime as dt
import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from waymark.accounts.models import Membership
from waymark.accounts.tokens import create_api_token
from waymark.audit.models import RecordAccess
from waymark.casework import safeguarding
from waymark.casework.models import Case, ConcernCategory, ImmigrationMatter, MatterKind, Urgency
from waymark.directory.models import Service, Translation
from waymark.directory.tests.builders import make_service
from waymark.people.tests.helpers import make_person
from waymark.referrals import flow
from waymark.referrals.models import Referral
from waymark.referrals.tests.helpers import ReferralWorld
from waymark.testing import BaseTestCase

URL = "/api/v1/referrals"
CSRF_SECRET = "abcdefghijklmnopqrstuvwxyzABCDEF"
SECRET_NOTE = "Sleeps at a friend's since the hotel move"


class ReferralApiTestCase(ReferralWorld, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_world()
        cls.secrets = {}

    def token(self, user, read_only=False):
        key = (user.pk, read_only)
        if key not in self.secrets:
            membership = Membership.objects.get(user=user)
            self.secrets[key] = create_api_token(membership, acting_user=user, read_only=read_only)[1]
        return {"Authorization": f"Bearer {self.secrets[key]}"}

    def post(self, path, data, user, read_only=False):
        return self.client.post(
            path, json.dumps(data), content_type="application/json", headers=self.token(user, read_only)
        )

    def get(self, path, user):
        return self.client.get(path, headers=self.token(user, read_only=True))

    def act(self, referral, action, user, data=None):
        return self.post(f"{URL}/{referral.uuid}/{action}", data or {}, user)

    def assertRefused(self, response, status, code, error_type):
        self.assertEqual(response.status_code, status, response.content)
        body = response.json()
        self.assertEqual(body["code"], code)
        self.assertIn(error_type, [error["type"] for error in body.get("errors") or []], body)
        self.assertTrue(body["detail"])
        return body

    def state_of(self, referral):
        return Referral.objects.get(pk=referral.pk).state


class CreatingTests(ReferralApiTestCase):
    def body(self, **fields):
        return {"person": str(self.person.uuid), "service": str(self.clinic.id), **fields}

    def test_it_makes_a_draft_with_the_persons_consent(self):
        response = self.post(
            URL,
            self.body(
                need="immigration-advice",
                urgent=True,
                notes_excerpt=SECRET_NOTE,
                consent={
                    "scope": ["contact_details", "case_notes"],
                    "how": "spoken_with_interpreter",
                    "language": "ar",
                },
            ),
            self.caseworker,
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        referral = Referral.objects.get()
        self.assertEqual(body["id"], str(referral.uuid))
        self.assertEqual((body["state"], body["side"], body["urgent"]), ("draft", "sender", True))
        self.assertEqual(body["person"], {"id": str(self.person.uuid), "display_name": "Amina"})
        self.assertEqual(body["service"]["name"], "Asylum appeals clinic")
        self.assertEqual(body["referred_to"]["name"], "Bolton Law Centre")
        self.assertEqual(body["need"]["id"], str(self.advice_need.id))
        self.assertEqual(body["consent"]["scope"], ["contact_details", "case_notes"])
        self.assertEqual((body["consent"]["how"], body["consent"]["language"]), ("spoken_with_interpreter", "ar"))
        self.assertTrue(body["consent"]["active"])
        self.assertEqual(body["notes_excerpt"], SECRET_NOTE)
        self.assertEqual([event["to_state"] for event in body["history"]], ["draft"])
        self.assertEqual(referral.created_by, self.caseworker)
        self.assertEqual(referral.consent.recipient_organisation, self.receiver)

    def test_the_need_may_be_its_taxonomy_id_and_consent_may_wait(self):
        response = self.post(URL, self.body(need=str(self.advice_need.id)), self.caseworker)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["need"]["slug"], "immigration-advice")
        self.assertIsNone(response.json()["consent"])

    def test_it_refuses_malformed_input_with_422(self):
        for body in (
            self.body(need="no-such-need"),
            {"person": str(self.person.uuid)},
            self.body(person="not-a-uuid"),
            self.body(consent={"scope": [], "how": "spoken"}),
            self.body(consent={"scope": ["shoe_size"], "how": "spoken"}),
            self.body(consent={"scope": ["contact_details"], "how": "telepathy"}),
            self.body(consent={"scope": ["contact_details"], "how": "spoken", "language": "xx"}),
            self.body(notes_excerpt="x" * (flow.TEXT_MAX + 1)),
        ):
            with self.subTest(body=body):
                response = self.post(URL, body, self.caseworker)
                self.assertEqual(response.status_code, 422, response.content)
                self.assertEqual(response.json()["code"], "invalid")
        self.assertFalse(Referral.objects.exists())

    def test_a_closed_service_is_refused_with_400(self):
        closed = make_service("Closed clinic", self.law_centre, status=Service.Status.DEFUNCT)
        response = self.post(URL, self.body(service=str(closed.id)), self.caseworker)
        self.assertRefused(response, 400, "refused", "service_closed")
        self.assertFalse(Referral.objects.exists())

    def test_a_service_not_on_the_map_is_404(self):
        response = self.post(URL, self.body(service="00000000-0000-4000-8000-000000000000"), self.caseworker)
        self.assertEqual(response.status_code, 404)

    def test_another_persons_case_is_refused_and_another_organisations_is_404(self):
        other_person = make_person(self.sender, "Yonas", by=self.caseworker)
        theirs = Case.objects.create(
            organisation=self.sender,
            person=other_person,
            title="Move-on",
            owner=self.caseworker,
            opened_by=self.caseworker,
        )
        self.assertRefused(
            self.post(URL, self.body(case=str(theirs.uuid)), self.caseworker), 400, "refused", "other_person"
        )
        outsiders_person = make_person(self.outsider_org, "Sara", by=self.outsider)
        elsewhere = Case.objects.create(
            organisation=self.outsider_org,
            person=outsiders_person,
            title="Move-on",
            owner=self.outsider,
            opened_by=self.outsider,
        )
        self.assertEqual(self.post(URL, self.body(case=str(elsewhere.uuid)), self.caseworker).status_code, 404)
        self.assertFalse(Referral.objects.exists())

    def test_from_a_case_about_an_immigration_matter_that_needs_a_higher_level(self):
        case = Case.objects.create(
            organisation=self.sender,
            person=self.person,
            title="Appeal",
            owner=self.caseworker,
            opened_by=self.caseworker,
        )
        matter = ImmigrationMatter.objects.create(
            case=case, kind=MatterKind.APPEAL, required_level=3, created_by=self.caseworker
        )
        body = self.body(
            need="immigration-advice",
            case=str(case.uuid),
            immigration_matter=str(matter.uuid),
            consent={"scope": ["contact_details"], "how": "spoken"},
        )
        response = self.post(URL, body, self.caseworker)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(
            (response.json()["case_id"], response.json()["immigration_matter_id"]), (str(case.uuid), str(matter.uuid))
        )
        # The clinic advises at OISC level 2; an appeal here needs level 3.
        response = self.post(f"{URL}/{response.json()['id']}/send", {}, self.caseworker)
        self.assertRefused(response, 400, "refused", "not_regulated")

    def test_another_persons_immigration_matter_or_visit_is_404(self):
        yonas = make_person(self.sender, "Yonas", by=self.caseworker)
        case = Case.objects.create(
            organisation=self.sender, person=yonas, title="Claim", owner=self.caseworker, opened_by=self.caseworker
        )
        matter = ImmigrationMatter.objects.create(
            case=case, kind=MatterKind.ASYLUM_CLAIM, required_level=1, created_by=self.caseworker
        )
        response = self.post(URL, self.body(immigration_matter=str(matter.uuid)), self.caseworker)
        self.assertEqual(response.status_code, 404)
        response = self.post(URL, self.body(visit="00000000-0000-4000-8000-000000000000"), self.caseworker)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Referral.objects.exists())

    def test_a_volunteer_and_an_outsider_get_404(self):
        for user in (self.volunteer, self.outsider, self.receiver_caseworker):
            with self.subTest(user=user.email):
                response = self.post(URL, self.body(), user)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json()["code"], "not_found")
        self.assertFalse(Referral.objects.exists())

    def test_a_read_only_token_cannot_make_one(self):
        response = self.post(URL, self.body(), self.caseworker, read_only=True)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "read_only_token")
        self.assertFalse(Referral.objects.exists())

    def test_waymarks_own_pages_send_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.caseworker)
        session = client.session
        session["mfa_set_up"] = True
        session.save()
        data = json.dumps(self.body())
        response = client.post(URL, data, content_type="application/json")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["code"], "csrf_failed")
        client.cookies["csrftoken"] = CSRF_SECRET
        response = client.post(URL, data, content_type="application/json", headers={"X-CSRFToken": CSRF_SECRET})
        self.assertEqual(response.status_code, 201, response.content)


class ConsentAndSendingTests(ReferralApiTestCase):
    def test_consent_is_recorded_on_a_draft(self):
        referral = self.draft()
        response = self.act(
            referral, "consent", self.caseworker, {"scope": ["journey"], "how": "written", "language": "fa"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["consent"]["scope"], ["journey"])
        self.assertEqual(Referral.objects.get(pk=referral.pk).consent.how, "written")

    def test_consent_after_sending_is_a_conflict_and_others_get_404(self):
        referral = self.sent()
        body = {"scope": ["journey"], "how": "written"}
        self.assertRefused(self.act(referral, "consent", self.caseworker, body), 409, "conflict", "illegal_transition")
        for user in (self.volunteer, self.outsider):
            with self.subTest(user=user.email):
                self.assertEqual(self.act(referral, "consent", user, body).status_code, 404)
        self.assertEqual(self.act(self.draft(), "consent", self.caseworker, {"how": "written"}).status_code, 422)

    def test_it_sends_a_consented_draft_to_the_inbox(self):
        referral = self.draft()
        self.consent(referral, ("contact_details",))
        with self.captureOnCommitCallbacks(execute=True):
            response = self.act(referral, "send", self.caseworker)
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["state"], body["delivery"]), ("sent", "inbox"))
        self.assertEqual(body["shared"]["contact_details"]["display_name"], "Amina")
        self.assertNotIn("journey", body["shared"])
        self.assertIsNotNone(body["respond_by"])
        self.assertFalse(body["overdue"])
        self.assertEqual(self.state_of(referral), "sent")

    def test_without_consent_it_is_refused_with_400(self):
        referral = self.draft()
        body = self.assertRefused(self.act(referral, "send", self.caseworker), 400, "refused", "no_consent")
        self.assertEqual(body["errors"][0]["loc"], ["body", "consent"])
        self.assertEqual(self.state_of(referral), "draft")

    def test_a_safeguarding_referral_goes_without_consent_with_its_reason(self):
        concern = safeguarding.do_raise_concern(
            self.sender,
            acting_user=self.caseworker,
            person=self.person,
            category=ConcernCategory.MODERN_SLAVERY,
            what_happened="Made to work unpaid",
            urgency=Urgency.IMMEDIATE,
        )
        referral = self.draft()
        response = self.act(referral, "send", self.caseworker, {"safeguarding_concern": str(concern.uuid)})
        self.assertRefused(response, 400, "refused", "no_consent")
        response = self.act(
            referral,
            "send",
            self.caseworker,
            {
                "safeguarding_concern": str(concern.uuid),
                "no_consent_reason": "Risk of serious harm",
                "no_consent_scope": ["contact_details"],
            },
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["no_consent_reason"], "Risk of serious harm")

    def test_an_ineligible_person_needs_an_override_reason(self):
        refugees_only = make_service(
            "Refugee housing advice", self.law_centre, accepts_waymark_referrals=True, for_refugee_hp=True
        )
        referral = self.draft(refugees_only)
        self.consent(referral)
        body = self.assertRefused(self.act(referral, "send", self.caseworker), 400, "refused", "not_eligible")
        self.assertEqual(body["errors"][0]["loc"], ["body", "override_reason"])
        response = self.act(referral, "send", self.caseworker, {"override_reason": "Status granted last week"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertTrue(response.json()["eligibility_overridden"])
        self.assertEqual(response.json()["override_reason"], "Status granted last week")

    def test_immigration_advice_goes_only_to_a_regulated_service(self):
        referral = self.draft(self.food_bank, need=self.advice_need)
        self.consent(referral)
        response = self.act(referral, "send", self.caseworker, {"override_reason": "They asked for it"})
        self.assertRefused(response, 400, "refused", "not_regulated")
        self.assertEqual(self.state_of(referral), "draft")

    def test_sending_twice_is_a_conflict(self):
        referral = self.sent()
        self.assertRefused(self.act(referral, "send", self.caseworker), 409, "conflict", "illegal_transition")

    def test_a_volunteer_an_outsider_and_the_receiver_of_a_draft_get_404(self):
        referral = self.draft()
        self.consent(referral)
        for user in (self.volunteer, self.outsider, self.receiver_caseworker):
            with self.subTest(user=user.email):
                self.assertEqual(self.act(referral, "send", user).status_code, 404)
        self.assertEqual(self.state_of(referral), "draft")

    def test_a_read_only_token_cannot_send(self):
        referral = self.draft()
        self.consent(referral)
        response = self.post(f"{URL}/{referral.uuid}/send", {}, self.caseworker, read_only=True)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.state_of(referral), "draft")


class AnsweringTests(ReferralApiTestCase):
    def test_the_receiver_accepts_and_completes(self):
        referral = self.sent()
        response = self.act(referral, "accept", self.receiver_caseworker)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["state"], response.json()["side"]), ("accepted", "receiver"))
        self.assertIsNone(response.json()["person"])
        response = self.act(
            referral, "complete", self.receiver_caseworker, {"completed": True, "outcome": "support_given"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["state"], response.json()["outcome"]), ("completed", "support_given"))
        self.assertEqual(
            [event["to_state"] for event in response.json()["history"]],
            ["draft", "sent", "received", "accepted", "completed"],
        )

    def test_only_the_receiver_answers_an_inbox_referral(self):
        referral = self.sent()
        self.assertRefused(self.act(referral, "accept", self.caseworker), 409, "conflict", "illegal_transition")
        for user in (self.receiver_volunteer, self.volunteer, self.outsider):
            with self.subTest(user=user.email):
                self.assertEqual(self.act(referral, "accept", user).status_code, 404)
        self.assertEqual(self.state_of(referral), "sent")

    def test_the_sender_records_the_answer_to_a_letter(self):
        referral = self.sent(self.food_bank)
        response = self.act(referral, "accept", self.caseworker)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["delivery"], "letter")
        self.assertIsNone(response.json()["referred_to"])

    def test_accepting_twice_and_completing_before_accepting_are_conflicts(self):
        referral = self.sent()
        complete = {"completed": True, "outcome": "support_given"}
        self.assertRefused(
            self.act(referral, "complete", self.receiver_caseworker, complete), 409, "conflict", "illegal_transition"
        )
        self.act(referral, "accept", self.receiver_caseworker)
        self.assertRefused(
            self.act(referral, "accept", self.receiver_caseworker), 409, "conflict", "illegal_transition"
        )

    def test_an_outcome_that_does_not_fit_is_422(self):
        referral = self.sent()
        self.act(referral, "accept", self.receiver_caseworker)
        response = self.act(
            referral, "complete", self.receiver_caseworker, {"completed": True, "outcome": "did_not_attend"}
        )
        self.assertRefused(response, 422, "invalid", "invalid")
        self.assertEqual(
            self.act(referral, "complete", self.receiver_caseworker, {"outcome": "other"}).status_code, 422
        )
        for user in (self.receiver_volunteer, self.outsider):
            with self.subTest(user=user.email):
                response = self.act(referral, "complete", user, {"completed": False, "outcome": "did_not_attend"})
                self.assertEqual(response.status_code, 404)
        response = self.act(
            referral, "complete", self.receiver_caseworker, {"completed": False, "outcome": "did_not_attend"}
        )
        self.assertEqual(response.json()["state"], "not_completed")

    def test_declining_needs_a_reason_from_the_list(self):
        referral = self.sent()
        self.assertEqual(self.act(referral, "decline", self.receiver_caseworker, {"reason": "bored"}).status_code, 422)
        self.assertRefused(
            self.act(referral, "decline", self.receiver_caseworker, {"reason": "other"}), 422, "invalid", "required"
        )
        for user in (self.receiver_volunteer, self.outsider):
            with self.subTest(user=user.email):
                self.assertEqual(self.act(referral, "decline", user, {"reason": "no_capacity"}).status_code, 404)
        response = self.act(
            referral, "decline", self.receiver_caseworker, {"reason": "no_capacity", "text": "Full until March"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(
            (body["state"], body["decline_reason"], body["decline_text"]),
            ("declined", "no_capacity", "Full until March"),
        )
        self.assertIsNotNone(body["closed_at"])
        # The sender reads the reason too.
        self.assertEqual(self.get(f"{URL}/{referral.uuid}", self.caseworker).json()["decline_text"], "Full until March")

    def test_the_receiver_redirects_to_another_of_its_services(self):
        referral = self.sent()
        response = self.act(
            referral, "redirect", self.receiver_caseworker, {"service": str(self.surgery.id), "text": "Faster here"}
        )
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["state"], body["service"]["name"]), ("redirected", "Drop-in legal surgery"))
        self.assertEqual(body["history"][-1]["from_service"]["name"], "Asylum appeals clinic")
        self.assertEqual(body["history"][-1]["text"], "Faster here")

    def test_redirecting_elsewhere_is_refused(self):
        referral = self.sent()
        response = self.act(referral, "redirect", self.receiver_caseworker, {"service": str(self.food_bank.id)})
        self.assertRefused(response, 400, "refused", "other_organisation")
        response = self.act(referral, "redirect", self.receiver_caseworker, {"service": str(self.clinic.id)})
        self.assertRefused(response, 400, "refused", "same_service")
        unknown = {"service": "00000000-0000-4000-8000-000000000000"}
        self.assertEqual(self.act(referral, "redirect", self.receiver_caseworker, unknown).status_code, 404)
        for user in (self.receiver_volunteer, self.outsider):
            with self.subTest(user=user.email):
                response = self.act(referral, "redirect", user, {"service": str(self.surgery.id)})
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self.state_of(referral), "received")

    def test_a_letter_cannot_be_redirected(self):
        referral = self.sent(self.food_bank)
        other = make_service("Wigan Pantry", self.food_bank.organization)
        response = self.act(referral, "redirect", self.caseworker, {"service": str(other.id)})
        self.assertRefused(response, 409, "conflict", "illegal_transition")


class WithdrawingTests(ReferralApiTestCase):
    def test_the_sender_withdraws_before_acceptance(self):
        referral = self.sent()
        self.assertRefused(
            self.act(referral, "withdraw", self.receiver_caseworker), 409, "conflict", "illegal_transition"
        )
        for user in (self.volunteer, self.outsider):
            with self.subTest(user=user.email):
                self.assertEqual(self.act(referral, "withdraw", user).status_code, 404)
        response = self.act(referral, "withdraw", self.caseworker, {"text": "They moved to Leeds"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["state"], "withdrawn")

    def test_not_after_acceptance(self):
        referral = self.sent()
        self.act(referral, "accept", self.receiver_caseworker)
        self.assertRefused(self.act(referral, "withdraw", self.caseworker), 409, "conflict", "illegal_transition")
        self.assertEqual(self.state_of(referral), "accepted")


class ReadingOneTests(ReferralApiTestCase):
    def test_the_sender_sees_everything_it_recorded(self):
        referral = self.sent(scope=("contact_details", "case_notes"), notes_excerpt=SECRET_NOTE)
        response = self.get(f"{URL}/{referral.uuid}", self.caseworker)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual((body["side"], body["state"]), ("sender", "sent"))
        self.assertEqual(body["person"]["id"], str(self.person.uuid))
        self.assertEqual(body["shared"]["case_notes"], SECRET_NOTE)
        self.assertEqual(body["consent"]["scope"], ["contact_details", "case_notes"])
        self.assertTrue(RecordAccess.objects.filter(user=self.caseworker, what="referral").exists())

    def test_the_receivers_first_opening_marks_it_received_and_shows_only_the_consented_copy(self):
        referral = self.draft()
        self.consent(referral, ("contact_details",))
        flow.do_send_referral(
            referral, acting_user=self.caseworker, organisation=self.sender, override_reason="Private reason"
        )
        response = self.get(f"{URL}/{referral.uuid}", self.receiver_caseworker)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual((body["side"], body["state"]), ("receiver", "received"))
        self.assertIsNotNone(body["received_at"])
        self.assertEqual(set(body["shared"]) - {"scope"}, {"contact_details"})
        self.assertIsNone(body["person"])
        for field in ("notes_excerpt", "override_reason", "no_consent_reason", "consent", "case_id"):
            self.assertIsNone(body[field], field)
        self.assertNotIn("Private reason", response.content.decode())
        self.assertEqual(self.state_of(referral), "received")

    def test_after_the_access_period_the_receiver_sees_no_details(self):
        referral = self.sent()
        self.act(referral, "decline", self.receiver_caseworker, {"reason": "no_capacity"})
        Referral.objects.filter(pk=referral.pk).update(closed_at=timezone.now() - dt.timedelta(days=400))
        body = self.get(f"{URL}/{referral.uuid}", self.receiver_caseworker).json()
        self.assertEqual(body["state"], "declined")
        self.assertIsNone(body["shared"])
        self.assertIsNotNone(body["shared_until"])
        self.assertIsNotNone(self.get(f"{URL}/{referral.uuid}", self.caseworker).json()["shared"])

    def test_volunteers_outsiders_and_the_receiver_of_a_draft_get_404(self):
        referral = self.sent()
        draft = self.draft()
        cases = [(referral, self.volunteer), (referral, self.receiver_volunteer), (referral, self.outsider)]
        cases.append((draft, self.receiver_caseworker))
        for which, user in cases:
            with self.subTest(user=user.email):
                response = self.get(f"{URL}/{which.uuid}", user)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json()["code"], "not_found")
        self.assertEqual(self.state_of(referral), "sent")
        self.assertEqual(self.get(f"{URL}/not-a-uuid", self.caseworker).status_code, 422)


class ListingTests(ReferralApiTestCase):
    def ids(self, response):
        self.assertEqual(response.status_code, 200, response.content)
        return [item["id"] for item in response.json()]

    def test_outgoing_and_incoming(self):
        sent = self.sent()
        letter = self.sent(self.food_bank)
        draft = self.draft()
        self.assertEqual(
            self.ids(self.get(f"{URL}?direction=outgoing", self.caseworker)),
            [str(draft.uuid), str(letter.uuid), str(sent.uuid)],
        )
        self.assertEqual(
            self.ids(self.get(URL, self.caseworker)), self.ids(self.get(f"{URL}?direction=outgoing", self.caseworker))
        )
        response = self.get(f"{URL}?direction=incoming", self.receiver_caseworker)
        self.assertEqual(self.ids(response), [str(sent.uuid)])
        self.assertEqual(response.json()[0]["side"], "receiver")
        self.assertIsNone(response.json()[0]["person"])
        self.assertNotIn("Amina", response.content.decode())
        self.assertEqual(self.ids(self.get(f"{URL}?direction=incoming", self.caseworker)), [])
        # Listing does not open it: it stays "sent" until the receiver opens it.
        self.assertEqual(self.state_of(sent), "sent")

    def test_filtered_by_state_and_paginated(self):
        sent = self.sent()
        draft = self.draft()
        self.assertEqual(self.ids(self.get(f"{URL}?state=draft", self.caseworker)), [str(draft.uuid)])
        self.assertEqual(self.ids(self.get(f"{URL}?state=sent&direction=outgoing", self.caseworker)), [str(sent.uuid)])
        self.assertEqual(self.ids(self.get(f"{URL}?limit=1", self.caseworker)), [str(draft.uuid)])
        self.assertEqual(self.ids(self.get(f"{URL}?limit=1&offset=1", self.caseworker)), [str(sent.uuid)])

    def test_unknown_values_are_422(self):
        for query in ("direction=sideways", "state=lost", "limit=0", f"limit={1000}", "offset=-1"):
            with self.subTest(query=query):
                response = self.get(f"{URL}?{query}", self.caseworker)
                self.assertEqual(response.status_code, 422)
                self.assertEqual(response.json()["code"], "invalid")

    def test_a_volunteer_gets_404_and_an_outsider_sees_none_of_them(self):
        self.sent()
        self.assertEqual(self.get(URL, self.volunteer).status_code, 404)
        self.assertEqual(self.get(f"{URL}?direction=incoming", self.receiver_volunteer).status_code, 404)
        self.assertEqual(self.ids(self.get(URL, self.outsider)), [])
        self.assertEqual(self.ids(self.get(f"{URL}?direction=incoming", self.outsider)), [])

    def test_the_queries_do_not_grow_with_the_referrals(self):
        needed = self.advice_need
        self.sent()
        for direction, user in (("outgoing", self.caseworker), ("incoming", self.receiver_caseworker)):
            with self.subTest(direction=direction):
                path = f"{URL}?direction={direction}"
                self.get(path, user)  # The token's first use is recorded once.
                with CaptureQueriesContext(connection) as before:
                    self.get(path, user)
                for _number in range(3):
                    self.sent(need=needed)
                    self.sent(self.surgery, urgent=True)
                with self.assertNumQueries(len(before)):
                    response = self.get(path, user)
                self.assertGreater(len(response.json()), 1)


class LanguageTests(ReferralApiTestCase):
    def test_service_names_come_in_the_requests_language(self):
        self.sent(need=self.advice_need)
        Translation.for_object(
            self.clinic, "name", "fr", "Permanence d'appel en matière d'asile", status=Translation.Status.REVIEWED
        ).save()
        headers = {**self.token(self.caseworker, read_only=True), "Accept-Language": "fr"}
        self.client.get(URL, headers=headers)
        with CaptureQueriesContext(connection) as before:
            response = self.client.get(URL, headers=headers)
        self.assertEqual(response.json()[0]["service"]["name"], "Permanence d'appel en matière d'asile")
        self.sent(need=self.advice_need)
        self.sent(self.surgery)
        with self.assertNumQueries(len(before)):
            response = self.client.get(URL, headers=headers)
        self.assertEqual(len(response.json()), 3)


class OpenApiTests(ReferralApiTestCase):
    def test_the_document_lists_the_referral_endpoints(self):
        document = self.client.get("/api/v1/openapi.json").json()
        paths = document["paths"]
        self.assertEqual(set(paths[URL]), {"get", "post"})
        self.assertIn("get", paths[f"{URL}/{{referral_id}}"])
        for action in ("consent", "send", "accept", "decline", "complete", "withdraw", "redirect"):
            with self.subTest(action=action):
                operation = paths[f"{URL}/{{referral_id}}/{action}"]["post"]
                self.assertEqual(operation["tags"], ["referrals"])
                self.assertIn("409", operation["responses"])
                self.assertIn("404", operation["responses"])
        self.assertIn("400", paths[f"{URL}/{{referral_id}}/send"]["post"]["responses"])
