"""The case actions: opening, the status machine, owners, notes and actions, the audit trail."""

import datetime as dt
from unittest import mock

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from waymark.accounts.models import Role
from waymark.audit.models import Event
from waymark.casework import cases
from waymark.casework.models import Case, CaseAction, CaseNote
from waymark.casework.tests.test_case_support import days_ago, make_action, make_case, make_note
from waymark.people.actions import do_merge_people
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase, make_member


class CaseActionsTestCase(BaseTestCase):
    def setUp(self):
        self.amina = make_person(self.hub_org, "Amina", by=self.caseworker)

    def test_it_opens_a_case_owned_by_a_caseworker_and_records_one_event(self):
        case = make_case(self.amina, by=self.coordinator, owner=self.caseworker)
        self.assertEqual(case.status, Case.Status.OPEN)
        self.assertEqual(case.owner, self.caseworker)
        self.assertEqual(case.organisation, self.hub_org)
        self.assertEqual(case.opened_by, self.coordinator)
        events = Event.objects.filter(object_id=str(case.uuid))
        self.assertEqual([event.action for event in events], ["case.opened"])
        self.assertEqual(events[0].details["owner"], str(self.caseworker.uuid))

    def test_the_owner_must_be_a_case_role_member_of_the_same_organisation(self):
        for owner in (self.volunteer, self.outsider, self.partner, self.editor):
            with self.subTest(owner=owner.email), self.assertRaises(ValidationError) as raised:
                make_case(self.amina, by=self.caseworker, owner=owner)
            self.assertEqual(raised.exception.error_dict["owner"][0].code, "not_case_worker")
        self.assertFalse(Case.objects.exists())

    def test_a_title_is_needed(self):
        with self.assertRaises(ValidationError) as raised:
            make_case(self.amina, by=self.caseworker, title="   ")
        self.assertIn("title", raised.exception.error_dict)

    def test_the_full_cycle_of_transitions_each_with_one_event(self):
        case = make_case(self.amina, by=self.caseworker)
        case = cases.do_activate_case(case, acting_user=self.caseworker)
        self.assertEqual(case.status, Case.Status.ACTIVE)
        case = cases.do_close_case(
            case, acting_user=self.caseworker, outcome=Case.Outcome.RESOLVED, closing_note="Moved into a flat."
        )
        self.assertEqual((case.status, case.outcome, case.closed_by), (Case.Status.CLOSED, "resolved", self.caseworker))
        self.assertIsNotNone(case.closed_at)
        case = cases.do_reopen_case(case, acting_user=self.coordinator, reason="The landlord gave notice.")
        self.assertEqual(case.status, Case.Status.REOPENED)
        self.assertEqual(case.reopen_reason, "The landlord gave notice.")
        case = cases.do_activate_case(case, acting_user=self.caseworker)
        case = cases.do_close_case(case, acting_user=self.caseworker, outcome=Case.Outcome.REFERRED_ON)
        case.refresh_from_db()
        self.assertEqual((case.status, case.outcome), (Case.Status.CLOSED, "referred_on"))
        actions = list(Event.objects.filter(object_id=str(case.uuid)).order_by("id").values_list("action", flat=True))
        self.assertEqual(
            actions,
            ["case.opened", "case.activated", "case.closed", "case.reopened", "case.activated", "case.closed"],
        )
        # Nothing decrypted goes into the audit trail.
        for event in Event.objects.filter(object_id=str(case.uuid)):
            self.assertNotIn("flat", str(event.details))
            self.assertNotIn("landlord", str(event.details))

    def test_illegal_transitions_are_refused_with_a_clear_error(self):
        case = make_case(self.amina, by=self.caseworker)
        with self.assertRaises(ValidationError) as raised:
            cases.do_reopen_case(case, acting_user=self.caseworker, reason="Why not")
        self.assertEqual(raised.exception.code, "illegal_transition")
        self.assertIn("Only a closed case can be reopened", raised.exception.messages[0])
        cases.do_activate_case(case, acting_user=self.caseworker)
        with self.assertRaises(ValidationError) as raised:
            cases.do_activate_case(case, acting_user=self.caseworker)
        self.assertEqual(raised.exception.code, "illegal_transition")
        cases.do_close_case(case, acting_user=self.caseworker, outcome=Case.Outcome.WITHDRAWN)
        for attempt in (
            lambda: cases.do_close_case(case, acting_user=self.caseworker, outcome=Case.Outcome.RESOLVED),
            lambda: cases.do_activate_case(case, acting_user=self.caseworker),
        ):
            with self.assertRaises(ValidationError) as raised:
                attempt()
            self.assertEqual(raised.exception.code, "illegal_transition")
        case.refresh_from_db()
        self.assertEqual((case.status, case.outcome), (Case.Status.CLOSED, "withdrawn"))
        self.assertEqual(Event.objects.filter(action="case.closed", object_id=str(case.uuid)).count(), 1)

    def test_closing_needs_an_outcome_and_reopening_a_reason(self):
        case = make_case(self.amina, by=self.caseworker)
        with self.assertRaises(ValidationError) as raised:
            cases.do_close_case(case, acting_user=self.caseworker, outcome="")
        self.assertIn("outcome", raised.exception.error_dict)
        cases.do_close_case(case, acting_user=self.caseworker, outcome=Case.Outcome.LOST_CONTACT)
        with self.assertRaises(ValidationError) as raised:
            cases.do_reopen_case(case, acting_user=self.caseworker, reason=" ")
        self.assertIn("reason", raised.exception.error_dict)

    def test_the_closing_note_and_reopen_reason_are_encrypted(self):
        case = make_case(self.amina, by=self.caseworker)
        cases.do_close_case(case, acting_user=self.caseworker, outcome="resolved", closing_note="Secret closing")
        cases.do_reopen_case(case, acting_user=self.caseworker, reason="Secret reason")
        with connection.cursor() as cursor:
            cursor.execute("SELECT closing_note, reopen_reason FROM casework_case WHERE id = %s", [case.pk])
            closing, reason = cursor.fetchone()
        self.assertNotIn("Secret", closing)
        self.assertNotIn("Secret", reason)

    def test_reassigning_checks_the_new_owner_and_refuses_a_closed_case(self):
        case = make_case(self.amina, by=self.caseworker)
        case = cases.do_reassign_case(case, acting_user=self.coordinator, owner=self.coordinator)
        self.assertEqual(case.owner, self.coordinator)
        self.assertTrue(Event.objects.filter(action="case.reassigned", object_id=str(case.uuid)).exists())
        with self.assertRaises(ValidationError):
            cases.do_reassign_case(case, acting_user=self.coordinator, owner=self.volunteer)
        cases.do_close_case(case, acting_user=self.caseworker, outcome="resolved")
        with self.assertRaises(ValidationError) as raised:
            cases.do_reassign_case(case, acting_user=self.coordinator, owner=self.caseworker)
        self.assertEqual(raised.exception.code, "case_closed")

    def test_a_former_member_cannot_be_given_a_case(self):
        leaver = make_member("leaver@example.org", self.hub_org, [Role.CASEWORKER])
        leaver.is_active = False
        leaver.save()
        with self.assertRaises(ValidationError):
            make_case(self.amina, by=self.caseworker, owner=leaver)
        self.assertNotIn(leaver, cases.case_workers(self.hub_org))
        self.assertEqual(set(cases.case_workers(self.hub_org)), {self.caseworker, self.coordinator})


class NoteTestCase(BaseTestCase):
    def setUp(self):
        self.amina = make_person(self.hub_org, "Amina", by=self.caseworker)
        self.case = make_case(self.amina, by=self.caseworker)

    def test_a_note_is_encrypted_in_its_column(self):
        note = make_note(self.case, by=self.caseworker, text="She is worried about the interview.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT text FROM casework_casenote WHERE id = %s", [note.pk])
            (raw,) = cursor.fetchone()
        self.assertNotIn("worried", raw)
        self.assertEqual(CaseNote.objects.get(pk=note.pk).text, "She is worried about the interview.")
        event = Event.objects.get(action="case.note_added")
        self.assertEqual(event.details["kind"], "phone")
        self.assertNotIn("worried", str(event.details))

    def test_a_note_needs_text_a_kind_and_no_future_date(self):
        for fields, field in (
            ({"text": "  "}, "text"),
            ({"kind": "letter"}, "kind"),
            ({"happened_on": timezone.localdate() + dt.timedelta(days=1)}, "happened_on"),
        ):
            with self.subTest(field=field), self.assertRaises(ValidationError) as raised:
                make_note(self.case, by=self.caseworker, **fields)
            self.assertIn(field, raised.exception.error_dict)

    def test_no_note_on_a_closed_case(self):
        cases.do_close_case(self.case, acting_user=self.caseworker, outcome="resolved")
        with self.assertRaises(ValidationError) as raised:
            make_note(self.case, by=self.caseworker)
        self.assertEqual(raised.exception.code, "case_closed")

    def test_a_resend_with_the_same_client_id_gives_back_the_same_note(self):
        key = "6f1c2a52-4b1f-4c54-9a56-0d1d8f8e0b11"
        first, created = cases.do_add_note(
            self.case, acting_user=self.caseworker, kind="phone", text="Called", client_id=key
        )
        again, created_again = cases.do_add_note(
            self.case, acting_user=self.caseworker, kind="phone", text="Called ", client_id=key
        )
        self.assertTrue(created)
        self.assertFalse(created_again)
        self.assertEqual(first.pk, again.pk)
        with self.assertRaises(cases.NoteConflict):
            cases.do_add_note(self.case, acting_user=self.caseworker, kind="phone", text="Other", client_id=key)
        self.assertEqual(CaseNote.objects.count(), 1)
        self.assertEqual(Event.objects.filter(action="case.note_added").count(), 1)


class CaseActionItemTestCase(BaseTestCase):
    def setUp(self):
        self.amina = make_person(self.hub_org, "Amina", by=self.caseworker)
        self.case = make_case(self.amina, by=self.caseworker)

    def test_an_action_has_an_owner_of_the_organisation_and_a_due_date(self):
        action = make_action(self.case, by=self.caseworker, owner=self.coordinator, due_on=days_ago(-3))
        self.assertEqual((action.owner, action.created_by), (self.coordinator, self.caseworker))
        with self.assertRaises(ValidationError):
            make_action(self.case, by=self.caseworker, owner=self.outsider)
        with self.assertRaises(ValidationError):
            make_action(self.case, by=self.caseworker, owner=self.volunteer)
        with connection.cursor() as cursor:
            cursor.execute("SELECT description FROM casework_caseaction WHERE id = %s", [action.pk])
            self.assertNotIn("Book a GP appointment", cursor.fetchone()[0])

    def test_an_action_is_overdue_when_not_done_and_due_before_today(self):
        today = dt.date(2026, 3, 10)
        with mock.patch("django.utils.timezone.localdate", return_value=today):
            late = make_action(self.case, by=self.caseworker, due_on=dt.date(2026, 3, 9))
            due_today = make_action(self.case, by=self.caseworker, due_on=today)
            undated = make_action(self.case, by=self.caseworker)
            self.assertTrue(late.is_overdue())
            self.assertFalse(due_today.is_overdue())
            self.assertFalse(undated.is_overdue())
            late = cases.do_complete_action(late, acting_user=self.caseworker)
            self.assertFalse(late.is_overdue())

    def test_completing_twice_is_refused_and_reassigning_checks_the_owner(self):
        action = make_action(self.case, by=self.caseworker)
        action = cases.do_reassign_action(action, acting_user=self.caseworker, owner=self.coordinator)
        self.assertEqual(action.owner, self.coordinator)
        with self.assertRaises(ValidationError):
            cases.do_reassign_action(action, acting_user=self.caseworker, owner=self.outsider)
        action = cases.do_complete_action(action, acting_user=self.coordinator)
        self.assertEqual(action.done_by, self.coordinator)
        with self.assertRaises(ValidationError) as raised:
            cases.do_complete_action(action, acting_user=self.coordinator)
        self.assertEqual(raised.exception.code, "illegal_transition")
        self.assertEqual(
            list(Event.objects.filter(object_id=str(action.uuid)).order_by("id").values_list("action", flat=True)),
            ["case.action_added", "case.action_reassigned", "case.action_done"],
        )
        self.assertEqual(CaseAction.objects.count(), 1)


class MergeTestCase(BaseTestCase):
    def test_cases_follow_the_person_when_records_are_merged(self):
        kept = make_person(self.hub_org, "Amina", by=self.caseworker)
        merged = make_person(self.hub_org, "Amina Y", by=self.caseworker)
        case = make_case(merged, by=self.caseworker)
        do_merge_people(kept, merged, acting_user=self.coordinator)
        case.refresh_from_db()
        self.assertEqual(case.person, kept)
        # Merged records are no longer where cases are opened.
        merged.refresh_from_db()
        with self.assertRaises(ValidationError):
            make_case(merged, by=self.caseworker)
