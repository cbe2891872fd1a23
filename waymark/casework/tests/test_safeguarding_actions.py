"""The safeguarding actions: raising tells the leads (once, in their language, without what
was said), triage, escalations with the NRM and consent rules, closing only with an outcome,
and the guards on each transition."""

from django.core import mail
from django.core.exceptions import ValidationError

from waymark.accounts.models import NationalBody, Role
from waymark.audit.models import Event
from waymark.casework import safeguarding
from waymark.casework.models import Escalation, SafeguardingConcern
from waymark.casework.tests.test_safeguarding_helpers import NOW, SECRET, SafeguardingTestCase, at
from waymark.notify.models import Notification
from waymark.testing import make_member, make_organisation


class RaisingTestCase(SafeguardingTestCase):
    def test_it_tells_every_lead_once_in_their_language_without_what_was_said(self):
        concern = self.raise_concern()
        self.assertEqual(concern.status, SafeguardingConcern.Status.RAISED)
        self.assertEqual(concern.raised_at, NOW)
        self.assertEqual(sorted(message.to[0] for message in mail.outbox), [self.coordinator.email, self.lead2.email])
        for message in mail.outbox:
            self.assertNotIn(SECRET, message.body)
            self.assertNotIn("hotel manager", message.subject + message.body)
            self.assertIn(f"/safeguarding/concerns/{concern.uuid}/", message.body)
        english = next(message for message in mail.outbox if message.to == [self.coordinator.email])
        self.assertIn("Suicide or self-harm risk", english.body)
        self.assertIn("Immediate: today", english.body)
        self.assertEqual(
            Notification.objects.get(recipient=self.lead2, template="safeguarding_concern_raised").language, "ar"
        )

    def test_the_first_lead_in_order_becomes_the_current_lead(self):
        concern = self.raise_concern()
        self.assertEqual(concern.current_lead, self.coordinator)
        self.assertEqual(concern.lead_notified_at, NOW)
        self.assertEqual(concern.times_passed_on, 0)

    def test_it_writes_one_audit_event_with_ids_only(self):
        concern = self.raise_concern()
        event = Event.objects.get(action="safeguarding.concern_raised")
        self.assertEqual(event.object_id, str(concern.uuid))
        self.assertEqual(event.actor, self.volunteer)
        self.assertEqual(event.details["person"], str(self.amina.uuid))
        self.assertNotIn(SECRET, str(event.details))

    def test_what_was_said_is_stored_encrypted(self):
        concern = self.raise_concern()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT what_happened FROM casework_safeguardingconcern WHERE id = %s", [concern.pk])
            stored = cursor.fetchone()[0]
        self.assertNotIn("ASPEN", stored)

    def test_an_organisation_without_a_lead_tells_its_admins(self):
        org = make_organisation("Quiet Corner Project")
        admin = make_member("admin@quiet.example", org, [Role.ORGANISATION_ADMIN])
        helper = make_member("helper@quiet.example", org, [Role.VOLUNTEER])
        concern = self.raise_concern(by=helper, about="A woman at the library")
        self.assertIsNone(concern.current_lead)
        self.assertEqual([message.to for message in mail.outbox], [[admin.email]])
        self.assertIn("has no safeguarding lead", mail.outbox[0].body)
        self.assertNotIn(SECRET, mail.outbox[0].body)
        self.assertNotIn(str(concern.uuid), mail.outbox[0].body)

    def test_it_refuses_a_person_of_another_organisation_and_needs_who_it_is_about(self):
        with self.assertRaises(ValidationError):
            self.raise_concern(person=self.elsewhere)
        with self.assertRaises(ValidationError):
            self.raise_concern(by=self.outsider, person=None, about=" ")
        self.assertFalse(SafeguardingConcern.objects.exists())


class TriageAndCloseTestCase(SafeguardingTestCase):
    def test_triage_records_the_decision_and_refuses_a_second_time(self):
        concern = self.raise_concern()
        concern = self.triage(concern)
        self.assertEqual(concern.status, SafeguardingConcern.Status.TRIAGED)
        self.assertEqual(concern.triaged_by, self.coordinator)
        self.assertEqual(concern.decision_reason, "Risk to life")
        with self.assertRaises(safeguarding.IllegalTransition):
            self.triage(concern)
        self.assertEqual(Event.objects.filter(action="safeguarding.concern_triaged").count(), 1)
        self.assertNotIn("Risk to life", str(Event.objects.get(action="safeguarding.concern_triaged").details))

    def test_triage_needs_a_reason(self):
        concern = self.raise_concern()
        with self.assertRaises(ValidationError):
            safeguarding.do_triage_concern(concern, acting_user=self.coordinator, decision="monitor", reason="  ")

    def test_closing_needs_an_outcome_and_triage_first(self):
        concern = self.raise_concern()
        with self.assertRaises(safeguarding.IllegalTransition):
            safeguarding.do_close_concern(concern, acting_user=self.coordinator, outcome="person_safe")
        self.triage(concern)
        with self.assertRaises(ValidationError) as refused:
            safeguarding.do_close_concern(concern, acting_user=self.coordinator, outcome="")
        self.assertIn("without an outcome", str(refused.exception))
        closed = safeguarding.do_close_concern(concern, acting_user=self.coordinator, outcome="person_safe")
        self.assertEqual(closed.status, SafeguardingConcern.Status.CLOSED)
        self.assertEqual(closed.outcome, "person_safe")
        with self.assertRaises(safeguarding.IllegalTransition):
            safeguarding.do_close_concern(concern, acting_user=self.coordinator, outcome="person_safe")
        self.assertEqual(Event.objects.filter(action="safeguarding.concern_closed").count(), 1)


class EscalationRulesTestCase(SafeguardingTestCase):
    def escalate(self, concern, **fields):
        fields.setdefault("with_consent", True)
        return safeguarding.do_record_escalation(concern, acting_user=self.coordinator, **fields)

    def test_an_nrm_referral_is_refused_for_an_organisation_that_is_not_a_first_responder(self):
        concern = self.raise_concern()
        with self.assertRaises(ValidationError) as refused:
            self.escalate(concern, to=Escalation.To.NRM_REFERRAL)
        self.assertIn("First Responder", str(refused.exception))
        self.assertFalse(Escalation.objects.exists())
        # What it records instead: passing it to a First Responder, named.
        salvation_army = NationalBody.objects.get(slug="the-salvation-army")
        escalation = self.escalate(concern, to=Escalation.To.FIRST_RESPONDER, national_body=salvation_army)
        self.assertEqual(escalation.national_body, salvation_army)

    def test_a_first_responder_organisation_records_its_own_nrm_referral(self):
        self.hub_org.is_nrm_first_responder = True
        self.hub_org.save(update_fields=["is_nrm_first_responder"])
        concern = self.raise_concern()
        escalation = self.escalate(concern, to=Escalation.To.NRM_REFERRAL, their_reference="NRM-1")
        self.assertEqual(escalation.to, Escalation.To.NRM_REFERRAL)
        self.assertIsNone(escalation.national_body)

    def test_passing_to_a_first_responder_needs_one_that_is(self):
        concern = self.raise_concern()
        with self.assertRaises(ValidationError):
            self.escalate(concern, to=Escalation.To.FIRST_RESPONDER)
        with self.assertRaises(ValidationError):
            self.escalate(
                concern, to=Escalation.To.FIRST_RESPONDER, national_body=NationalBody.objects.get(slug="serco")
            )

    def test_the_accommodation_provider_must_be_one(self):
        concern = self.raise_concern()
        with self.assertRaises(ValidationError):
            self.escalate(
                concern,
                to=Escalation.To.ACCOMMODATION_PROVIDER,
                national_body=NationalBody.objects.get(slug="migrant-help"),
            )
        escalation = self.escalate(
            concern, to=Escalation.To.ACCOMMODATION_PROVIDER, national_body=NationalBody.objects.get(slug="serco")
        )
        self.assertEqual(escalation.national_body.slug, "serco")

    def test_migrant_help_is_filled_in(self):
        concern = self.raise_concern()
        escalation = self.escalate(concern, to=Escalation.To.MIGRANT_HELP)
        self.assertEqual(escalation.national_body.slug, "migrant-help")

    def test_without_consent_the_lawful_reason_is_required(self):
        concern = self.raise_concern()
        with self.assertRaises(ValidationError) as refused:
            self.escalate(concern, to=Escalation.To.POLICE, with_consent=False)
        self.assertIn("no_consent_reason", refused.exception.message_dict)
        escalation = self.escalate(
            concern, to=Escalation.To.POLICE, with_consent=False, no_consent_reason="Immediate risk to life"
        )
        self.assertFalse(escalation.with_consent)
        event = Event.objects.get(action="safeguarding.concern_escalated")
        self.assertEqual(event.details["to"], "police")
        self.assertNotIn("Immediate risk", str(event.details))

    def test_escalations_are_recorded_one_by_one_while_open_only(self):
        concern = self.raise_concern()
        self.escalate(concern, to=Escalation.To.COUNCIL_ADULTS)
        self.triage(concern)
        self.escalate(concern, to=Escalation.To.HOME_OFFICE_SAFEGUARDING)
        safeguarding.do_close_concern(concern, acting_user=self.coordinator, outcome="handed_to_statutory")
        with self.assertRaises(safeguarding.IllegalTransition):
            self.escalate(concern, to=Escalation.To.POLICE)
        self.assertEqual(
            list(concern.escalations.values_list("to", flat=True)), ["council_adults", "home_office_safeguarding"]
        )

    def test_the_clock_dates_each_step(self):
        concern = self.raise_concern()
        with at(NOW):
            escalation = self.escalate(concern, to=Escalation.To.OTHER, to_detail="GP")
        self.assertEqual(escalation.made_at, NOW)
