"""The demo's referrals (``seed_demo``'s referrals step): every state between the demo
organisations, some overdue, some declined for lack of capacity, a letter, a safeguarding
referral without consent, one with eligibility overridden; made through the flow (history,
audit, consented copies), no e-mails sent, enough answers for two services' response
statistics, referrals at visits in the Bolton hub's core offer; and a second run adds nothing."""

from io import StringIO

from django.core import mail
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from waymark.accounts import demo as accounts_demo
from waymark.audit.models import Event
from waymark.hubs import core_offer
from waymark.hubs.models import Hub
from waymark.notify.models import Notification
from waymark.people.models import Consent
from waymark.referrals.demo import DEMO_NOT_SENT, SPECS, referral_uuid
from waymark.referrals.models import DeclineReason, Referral, ReferralEvent
from waymark.referrals.statistics import response_statistics

State = Referral.State


def seed():
    call_command("seed_demo", stdout=StringIO())


@override_settings(WAYMARK_DEMO=True)
class ReferralDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed()

    def test_every_demo_referral_is_there_with_its_fixed_id(self):
        self.assertEqual(
            set(Referral.objects.values_list("uuid", flat=True)), {referral_uuid(spec.key) for spec in SPECS}
        )
        for spec in SPECS:
            with self.subTest(spec.key):
                self.assertEqual(Referral.objects.get(uuid=referral_uuid(spec.key)).state, spec.state)

    def test_every_state_is_there_between_the_demo_organisations(self):
        self.assertEqual(set(Referral.objects.values_list("state", flat=True)), set(State.values))
        senders = set(Referral.objects.values_list("organisation__slug", flat=True))
        self.assertEqual(senders, {accounts_demo.BOLTON_HUB_LEAD, accounts_demo.SALFORD_HUB_LEAD})
        receivers = set(Referral.objects.values_list("receiving_organisation__slug", flat=True))
        self.assertEqual(receivers, {accounts_demo.LEGAL_ADVICE_CHARITY, accounts_demo.SALFORD_HUB_LEAD, None})
        # partner@demo.waymark answers the legal-advice charity's inbox.
        answered = ReferralEvent.objects.filter(by__email="partner@demo.waymark", to_state=State.ACCEPTED)
        self.assertGreaterEqual(answered.count(), 5)

    def test_some_are_overdue_and_some_declined_for_lack_of_capacity(self):
        overdue = [referral for referral in Referral.objects.all() if referral.is_overdue()]
        self.assertGreaterEqual(len(overdue), 2)
        self.assertTrue(all(referral.state in Referral.AWAITING_ANSWER for referral in overdue))
        waiting = Referral.objects.filter(state__in=Referral.AWAITING_ANSWER)
        self.assertTrue(any(not referral.is_overdue() for referral in waiting), "some still within their deadline")
        declined = Referral.objects.filter(state=State.DECLINED, decline_reason=DeclineReason.NO_CAPACITY)
        self.assertGreaterEqual(declined.count(), 3)
        self.assertTrue(Referral.objects.filter(state=State.NO_RESPONSE, closed_at__isnull=False).exists())

    def test_a_letter_a_safeguarding_referral_without_consent_and_an_override(self):
        letters = Referral.objects.filter(delivery=Referral.Delivery.LETTER)
        self.assertTrue(letters.exists())
        self.assertTrue(all(referral.receiving_organisation is None for referral in letters))
        self.assertTrue(letters.filter(state=State.COMPLETED).exists())

        without = Referral.objects.get(uuid=referral_uuid("safeguarding"))
        self.assertIsNone(without.consent)
        self.assertIsNotNone(without.safeguarding_concern)
        self.assertTrue(without.no_consent_reason)
        self.assertEqual(set(without.no_consent_scope), {"contact_details", "journey"})
        self.assertIn("contact_details", without.shared)
        self.assertNotIn("personal_details", without.shared)

        overridden = Referral.objects.get(uuid=referral_uuid("override"))
        self.assertTrue(overridden.eligibility_overridden)
        self.assertTrue(overridden.override_reason)
        self.assertEqual(overridden.events.get(to_state=State.SENT).reason, "override")

    def test_they_were_made_through_the_flow(self):
        sent = Referral.objects.exclude(state=State.DRAFT)
        self.assertEqual(Event.objects.filter(action="referral.send").count(), sent.count())
        self.assertEqual(Event.objects.filter(action="referral.create").count(), len(SPECS))
        for referral in Referral.objects.prefetch_related("events"):
            with self.subTest(referral.uuid):
                states = [event.to_state for event in referral.events.all()]
                self.assertEqual(states[0], State.DRAFT)
                self.assertEqual(states[-1], referral.state)
                if referral.state != State.DRAFT:
                    self.assertTrue(referral.shared, "the consented copy is made on sending")
                    self.assertLessEqual(referral.created_at, referral.sent_at)
                times = [event.at for event in referral.events.all()]
                self.assertEqual(times, sorted(times))
        with_consent = sent.exclude(consent=None)
        self.assertTrue(all(r.consent.purpose == Consent.Purpose.SHARE_REFERRAL for r in with_consent))

    def test_nobody_is_sent_an_email_about_an_invented_referral(self):
        made = Notification.objects.filter(template__startswith="referral")
        self.assertTrue(made.exists())
        self.assertEqual(set(made.values_list("status", "last_error")), {("cancelled", DEMO_NOT_SENT)})
        self.assertFalse([message for message in mail.outbox if "referral" in message.subject.lower()])

    def test_two_services_show_their_response_statistics(self):
        service_ids = set(Referral.objects.exclude(sent_at=None).values_list("service_id", flat=True))
        shown = {service: stats for service, stats in response_statistics(service_ids).items() if not stats.suppressed}
        self.assertGreaterEqual(len(shown), 2)
        for stats in shown.values():
            self.assertGreaterEqual(stats.referrals, 10)
            self.assertGreater(stats.median_days_to_respond, 0)
            self.assertTrue(0 < stats.share_accepted < 1)
        medians = {stats.median_days_to_respond for stats in shown.values()}
        self.assertGreater(len(medians), 1, "the services answer at different speeds")

    def test_referrals_at_visits_show_in_the_bolton_hubs_core_offer(self):
        hub = Hub.objects.get(lead_organisation__slug=accounts_demo.BOLTON_HUB_LEAD)
        at_visits = Referral.objects.filter(visit__session__hub=hub).exclude(state=State.DRAFT)
        self.assertGreaterEqual(at_visits.count(), 3)
        referral = at_visits.select_related("visit__session").first()
        lines = core_offer.compute_one(hub, core_offer.week_of(referral.visit.session.date))
        advice = next(result for result in lines if result.slug == "immigration_advice")
        self.assertIs(advice.met, True)
        self.assertIn(referral.service.name, [name for name, _count, _completed in advice.referred])
        self.assertIn("Referred", advice.why)

    def test_a_second_run_adds_nothing(self):
        counts = (Referral.objects.count(), ReferralEvent.objects.count(), Consent.objects.count())
        states = dict(Referral.objects.values_list("uuid", "state"))
        seed()
        self.assertEqual((Referral.objects.count(), ReferralEvent.objects.count(), Consent.objects.count()), counts)
        self.assertEqual(dict(Referral.objects.values_list("uuid", "state")), states)


@override_settings(WAYMARK_DEMO=True)
class GenerateReferralsTests(TestCase):
    def generate(self, **options):
        out = StringIO()
        defaults = {"organisations": 2, "users_per_organisation": 4, "networks": 1, "areas": 1, "stdout": out}
        call_command("generate_scale_data", **{**defaults, **options})
        return out.getvalue()

    def test_referrals_in_batches_with_their_history_in_every_state(self):
        output = self.generate(services=20, people=10, referrals=120, batch_size=7, prefix="refs")
        self.assertIn("120 referrals", output)
        referrals = Referral.objects.all()
        self.assertEqual(referrals.count(), 120)
        self.assertEqual(set(referrals.values_list("state", flat=True)), set(State.values) - {State.REDIRECTED})
        self.assertEqual(set(referrals.values_list("delivery", flat=True)), {"", "letter"})
        for referral in referrals.prefetch_related("events"):
            states = [event.to_state for event in referral.events.all()]
            self.assertEqual((states[0], states[-1]), (State.DRAFT, referral.state))
            self.assertEqual(referral.sent_at is None, referral.state == State.DRAFT)
        self.assertEqual(set(referrals.values_list("person__organisation__slug", flat=True)), {"refs-org-000001"})

    def test_referrals_need_people(self):
        with self.assertRaisesMessage(CommandError, "--referrals needs --people"):
            self.generate(services=5, referrals=10, prefix="nopeople")
