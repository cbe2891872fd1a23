"""bulk_create_visits: many visits quickly, as a desk sees them."""

from django.db.models import Count

from waymark.hubs.models import Visit
from waymark.hubs.scale import bulk_create_visits
from waymark.hubs.tests.helpers import HubTestCase
from waymark.people.scale import bulk_create_people


class BulkVisitsTests(HubTestCase):
    def test_it_spreads_visits_over_sessions_once_per_person_each(self):
        bulk_create_people(self.hub_org, 60, recorded_by=self.coordinator)
        made = bulk_create_visits([self.hub], 500, per_session=25, batch_size=120)

        self.assertEqual(made, 500)
        self.assertEqual(Visit.objects.count(), 500)
        self.assertEqual(Visit.objects.values("session").distinct().count(), 20)
        self.assertEqual(Visit.objects.filter(anonymous=True).count(), 20)
        per_person = Visit.objects.filter(person__isnull=False).values("person").annotate(visits=Count("id"))
        self.assertEqual(Visit.objects.filter(first_visit=True).count(), per_person.count())
        # Most people come back.
        self.assertGreater(sum(1 for row in per_person if row["visits"] > 1), per_person.count() * 0.8)
        for person_id in Visit.objects.filter(first_visit=True).values_list("person", flat=True)[:10]:
            visits = list(Visit.objects.filter(person_id=person_id).order_by("session__date", "session__id"))
            self.assertTrue(visits[0].first_visit)

    def test_it_adds_to_what_is_there(self):
        bulk_create_people(self.hub_org, 10, recorded_by=self.coordinator)
        bulk_create_visits([self.hub], 30, per_session=10)
        bulk_create_visits([self.hub], 30, per_session=10, seed=2)
        self.assertEqual(Visit.objects.count(), 60)
        self.assertLessEqual(Visit.objects.filter(first_visit=True).count(), 10)
