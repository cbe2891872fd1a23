"""seed_demo's service map: a few hundred invented listings over every area and need."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from waymark.accounts import demo as accounts_demo
from waymark.accounts.tests.test_seed_demo import REAL_ORGANISATIONS
from waymark.directory.models import (
    NEEDS_TAXONOMY_NAME,
    Address,
    Attribute,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    Translation,
)


def seed():
    call_command("seed_demo", stdout=StringIO())


def row_counts():
    models = (Organization, Service, Location, Address, ServiceAtLocation, Schedule, Language, Phone, Attribute)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["Translation"] = Translation.objects.count()
    counts["restrictions"] = Service.restricted_to_areas.through.objects.count()
    return counts


@override_settings(WAYMARK_DEMO=True)
class SeedDemoMapTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed()

    def test_it_makes_at_least_300_services(self):
        self.assertGreaterEqual(Service.objects.count(), 300)

    def test_it_gives_every_area_services(self):
        for slug, *_rest in accounts_demo.AREAS:
            with self.subTest(area=slug):
                self.assertTrue(Location.objects.filter(area__slug=slug, service_at_locations__isnull=False).exists())

    def test_it_lists_services_under_every_need_with_one_to_three_needs_each(self):
        for term in TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME).exclude(slug=""):
            with self.subTest(need=term.slug):
                self.assertTrue(Attribute.objects.filter(taxonomy_term=term, link_entity="service").exists())
        # The hubs' own services list what their sessions offer (see waymark/hubs).
        for service in Service.objects.filter(hub__isnull=True)[:50]:
            self.assertIn(service.needs().count(), (1, 2, 3))

    def test_it_gives_every_immigration_advice_service_a_regulator(self):
        advice = [service for service in Service.objects.all() if service.offers_immigration_advice()]
        self.assertGreaterEqual(len(advice), 10)
        for service in advice:
            with self.subTest(service=service.name):
                self.assertTrue(service.advice_regulator)
                service.full_clean()
        levels = set(Service.objects.filter(advice_regulator="oisc").values_list("advice_oisc_level", flat=True))
        self.assertEqual(levels, {1, 2, 3})
        self.assertTrue(Service.objects.filter(advice_regulator="sra").exists())

    def test_it_hides_the_address_of_a_few_refuges_but_shows_their_area(self):
        hidden = Location.objects.filter(address_hidden=True)
        self.assertGreaterEqual(hidden.count(), 3)
        self.assertFalse(hidden.filter(area__isnull=True).exists())

    def test_it_leaves_a_few_listings_unchecked_for_months_and_a_couple_for_over_a_year(self):
        now = timezone.now()
        self.assertGreaterEqual(Service.objects.filter(verified_at__lt=now - timedelta(days=180)).count(), 3)
        self.assertGreaterEqual(Service.objects.filter(verified_at__lt=now - timedelta(days=365)).count(), 2)
        self.assertFalse(Service.objects.filter(verified_at__isnull=True).exists())

    def test_it_translates_some_services_with_a_few_translations_out_of_date(self):
        services = {service.id: service for service in Service.objects.all()}
        translations = list(Translation.objects.filter(model_label="directory.service"))
        reviewed = [t for t in translations if t.status == Translation.Status.REVIEWED]
        out_of_date = [t for t in translations if t.is_out_of_date(services[t.object_id])]
        self.assertGreaterEqual(len(reviewed), 30)
        self.assertGreaterEqual(len(out_of_date), 2)
        self.assertLess(len(out_of_date), len(translations) / 4)

    def test_it_gives_services_opening_times_languages_and_a_phone(self):
        self.assertFalse(Service.objects.filter(schedules__isnull=True).exists())
        # (A hub's service takes its details from the hub: waymark/hubs.)
        listings = Service.objects.filter(hub__isnull=True)
        self.assertFalse(listings.filter(languages__isnull=True).exists())
        self.assertFalse(listings.filter(phones__isnull=True).exists())
        self.assertTrue(Schedule.objects.filter(freq="MONTHLY").exists())
        self.assertTrue(Language.objects.filter(code="kmr").exists())
        self.assertTrue(Service.objects.exclude(alert="").exists())
        self.assertTrue(Service.objects.exclude(capacity_status="").exists())
        self.assertTrue(Service.objects.filter(cost_options__amount__gt=0).exists())

    def test_it_links_every_waymark_demo_organisation_and_adds_some_not_on_waymark(self):
        linked = Organization.objects.filter(waymark_organisation__isnull=False)
        self.assertEqual(linked.count(), len(accounts_demo.ORGANISATIONS))
        self.assertTrue(Organization.objects.filter(waymark_organisation__isnull=True, services__isnull=False).exists())

    def test_it_never_names_a_directory_organisation_after_a_real_one(self):
        for name in Organization.objects.values_list("name", flat=True):
            for real in REAL_ORGANISATIONS:
                self.assertNotIn(real.lower(), name.lower())

    def test_it_fills_search_text_and_facets_as_the_service_would(self):
        for service in Service.objects.select_related("organization")[::7]:
            stored, stored_facets = service.search_text, service.search_facets
            with self.subTest(service=service.name):
                self.assertTrue(stored)
                self.assertEqual(service.build_search_text(), stored)
                self.assertTrue(stored_facets)
                self.assertEqual(service.search_facets, stored_facets)

    def test_it_gives_the_same_rows_when_run_again(self):
        first = row_counts()
        service = Service.objects.first()
        service.name = "Changed by someone"
        service.save()
        seed()
        self.assertEqual(row_counts(), first)
        service.refresh_from_db()
        self.assertNotEqual(service.name, "Changed by someone")
