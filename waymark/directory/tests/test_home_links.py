"""The start page shows signed-in people the map pages their roles open, and no others."""

from django.urls import reverse

from waymark.directory.tests.builders import make_organization
from waymark.testing import BaseTestCase


class HomeLinksTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_organization(cls.hub_org.name, waymark_organisation=cls.hub_org, network=cls.network)

    def links(self, user):
        if user is not None:
            self.login(user)
        html = self.client.get(reverse("home")).content.decode()
        return {
            name
            for name in ("directory:listings", "directory:own_feedback", "directory:editors_dashboard")
            if f'href="{reverse(name)}"' in html
        }

    def test_a_coordinator_sees_their_listings_and_feedback(self):
        self.assertEqual(self.links(self.coordinator), {"directory:listings", "directory:own_feedback"})

    def test_a_volunteer_of_the_same_organisation_sees_neither(self):
        self.assertEqual(self.links(self.volunteer), set())

    def test_an_outsider_sees_none_of_them(self):
        self.assertEqual(self.links(self.outsider), set())

    def test_a_directory_editor_sees_the_dashboard(self):
        self.assertEqual(self.links(self.editor), {"directory:editors_dashboard"})

    def test_a_visitor_sees_none_of_them(self):
        self.assertEqual(self.links(None), set())


class HomeInvitesOrganisationsTests(BaseTestCase):
    def test_a_visitor_can_reach_add_your_organisation_and_suggest_a_service(self):
        html = self.client.get(reverse("home")).content.decode()
        self.assertIn(f'href="{reverse("directory:register")}"', html)
        self.assertIn(f'href="{reverse("directory:suggest_service")}"', html)
