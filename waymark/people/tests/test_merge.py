import datetime as dt

from django.core.exceptions import ValidationError

from waymark.audit.models import Event
from waymark.people.actions import do_add_household_member, do_merge_people, do_record_journey, relations_to_person
from waymark.people.models import Consent, HouseholdMember, JourneyRecord, Person
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase


class MergeTestCase(BaseTestCase):
    def setUp(self):
        self.kept = make_person(self.hub_org, "Amina", by=self.volunteer, languages=["ar"])
        self.merged = make_person(
            self.hub_org,
            "Amina Y",
            by=self.volunteer,
            phone="07700 900123",
            languages=["en", "ar"],
            contact_consent=True,
        )
        do_record_journey(self.kept, acting_user=self.caseworker, stage="claim_lodged", since=dt.date(2024, 1, 5))
        do_record_journey(
            self.merged, acting_user=self.caseworker, stage="awaiting_decision", since=dt.date(2024, 6, 1)
        )
        do_add_household_member(self.merged, acting_user=self.caseworker, relationship="child", year_of_birth=2019)

    def test_merging_keeps_both_histories(self):
        do_merge_people(self.kept, self.merged, acting_user=self.coordinator)
        self.kept.refresh_from_db()
        self.merged.refresh_from_db()
        self.assertEqual(self.merged.merged_into, self.kept)
        self.assertEqual(JourneyRecord.objects.filter(person=self.kept).count(), 2)
        self.assertEqual(self.kept.current_journey().stage, "awaiting_decision")
        self.assertEqual(Consent.objects.filter(person=self.kept).count(), 3)
        self.assertEqual(HouseholdMember.objects.get().person, self.kept)
        # What the kept record lacked comes from the other one.
        self.assertEqual(self.kept.phone, "+447700900123")
        self.assertEqual(self.kept.languages, ["ar", "en"])
        self.assertTrue(self.kept.may_contact())
        self.assertEqual(list(Person.objects.current().filter(organisation=self.hub_org)), [self.kept])
        event = Event.objects.get(action="person.merged")
        self.assertEqual(event.details["merged"], str(self.merged.uuid))
        self.assertEqual(event.details["moved"]["people.journeyrecord.person"], 1)

    def test_every_foreign_key_to_person_is_found(self):
        found = {f"{model._meta.label_lower}.{field.name}" for model, field in relations_to_person()}
        self.assertLessEqual(
            {
                "people.journeyrecord.person",
                "people.consent.person",
                "people.householdmember.person",
                "people.person.merged_into",
            },
            found,
        )

    def test_it_refuses_records_of_other_organisations_and_repeated_merges(self):
        elsewhere = make_person(self.other_org, "Amina", by=self.outsider)
        with self.assertRaises(ValidationError):
            do_merge_people(self.kept, elsewhere, acting_user=self.coordinator)
        with self.assertRaises(ValidationError):
            do_merge_people(self.kept, self.kept, acting_user=self.coordinator)
        do_merge_people(self.kept, self.merged, acting_user=self.coordinator)
        with self.assertRaises(ValidationError):
            do_merge_people(self.kept, self.merged, acting_user=self.coordinator)

    def test_a_coordinator_merges_through_the_page_after_confirming(self):
        self.login(self.coordinator)
        url = f"/people/{self.kept.uuid}/merge/"
        response = self.client.post(url, {"reference": self.merged.printed_reference})
        self.assertContains(response, "Check that these are the same person")
        self.assertIsNone(Person.objects.get(pk=self.merged.pk).merged_into)
        response = self.client.post(url, {"reference": self.merged.reference, "confirm": "on"})
        self.assertRedirects(response, f"/people/{self.kept.uuid}/", fetch_redirect_response=False)
        self.assertEqual(Person.objects.get(pk=self.merged.pk).merged_into, self.kept)
        # The old record's page leads to the kept one.
        response = self.client.get(f"/people/{self.merged.uuid}/")
        self.assertRedirects(response, f"/people/{self.kept.uuid}/", fetch_redirect_response=False)

    def test_a_caseworker_cannot_merge(self):
        self.login(self.caseworker)
        url = f"/people/{self.kept.uuid}/merge/"
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.post(url, {"reference": self.merged.reference, "confirm": "on"})
        self.assertIsNone(Person.objects.get(pk=self.merged.pk).merged_into)

    def test_an_outsider_cannot_merge(self):
        self.login(self.outsider)
        response = self.client.post(
            f"/people/{self.kept.uuid}/merge/", {"reference": self.merged.reference, "confirm": "on"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertIsNone(Person.objects.get(pk=self.merged.pk).merged_into)

    def test_an_unknown_reference_is_explained(self):
        self.login(self.coordinator)
        response = self.client.post(f"/people/{self.kept.uuid}/merge/", {"reference": "AAAA AAAA"})
        self.assertContains(response, "No other current record", status_code=400)
