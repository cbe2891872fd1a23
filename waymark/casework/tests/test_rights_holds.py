import datetime as dt
from unittest import mock

from django.core.exceptions import ValidationError

from waymark.accounts.models import Role
from waymark.audit.models import Event, RecordAccess
from waymark.casework.rights import do_lift_legal_hold, do_place_legal_hold, holds_due_for_review
from waymark.people.models import LegalHold
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase, make_member

TODAY = dt.date(2026, 12, 1)


def today(day=TODAY):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


class HoldTestCase(BaseTestCase):
    def setUp(self):
        self.person = make_person(self.hub_org, "Amina", by=self.caseworker)
        self.rights = f"/people/{self.person.uuid}/rights/"
        self.place = f"/people/{self.person.uuid}/rights/holds/new/"
        self.other_admin = make_member("admin@kersal.example.org", self.other_org, [Role.ORGANISATION_ADMIN])
        self.plain_coordinator = make_member("coordinator2@example.org", self.hub_org, [Role.COORDINATOR])

    def hold(self, review_on=dt.date(2027, 3, 1), person=None):
        return do_place_legal_hold(
            person or self.person, acting_user=self.coordinator, reason="Appeal in court", review_on=review_on
        )

    def not_allowed(self):
        return (self.volunteer, self.caseworker, self.plain_coordinator, self.outsider, self.other_admin)


class HoldActionTests(HoldTestCase):
    def test_placing_and_lifting_are_audited_without_the_reason(self):
        hold = self.hold()
        placed = Event.objects.get(action="people.legal_hold_placed")
        self.assertEqual(placed.object_id, str(hold.uuid))
        self.assertEqual(placed.details, {"person": str(self.person.uuid), "review_on": "2027-03-01"})
        do_lift_legal_hold(hold, acting_user=self.coordinator, reason="The appeal is decided")
        hold.refresh_from_db()
        self.assertFalse(hold.is_active)
        self.assertEqual(hold.lift_reason, "The appeal is decided")
        self.assertEqual(hold.lifted_by, self.coordinator)
        lifted = Event.objects.get(action="people.legal_hold_lifted")
        self.assertNotIn("appeal", str(lifted.details).lower())

    def test_a_reason_and_a_future_review_date_are_needed(self):
        with self.assertRaises(ValidationError):
            do_place_legal_hold(self.person, acting_user=self.coordinator, reason=" ", review_on=dt.date(2030, 1, 1))
        with today(), self.assertRaises(ValidationError):
            do_place_legal_hold(self.person, acting_user=self.coordinator, reason="Inquiry", review_on=TODAY)

    def test_a_hold_is_lifted_once(self):
        hold = self.hold()
        do_lift_legal_hold(hold, acting_user=self.coordinator, reason="Done")
        with self.assertRaises(ValidationError):
            do_lift_legal_hold(hold, acting_user=self.coordinator, reason="Again")

    def test_holds_past_their_review_date_are_due(self):
        with today(dt.date(2026, 1, 1)):
            late = self.hold(review_on=dt.date(2026, 6, 1))
            later = self.hold(review_on=dt.date(2026, 11, 30))
            self.hold(review_on=dt.date(2027, 6, 1))
        stranger = make_person(self.other_org, "Stranger", by=self.outsider)
        with today(dt.date(2026, 1, 1)):
            self.hold(review_on=dt.date(2026, 2, 1), person=stranger)
        self.assertEqual(list(holds_due_for_review(self.hub_org, TODAY)), [late, later])


class RightsPageTests(HoldTestCase):
    def test_the_admin_sees_holds_and_the_buttons(self):
        hold = self.hold()
        self.login(self.coordinator)
        response = self.client.get(self.rights)
        self.assertContains(response, "Appeal in court")
        self.assertContains(response, f"/people/{self.person.uuid}/subject-access/")
        self.assertContains(response, f"/people/{self.person.uuid}/subject-access.json")
        self.assertContains(response, f"/rights/holds/{hold.uuid}/lift/")
        # Held: erasure is refused, with the reason, and no erase button.
        self.assertContains(response, "It must be lifted first")
        self.assertNotContains(response, f"/people/{self.person.uuid}/erase/")
        self.assertTrue(RecordAccess.objects.filter(person_uuid=self.person.uuid, what="rights").exists())

    def test_without_a_hold_it_offers_erasure(self):
        self.login(self.coordinator)
        self.assertContains(self.client.get(self.rights), f"/people/{self.person.uuid}/erase/")

    def test_placing_a_hold_through_the_form(self):
        self.login(self.coordinator)
        response = self.client.post(self.place, {"reason": "", "review_on": "2020-01-01"})
        self.assertContains(response, "Say why the records are held", status_code=400)
        self.assertContains(response, "error-summary", status_code=400)
        response = self.client.post(self.place, {"reason": "Inquiry", "review_on": "2020-01-01"})
        self.assertContains(response, "Give a review date in the future", status_code=400)
        self.assertFalse(LegalHold.objects.exists())
        response = self.client.post(self.place, {"reason": "Safeguarding inquiry", "review_on": "2031-01-31"})
        self.assertRedirects(response, self.rights)
        hold = LegalHold.objects.get()
        self.assertEqual(
            (hold.reason, hold.review_on, hold.placed_by),
            ("Safeguarding inquiry", dt.date(2031, 1, 31), self.coordinator),
        )

    def test_lifting_a_hold_through_the_form(self):
        hold = self.hold()
        url = f"/people/{self.person.uuid}/rights/holds/{hold.uuid}/lift/"
        self.login(self.coordinator)
        self.assertContains(self.client.get(url), "Appeal in court")
        response = self.client.post(url, {"reason": ""})
        self.assertContains(response, "Say why the hold is lifted", status_code=400)
        response = self.client.post(url, {"reason": "Decided"})
        self.assertRedirects(response, self.rights)
        hold.refresh_from_db()
        self.assertFalse(hold.is_active)
        # A lifted hold cannot be lifted again.
        self.assertEqual(self.client.post(url, {"reason": "Again"}).status_code, 404)

    def test_only_organisation_admins_of_the_organisation_may(self):
        hold = self.hold()
        lift = f"/people/{self.person.uuid}/rights/holds/{hold.uuid}/lift/"
        for user in self.not_allowed():
            self.login(user)
            for url in (self.rights, self.place, lift):
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)
                    self.assertEqual(self.client.post(url, {"reason": "x", "review_on": "2031-01-01"}).status_code, 404)
        self.assertEqual(LegalHold.objects.count(), 1)
        self.assertTrue(LegalHold.objects.get().is_active)

    def test_anonymous_is_sent_to_sign_in(self):
        for url in (self.rights, self.place, "/rights/holds/"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn("/accounts/login/", response["Location"])


class HoldsListTests(HoldTestCase):
    def test_it_lists_the_organisations_holds_due_first_without_n_plus_1(self):
        with today(dt.date(2026, 1, 1)):
            for index in range(4):
                person = make_person(self.hub_org, f"Person {index}", by=self.caseworker)
                self.hold(review_on=dt.date(2026, 6, 1) if index % 2 else dt.date(2030, 1, 1), person=person)
            stranger = make_person(self.other_org, "Stranger", by=self.outsider)
            self.hold(review_on=dt.date(2026, 6, 1), person=stranger)
        self.login(self.coordinator)
        self.client.get("/rights/holds/")  # warm the session and the caches
        with self.assertNumQueries(7):
            response = self.client.get("/rights/holds/")
        self.assertEqual(len(response.context["due"]), 2)
        self.assertEqual(len(response.context["later"]), 2)
        self.assertContains(response, "Person 1")
        self.assertNotContains(response, "Stranger")

    def test_only_organisation_admins_may_and_see_only_their_own(self):
        self.hold()
        for user in (self.volunteer, self.caseworker, self.plain_coordinator, self.outsider):
            self.login(user)
            with self.subTest(user=user.email):
                self.assertEqual(self.client.get("/rights/holds/").status_code, 404)
        # Another organisation's admin sees their own organisation's (none), not ours.
        self.login(self.other_admin)
        response = self.client.get("/rights/holds/")
        self.assertEqual(response.context["due"] + response.context["later"], [])
        self.assertNotContains(response, "Amina")
