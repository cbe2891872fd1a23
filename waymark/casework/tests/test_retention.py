import datetime as dt
import io
from unittest import mock

from django.core.management import call_command

from waymark.audit.models import Event
from waymark.casework.models import Assessment, Attachment, Case, CaseNote, SafeguardingConcern
from waymark.casework.rights import do_place_legal_hold
from waymark.casework.rights_retention import apply_retention, months_before
from waymark.casework.tests.rights_builders import make_assessment, make_case, make_concern, make_visit, mark
from waymark.hubs.models import Visit
from waymark.hubs.tests.helpers import HubTestCase
from waymark.people.models import Consent, Person, RetentionPeriod
from waymark.people.tests.helpers import make_person


def when(year, month, day):
    return dt.datetime(year, month, day, 12, 0, tzinfo=dt.UTC)


# The job runs on 1 June 2030. With the seeded periods: people and visits from before
# 1 June 2028 (24 months), assessments before 1 June 2027 (36), cases and concerns closed
# before 1 June 2024 (72), consent withdrawn before 1 May 2030 (1).
NOW = when(2030, 6, 1)


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


class RetentionTestCase(HubTestCase):
    def setUp(self):
        self.generate()
        self.session = self.session_on(dt.date(2026, 3, 3))

    def person(self, name, *, last_visit=None, **details):
        person = make_person(self.hub_org, name, by=self.caseworker, **details)
        if last_visit is not None:
            make_visit(self.session, person, by=self.caseworker, notes=mark("visit", name), at=last_visit)
        return person

    def active(self, name):
        """Someone who came last month: kept, whatever else is old."""
        return self.person(name, last_visit=when(2030, 5, 1))

    def run_job(self, moment=NOW, **options):
        with at(moment):
            return apply_retention(**options)

    def refreshed(self, person):
        return Person.objects.get(pk=person.pk)


class SeedTests(RetentionTestCase):
    def test_every_kind_of_record_has_a_dated_period_with_its_source(self):
        periods = {row.record_type: row for row in RetentionPeriod.objects.all()}
        self.assertEqual(set(periods), set(RetentionPeriod.RecordType.values))
        self.assertEqual(periods["person"].months, 24)
        self.assertEqual(periods["case"].months, 72)
        self.assertEqual(periods["consent_withdrawn"].months, 1)
        for row in periods.values():
            self.assertEqual(row.valid_from, dt.date(2024, 1, 1))
            self.assertIn("set to your organisation's retention schedule", row.source)

    def test_months_before_keeps_to_the_calendar(self):
        self.assertEqual(months_before(when(2030, 3, 31), 1), when(2030, 2, 28))
        self.assertEqual(months_before(when(2030, 6, 1), 24), when(2028, 6, 1))
        self.assertEqual(months_before(when(2030, 1, 15), 13), when(2028, 12, 15))


class PeopleTests(RetentionTestCase):
    def test_someone_with_no_activity_for_the_period_is_anonymised(self):
        gone = self.person("Gone Person", last_visit=when(2028, 5, 1))
        kept = self.active("Kept Person")
        report = self.run_job()
        self.assertIsNotNone(self.refreshed(gone).anonymised_at)
        self.assertEqual(self.refreshed(gone).anonymised_at, NOW)
        self.assertIsNone(self.refreshed(kept).anonymised_at)
        self.assertEqual(report["done"]["person"], 1)
        # The visit is still counted.
        self.assertEqual(Visit.objects.filter(person=gone).count(), 1)
        self.assertEqual(Visit.objects.get(person=gone).notes, "")

    def test_any_kind_of_activity_keeps_them(self):
        by_case = self.person("Case Person")
        make_case(
            by_case,
            by=self.caseworker,
            who="case",
            status=Case.Status.CLOSED,
            closed_at=when(2029, 1, 1),
            opened_at=when(2028, 1, 1),
        )
        by_assessment = self.person("Assessed Person")
        make_assessment(by_assessment, by=self.caseworker, who="assessed", at=when(2029, 1, 1))
        open_case = self.person("Open Case Person")
        make_case(open_case, by=self.caseworker, who="open", opened_at=when(2020, 1, 1))
        self.run_job()
        for person in (by_case, by_assessment, open_case):
            self.assertIsNone(self.refreshed(person).anonymised_at, person.display_name)

    def test_held_and_open_concern_people_are_skipped_and_counted(self):
        held = self.person("Held Person", last_visit=when(2027, 1, 1))
        with at(when(2030, 1, 1)):
            do_place_legal_hold(held, acting_user=self.coordinator, reason="Court", review_on=dt.date(2031, 1, 1))
        concerned = self.person("Concerned Person")
        make_concern(concerned, by=self.caseworker, who="concerned", raised_at=when(2027, 1, 1))
        report = self.run_job()
        self.assertIsNone(self.refreshed(held).anonymised_at)
        self.assertIsNone(self.refreshed(concerned).anonymised_at)
        self.assertEqual(report["skipped_held"]["person"], 2)
        # Nothing of theirs is cleared either.
        self.assertEqual(Visit.objects.get(person=held).notes, mark("visit", "Held Person"))
        self.assertEqual(report["skipped_held"]["visit"], 1)

    def test_a_consent_withdrawn_longer_ago_than_the_period_removes_them(self):
        withdrew = self.active("Withdrew Person")
        recently = self.active("Recent Person")
        contact_only = self.active("Contact Person")
        Consent.objects.filter(person=withdrew, purpose="keep_details").update(
            withdrawn_at=when(2030, 4, 1), withdrawn_by=self.caseworker
        )
        Consent.objects.filter(person=recently, purpose="keep_details").update(
            withdrawn_at=when(2030, 5, 20), withdrawn_by=self.caseworker
        )
        Consent.objects.create(
            person=contact_only,
            purpose="contact_welfare",
            how="spoken",
            recorded_by=self.caseworker,
            given_at=when(2027, 1, 1),
            withdrawn_at=when(2028, 1, 1),
            withdrawn_by=self.caseworker,
        )
        report = self.run_job()
        self.assertIsNotNone(self.refreshed(withdrew).anonymised_at)
        self.assertIsNone(self.refreshed(recently).anonymised_at)
        self.assertIsNone(self.refreshed(contact_only).anonymised_at)
        self.assertEqual(report["done"]["consent_withdrawn"], 1)

    def test_consent_given_again_keeps_them(self):
        person = self.active("Again Person")
        Consent.objects.filter(person=person, purpose="keep_details").update(
            withdrawn_at=when(2029, 1, 1), withdrawn_by=self.caseworker
        )
        Consent.objects.create(
            person=person, purpose="keep_details", how="spoken", recorded_by=self.caseworker, given_at=when(2029, 6, 1)
        )
        self.run_job()
        self.assertIsNone(self.refreshed(person).anonymised_at)


class RecordTests(RetentionTestCase):
    def test_closed_cases_past_their_period_lose_texts_and_files(self):
        person = self.active("Case Person")
        old = make_case(person, by=self.caseworker, who="old", status=Case.Status.CLOSED, closed_at=when(2024, 5, 1))
        recent = make_case(
            person, by=self.caseworker, who="recent", status=Case.Status.CLOSED, closed_at=when(2024, 7, 1)
        )
        report = self.run_job()
        self.assertEqual(report["done"]["case"], 1)
        self.assertEqual(CaseNote.objects.get(case=old).text, "")
        self.assertEqual(Case.objects.get(pk=old.pk).closing_note, "")
        self.assertFalse(Attachment.objects.filter(case=old).exists())
        self.assertEqual(CaseNote.objects.get(case=recent).text, mark("note", "recent"))
        self.assertTrue(Attachment.objects.filter(case=recent).exists())
        self.assertEqual(Case.objects.filter(person=person).count(), 2)
        self.assertIsNone(self.refreshed(person).anonymised_at)

    def test_closed_concerns_assessments_and_visits_past_their_periods(self):
        person = self.active("Record Person")
        old_concern = make_concern(
            person, by=self.caseworker, who="old", raised_at=when(2024, 1, 1), closed_at=when(2024, 2, 1)
        )
        new_concern = make_concern(
            person, by=self.caseworker, who="new", raised_at=when(2025, 1, 1), closed_at=when(2025, 2, 1)
        )
        old_assessment = make_assessment(person, by=self.caseworker, who="old", at=when(2027, 5, 1))
        new_assessment = make_assessment(person, by=self.caseworker, who="new", at=when(2027, 7, 1))
        old_visit = make_visit(
            self.session_on(dt.date(2026, 3, 5)), person, by=self.caseworker, notes="old visit", at=when(2028, 5, 1)
        )
        report = self.run_job()
        self.assertEqual(SafeguardingConcern.objects.get(pk=old_concern.pk).what_happened, "")
        self.assertEqual(SafeguardingConcern.objects.get(pk=new_concern.pk).what_happened, mark("concern", "new"))
        self.assertEqual(Assessment.objects.get(pk=old_assessment.pk).notes, "")
        self.assertEqual(Assessment.objects.get(pk=old_assessment.pk).indicators, ["isolation"])
        self.assertEqual(Assessment.objects.get(pk=new_assessment.pk).notes, mark("assessment", "new"))
        self.assertEqual(Visit.objects.get(pk=old_visit.pk).notes, "")
        self.assertEqual(
            Visit.objects.get(person=person, checked_in_at=when(2030, 5, 1)).notes, mark("visit", "Record Person")
        )
        self.assertEqual(
            {kind: report["done"][kind] for kind in ("safeguarding_concern", "assessment", "visit")},
            {"safeguarding_concern": 1, "assessment": 1, "visit": 1},
        )

    def test_records_of_held_people_are_skipped(self):
        person = self.active("Held Person")
        case = make_case(person, by=self.caseworker, who="held", status=Case.Status.CLOSED, closed_at=when(2023, 1, 1))
        with at(when(2030, 1, 1)):
            do_place_legal_hold(person, acting_user=self.coordinator, reason="Inquiry", review_on=dt.date(2031, 1, 1))
        report = self.run_job()
        self.assertEqual(CaseNote.objects.get(case=case).text, mark("note", "held"))
        self.assertEqual(report["skipped_held"]["case"], 1)
        self.assertEqual(report["done"]["case"], 0)


class JobTests(RetentionTestCase):
    def setUp(self):
        super().setUp()
        self.gone = self.person("Gone Person", last_visit=when(2027, 1, 1))
        self.kept = self.active("Kept Person")
        make_case(self.kept, by=self.caseworker, who="old", status=Case.Status.CLOSED, closed_at=when(2023, 1, 1))
        self.held = self.person("Held Person", last_visit=when(2027, 1, 1))
        with at(when(2030, 1, 1)):
            do_place_legal_hold(self.held, acting_user=self.coordinator, reason="Court", review_on=dt.date(2031, 1, 1))

    def test_a_dry_run_changes_nothing_and_reports_the_same(self):
        dry = self.run_job(dry_run=True)
        self.assertIsNone(self.refreshed(self.gone).anonymised_at)
        self.assertEqual(CaseNote.objects.get(case__person=self.kept).text, mark("note", "old"))
        self.assertFalse(Event.objects.filter(action="people.retention_applied").exists())
        real = self.run_job()
        self.assertEqual(dry["done"], real["done"])
        self.assertEqual(dry["skipped_held"], real["skipped_held"])

    def test_it_is_safe_to_run_twice_and_writes_one_event_each_time(self):
        first = self.run_job()
        self.assertEqual(first["done"]["person"], 1)
        self.assertEqual(first["done"]["case"], 1)
        self.assertEqual(first["skipped_held"]["person"], 1)
        second = self.run_job()
        self.assertEqual(set(second["done"].values()), {0})
        self.assertEqual(second["skipped_held"], first["skipped_held"])
        events = Event.objects.filter(action="people.retention_applied")
        self.assertEqual(events.count(), 2)
        self.assertEqual(events.order_by("id").first().details["done"], first["done"])
        self.assertNotIn("Gone", str(events.first().details))

    def test_the_period_in_force_on_the_day_applies(self):
        # From 2030 the organisation keeps inactive people for five years.
        RetentionPeriod.objects.create(record_type="person", months=60, valid_from=dt.date(2030, 1, 1), source="Board")
        self.run_job()
        self.assertIsNone(self.refreshed(self.gone).anonymised_at)
        # Run as of December 2029, the 24-month row was in force.
        self.run_job(when(2029, 12, 1))
        self.assertIsNotNone(self.refreshed(self.gone).anonymised_at)

    def test_the_command_reports_counts_and_skips(self):
        out = io.StringIO()
        with at(NOW):
            call_command("apply_retention", "--dry-run", stdout=out)
        self.assertIn("Dry run", out.getvalue())
        self.assertIn("person: 1", out.getvalue())
        self.assertIsNone(self.refreshed(self.gone).anonymised_at)
        out = io.StringIO()
        with at(NOW):
            call_command("apply_retention", stdout=out)
        self.assertIn("Anonymised or cleared", out.getvalue())
        self.assertIn("case: 1", out.getvalue())
        self.assertIn(
            "Skipped (legal hold or open safeguarding concern):\n  consent_withdrawn: 0\n  person: 1", out.getvalue()
        )
        self.assertIsNotNone(self.refreshed(self.gone).anonymised_at)
