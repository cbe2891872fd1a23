import datetime as dt

from django.db import IntegrityError, transaction

from waymark.accounts.models import NationalBody
from waymark.places.models import AccommodationSite
from waymark.testing import BaseTestCase


class AccommodationSiteTestCase(BaseTestCase):
    def test_it_names_a_site_with_its_area_and_provider(self):
        serco = NationalBody.objects.get(slug="serco")
        site = AccommodationSite.objects.create(
            name="Riverside Court", kind=AccommodationSite.Kind.DISPERSAL, provider=serco, area=self.bolton
        )
        self.assertEqual(str(site), "Riverside Court (Bolton)")
        self.assertEqual(site.provider.name, "Serco")
        self.assertEqual(serco.accommodation_sites.get(), site)

    def test_it_is_open_between_its_dates(self):
        site = AccommodationSite(
            name="Hotel",
            kind="contingency_hotel",
            area=self.bolton,
            opened_on=dt.date(2024, 1, 1),
            closed_on=dt.date(2025, 6, 30),
        )
        self.assertFalse(site.is_open_on(dt.date(2023, 12, 31)))
        self.assertTrue(site.is_open_on(dt.date(2025, 6, 30)))
        self.assertFalse(site.is_open_on(dt.date(2025, 7, 1)))
        self.assertTrue(AccommodationSite(name="x", kind="other", area=self.bolton).is_open_on(dt.date.today()))

    def test_it_refuses_to_close_before_it_opened(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            AccommodationSite.objects.create(
                name="Hotel",
                kind="contingency_hotel",
                area=self.bolton,
                opened_on=dt.date(2024, 1, 1),
                closed_on=dt.date(2023, 1, 1),
            )


class AccommodationSiteAdminTestCase(BaseTestCase):
    def test_an_administrator_adds_a_site_in_the_admin(self):
        self.login(self.admin)
        serco = NationalBody.objects.get(slug="serco")
        response = self.client.post(
            "/admin/places/accommodationsite/add/",
            {
                "name": "Deane Road Hotel",
                "kind": "contingency_hotel",
                "provider": serco.pk,
                "area": self.bolton.pk,
                "opened_on": "2024-03-01",
                "closed_on": "",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        site = AccommodationSite.objects.get(name="Deane Road Hotel")
        self.assertEqual((site.kind, site.provider, site.area), ("contingency_hotel", serco, self.bolton))

    def test_the_admin_offers_only_accommodation_providers(self):
        self.login(self.admin)
        response = self.client.get("/admin/places/accommodationsite/add/")
        self.assertContains(response, "Serco")
        self.assertNotContains(response, "Migrant Help")

    def test_it_is_not_found_for_a_member(self):
        self.login(self.coordinator)
        response = self.client.get("/admin/places/accommodationsite/")
        self.assertNotEqual(response.status_code, 200)


class SeedAccommodationSitesTestCase(BaseTestCase):
    def test_it_seeds_the_sites_once_however_often_it_runs(self):
        from waymark.places.demo import seed_accommodation_sites

        seed_accommodation_sites()
        first = AccommodationSite.objects.count()
        self.assertGreater(first, 2)
        seed_accommodation_sites()
        self.assertEqual(AccommodationSite.objects.count(), first)
        self.assertEqual(AccommodationSite.objects.get(name="Croal View Hotel").provider.slug, "serco")
