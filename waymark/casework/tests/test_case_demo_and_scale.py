"""The demo's cases (seed_cases) and scale data (bulk_create_cases, generate_scale_data --cases)."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from waymark.accounts.models import User
from waymark.casework.demo_cases import case_uuid, seed_cases
from waymark.casework.models import Case, CaseAction, CaseNote
from waymark.casework.scale import bulk_create_cases
from waymark.people.demo import seed_people
from waymark.people.models import Person
from waymark.people.scale import bulk_create_people
from waymark.places.demo import seed_accommodation_sites
from waymark.testing import BaseTestCase


class SeedCasesTestCase(BaseTestCase):
    def test_it_seeds_cases_in_several_organisations_once(self):
        # The personas' organisations have the demo's slugs; their users get the demo's e-mails.
        for user, email in (
            (self.caseworker, "caseworker@demo.waymark"),
            (self.coordinator, "coordinator@demo.waymark"),
            (self.outsider, "outsider@demo.waymark"),
        ):
            User.objects.filter(pk=user.pk).update(email=email)
        seed_accommodation_sites()
        seed_people()

        out = StringIO()
        created = seed_cases(stdout=out)
        self.assertEqual(created, 11)
        self.assertIn("Cases: 11 created", out.getvalue())
        self.assertEqual(seed_cases(), 0)
        self.assertEqual(Case.objects.count(), 11)
        self.assertEqual({case.organisation for case in Case.objects.all()}, {self.hub_org, self.other_org})
        self.assertEqual(
            set(Case.objects.values_list("owner", flat=True)),
            {self.caseworker.pk, self.coordinator.pk, self.outsider.pk},
        )
        for case in Case.objects.select_related("person"):
            self.assertEqual(case.person.organisation_id, case.organisation_id)
        statuses = set(Case.objects.values_list("status", flat=True))
        self.assertEqual(statuses, set(Case.Status.values))
        self.assertFalse(Case.objects.filter(status="closed", outcome="").exists())
        self.assertEqual(Case.objects.get(status="reopened").uuid, case_uuid(self.hub_org.slug, 13))
        overdue = [action for action in CaseAction.objects.all() if action.is_overdue()]
        self.assertGreaterEqual(len(overdue), 4)
        self.assertGreater(CaseNote.objects.count(), 15)


class ScaleCasesTestCase(BaseTestCase):
    def test_it_bulk_creates_cases_with_encrypted_notes_and_actions(self):
        bulk_create_people(self.hub_org, 20, recorded_by=self.coordinator)
        people_ids = list(Person.objects.filter(organisation=self.hub_org).values_list("pk", flat=True))
        made = bulk_create_cases(
            self.hub_org, 45, people_ids=people_ids, owners=[self.caseworker, self.coordinator], batch_size=10
        )
        self.assertEqual(made["cases"], 45)
        self.assertEqual(made["case notes"], 135)
        self.assertEqual(Case.objects.filter(organisation=self.hub_org).count(), 45)
        self.assertEqual(CaseNote.objects.count(), 135)
        self.assertEqual(CaseAction.objects.count(), made["case actions"])
        self.assertFalse(Case.objects.filter(status="closed", outcome="").exists())
        self.assertEqual(set(Case.objects.values_list("owner", flat=True)), {self.caseworker.pk, self.coordinator.pk})
        note = CaseNote.objects.first()
        with connection.cursor() as cursor:
            cursor.execute("SELECT text FROM casework_casenote WHERE id = %s", [note.pk])
            raw = cursor.fetchone()[0]
        self.assertNotEqual(raw, note.text)
        self.assertTrue(note.text)

    @override_settings(WAYMARK_DEMO=True)
    def test_generate_scale_data_adds_cases_of_the_hubs_people(self):
        out = StringIO()
        call_command(
            "generate_scale_data",
            organisations=1,
            users_per_organisation=4,
            networks=1,
            areas=1,
            people=30,
            cases=40,
            prefix="cases",
            stdout=out,
        )
        self.assertIn("40 cases", out.getvalue())
        self.assertIn("120 case notes", out.getvalue())
        cases = Case.objects.filter(organisation__slug="cases-org-000001")
        self.assertEqual(cases.count(), 40)
        # Owned by the members with a case role (not the volunteer).
        self.assertEqual(cases.values("owner").distinct().count(), 3)

    @override_settings(WAYMARK_DEMO=True)
    def test_cases_need_people(self):
        with self.assertRaisesMessage(CommandError, "--cases needs --people"):
            call_command("generate_scale_data", organisations=1, cases=5, stdout=StringIO())
