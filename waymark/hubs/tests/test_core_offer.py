"""The core minimum offer, computed from what happened: sessions held (not cancelled) offering
welcome and casework on enough days (a threshold row, not a constant), the support package
provided at the hub or by a rota organisation that came, or signposted at visits; the pages
that show it (the hub's, the network lead's grid, the dashboard) and the API."""

import datetime as dt
import uuid

from waymark.accounts.models import Network, PlatformRole
from waymark.directory.models import NEED_LINK_TYPE, NEEDS_TAXONOMY_NAME, Attribute, TaxonomyTerm
from waymark.directory.tests.builders import make_service
from waymark.hubs import actions, core_offer
from waymark.hubs.models import LONDON, CoreOfferThreshold, Hub, Offer, RotaInvitation, Visit, VisitorFeedback
from waymark.hubs.tests.helpers import HubTestCase, at
from waymark.referrals.models import Signposting
from waymark.testing import make_area, make_user

# Friday 6 March 2026, 18:00: the week's Tuesday and Thursday sessions are over.
FRIDAY = dt.datetime(2026, 3, 6, 18, 0, tzinfo=LONDON)
# Wednesday 4 March, noon: Tuesday's session is over, Thursday's still to come.
WEDNESDAY = dt.datetime(2026, 3, 4, 12, 0, tzinfo=LONDON)
WEEK = core_offer.week_of(dt.date(2026, 3, 2))


class CoreOfferTestCase(HubTestCase):
    def setUp(self):
        self.generate()
        self.tuesday = self.session_on(dt.date(2026, 3, 3))
        self.thursday = self.session_on(dt.date(2026, 3, 5))

    def lines(self, when=FRIDAY, period=WEEK, hub=None):
        with at(when):
            return {result.slug: result for result in core_offer.compute_one(hub or self.hub, period)}

    def invite(self, session, *, offers, status="confirmed", attended=None):
        return RotaInvitation.objects.create(
            session=session,
            organisation=self.partner_org,
            invited_by=self.coordinator,
            status=status,
            offers=offers,
            attended=attended,
        )

    def signpost(self, session, need):
        service = make_service(f"Help with {need}")
        term = TaxonomyTerm.objects.get(taxonomy__name=NEEDS_TAXONOMY_NAME, slug=need)
        Attribute.objects.create(
            taxonomy_term=term, link_entity="service", link_id=service.id, link_type=NEED_LINK_TYPE
        )
        visit = Visit.objects.create(session=session, anonymous=True, client_id=uuid.uuid4(), request_digest="x")
        return Signposting.objects.create(
            visit=visit, service=service, organisation=self.hub_org, recorded_by=self.volunteer
        )


class ItComputesTheLines(CoreOfferTestCase):
    def test_it_meets_welcome_and_casework_on_two_days_held(self):
        lines = self.lines()
        self.assertEqual(list(lines), core_offer.LINE_SLUGS)
        self.assertIs(lines["welcome"].met, True)
        self.assertEqual(lines["welcome"].why, "Held on 2 days (Tue 3 Mar, Thu 5 Mar); at least 2 needed.")
        self.assertEqual(lines["welcome"].sessions, [self.tuesday, self.thursday])
        self.assertIs(lines["casework"].met, True)

    def test_a_cancelled_session_does_not_count(self):
        with at(WEDNESDAY):
            actions.do_cancel_session(self.thursday, reason="Hall flooded", acting_user=self.coordinator)
        lines = self.lines()
        self.assertIs(lines["welcome"].met, False)
        self.assertEqual(lines["welcome"].why, "Held on 1 day (Tue 3 Mar); at least 2 needed.")
        self.assertEqual(lines["welcome"].sessions, [self.tuesday])

    def test_a_session_still_to_come_is_planned_not_held(self):
        welcome = self.lines(when=WEDNESDAY)["welcome"]
        self.assertIs(welcome.met, False)
        self.assertEqual(welcome.why, "Held on 1 day (Tue 3 Mar); at least 2 needed. Still planned: Thu 5 Mar.")

    def test_a_new_threshold_row_changes_the_result_from_its_date(self):
        CoreOfferThreshold.objects.create(
            line="welcome", days_per_week=3, valid_from=dt.date(2026, 3, 2), source="Network meeting, March 2026"
        )
        lines = self.lines()
        self.assertIs(lines["welcome"].met, False)
        self.assertEqual(lines["welcome"].why, "Held on 2 days (Tue 3 Mar, Thu 5 Mar); at least 3 needed.")
        self.assertIs(lines["casework"].met, True)
        # The week before keeps the rule it had.
        earlier = core_offer.week_of(dt.date(2026, 2, 23))
        self.assertIn("at least 2 needed", self.lines(period=earlier)["welcome"].why)

    def test_a_threshold_from_after_the_week_does_not_apply(self):
        CoreOfferThreshold.objects.create(
            line="welcome", days_per_week=5, valid_from=dt.date(2026, 3, 9), source="Later rule"
        )
        self.assertIs(self.lines()["welcome"].met, True)

    def test_without_a_threshold_in_force_it_cannot_say(self):
        CoreOfferThreshold.objects.all().delete()
        welcome = self.lines()["welcome"]
        self.assertIsNone(welcome.met)
        self.assertIn("No threshold is in force", welcome.why)

    def test_initial_assessments_are_not_yet_recorded(self):
        assessment = self.lines()["initial_assessment"]
        self.assertIsNone(assessment.met)
        self.assertIn("Not yet recorded", assessment.why)

    def test_a_package_part_not_offered_is_not_met(self):
        advice = self.lines()["immigration_advice"]
        self.assertIs(advice.met, False)
        self.assertEqual(advice.why, "Not provided at the hub, and nobody was signposted for it.")

    def test_a_session_offering_a_package_part_provides_it(self):
        with at(WEDNESDAY):
            actions.do_update_session_offers(
                self.thursday, offers=[Offer.WELCOME, Offer.HOUSING_ADVICE], notes="", acting_user=self.coordinator
            )
        housing = self.lines()["housing_advice"]
        self.assertIs(housing.met, True)
        self.assertEqual(housing.why, "Provided at the hub on Thu 5 Mar.")

    def test_a_confirmed_rota_organisation_that_came_brings_its_offer(self):
        self.invite(self.tuesday, offers=[Offer.IMMIGRATION_ADVICE])
        advice = self.lines()["immigration_advice"]
        self.assertIs(advice.met, True)
        self.assertEqual(advice.why, "Brought by Medlock Immigration Advice Centre on Tue 3 Mar.")
        self.assertEqual([invitation.organisation for invitation in advice.rota], [self.partner_org])

    def test_a_rota_organisation_that_declined_or_did_not_come_brings_nothing(self):
        self.invite(self.tuesday, offers=[Offer.IMMIGRATION_ADVICE], status="declined")
        self.assertIs(self.lines()["immigration_advice"].met, False)
        RotaInvitation.objects.all().delete()
        self.invite(self.tuesday, offers=[Offer.IMMIGRATION_ADVICE], attended=False)
        self.assertIs(self.lines()["immigration_advice"].met, False)

    def test_signposting_at_a_visit_meets_a_package_part_not_provided(self):
        self.signpost(self.tuesday, "housing")
        self.signpost(self.thursday, "move-on-support")
        lines = self.lines()
        self.assertIs(lines["housing_advice"].met, True)
        self.assertEqual(lines["housing_advice"].why, "Signposted 2 times.")
        self.assertEqual(
            sorted(lines["housing_advice"].signposted), [("Help with housing", 1), ("Help with move-on-support", 1)]
        )
        self.assertIs(lines["english_language"].met, False)

    def test_signposting_in_another_week_does_not_count(self):
        self.signpost(self.session_on(dt.date(2026, 3, 10)), "esol")
        self.assertIs(self.lines()["english_language"].met, False)

    def test_social_space_and_activities_need_a_session_held_offering_them(self):
        lines = self.lines()
        self.assertIs(lines["social_space"].met, False)
        with at(WEDNESDAY):
            actions.do_update_session_offers(
                self.thursday, offers=[Offer.SOCIAL_SPACE, Offer.ACTIVITIES], notes="", acting_user=self.coordinator
            )
        lines = self.lines()
        self.assertIs(lines["social_space"].met, True)
        self.assertEqual(lines["activities"].why, "Offered on Thu 5 Mar.")

    def test_a_month_is_met_only_when_every_week_is(self):
        # Sessions were made to 31 March: the week of Monday 30 March has only Tuesday 31.
        march = core_offer.month_of(2026, 3)
        self.assertEqual(march.mondays[0], dt.date(2026, 3, 2))
        self.assertEqual(len(march.mondays), 5)
        welcome = self.lines(when=dt.datetime(2026, 4, 20, tzinfo=LONDON), period=march)["welcome"]
        self.assertIs(welcome.met, False)
        self.assertEqual(welcome.why, "Met in 4 of 5 weeks (at least 2 days a week).")

    def test_it_reads_the_same_number_of_queries_for_any_number_of_hubs(self):
        self.signpost(self.tuesday, "housing")
        hubs = [self.hub]
        with at(FRIDAY), self.assertNumQueries(7):
            core_offer.compute(hubs, WEEK)
        for number in range(3):
            hub = Hub.objects.create(
                name=f"Hub {number}", area=self.bolton, lead_organisation=self.hub_org, model="weekly_drop_in"
            )
            self.signpost(
                hub.sessions.create(
                    site=self.site, date=dt.date(2026, 3, 4), starts_at=dt.time(10), ends_at=dt.time(12)
                ),
                "esol",
            )
            hubs.append(hub)
        with at(FRIDAY), self.assertNumQueries(7):
            results = core_offer.compute(hubs, WEEK)
        last = {result.slug: result for result in results[hubs[-1].pk]}
        self.assertIs(last["english_language"].met, True)


class ItShowsTheOffer(CoreOfferTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.far_network = Network.objects.create(name="North East", slug="north-east")
        cls.far_network.areas.add(make_area("Newcastle"))
        cls.far_lead = make_user("far.lead@example.org")
        PlatformRole.objects.create(user=cls.far_lead, kind=PlatformRole.Kind.NETWORK_LEAD, network=cls.far_network)

    def get(self, user, url, data=None):
        self.login(user)
        with at(FRIDAY):
            return self.client.get(url, data)

    def hub_url(self):
        return f"/organisation/hubs/{self.hub.uuid}/core-offer/"

    def grid_url(self, network=None):
        return f"/network/{(network or self.network).uuid}/hubs/"

    def test_the_team_sees_each_line_with_why_and_the_evidence(self):
        self.invite(self.tuesday, offers=[Offer.IMMIGRATION_ADVICE])
        for user in (self.volunteer, self.coordinator):
            response = self.get(user, self.hub_url())
            self.assertContains(response, "Core minimum offer of Bolton Hub")
            self.assertContains(response, "Week of Monday 2 March 2026")
            self.assertContains(response, "Held on 2 days (Tue 3 Mar, Thu 5 Mar); at least 2 needed.")
            self.assertContains(response, "Medlock Immigration Advice Centre came on Tue 3 Mar")
            self.assertContains(response, f'href="/organisation/sessions/{self.tuesday.uuid}/"')
            self.assertContains(response, "Not yet recorded")

    def test_it_shows_a_month_and_other_weeks(self):
        response = self.get(self.volunteer, self.hub_url(), {"month": "2026-03"})
        self.assertContains(response, "March 2026")
        self.assertContains(response, "Met in")
        self.assertContains(response, 'href="?month=2026-02"')
        response = self.get(self.volunteer, self.hub_url(), {"week": "2026-03-11"})
        self.assertContains(response, "Week of Monday 9 March 2026")
        # Something unreadable is this week.
        response = self.get(self.volunteer, self.hub_url(), {"week": "someday"})
        self.assertContains(response, "Week of Monday 2 March 2026")

    def test_the_network_lead_reads_it_without_links_to_the_team_pages(self):
        response = self.get(self.network_lead, self.hub_url())
        self.assertContains(response, "Held on 2 days")
        self.assertNotContains(response, f'href="/organisation/sessions/{self.tuesday.uuid}/"')

    def test_others_get_404(self):
        for user in (self.caseworker, self.outsider, self.partner, self.far_lead, self.council, self.editor):
            self.assertEqual(self.get(user, self.hub_url()).status_code, 404, user)

    def test_the_dashboard_shows_this_week_met_or_not_with_why(self):
        response = self.get(self.volunteer, f"/organisation/hubs/{self.hub.uuid}/")
        self.assertContains(response, "Core minimum offer this week")
        self.assertContains(response, "Held on 2 days (Tue 3 Mar, Thu 5 Mar); at least 2 needed.")
        self.assertContains(response, "Not provided at the hub, and nobody was signposted for it.")
        self.assertContains(response, f'href="/organisation/hubs/{self.hub.uuid}/learning/"')
        self.assertContains(response, f'href="/organisation/hubs/{self.hub.uuid}/feedback/poster/"')

    def test_the_network_lead_sees_every_hub_of_the_network_against_every_line(self):
        salford_hub = Hub.objects.create(
            name="Salford Hub", area=self.salford, lead_organisation=self.other_org, model="weekly_drop_in"
        )
        Hub.objects.create(
            name="Far Hub", area=self.far_network.areas.get(), lead_organisation=self.other_org, model="weekly_drop_in"
        )
        response = self.get(self.network_lead, self.grid_url())
        self.assertContains(response, "Hubs of Greater Manchester against the core minimum offer")
        self.assertContains(response, f'href="/organisation/hubs/{self.hub.uuid}/core-offer/?week=2026-03-02"')
        self.assertContains(response, f'href="/organisation/hubs/{salford_hub.uuid}/core-offer/?week=2026-03-02"')
        self.assertNotContains(response, "Far Hub")
        for line in core_offer.LINES:
            self.assertContains(response, f'<th scope="col">{line.label}</th>', html=True)
        # Bolton: welcome and casework met; Salford: nothing held.
        body = response.content.decode()
        bolton_row = body[body.index(">Bolton Hub<") : body.index(">Salford Hub<")]
        self.assertEqual(bolton_row.count("<strong>Met</strong>"), 2)

    def test_the_grid_reads_the_same_number_of_queries_for_more_hubs(self):
        self.login(self.network_lead)
        with at(FRIDAY), self.assertNumQueries(15):
            self.client.get(self.grid_url())
        for number in range(4):
            Hub.objects.create(
                name=f"Hub {number}", area=self.salford, lead_organisation=self.other_org, model="weekly_drop_in"
            )
        with at(FRIDAY), self.assertNumQueries(15):
            response = self.client.get(self.grid_url())
        self.assertContains(response, "Hub 3")

    def test_the_grid_hides_small_numbers_of_visitor_feedback(self):
        for _ in range(3):
            VisitorFeedback.objects.create(hub=self.hub, welcome=5, loneliness="often_or_always")
        response = self.get(self.network_lead, self.grid_url())
        self.assertContains(response, "fewer than 5", count=3)
        for _ in range(3):
            VisitorFeedback.objects.create(hub=self.hub, welcome=4)
        response = self.get(self.network_lead, self.grid_url())
        self.assertContains(response, "<td>6</td>", html=True, count=2)  # answers, felt welcome
        self.assertContains(response, "fewer than 5", count=1)  # often lonely: 3

    def test_only_the_networks_lead_sees_its_grid(self):
        for user in (self.coordinator, self.volunteer, self.outsider, self.editor, self.council, self.far_lead):
            self.assertEqual(self.get(user, self.grid_url()).status_code, 404, user)

    def test_the_network_page_leads_to_the_grid(self):
        response = self.get(self.network_lead, "/network/")
        self.assertRedirects(response, self.grid_url(), fetch_redirect_response=False)
        self.assertEqual(self.get(self.coordinator, "/network/").status_code, 404)


class ItIsInTheApi(CoreOfferTestCase):
    def test_each_hub_carries_this_weeks_lines(self):
        from waymark.accounts.models import ApiToken, Membership, hash_token

        secret = "wmk_" + "a" * 40
        ApiToken.objects.create(
            membership=Membership.objects.get(user=self.volunteer), prefix=secret[:10], token_hash=hash_token(secret)
        )
        with at(FRIDAY):
            body = self.client.get("/api/v1/hubs", headers={"Authorization": f"Bearer {secret}"}).json()
        lines = {line["slug"]: line for line in body[0]["core_offer"]}
        self.assertEqual(list(lines), core_offer.LINE_SLUGS)
        self.assertEqual(
            lines["welcome"],
            {"slug": "welcome", "met": True, "why": "Held on 2 days (Tue 3 Mar, Thu 5 Mar); at least 2 needed."},
        )
        self.assertIs(lines["immigration_advice"]["met"], False)
        self.assertIsNone(lines["initial_assessment"]["met"])
