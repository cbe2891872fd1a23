"""The start page takes a hub's team to today's session, their hubs and the people; a partner
to its rota invitations; a network lead to the network's hubs; and nobody anywhere else."""

import datetime as dt

from waymark.accounts.models import PlatformRole
from waymark.hubs.models import LONDON
from waymark.hubs.tests.helpers import HubTestCase, at

TUESDAY_MORNING = dt.datetime(2026, 3, 3, 9, 30, tzinfo=LONDON)
WEDNESDAY = dt.datetime(2026, 3, 4, 9, 30, tzinfo=LONDON)


class StartPageTests(HubTestCase):
    def setUp(self):
        self.generate()

    def start_page(self, user, moment=TUESDAY_MORNING):
        self.login(user)
        with at(moment):
            return self.client.get("/")

    def test_the_team_is_taken_to_todays_session_their_hubs_and_the_people(self):
        response = self.start_page(self.volunteer)
        session = self.session_on(dt.date(2026, 3, 3))
        self.assertContains(response, f'href="/organisation/sessions/{session.uuid}/"')
        self.assertContains(response, "Today at Bolton Hub: check people in")
        self.assertContains(response, 'href="/organisation/hubs/"')
        self.assertContains(response, 'href="/people/"')

    def test_on_a_day_without_a_session_there_is_no_desk_link(self):
        response = self.start_page(self.volunteer, WEDNESDAY)
        self.assertNotContains(response, "check people in")
        self.assertContains(response, 'href="/organisation/hubs/"')

    def test_a_member_whose_organisation_runs_no_hub_sees_no_hub_pages(self):
        response = self.start_page(self.outsider)
        self.assertNotContains(response, 'href="/organisation/hubs/"')
        self.assertNotContains(response, "check people in")
        self.assertNotContains(response, 'href="/organisation/rota/"')

    def test_a_partner_is_taken_to_its_rota_invitations(self):
        response = self.start_page(self.partner)
        self.assertContains(response, 'href="/organisation/rota/"')
        self.assertNotContains(response, "check people in")

    def test_a_network_lead_is_taken_to_the_networks_hubs(self):
        response = self.start_page(self.make_network_lead())
        self.assertContains(response, 'href="/network/"')

    def make_network_lead(self):
        from waymark.testing import make_network, make_user

        user = make_user("lead@example.org")
        network = make_network("Greater Manchester", areas=[self.bolton])
        PlatformRole.objects.create(user=user, kind=PlatformRole.Kind.NETWORK_LEAD, network=network)
        return user
