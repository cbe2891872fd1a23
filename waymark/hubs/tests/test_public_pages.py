"""The public hub pages: /hubs/ finds the nearest hubs by postcode, /hubs/<uuid>/ says when
and where a hub is open next, what is on offer and who will be there. No sign-in, small,
in every language."""

import datetime as dt
import uuid

from waymark.hubs import actions
from waymark.hubs.models import Hub, RotaInvitation
from waymark.hubs.tests.helpers import MONDAY, HubTestCase, at, make_site

PAGE_BUDGET = 30 * 1024


class PublicHubPagesTestCase(HubTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # A hub in Salford, about 15 km from Bolton.
        salford_site = make_site("Kersal Moor Centre", area=cls.salford, latitude="53.505000", longitude="-2.280000")
        with at(MONDAY):
            cls.salford_hub = actions.do_create_hub(
                name="Salford Hub",
                area=cls.salford,
                lead_organisation=cls.other_org,
                model="weekly_drop_in",
                sites=[salford_site],
                acting_user=cls.outsider,
            )

    def setUp(self):
        self.generate()

    def get(self, url, data=None):
        with at(MONDAY):
            return self.client.get(url, data)

    def test_the_finder_lists_the_nearest_hub_first(self):
        response = self.get("/hubs/", {"near": "BL3 6HH"})
        self.assertContains(response, "Hubs near BL3 6HH")
        body = response.content.decode()
        self.assertLess(body.index("Bolton Hub"), body.index("Salford Hub"))
        self.assertContains(response, "Next open Tuesday 3 March, 10:00–14:00, at Derby Street Community Centre")

    def test_the_finder_lists_every_hub_without_a_postcode(self):
        response = self.get("/hubs/")
        self.assertContains(response, "All hubs")
        self.assertContains(response, f'href="/hubs/{self.salford_hub.uuid}/"')
        self.assertContains(response, "No sessions planned yet.")

    def test_the_finder_explains_a_postcode_it_cannot_read_or_does_not_know(self):
        self.assertContains(self.get("/hubs/", {"near": "not a postcode"}), "Enter a postcode, e.g. BL1 1AA")
        self.assertContains(self.get("/hubs/", {"near": "ZZ9 9ZZ"}), "We do not know this postcode.")

    def test_the_finder_reads_a_fixed_number_of_queries(self):
        for number in range(3):
            Hub.objects.create(
                name=f"Hub {number}", area=self.bolton, lead_organisation=self.hub_org, model="weekly_drop_in"
            )
        with at(MONDAY), self.assertNumQueries(4):
            self.client.get("/hubs/", {"near": "BL3"})

    def test_the_hub_page_says_when_where_what_and_who(self):
        tuesday = self.session_on(dt.date(2026, 3, 3))
        RotaInvitation.objects.create(
            session=tuesday, organisation=self.partner_org, invited_by=self.coordinator, status="confirmed"
        )
        RotaInvitation.objects.create(
            session=tuesday, organisation=self.council_org, invited_by=self.coordinator, status="declined"
        )
        with at(MONDAY):
            actions.do_cancel_session(
                self.session_on(dt.date(2026, 3, 5)), reason="Bank holiday", acting_user=self.volunteer
            )
        response = self.get(f"/hubs/{self.hub.uuid}/")
        self.assertContains(response, "<h1>Bolton Hub</h1>", html=True)
        self.assertContains(response, "Tuesday 3 March 2026, 10:00–14:00, at Derby Street Community Centre")
        self.assertContains(response, "On offer: Welcome and first point of contact, Casework, Hot food")
        self.assertContains(
            response, "Who will be there: Croal Valley Welcome Project, Medlock Immigration Advice Centre"
        )
        self.assertNotContains(response, "Bolton Council")
        self.assertContains(response, "Cancelled.")
        self.assertContains(response, "Bank holiday")
        self.assertContains(response, "12 Derby Street")
        self.assertLess(len(response.content), PAGE_BUDGET)

    def test_the_hub_page_invites_visitors_to_say_how_it_went(self):
        response = self.get(f"/hubs/{self.hub.uuid}/")
        self.assertContains(response, f'href="/hubs/{self.hub.uuid}/feedback/"')

    def test_the_hub_page_reads_a_fixed_number_of_queries(self):
        with at(MONDAY), self.assertNumQueries(7):
            self.client.get(f"/hubs/{self.hub.uuid}/")

    def test_the_hub_page_is_in_the_readers_language_right_to_left(self):
        response = self.get(f"/ar/hubs/{self.hub.uuid}/")
        self.assertContains(response, '<html lang="ar" dir="rtl">')

    def test_an_unknown_hub_is_404(self):
        self.assertEqual(self.get(f"/hubs/{uuid.uuid4()}/").status_code, 404)

    def test_the_pages_stay_small(self):
        for url in ("/hubs/", f"/hubs/{self.hub.uuid}/", f"/fa/hubs/{self.hub.uuid}/"):
            self.assertLess(len(self.get(url, {"near": "BL3"}).content), PAGE_BUDGET, url)
