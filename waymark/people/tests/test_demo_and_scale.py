from waymark.accounts.models import User
from waymark.people.demo import seed_people
from waymark.people.models import Consent, Person, PersonNameWord
from waymark.people.scale import bulk_create_people
from waymark.people.search import find_people
from waymark.places.demo import seed_accommodation_sites
from waymark.testing import BaseTestCase, make_area


class SeedPeopleTestCase(BaseTestCase):
    def test_it_seeds_people_in_several_scripts_once(self):
        # The personas' organisations have the demo's slugs; their users get the demo's e-mails.
        bolton_lead, salford_lead = self.hub_org, self.other_org
        User.objects.filter(pk=self.coordinator.pk).update(email="coordinator@demo.waymark")
        User.objects.filter(pk=self.outsider.pk).update(email="outsider@demo.waymark")
        seed_accommodation_sites()

        created = seed_people()
        self.assertGreater(created, 30)
        self.assertEqual(seed_people(), 0)
        self.assertEqual(Person.objects.count(), created)
        bolton = Person.objects.filter(organisation=bolton_lead)
        self.assertTrue(bolton.filter(display_name="علی").exists())
        self.assertTrue(bolton.filter(display_name="ዮናስ").exists())
        self.assertEqual(find_people(bolton_lead, "علي")[0].display_name, "علی")
        self.assertEqual(Consent.objects.filter(purpose="keep_details").count(), created)
        self.assertTrue(Person.objects.filter(organisation=salford_lead).exists())


class ScaleTestCase(BaseTestCase):
    def test_it_bulk_creates_findable_encrypted_people(self):
        make_area("Wigan")
        created = bulk_create_people(self.hub_org, 250, recorded_by=self.coordinator, batch_size=100)
        self.assertEqual(created, 250)
        self.assertEqual(Person.objects.filter(organisation=self.hub_org).count(), 250)
        self.assertEqual(Consent.objects.filter(person__organisation=self.hub_org).count(), 250)
        self.assertGreaterEqual(PersonNameWord.objects.filter(organisation=self.hub_org).count(), 250)
        someone = Person.objects.filter(phone__isnull=False).exclude(phone_index="").first()
        self.assertTrue(someone.phone.startswith("+447700900"))
        self.assertIn(someone, find_people(self.hub_org, someone.phone, limit=50))
        self.assertEqual(find_people(self.hub_org, someone.reference), [someone])
