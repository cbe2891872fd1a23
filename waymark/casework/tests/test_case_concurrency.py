"""Notes and transitions of one case arriving at once, for real: threads with database
connections of their own (a database file on SQLite, or PostgreSQL with DATABASE_URL)."""

import uuid
from functools import partial

from django.core.exceptions import ValidationError
from django.test import TransactionTestCase

from waymark.accounts.models import Role
from waymark.audit.models import Event
from waymark.casework import cases
from waymark.casework.models import Case, CaseNote
from waymark.people.tests.helpers import make_person
from waymark.testing import make_member, make_organisation, run_at_once

SENDERS = 6


class CaseAtOnceTests(TransactionTestCase):
    def setUp(self):
        organisation = make_organisation("Croal Valley Welcome Project")
        self.caseworker = make_member("caseworker@example.org", organisation, [Role.CASEWORKER])
        person = make_person(organisation, "Amina", by=self.caseworker)
        self.case = cases.do_open_case(person, acting_user=self.caseworker, title="Move-on", owner=self.caseworker)

    def test_one_note_sent_from_several_queues_at_once_is_added_once(self):
        key = uuid.uuid4()

        def send():
            case = Case.objects.get(pk=self.case.pk)
            note, created = cases.do_add_note(
                case, acting_user=self.caseworker, kind="phone", text="Rang", client_id=key
            )
            return note.pk, created

        outcomes = run_at_once(*[send for _ in range(SENDERS)])
        self.assertEqual([outcome for outcome in outcomes if isinstance(outcome, Exception)], [])
        self.assertEqual(len({pk for pk, _created in outcomes}), 1)
        self.assertEqual(sum(created for _pk, created in outcomes), 1)
        self.assertEqual(CaseNote.objects.count(), 1)
        self.assertEqual(Event.objects.filter(action="case.note_added").count(), 1)

    def test_closing_a_case_twice_at_once_closes_it_once(self):
        def close(outcome):
            case = Case.objects.get(pk=self.case.pk)
            try:
                cases.do_close_case(case, acting_user=self.caseworker, outcome=outcome)
            except ValidationError as error:
                return error.code
            return "closed"

        outcomes = run_at_once(*[partial(close, outcome) for outcome in ("resolved", "referred_on", "withdrawn")])
        self.assertEqual(sorted(outcomes), ["closed", "illegal_transition", "illegal_transition"])
        self.assertEqual(Event.objects.filter(action="case.closed").count(), 1)
