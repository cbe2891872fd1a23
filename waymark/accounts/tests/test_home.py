from waymark.testing import BaseTestCase


class HomeTestCase(BaseTestCase):
    def test_it_welcomes_visitors_and_offers_sign_in(self):
        response = self.client.get("/")
        self.assertContains(response, "Welcome to Waymark")
        self.assertContains(response, '<a href="/accounts/login/">Sign in</a>', html=True)
        self.assertNotContains(response, "/organisation/members/")

    def test_it_shows_an_organisation_admin_their_organisation_and_admin_pages(self):
        self.login(self.coordinator)
        response = self.client.get("/")
        self.assertContains(response, "You are signed in for Croal Valley Welcome Project.")
        self.assertContains(response, "Your roles: Coordinator, Safeguarding lead, Organisation admin.")
        self.assertContains(response, 'href="/organisation/members/"')
        self.assertContains(response, 'href="/organisation/audit/"')
        self.assertNotContains(response, 'href="/audit/"')

    def test_it_shows_a_caseworker_no_admin_pages(self):
        self.login(self.caseworker)
        response = self.client.get("/")
        self.assertContains(response, "Your roles: Caseworker.")
        self.assertNotContains(response, 'href="/organisation/members/"')
        self.assertNotContains(response, 'href="/organisation/audit/"')
        self.assertContains(response, 'href="/accounts/2fa/"')

    def test_it_shows_an_outsider_their_own_organisation(self):
        self.login(self.outsider)
        response = self.client.get("/")
        self.assertContains(response, "You are signed in for Kersal Moor Welcome Centre.")
        self.assertNotContains(response, "Croal Valley Welcome Project")
        self.assertNotContains(response, 'href="/organisation/members/"')

    def test_it_shows_an_administrator_every_audit_event_and_the_admin_site(self):
        self.login(self.admin)
        response = self.client.get("/")
        self.assertContains(response, 'href="/audit/"')
        self.assertContains(response, 'href="/admin/"')
