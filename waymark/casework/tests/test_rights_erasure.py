import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.utils import timezone

from waymark.accounts.models import Role
from waymark.audit.models import Event
from waymark.casework.models import (
    Assessment,
    Attachment,
    Case,
    CaseAction,
    CaseNote,
    Escalation,
    ImmigrationMatter,
    NeedOutcome,
    PlanGoal,
    SafeguardingConcern,
)
from waymark.casework.rights import do_erase_person, do_lift_legal_hold, do_place_legal_hold, subject_access_data
from waymark.casework.tests.rights_builders import make_concern, make_full_record, mark
from waymark.hubs.models import Visit
from waymark.hubs.tests.helpers import HubTestCase
from waymark.people.models import HouseholdMember, LegalHold, Person, PersonNameWord
from waymark.people.search import find_people
from waymark.referrals.models import Signposting
from waymark.testing import make_member


class ErasureTestCase(HubTestCase):
    def setUp(self):
        self.generate()
        self.session = self.session_on(dt.date(2026, 3, 3))
        self.person, self.records = make_full_record(self.hub_org, self.session, by=self.coordinator)
        self.other, _records = make_full_record(self.hub_org, self.session, by=self.coordinator, who="other")
        self.url = f"/people/{self.person.uuid}/erase/"

    def close(self, concern):
        concern.status = SafeguardingConcern.Status.CLOSED
        concern.outcome = SafeguardingConcern.Outcome.PERSON_SAFE
        concern.closed_at = timezone.now()
        concern.save()


class EraseActionTests(ErasureTestCase):
    def test_it_removes_identity_and_every_text_and_keeps_the_counts(self):
        visits_before = Visit.objects.count()
        counts_before = {model: model.objects.count() for model in (Case, CaseNote, Assessment, SafeguardingConcern)}
        reference = self.person.reference
        do_erase_person(self.person, acting_user=self.coordinator)

        person = Person.objects.get(pk=self.person.pk)
        self.assertTrue(person.display_name.startswith("Anonymised "))
        self.assertNotIn("Amina", person.search_name.title())
        self.assertEqual((person.full_name, person.phone, person.phone_index, person.dob_index), ("", "", "", ""))
        self.assertIsNone(person.date_of_birth)
        self.assertEqual(person.gender, "")
        self.assertTrue(person.do_not_contact)
        self.assertNotEqual(person.reference, reference)
        self.assertIsNotNone(person.anonymised_at)
        self.assertEqual(person.languages, ["ar"])  # kept, for the language counts
        self.assertFalse(PersonNameWord.objects.filter(person=person).exists())
        self.assertNotIn(person, find_people(self.hub_org, "Amina"))
        self.assertIn(self.other, find_people(self.hub_org, "Amina"))
        self.assertEqual(HouseholdMember.objects.get(person=person).name, "")
        self.assertFalse(Attachment.objects.filter(case__person=person).exists())

        # Nothing of theirs left anywhere in what is held about them.
        text = json.dumps(subject_access_data(person), default=str)
        self.assertNotIn("MARK-", text.replace(mark("title", "amina"), "!"))
        self.assertNotIn("amina", text.lower().replace("anonymised", ""))
        # The other person is untouched.
        other_text = json.dumps(subject_access_data(self.other), default=str)
        self.assertIn(mark("note", "other"), other_text)
        self.assertIn(mark("escalation", "other"), other_text)

        # The counts still add up.
        self.assertEqual(Visit.objects.count(), visits_before)
        self.assertEqual(Visit.objects.filter(person=person).count(), 1)
        self.assertEqual(Visit.objects.get(person=person).food_parcels, 1)
        for model, count in counts_before.items():
            self.assertEqual(model.objects.count(), count)
        self.assertEqual(Assessment.objects.get(person=person).indicators, ["isolation"])

    def test_every_encrypted_text_is_cleared(self):
        do_erase_person(self.person, acting_user=self.coordinator)
        self.assertEqual(Visit.objects.get(person=self.person).notes, "")
        self.assertEqual(Signposting.objects.get(person=self.person).note, "")
        assessment = Assessment.objects.get(person=self.person)
        self.assertEqual((assessment.notes, assessment.override_reason), ("", ""))
        case = Case.objects.get(person=self.person)
        self.assertEqual(case.title, "Anonymised")
        self.assertEqual(CaseNote.objects.get(case=case).text, "")
        self.assertEqual(PlanGoal.objects.get(case=case).description, "")
        self.assertEqual(CaseAction.objects.get(case=case).description, "")
        self.assertEqual(NeedOutcome.objects.get(case=case).note, "")
        self.assertEqual(ImmigrationMatter.objects.get(case=case).level_change_reason, "")
        concern = SafeguardingConcern.objects.get(person=self.person)
        self.assertEqual((concern.what_happened, concern.outcome_note), ("", ""))
        escalation = Escalation.objects.get(concern=concern)
        self.assertEqual((escalation.note, escalation.no_consent_reason, escalation.to_detail), ("", "", ""))
        self.assertEqual(LegalHold.objects.get(person=self.person).reason, "")

    def test_it_is_audited_without_anything_personal(self):
        do_erase_person(self.person, acting_user=self.coordinator)
        event = Event.objects.get(action="people.erased")
        self.assertEqual(event.object_id, str(self.person.uuid))
        self.assertEqual(event.actor, self.coordinator)
        self.assertNotIn("MARK", json.dumps(event.details))
        self.assertNotIn("Amina", json.dumps(event.details))
        self.assertIn("cases", event.details["changed"])

    def test_it_is_refused_while_a_concern_is_open_and_allowed_once_it_is_closed(self):
        concern = make_concern(self.person, by=self.coordinator, who="open")
        with self.assertRaises(ValidationError) as refused:
            do_erase_person(self.person, acting_user=self.coordinator)
        self.assertIn("open safeguarding concern", refused.exception.messages[0])
        self.assertIsNone(Person.objects.get(pk=self.person.pk).anonymised_at)
        self.close(concern)
        do_erase_person(self.person, acting_user=self.coordinator)
        self.assertIsNotNone(Person.objects.get(pk=self.person.pk).anonymised_at)

    def test_it_is_refused_while_a_hold_is_active_and_allowed_once_lifted(self):
        hold = do_place_legal_hold(
            self.person, acting_user=self.coordinator, reason="Appeal in court", review_on=dt.date(2030, 1, 1)
        )
        with self.assertRaises(ValidationError) as refused:
            do_erase_person(self.person, acting_user=self.coordinator)
        self.assertIn("legal hold", refused.exception.messages[0])
        do_lift_legal_hold(hold, acting_user=self.coordinator, reason="The appeal is decided")
        do_erase_person(self.person, acting_user=self.coordinator)
        self.assertIsNotNone(Person.objects.get(pk=self.person.pk).anonymised_at)

    def test_it_cannot_be_done_twice(self):
        do_erase_person(self.person, acting_user=self.coordinator)
        with self.assertRaises(ValidationError):
            do_erase_person(self.person, acting_user=self.coordinator)
        self.assertEqual(Event.objects.filter(action="people.erased").count(), 1)


class ErasePageTests(ErasureTestCase):
    def test_the_admin_confirms_and_erases(self):
        self.login(self.coordinator)
        response = self.client.get(self.url)
        self.assertContains(response, "cannot be undone")
        # Without the box ticked: an error, nothing erased.
        response = self.client.post(self.url, {})
        self.assertContains(response, "Tick the box to confirm the erasure", status_code=400)
        self.assertIsNone(Person.objects.get(pk=self.person.pk).anonymised_at)
        response = self.client.post(self.url, {"confirm": "on"}, follow=True)
        self.assertRedirects(response, f"/people/{self.person.uuid}/rights/")
        self.assertContains(response, "Their identity and every note about them are removed")
        self.assertIsNotNone(Person.objects.get(pk=self.person.pk).anonymised_at)

    def test_the_refusal_shows_the_reason(self):
        concern = make_concern(self.person, by=self.coordinator, who="open")
        self.login(self.coordinator)
        response = self.client.get(self.url)
        self.assertContains(response, "There is an open safeguarding concern about them")
        self.assertNotContains(response, 'name="confirm"')
        response = self.client.post(self.url, {"confirm": "on"})
        self.assertContains(response, "There is an open safeguarding concern about them", status_code=400)
        self.assertIsNone(Person.objects.get(pk=self.person.pk).anonymised_at)
        self.close(concern)
        self.client.post(self.url, {"confirm": "on"})
        self.assertIsNotNone(Person.objects.get(pk=self.person.pk).anonymised_at)

    def test_the_refusal_names_the_hold(self):
        do_place_legal_hold(self.person, acting_user=self.coordinator, reason="Inquiry", review_on=dt.date(2030, 1, 1))
        self.login(self.coordinator)
        response = self.client.post(self.url, {"confirm": "on"})
        self.assertContains(response, "It must be lifted first", status_code=400)
        self.assertIsNone(Person.objects.get(pk=self.person.pk).anonymised_at)

    def test_only_organisation_admins_may(self):
        other_admin = make_member("admin@kersal.example.org", self.other_org, [Role.ORGANISATION_ADMIN])
        coordinator = make_member("coordinator2@example.org", self.hub_org, [Role.COORDINATOR])
        lead = make_member("lead@example.org", self.hub_org, [Role.SAFEGUARDING_LEAD])
        for user in (self.volunteer, self.caseworker, coordinator, lead, self.outsider, other_admin):
            self.login(user)
            with self.subTest(user=user.email):
                self.assertEqual(self.client.get(self.url).status_code, 404)
                self.assertEqual(self.client.post(self.url, {"confirm": "on"}).status_code, 404)
        self.assertIsNone(Person.objects.get(pk=self.person.pk).anonymised_at)

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url, {"confirm": "on"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
        self.assertIsNone(Person.objects.get(pk=self.person.pk).anonymised_at)
