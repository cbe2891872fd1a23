import datetime
import importlib

from django.apps import apps
from django.test import TestCase

from waymark.accounts.models import NationalBody

FIRST_RESPONDERS = {
    "police",
    "local-authorities",
    "home-office",
    "national-crime-agency",
    "gangmasters-and-labour-abuse-authority",
    "the-salvation-army",
    "migrant-help",
    "medaille-trust",
    "kalayaan",
    "barnardos",
    "unseen",
    "nspcc",
}


class NationalBodiesTestCase(TestCase):
    """The reference data migration has run (tests build their database by migrating)."""

    def test_it_flags_the_nrm_first_responders(self):
        flagged = set(NationalBody.objects.filter(is_nrm_first_responder=True).values_list("slug", flat=True))
        self.assertEqual(flagged, FIRST_RESPONDERS)

    def test_it_records_migrant_help_once_as_the_asylum_helpline_and_a_first_responder(self):
        rows = NationalBody.objects.filter(name__icontains="Migrant Help")
        self.assertEqual(len(rows), 1)
        migrant_help = rows[0]
        self.assertEqual(migrant_help.kind, NationalBody.Kind.ASYLUM_HELPLINE)
        self.assertTrue(migrant_help.is_nrm_first_responder)
        self.assertEqual(migrant_help.phone, "0808 801 0503")
        self.assertIn("ASF1", migrant_help.notes)
        self.assertIn("move-on", migrant_help.notes)

    def test_it_records_the_three_accommodation_providers_and_their_regions(self):
        providers = {
            body.name: body.regions
            for body in NationalBody.objects.filter(kind=NationalBody.Kind.ACCOMMODATION_PROVIDER)
        }
        self.assertEqual(set(providers), {"Mears", "Serco", "Clearsprings Ready Homes"})
        self.assertIn("North East", providers["Mears"])
        self.assertIn("North West", providers["Serco"])
        self.assertIn("London", providers["Clearsprings Ready Homes"])

    def test_it_records_the_modern_slavery_helpline(self):
        helpline = NationalBody.objects.get(slug="modern-slavery-helpline")
        self.assertEqual(helpline.kind, NationalBody.Kind.HELPLINE)
        self.assertEqual(helpline.phone, "0800 0121 700")
        self.assertFalse(helpline.is_nrm_first_responder)

    def test_it_says_where_every_fact_came_from_and_when_it_was_checked(self):
        for body in NationalBody.objects.all():
            with self.subTest(body=body.name):
                self.assertTrue(body.source)
                self.assertEqual(body.checked_on, datetime.date(2026, 11, 1))

    def test_it_can_be_reversed_and_applied_again(self):
        migration = importlib.import_module("waymark.accounts.migrations.0002_national_bodies")

        migration.remove_national_bodies(apps, None)
        self.assertFalse(NationalBody.objects.exists())

        migration.add_national_bodies(apps, None)
        self.assertEqual(NationalBody.objects.count(), len(migration.NATIONAL_BODIES))
        self.assertEqual(NationalBody.objects.filter(is_nrm_first_responder=True).count(), len(FIRST_RESPONDERS))

    def test_it_leaves_an_edited_row_alone_when_applied_again(self):
        migration = importlib.import_module("waymark.accounts.migrations.0002_national_bodies")
        NationalBody.objects.filter(slug="serco").update(notes="Edited by an administrator.")
        migration.add_national_bodies(apps, None)
        self.assertEqual(NationalBody.objects.get(slug="serco").notes, "Edited by an administrator.")
