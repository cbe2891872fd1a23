import datetime as dt

from waymark.audit.models import RecordAccess
from waymark.people.models import HouseholdMember, JourneyRecord
from waymark.people.tests.helpers import make_person
from waymark.places.models import AccommodationSite
from waymark.testing import BaseTestCase


class JourneyPageTestCase(BaseTestCase):
    def setUp(self):
        self.person = make_person(self.hub_org, "Amina", by=self.volunteer)
        self.url = f"/people/{self.person.uuid}/journey/"
        self.hotel = AccommodationSite.objects.create(
            name="Deane Road Hotel", kind="contingency_hotel", area=self.bolton
        )

    def post(self, **data):
        return self.client.post(
            self.url,
            {
                "stage": "claim_lodged",
                "support_type": "s98",
                "accommodation_type": "contingency_hotel",
                "since": "2025-01-10",
                **data,
            },
        )

    def test_a_caseworker_records_the_journey_and_keeps_the_history(self):
        self.login(self.caseworker)
        self.assertRedirects(
            self.post(accommodation_site=self.hotel.pk), f"/people/{self.person.uuid}/", fetch_redirect_response=False
        )
        self.post(stage="awaiting_decision", support_type="s95", accommodation_type="dispersal", since="2025-03-01")
        self.assertEqual(JourneyRecord.objects.filter(person=self.person).count(), 2)
        current = self.person.current_journey()
        self.assertEqual((current.stage, current.since), ("awaiting_decision", dt.date(2025, 3, 1)))
        self.assertTrue(RecordAccess.objects.filter(user=self.caseworker, what="journey").exists())
        response = self.client.get(f"/people/{self.person.uuid}/")
        self.assertContains(response, "Deane Road Hotel")

    def test_a_site_must_match_the_type_of_accommodation(self):
        self.login(self.caseworker)
        response = self.post(accommodation_type="dispersal", accommodation_site=self.hotel.pk)
        self.assertContains(response, "This site is Contingency hotel", status_code=400)
        self.assertFalse(JourneyRecord.objects.exists())

    def test_a_future_date_is_refused(self):
        self.login(self.caseworker)
        response = self.post(since=(dt.date.today() + dt.timedelta(days=3)).isoformat())
        self.assertContains(response, "cannot be in the future", status_code=400)

    def test_a_volunteer_and_an_outsider_cannot_record_it(self):
        for user in (self.volunteer, self.outsider):
            self.login(user)
            self.assertEqual(self.post().status_code, 404)
        self.assertFalse(JourneyRecord.objects.exists())


class HouseholdPageTestCase(BaseTestCase):
    def setUp(self):
        self.person = make_person(self.hub_org, "Amina", by=self.volunteer)
        self.url = f"/people/{self.person.uuid}/household/"

    def test_a_caseworker_adds_and_removes_a_child(self):
        self.login(self.caseworker)
        response = self.client.post(self.url, {"relationship": "child", "name": "Sara", "year_of_birth": "2019"})
        self.assertEqual(response.status_code, 302)
        member = HouseholdMember.objects.get()
        self.assertEqual((member.name, member.year_of_birth, member.is_child), ("Sara", 2019, True))
        self.client.post(f"{self.url}{member.uuid}/remove/")
        self.assertFalse(HouseholdMember.objects.exists())

    def test_a_volunteer_and_an_outsider_cannot_change_it(self):
        member = HouseholdMember.objects.create(person=self.person, relationship="partner")
        for user in (self.volunteer, self.outsider):
            self.login(user)
            self.assertEqual(self.client.post(self.url, {"relationship": "child"}).status_code, 404)
            self.assertEqual(self.client.post(f"{self.url}{member.uuid}/remove/").status_code, 404)
        self.assertEqual(HouseholdMember.objects.count(), 1)
