"""generate_scale_data --services: generated services a search can find, over real outcodes."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from waymark.directory.models import Attribute, Language, Location, Schedule, Service, ServiceAtLocation
from waymark.directory.search import SearchQuery, search_services
from waymark.places.geo import haversine_m
from waymark.places.models import OutcodeCentroid


def generate(**options):
    out = StringIO()
    defaults = {"organisations": 0, "networks": 0, "areas": 0, "stdout": out}
    call_command("generate_scale_data", **{**defaults, **options})
    return out.getvalue()


@override_settings(WAYMARK_DEMO=True)
class GenerateServicesTests(TestCase):
    def test_services_with_what_a_search_reads(self):
        output = generate(services=30, prefix="svc", batch_size=7)
        self.assertIn("30 services", output)
        services = Service.objects.filter(name__endswith="0000001")
        self.assertEqual(services.count(), 1)
        self.assertEqual(Service.objects.count(), 30)
        self.assertEqual(ServiceAtLocation.objects.count(), 30)
        self.assertEqual(Schedule.objects.filter(service__isnull=False).values("service").distinct().count(), 30)
        self.assertGreaterEqual(Attribute.objects.filter(link_entity="service").count(), 30)
        self.assertGreater(Language.objects.count(), 0)
        self.assertFalse(Service.objects.filter(search_text="").exists())

    def test_locations_lie_near_real_outcode_centroids(self):
        generate(services=10, prefix="near")
        centroids = list(OutcodeCentroid.objects.values_list("latitude", "longitude"))
        for location in Location.objects.all():
            nearest = min(
                haversine_m(float(location.latitude), float(location.longitude), latitude, longitude)
                for latitude, longitude in centroids
            )
            self.assertLess(nearest, 3_000)

    def test_a_search_finds_generated_services_by_their_need(self):
        generate(services=40, prefix="found")
        service = Service.objects.filter(status=Service.Status.ACTIVE).order_by("name").first()
        need = service.needs().first()
        results = search_services(SearchQuery(need=need.slug), page_size=100)
        self.assertIn(service.id, [found.id for found in results.services])
        word = service.name.split()[0]
        self.assertIn(service.id, [found.id for found in search_services(SearchQuery(q=word), page_size=100).services])

    def test_the_same_prefix_twice_is_refused(self):
        generate(services=3, prefix="twice")
        with self.assertRaisesMessage(CommandError, "exist already"):
            generate(services=3, prefix="twice")

    def test_the_number_of_services_is_checked(self):
        with self.assertRaisesMessage(CommandError, "--services must be between 0 and 9999999"):
            generate(services=-1, prefix="bad")
