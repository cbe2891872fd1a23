"""do_check_in and do_record_visit_details: first and returning visits, anonymous headcounts,
idempotency by check-in key, conflicts, and what may not be checked in."""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError

from waymark.audit.models import Event
from waymark.directory.models import TaxonomyTerm
from waymark.hubs import actions
from waymark.hubs.checkins import CheckInConflict, do_check_in, do_record_visit_details
from waymark.hubs.models import LONDON, Visit
from waymark.hubs.tests.helpers import HubTestCase, at
from waymark.people.actions import do_merge_people
from waymark.people.tests.helpers import make_person

TUESDAY = dt.datetime(2026, 3, 3, 10, 30, tzinfo=LONDON)
THURSDAY = dt.datetime(2026, 3, 5, 10, 30, tzinfo=LONDON)


class CheckInTestCase(HubTestCase):
    def setUp(self):
        self.generate()
        self.tuesday = self.session_on(dt.date(2026, 3, 3))
        self.thursday = self.session_on(dt.date(2026, 3, 5))
        self.amina = make_person(self.hub_org, "Amina Yusuf", by=self.volunteer)

    def check_in(self, session, person=None, *, moment=TUESDAY, **kwargs):
        with at(moment):
            return do_check_in(session, person, acting_user=self.volunteer, **kwargs)


class CheckInTests(CheckInTestCase):
    def test_it_records_a_first_visit_then_a_returning_one(self):
        first, created = self.check_in(self.tuesday, self.amina)
        self.assertTrue(created)
        self.assertTrue(first.first_visit)
        self.assertEqual(first.checked_in_by, self.volunteer)
        self.assertEqual(first.checked_in_at, TUESDAY)

        second, _created = self.check_in(self.thursday, self.amina, moment=THURSDAY)
        self.assertFalse(second.first_visit)

    def test_it_counts_someone_anonymously(self):
        visit, created = self.check_in(self.tuesday)
        self.assertTrue(created)
        self.assertTrue(visit.anonymous)
        self.assertIsNone(visit.person)
        self.assertFalse(visit.first_visit)

    def test_it_writes_one_audit_event_without_the_name(self):
        visit, _created = self.check_in(self.tuesday, self.amina)
        event = Event.objects.get(action="visit.checked_in")
        self.assertEqual(event.object_id, str(visit.uuid))
        self.assertEqual(event.organisation, self.hub_org)
        self.assertNotIn("Amina", str(event.details))

    def test_the_same_check_in_sent_again_gives_the_first_visit(self):
        key = uuid.uuid4()
        first, created = self.check_in(self.tuesday, self.amina, client_id=key)
        again, created_again = self.check_in(self.tuesday, self.amina, client_id=key)
        self.assertTrue(created)
        self.assertFalse(created_again)
        self.assertEqual(again.pk, first.pk)
        self.assertEqual(Visit.objects.count(), 1)
        self.assertEqual(Event.objects.filter(action="visit.checked_in").count(), 1)

    def test_an_anonymous_count_sent_again_is_counted_once(self):
        key = uuid.uuid4()
        self.check_in(self.tuesday, client_id=key)
        self.check_in(self.tuesday, client_id=key)
        self.assertEqual(Visit.objects.count(), 1)

    def test_the_same_key_for_a_different_check_in_is_a_conflict(self):
        key = uuid.uuid4()
        self.check_in(self.tuesday, self.amina, client_id=key)
        other = make_person(self.hub_org, "Bashir", by=self.volunteer)
        with self.assertRaises(CheckInConflict) as raised:
            self.check_in(self.tuesday, other, client_id=key)
        self.assertEqual(raised.exception.reason, "key_reused")
        with self.assertRaises(CheckInConflict):
            self.check_in(self.tuesday, self.amina, client_id=key, given={"hot_meals": 1})
        self.assertEqual(Visit.objects.count(), 1)

    def test_a_person_is_checked_in_once_per_session(self):
        self.check_in(self.tuesday, self.amina)
        with self.assertRaises(CheckInConflict) as raised:
            self.check_in(self.tuesday, self.amina)
        self.assertEqual(raised.exception.reason, "already_checked_in")
        self.assertIn("Amina Yusuf is already checked in at this session (at 10:30)", str(raised.exception.message))
        self.assertEqual(Visit.objects.count(), 1)

    def test_needs_and_what_was_given_can_come_with_the_check_in(self):
        housing = TaxonomyTerm.objects.get(slug="housing")
        visit, _created = self.check_in(self.tuesday, self.amina, needs=[housing], given={"hot_meals": 1, "travel": 2})
        self.assertEqual(list(visit.needs.all()), [housing])
        self.assertEqual(visit.given(), {"hot_meals": 1, "travel": 2})

    def test_it_refuses_what_was_given_that_is_not_on_the_list_or_too_many(self):
        for given in ({"cash": 1}, {"hot_meals": 99}, {"hot_meals": -1}):
            with self.subTest(given=given), self.assertRaises(ValidationError):
                self.check_in(self.tuesday, self.amina, given=given)
        self.assertFalse(Visit.objects.exists())

    def test_it_refuses_a_cancelled_session_and_one_not_yet_on(self):
        with at(dt.datetime(2026, 3, 2, 9, tzinfo=LONDON)):
            actions.do_cancel_session(self.thursday, reason="Snow", acting_user=self.coordinator)
        self.thursday.refresh_from_db()
        with self.assertRaises(ValidationError) as raised:
            self.check_in(self.thursday, self.amina, moment=THURSDAY)
        self.assertEqual(raised.exception.code, "cancelled")
        with self.assertRaises(ValidationError) as raised:
            self.check_in(self.session_on(dt.date(2026, 3, 10)), self.amina)
        self.assertEqual(raised.exception.code, "not_yet")

    def test_it_refuses_a_person_of_another_organisation(self):
        stranger = make_person(self.other_org, "Stranger", by=self.outsider)
        with self.assertRaises(ValidationError):
            self.check_in(self.tuesday, stranger)

    def test_a_check_in_typed_in_after_the_session_is_accepted(self):
        visit, created = self.check_in(self.tuesday, self.amina, moment=THURSDAY)
        self.assertTrue(created)
        self.assertEqual(visit.session, self.tuesday)

    def test_earlier_visits_of_a_merged_record_count(self):
        twin = make_person(self.hub_org, "Amina Y", by=self.volunteer)
        self.check_in(self.tuesday, twin)
        do_merge_people(self.amina, twin, acting_user=self.coordinator)
        visit, _created = self.check_in(self.thursday, self.amina, moment=THURSDAY)
        self.assertFalse(visit.first_visit)

    def test_merging_two_records_checked_in_at_the_same_session_keeps_both_visits(self):
        twin = make_person(self.hub_org, "Amina Y", by=self.volunteer)
        self.check_in(self.tuesday, self.amina)
        self.check_in(self.tuesday, twin)
        self.check_in(self.thursday, twin, moment=THURSDAY)
        do_merge_people(self.amina, twin, acting_user=self.coordinator)
        self.assertEqual(Visit.objects.filter(person=self.amina).count(), 2)
        self.assertEqual(Visit.objects.filter(person=twin).count(), 1)


class VisitDetailsTests(CheckInTestCase):
    def test_it_records_needs_what_was_given_notes_and_signposting(self):
        from waymark.directory.tests.builders import make_service

        visit, _created = self.check_in(self.tuesday, self.amina)
        housing, esol = TaxonomyTerm.objects.get(slug="housing"), TaxonomyTerm.objects.get(slug="esol")
        service = make_service()
        changed = do_record_visit_details(
            visit,
            acting_user=self.volunteer,
            needs=[housing, esol],
            given={"food_parcels": 1},
            notes="Asked about a bigger room.",
            signpost_to=[service],
            signpost_note="Thursday clinic",
        )
        self.assertEqual(changed, ["needs", "given", "notes", "signposting"])
        visit.refresh_from_db()
        self.assertEqual(set(visit.needs.all()), {housing, esol})
        self.assertEqual(visit.given(), {"food_parcels": 1})
        self.assertEqual(visit.notes, "Asked about a bigger room.")
        signposting = visit.signpostings.get()
        self.assertEqual(signposting.person, self.amina)
        self.assertEqual(signposting.service, service)
        self.assertEqual(signposting.organisation, self.hub_org)
        self.assertEqual(signposting.note, "Thursday clinic")

        # Saving the same again changes nothing and signposts once.
        again = do_record_visit_details(
            visit,
            acting_user=self.volunteer,
            needs=[housing, esol],
            given={"food_parcels": 1},
            notes="Asked about a bigger room.",
            signpost_to=[service],
        )
        self.assertEqual(again, ["signposting"])
        self.assertEqual(visit.signpostings.count(), 1)
