"""The team's pages: every one as the allowed user, a member of the lead organisation whose
roles or team place do not allow it, and an outsider from another organisation."""

import datetime as dt

from waymark.audit.models import Event
from waymark.hubs.models import Hub, HubSession, RotaInvitation, SessionPattern
from waymark.hubs.tests.helpers import MONDAY, HubTestCase, at


class StaffPagesTestCase(HubTestCase):
    def setUp(self):
        self.generate()
        self.tuesday = self.session_on(dt.date(2026, 3, 3))

    def get(self, user, url):
        self.login(user)
        with at(MONDAY):
            return self.client.get(url)

    def post(self, user, url, data):
        self.login(user)
        with at(MONDAY), self.captureOnCommitCallbacks(execute=True):
            return self.client.post(url, data)

    # --- my hubs and the dashboard -------------------------------------------------------

    def test_my_hubs_lists_the_hubs_a_team_member_runs(self):
        response = self.get(self.volunteer, "/organisation/hubs/")
        self.assertContains(response, f'<a href="/organisation/hubs/{self.hub.uuid}/">Bolton Hub</a>', html=True)
        self.assertContains(response, "Derby Street Community Centre")
        self.assertNotContains(response, "Add a hub")

    def test_my_hubs_offers_a_coordinator_to_add_a_hub(self):
        response = self.get(self.coordinator, "/organisation/hubs/")
        self.assertContains(response, "Bolton Hub")
        self.assertContains(response, "Add a hub")

    def test_my_hubs_is_empty_for_members_off_the_team_and_outsiders(self):
        for user in (self.caseworker, self.outsider):
            response = self.get(user, "/organisation/hubs/")
            self.assertNotContains(response, "Bolton Hub")
            self.assertContains(response, "You are not on the team of any hub.")

    def test_my_hubs_reads_a_fixed_number_of_queries(self):
        for name in ("Second Hub", "Third Hub"):
            Hub.objects.create(name=name, area=self.bolton, lead_organisation=self.hub_org, model="weekly_drop_in")
        self.login(self.coordinator)
        with at(MONDAY), self.assertNumQueries(9):
            response = self.client.get("/organisation/hubs/")
        self.assertContains(response, "Third Hub")

    def test_the_dashboard_shows_coming_sessions_and_rota_gaps(self):
        response = self.get(self.volunteer, f"/organisation/hubs/{self.hub.uuid}/")
        self.assertContains(response, f'href="/organisation/sessions/{self.tuesday.uuid}/"')
        self.assertContains(response, "Rota gaps")
        self.assertContains(response, "0 confirmed, 0 waiting, 0 declined")
        self.assertNotContains(response, "Settings, patterns and team")

    def test_the_dashboard_reads_a_fixed_number_of_queries(self):
        RotaInvitation.objects.create(
            session=self.tuesday, organisation=self.partner_org, invited_by=self.coordinator, status="confirmed"
        )
        self.login(self.coordinator)
        # 8, and 7 for this week's core offer and the learning log's open actions.
        with at(MONDAY), self.assertNumQueries(15):
            response = self.client.get(f"/organisation/hubs/{self.hub.uuid}/")
        self.assertContains(response, "1 confirmed, 0 waiting, 0 declined")
        self.assertContains(response, "Settings, patterns and team")

    def test_the_dashboard_is_404_off_the_team_and_for_outsiders(self):
        for user in (self.caseworker, self.outsider, self.partner):
            self.assertEqual(self.get(user, f"/organisation/hubs/{self.hub.uuid}/").status_code, 404)

    # --- adding a hub, and its settings ----------------------------------------------------

    def test_a_coordinator_adds_a_hub(self):
        self.hub_org.areas.add(self.bolton)
        response = self.post(
            self.coordinator,
            "/organisation/hubs/new/",
            {"name": "Farnworth Drop-in", "area": self.bolton.pk, "model": "weekly_drop_in", "sites": [self.site.pk]},
        )
        hub = Hub.objects.get(name="Farnworth Drop-in")
        self.assertRedirects(response, f"/organisation/hubs/{hub.uuid}/settings/", fetch_redirect_response=False)
        self.assertEqual(hub.lead_organisation, self.hub_org)
        self.assertEqual(list(hub.sites.all()), [self.site])
        self.assertIsNotNone(hub.service_id)
        self.assertTrue(Event.objects.filter(action="hub.created", object_id=str(hub.uuid)).exists())

    def test_adding_a_hub_says_what_is_missing(self):
        response = self.post(self.coordinator, "/organisation/hubs/new/", {"name": "", "area": self.bolton.pk})
        self.assertContains(response, "There is a problem")
        self.assertContains(response, '<a href="#id_name">Name: This field is required.</a>', html=True)
        self.assertEqual(Hub.objects.count(), 1)

    def test_only_coordinators_and_admins_add_hubs(self):
        for user in (self.volunteer, self.caseworker, self.outsider):
            self.assertEqual(self.get(user, "/organisation/hubs/new/").status_code, 404)

    def test_the_settings_page_shows_patterns_and_forms(self):
        response = self.get(self.coordinator, f"/organisation/hubs/{self.hub.uuid}/settings/")
        self.assertContains(response, "Tuesday, Thursday 10:00–14:00, Derby Street Community Centre.")
        self.assertContains(response, "9 sessions made (up to 31 Mar 2026)")
        self.assertContains(response, "Medlock Immigration Advice Centre")

    def test_the_settings_are_404_for_the_team_and_outsiders(self):
        for user in (self.volunteer, self.caseworker, self.outsider, self.partner):
            self.assertEqual(self.get(user, f"/organisation/hubs/{self.hub.uuid}/settings/").status_code, 404)

    def test_a_coordinator_sets_the_team(self):
        caseworker = self.caseworker.memberships.get()
        response = self.post(
            self.coordinator,
            f"/organisation/hubs/{self.hub.uuid}/settings/",
            {"part": "team", "team-team": [caseworker.pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(self.hub.team.all()), [caseworker])

    def test_the_team_can_only_be_members_of_the_lead_organisation(self):
        response = self.post(
            self.coordinator,
            f"/organisation/hubs/{self.hub.uuid}/settings/",
            {"part": "team", "team-team": [self.outsider.memberships.get().pk]},
        )
        self.assertContains(response, "Select a valid choice.")
        self.assertEqual([m.user for m in self.hub.team.all()], [self.volunteer])

    def test_a_coordinator_adds_a_pattern_and_makes_its_sessions(self):
        response = self.post(
            self.coordinator,
            f"/organisation/hubs/{self.hub.uuid}/patterns/new/",
            {
                "site": self.library.pk,
                "weekdays": ["FR"],
                "starts_at": "13:00",
                "ends_at": "15:00",
                "starts_on": "2026-03-06",
                "offers": ["esol_registration"],
            },
        )
        self.assertEqual(response.status_code, 302)
        pattern = SessionPattern.objects.get(site=self.library)
        url = f"/organisation/hubs/{self.hub.uuid}/patterns/{pattern.uuid}/generate/"
        self.post(self.coordinator, url, {f"p{pattern.pk}-until": "2026-03-20"})
        self.assertEqual(
            list(pattern.sessions.values_list("date", flat=True)),
            [dt.date(2026, 3, 6), dt.date(2026, 3, 13), dt.date(2026, 3, 20)],
        )

    def test_a_pattern_must_end_after_it_starts(self):
        response = self.post(
            self.coordinator,
            f"/organisation/hubs/{self.hub.uuid}/patterns/new/",
            {"site": self.site.pk, "weekdays": [], "starts_at": "15:00", "ends_at": "13:00", "starts_on": "2026-03-06"},
        )
        self.assertContains(response, "Choose at least one day of the week.")
        self.assertContains(response, "A session must end after it starts.")

    def test_the_team_cannot_add_patterns_or_make_sessions(self):
        url = f"/organisation/hubs/{self.hub.uuid}/patterns/{self.pattern.uuid}/generate/"
        for user in (self.volunteer, self.outsider):
            self.assertEqual(self.get(user, f"/organisation/hubs/{self.hub.uuid}/patterns/new/").status_code, 404)
            self.assertEqual(self.post(user, url, {f"p{self.pattern.pk}-until": "2026-04-30"}).status_code, 404)
        self.assertEqual(self.hub.sessions.count(), 9)

    # --- a session ------------------------------------------------------------------------

    def test_the_session_page_shows_details_rota_and_a_place_for_check_in(self):
        RotaInvitation.objects.create(
            session=self.tuesday,
            organisation=self.partner_org,
            invited_by=self.coordinator,
            status="confirmed",
            offers=["immigration_advice"],
        )
        response = self.get(self.volunteer, f"/organisation/sessions/{self.tuesday.uuid}/")
        self.assertContains(response, "Bolton Hub, Tuesday 3 March 2026")
        self.assertContains(response, "Welcome and first point of contact, Casework, Hot food")
        self.assertContains(response, "<td>Medlock Immigration Advice Centre</td>", html=True)
        self.assertContains(response, "Immigration advice (regulated adviser)")
        self.assertContains(response, "Cancel this session")

    def test_the_session_page_is_404_off_the_team_and_for_outsiders(self):
        for user in (self.caseworker, self.outsider, self.partner):
            self.assertEqual(self.get(user, f"/organisation/sessions/{self.tuesday.uuid}/").status_code, 404)

    def test_the_team_changes_what_a_session_offers(self):
        url = f"/organisation/sessions/{self.tuesday.uuid}/offers/"
        self.post(self.volunteer, url, {"offers": ["hot_food", "activities"], "notes": "Bring the urn."})
        self.tuesday.refresh_from_db()
        self.assertEqual(self.tuesday.offers, ["hot_food", "activities"])
        self.assertEqual(self.tuesday.notes, "Bring the urn.")
        for user in (self.caseworker, self.outsider):
            self.assertEqual(self.post(user, url, {"offers": []}).status_code, 404)
        self.tuesday.refresh_from_db()
        self.assertEqual(self.tuesday.offers, ["hot_food", "activities"])

    def test_the_team_cancels_a_session(self):
        url = f"/organisation/sessions/{self.tuesday.uuid}/cancel/"
        self.assertContains(self.get(self.volunteer, url), "Cancel the session on Tuesday 3 March 2026?")
        for user in (self.caseworker, self.outsider):
            self.assertEqual(self.post(user, url, {"reason": "x"}).status_code, 404)
        self.post(self.volunteer, url, {"reason": "Hall flooded."})
        self.tuesday.refresh_from_db()
        self.assertEqual(self.tuesday.status, HubSession.Status.CANCELLED)
        self.assertEqual(self.tuesday.cancelled_reason, "Hall flooded.")
        again = self.post(self.volunteer, url, {"reason": ""})
        self.assertContains(again, "This session has already been cancelled.")

    def test_the_team_moves_a_session(self):
        url = f"/organisation/sessions/{self.tuesday.uuid}/move/"
        data = {"site": self.library.pk, "date": "2026-03-04", "starts_at": "11:00", "ends_at": "15:00", "note": "Vote"}
        for user in (self.caseworker, self.outsider):
            self.assertEqual(self.post(user, url, data).status_code, 404)
        self.post(self.volunteer, url, data)
        self.tuesday.refresh_from_db()
        self.assertEqual(
            (self.tuesday.date, self.tuesday.site, self.tuesday.is_moved), (dt.date(2026, 3, 4), self.library, True)
        )

    def test_a_session_cannot_move_into_the_past(self):
        url = f"/organisation/sessions/{self.tuesday.uuid}/move/"
        data = {"site": self.site.pk, "date": "2026-02-27", "starts_at": "11:00", "ends_at": "15:00"}
        self.assertContains(self.post(self.volunteer, url, data), "Choose a date from today on.")

    def test_the_team_adds_an_extra_session(self):
        url = f"/organisation/hubs/{self.hub.uuid}/sessions/new/"
        data = {
            "site": self.site.pk,
            "date": "2026-03-07",
            "starts_at": "10:00",
            "ends_at": "12:00",
            "offers": ["activities"],
        }
        for user in (self.caseworker, self.outsider):
            self.assertEqual(self.post(user, url, data).status_code, 404)
        response = self.post(self.volunteer, url, data)
        extra = HubSession.objects.get(is_extra=True)
        self.assertRedirects(response, f"/organisation/sessions/{extra.uuid}/", fetch_redirect_response=False)
        self.assertEqual(extra.date, dt.date(2026, 3, 7))

    def test_the_team_records_attendance_once_the_session_has_begun(self):
        invitation = RotaInvitation.objects.create(
            session=self.tuesday, organisation=self.partner_org, invited_by=self.coordinator, status="confirmed"
        )
        url = f"/organisation/rota/{invitation.uuid}/attendance/"
        data = {f"{invitation.uuid}-attended": "yes"}
        self.post(self.volunteer, url, data)  # Monday: not begun yet
        invitation.refresh_from_db()
        self.assertIsNone(invitation.attended)
        self.login(self.volunteer)
        with at(dt.datetime(2026, 3, 3, 15, 0, tzinfo=dt.UTC)):
            for user in (self.caseworker, self.outsider, self.partner):
                self.login(user)
                self.assertEqual(self.client.post(url, data).status_code, 404)
            self.login(self.volunteer)
            response = self.client.post(url, data, follow=True)
        self.assertContains(response, "Attendance recorded.")
        invitation.refresh_from_db()
        self.assertTrue(invitation.attended)
