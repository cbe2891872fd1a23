"""Organisations keep their own listings: pages open only to its coordinators and organisation
admins, proposals become change requests, nothing public before approval."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from waymark.accounts.models import Role
from waymark.audit.models import Event
from waymark.directory.listing_data import apply_service_data
from waymark.directory.models import ChangeRequest, Location, Service, ServiceCapacity, Unit
from waymark.directory.tests.builders import make_need, make_organization
from waymark.testing import BaseTestCase, make_member


def service_post(**changes):
    """A complete POST of the service form: a food bank on Monday and Wednesday mornings."""
    data = {
        "name": "Food bank",
        "description": "Food parcels.",
        "free": "on",
        "gender": "any",
        "for": ["anyone"],
        "access": ["drop_in"],
        "languages": ["en", "ar"],
        "needs": ["food"],
        "MO_opens_1": "10:00",
        "MO_closes_1": "13:00",
        "WE_opens_1": "10:00",
        "WE_closes_1": "13:00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


class ManageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.food = make_need("food")
        cls.organization = make_organization(waymark_organisation=cls.hub_org, network=cls.network)
        cls.service = apply_service_data(
            Service(organization=cls.organization),
            {
                "name": "Food bank",
                "description": "Food parcels.",
                "free": True,
                "for": ["anyone"],
                "access": ["drop_in"],
                "languages": ["en", "ar"],
                "needs": ["food"],
                "opening_times": [{"days": ["MO", "WE"], "opens_at": "10:00", "closes_at": "13:00"}],
            },
            organization=cls.organization,
        )
        cls.location = Location.objects.create(location_type="physical", name="Hall", organization=cls.organization)
        cls.other_organization = make_organization("Kersal Moor", waymark_organisation=cls.other_org)
        cls.other_coordinator = make_member("other.coordinator@example.org", cls.other_org, [Role.COORDINATOR])

    def urls(self):
        service, location = self.service.id, self.location.id
        return [
            reverse("directory:listings"),
            reverse("directory:edit_organization"),
            reverse("directory:add_service"),
            reverse("directory:edit_service", args=[service]),
            reverse("directory:remove_service", args=[service]),
            reverse("directory:set_capacity", args=[service]),
            reverse("directory:set_notice", args=[service]),
            reverse("directory:edit_translations", args=[service]),
            reverse("directory:add_location"),
            reverse("directory:edit_location", args=[location]),
            reverse("directory:edit_location_translations", args=[location]),
            reverse("directory:edit_organization_translations"),
        ]

    def urls_of_listings(self):
        """The pages about one of the organisation's own listings (not its own pages)."""
        service, location = self.service.id, self.location.id
        return [
            reverse("directory:edit_service", args=[service]),
            reverse("directory:remove_service", args=[service]),
            reverse("directory:set_capacity", args=[service]),
            reverse("directory:set_notice", args=[service]),
            reverse("directory:edit_translations", args=[service]) + "?language=ar",
            reverse("directory:edit_location", args=[location]),
            reverse("directory:edit_location_translations", args=[location]) + "?language=ar",
        ]


class AccessTests(ManageTestCase):
    def test_the_coordinator_sees_every_page(self):
        self.login(self.coordinator)
        for url in self.urls():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_members_without_a_listing_role_get_404(self):
        for user in (self.volunteer, self.caseworker, self.outsider, self.editor):
            self.login(user)
            for url in self.urls():
                with self.subTest(user=user.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)

    def test_another_organisations_coordinator_cannot_touch_these_listings(self):
        self.login(self.other_coordinator)
        self.assertEqual(self.client.get(reverse("directory:listings")).status_code, 200)
        for url in self.urls_of_listings():
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url, service_post(name="Mine")).status_code, 404)
        self.assertFalse(ChangeRequest.objects.exists())

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        for url in self.urls():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("account_login"), response["Location"])


class ListingsPageTests(ManageTestCase):
    def test_it_lists_services_locations_and_changes_in_a_fixed_number_of_queries(self):
        for number in range(3):
            apply_service_data(
                Service(organization=self.organization),
                {"name": f"Extra {number}", "free": True},
                organization=self.organization,
            )
            ChangeRequest.objects.create(
                organization=self.organization,
                target_type="service",
                target_id=self.service.id,
                proposed={"name": f"Name {number}"},
                summary=f"Name {number}",
                previous={"name": "Food bank"},
                submitted_by=self.coordinator,
                status="pending" if number else "rejected",
                reason="No." if not number else "",
                decided_by=None if number else self.editor,
            )
        self.login(self.coordinator)
        self.client.get(reverse("directory:listings"))  # warm the session

        with self.assertNumQueries(11):
            response = self.client.get(reverse("directory:listings"))

        self.assertContains(response, "Food bank")
        self.assertContains(response, "Extra 2")
        self.assertContains(response, "Hall")
        self.assertContains(response, "Name 2")
        self.assertContains(response, "Rejected")


class ProposeServiceTests(ManageTestCase):
    def test_an_edit_becomes_a_change_request_and_nothing_public_changes(self):
        self.login(self.coordinator)

        response = self.client.post(
            reverse("directory:edit_service", args=[self.service.id]),
            service_post(name="Community food bank", SA_opens_1="09:30", SA_closes_1="12:00"),
        )

        change = ChangeRequest.objects.get()
        self.assertRedirects(response, reverse("directory:own_change_request", args=[change.uuid]))
        self.assertEqual(
            change.proposed,
            {
                "name": "Community food bank",
                "opening_times": [
                    {"days": ["MO", "WE"], "opens_at": "10:00", "closes_at": "13:00"},
                    {"days": ["SA"], "opens_at": "09:30", "closes_at": "12:00"},
                ],
            },
        )
        self.assertEqual(change.previous["name"], "Food bank")
        self.assertEqual((change.submitted_by, change.kind), (self.coordinator, "update"))
        self.assertEqual(Service.objects.get(id=self.service.id).name, "Food bank")
        self.assertFalse(Service.objects.public().filter(name="Community food bank").exists())
        public_page = self.client.get(reverse("directory:service", args=[self.service.id]))
        self.assertNotContains(public_page, "Community food bank")

    def test_the_form_shows_the_live_values(self):
        self.login(self.coordinator)
        response = self.client.get(reverse("directory:edit_service", args=[self.service.id]))
        self.assertContains(response, 'value="Food bank"')
        self.assertContains(response, 'name="MO_opens_1" value="10:00"')

    def test_it_says_when_changes_are_already_waiting(self):
        self.login(self.coordinator)
        url = reverse("directory:edit_service", args=[self.service.id])
        self.assertNotContains(self.client.get(url), "already waiting for review")
        self.client.post(url, service_post(name="Community food bank"))
        self.assertContains(self.client.get(url), "already waiting for review")

    def test_it_shows_errors_and_makes_no_request(self):
        self.login(self.coordinator)
        response = self.client.post(
            reverse("directory:edit_service", args=[self.service.id]),
            service_post(minimum_age="40", maximum_age="10", TU_opens_1="14:00", TU_closes_1="12:00", free=None),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There is a problem")
        self.assertContains(response, "The minimum age must not be above the maximum age.")
        self.assertFalse(ChangeRequest.objects.exists())

    def test_it_refuses_immigration_advice_without_a_regulator(self):
        make_need("immigration-advice")
        self.login(self.coordinator)
        response = self.client.post(
            reverse("directory:edit_service", args=[self.service.id]), service_post(needs=["immigration-advice"])
        )
        self.assertContains(response, "Immigration advice must be regulated")
        self.assertFalse(ChangeRequest.objects.exists())

    def test_a_session_needs_both_times(self):
        self.login(self.coordinator)
        response = self.client.post(
            reverse("directory:edit_service", args=[self.service.id]), service_post(FR_opens_1="10:00")
        )
        self.assertContains(response, "Give both the opening and the closing time.")

    def test_an_unchanged_form_says_nothing_has_changed(self):
        self.login(self.coordinator)
        response = self.client.post(reverse("directory:edit_service", args=[self.service.id]), service_post())
        self.assertContains(response, "Nothing has changed")
        self.assertFalse(ChangeRequest.objects.exists())

    def test_a_new_service_waits_for_approval(self):
        self.login(self.coordinator)
        response = self.client.post(reverse("directory:add_service"), service_post(name="Sewing circle"))
        change = ChangeRequest.objects.get()
        self.assertRedirects(response, reverse("directory:own_change_request", args=[change.uuid]))
        self.assertEqual((change.kind, change.target_id), ("create", None))
        self.assertFalse(Service.objects.filter(name="Sewing circle").exists())

    def test_removal_is_a_change_request(self):
        self.login(self.coordinator)
        self.client.post(reverse("directory:remove_service", args=[self.service.id]))
        change = ChangeRequest.objects.get()
        self.assertEqual((change.kind, change.proposed), ("remove", {"status": "defunct"}))
        self.assertEqual(Service.objects.get(id=self.service.id).status, "active")


class ProposeOtherChangesTests(ManageTestCase):
    def test_the_organisation_details(self):
        self.login(self.coordinator)
        response = self.client.post(
            reverse("directory:edit_organization"),
            {
                "name": "Croal Valley Welcome",
                "description": self.organization.description,
                "data_sharing_with_authorities": "never_without_consent",
            },
        )
        change = ChangeRequest.objects.get()
        self.assertRedirects(response, reverse("directory:own_change_request", args=[change.uuid]))
        self.assertEqual(
            change.proposed,
            {"name": "Croal Valley Welcome", "data_sharing_with_authorities": "never_without_consent"},
        )

    def test_a_new_location_with_a_hidden_address(self):
        self.login(self.coordinator)
        post = {
            "name": "Refuge",
            "address_1": "1 Secret Street",
            "city": "Bolton",
            "postal_code": "BL1 1AA",
            "address_hidden": "on",
            "area": "",
        }
        response = self.client.post(reverse("directory:add_location"), post)
        self.assertContains(response, "A location with a hidden address must show its area.")

        self.client.post(reverse("directory:add_location"), dict(post, area="bolton"))
        change = ChangeRequest.objects.get()
        self.assertEqual((change.target_type, change.proposed["address_hidden"]), ("location", True))
        self.assertFalse(Location.objects.filter(name="Refuge").exists())

    def test_a_translation(self):
        self.login(self.coordinator)
        url = reverse("directory:edit_translations", args=[self.service.id]) + "?language=ar"
        self.assertContains(self.client.get(url), "In English: Food parcels.")

        self.client.post(url, {"name": "بنك الطعام", "description": ""})

        change = ChangeRequest.objects.get()
        self.assertEqual(
            change.proposed, {"object": "directory.service", "language": "ar", "texts": {"name": "بنك الطعام"}}
        )

    def test_translations_of_the_organisation_and_a_location(self):
        self.organization.alternate_name = "CVWP"
        self.organization.save()
        self.login(self.coordinator)
        self.client.post(
            reverse("directory:edit_organization_translations") + "?language=fr",
            {"description": "Accueille les gens."},
        )
        self.client.post(
            reverse("directory:edit_location_translations", args=[self.location.id]) + "?language=uk",
            {"name": "Зала"},
        )
        changes = ChangeRequest.objects.order_by("submitted_at")
        self.assertEqual(
            [(change.target_id, change.proposed) for change in changes],
            [
                (
                    self.organization.id,
                    {
                        "object": "directory.organization",
                        "language": "fr",
                        "texts": {"description": "Accueille les gens."},
                    },
                ),
                (self.location.id, {"object": "directory.location", "language": "uk", "texts": {"name": "Зала"}}),
            ],
        )

    def test_an_unknown_translation_language_offers_no_form(self):
        self.login(self.coordinator)
        response = self.client.get(reverse("directory:edit_translations", args=[self.service.id]) + "?language=xx")
        self.assertNotContains(response, "In English")


class LiveChangeTests(ManageTestCase):
    def test_capacity_goes_live_at_once_and_is_audited(self):
        self.login(self.coordinator)
        response = self.client.post(
            reverse("directory:set_capacity", args=[self.service.id]), {"capacity_status": "full"}
        )
        self.assertRedirects(response, reverse("directory:listings"))
        self.assertEqual(Service.objects.get(id=self.service.id).capacity_status, "full")
        self.assertTrue(Event.objects.filter(action="directory.capacity_set", actor=self.coordinator).exists())
        self.assertFalse(ChangeRequest.objects.exists())

    def test_capacity_may_count_beds(self):
        bed = Unit.objects.create(name="Bed")
        self.login(self.coordinator)
        url = reverse("directory:set_capacity", args=[self.service.id])
        response = self.client.post(
            url, {"capacity_status": "taking_new", "unit": bed.pk, "available": "9", "maximum": "4"}
        )
        self.assertContains(response, "More cannot be free than there are.")

        self.client.post(url, {"capacity_status": "taking_new", "unit": bed.pk, "available": "2", "maximum": "4"})

        capacity = ServiceCapacity.objects.get(service=self.service)
        self.assertEqual((capacity.unit, capacity.available, capacity.maximum), (bed, 2, 4))

    def test_the_notice_goes_live_at_once(self):
        self.login(self.coordinator)
        ends = timezone.localdate() + dt.timedelta(days=2)
        self.client.post(
            reverse("directory:set_notice", args=[self.service.id]),
            {"alert": "Closed for Eid.", "alert_ends_on": ends.isoformat()},
        )
        service = Service.objects.get(id=self.service.id)
        self.assertEqual((service.alert, service.alert_ends_on), ("Closed for Eid.", ends))
        self.assertTrue(Event.objects.filter(action="directory.notice_set").exists())

    def test_a_notice_ending_in_the_past_is_refused(self):
        self.login(self.coordinator)
        response = self.client.post(
            reverse("directory:set_notice", args=[self.service.id]),
            {"alert": "Closed.", "alert_ends_on": "2000-01-01"},
        )
        self.assertContains(response, "The end date has already passed.")
        self.assertEqual(Service.objects.get(id=self.service.id).alert, "")


class OwnChangeRequestTests(ManageTestCase):
    def setUp(self):
        self.change = ChangeRequest.objects.create(
            organization=self.organization,
            target_type="service",
            target_id=self.service.id,
            proposed={"needs": ["food"], "languages": ["ar"]},
            previous={"needs": [], "languages": ["en"]},
            submitted_by=self.coordinator,
        )
        self.url = reverse("directory:own_change_request", args=[self.change.uuid])

    def test_it_shows_the_change_readably_and_can_be_withdrawn(self):
        self.login(self.coordinator)
        response = self.client.get(self.url)
        self.assertContains(response, "Arabic")
        self.assertContains(response, "Food")

        self.client.post(self.url)

        self.change.refresh_from_db()
        self.assertEqual(self.change.status, "withdrawn")
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "already been dealt with")

    def test_no_one_else_sees_it(self):
        for user in (self.volunteer, self.caseworker, self.outsider, self.other_coordinator, self.editor):
            self.login(user)
            with self.subTest(user=user.email):
                self.assertEqual(self.client.get(self.url).status_code, 404)
                self.assertEqual(self.client.post(self.url).status_code, 404)
        self.change.refresh_from_db()
        self.assertEqual(self.change.status, "pending")
