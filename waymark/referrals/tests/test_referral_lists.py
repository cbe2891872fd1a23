"""The lists of referrals: "Referrals we made" (outgoing) and "Referrals to us" (incoming), as
the member who may see them, a same-organisation volunteer or member without a role (404), and
an outsider (who sees only their own organisation's referrals)."""

import datetime as dt
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from waymark.casework.tests.part_helpers import make_case
from waymark.directory.tests.builders import make_need, make_organization, make_service
from waymark.hubs.checkins import do_check_in, do_record_visit_details
from waymark.hubs.models import LONDON
from waymark.hubs.tests.helpers import HubTestCase, at
from waymark.people.tests.helpers import make_person
from waymark.referrals import flow, inbox_views
from waymark.referrals.models import Referral
from waymark.referrals.tests.helpers import ReferralWorld
from waymark.testing import BaseTestCase, make_member

OUTGOING = "/referrals/"
INCOMING = "/referrals/incoming/"


class ReferralListTestCase(ReferralWorld, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.build_world()
        cls.no_role = make_member("none@croal.test", cls.sender, roles=[])
        cls.food_need = make_need("food", "Food")

    def get(self, user, url, data=None):
        self.login(user)
        return self.client.get(url, data)

    def make_overdue(self, referral):
        Referral.objects.filter(pk=referral.pk).update(respond_by=timezone.now() - dt.timedelta(hours=1))


class OutgoingListTests(ReferralListTestCase):
    def test_it_lists_the_referrals_we_made_with_the_person_service_need_and_state(self):
        self.sent(need=self.advice_need, urgent=True)
        self.draft(self.food_bank)
        response = self.get(self.caseworker, OUTGOING)
        self.assertContains(response, "<h1>Referrals we made</h1>", html=True)
        self.assertContains(response, "<h2>1 waiting for an answer</h2>", html=True)
        rows = response.context["rows"]
        self.assertEqual([row["person"] for row in rows], ["Amina", "Amina"])
        self.assertEqual(
            [row["referral"].service for row in rows], [self.food_bank, self.clinic], "newest first, drafts too"
        )
        self.assertContains(response, "Asylum appeals clinic")
        self.assertContains(response, "Immigration advice")
        self.assertContains(response, "<td><strong>Urgent</strong></td>", html=True)
        self.assertContains(response, "<td>Not sent</td>", html=True)
        self.assertContains(response, f'href="/referrals/{rows[1]["referral"].uuid}/"')

    def test_an_overdue_referral_says_so_in_words_and_is_counted(self):
        self.make_overdue(self.sent())
        self.sent(self.surgery)
        response = self.get(self.caseworker, OUTGOING)
        self.assertContains(response, "<h2>2 waiting for an answer, 1 past its answer date</h2>", html=True)
        self.assertContains(response, "<strong>Overdue</strong>", count=1, html=True)

    def test_it_filters_by_state_and_overdue_only(self):
        overdue = self.sent()
        self.make_overdue(overdue)
        on_time = self.sent(self.surgery)
        draft = self.draft(self.food_bank)
        response = self.get(self.caseworker, OUTGOING, {"state": "draft"})
        self.assertEqual([row["referral"] for row in response.context["rows"]], [draft])
        response = self.get(self.caseworker, OUTGOING, {"state": "sent"})
        self.assertEqual([row["referral"] for row in response.context["rows"]], [on_time, overdue])
        response = self.get(self.caseworker, OUTGOING, {"overdue": "on"})
        self.assertEqual([row["referral"] for row in response.context["rows"]], [overdue])
        response = self.get(self.caseworker, OUTGOING, {"state": "accepted"})
        self.assertContains(response, "No referral matches these filters.")

    def test_referrals_sent_despite_eligibility_are_reported_to_the_sender_only(self):
        from waymark.referrals import flow

        self.sent()
        refugees_only = make_service(
            "Move-on housing", self.law_centre, accepts_waymark_referrals=True, for_refugee_hp=True
        )
        referral = self.draft(refugees_only)
        self.consent(referral)
        overridden = flow.do_send_referral(
            referral,
            acting_user=self.caseworker,
            organisation=self.sender,
            override_reason="Decision due any day; the service agreed to see her.",
        )
        response = self.get(self.caseworker, OUTGOING, {"overridden": "on"})
        self.assertEqual([row["referral"] for row in response.context["rows"]], [overridden])
        self.assertContains(response, "Eligibility overridden")
        incoming = self.get(self.receiver_caseworker, "/referrals/incoming/", {"overridden": "on"})
        self.assertEqual(len(incoming.context["rows"]), 2)
        self.assertNotContains(incoming, "Eligibility overridden")

    def test_an_unknown_state_is_refused_with_a_clear_message(self):
        self.sent()
        response = self.get(self.caseworker, OUTGOING, {"state": "lost"})
        self.assertContains(
            response, "“lost” is not a state a referral can be in. Choose one from the list.", status_code=400
        )
        # The list is still there, unfiltered.
        self.assertEqual(len(response.context["rows"]), 1)

    def test_it_shows_fifty_a_page(self):
        for _ in range(3):
            self.sent()
        with mock.patch.object(inbox_views, "PER_PAGE", 2):
            first = self.get(self.caseworker, OUTGOING)
            second = self.get(self.caseworker, OUTGOING, {"page": 2})
        self.assertEqual(len(first.context["rows"]), 2)
        self.assertEqual(len(second.context["rows"]), 1)
        self.assertContains(first, "Page 1 of 2")
        self.assertContains(first, 'rel="next"')
        self.assertEqual(inbox_views.PER_PAGE, 50)

    def test_the_number_of_queries_does_not_grow_with_the_referrals(self):
        self.sent(need=self.food_need)
        self.login(self.caseworker)
        with CaptureQueriesContext(connection) as one:
            self.client.get(OUTGOING)
        for index in range(19):
            self.sent(self.surgery if index % 2 else self.food_bank, need=self.food_need, urgent=bool(index % 3))
        with self.assertNumQueries(len(one)):
            response = self.client.get(OUTGOING)
        self.assertEqual(len(response.context["rows"]), 20)

    def test_a_volunteer_and_a_member_without_a_role_get_404(self):
        self.sent()
        for user in (self.volunteer, self.no_role):
            with self.subTest(user=user):
                self.assertEqual(self.get(user, OUTGOING).status_code, 404)
                self.assertEqual(self.get(user, INCOMING).status_code, 404)

    def test_an_outsider_sees_none_of_ours(self):
        self.sent()
        response = self.get(self.outsider, OUTGOING)
        self.assertEqual(response.context["rows"], [])
        self.assertNotContains(response, "Amina")
        self.assertContains(response, "No referrals yet.")

    def test_it_needs_a_sign_in(self):
        response = self.client.get(OUTGOING)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])


class IncomingListTests(ReferralListTestCase):
    def test_it_names_the_person_only_as_shared_with_consent(self):
        named = self.sent(scope=("contact_details",))
        unnamed = self.sent(scope=("personal_details",))
        self.draft()  # Drafts never reach the receiver.
        response = self.get(self.receiver_caseworker, INCOMING)
        self.assertContains(response, "<h1>Referrals to us</h1>", html=True)
        rows = {row["referral"]: row["person"] for row in response.context["rows"]}
        self.assertEqual(rows, {named: "Amina", unnamed: f"Referral {str(unnamed.uuid)[:8].upper()}"})
        self.assertContains(response, "<h2>2 waiting for an answer</h2>", html=True)
        # The receiver sees who referred.
        self.assertContains(response, "<td>Croal Hub Charity</td>", html=True, count=2)

    def test_the_name_goes_once_the_receiver_may_no_longer_see_the_details(self):
        referral = self.sent(scope=("contact_details",))
        flow.do_withdraw(referral, text="", acting_user=self.caseworker, organisation=self.sender)
        response = self.get(self.receiver_caseworker, INCOMING)
        self.assertNotContains(response, "Amina")
        self.assertContains(response, f"Referral {str(referral.uuid)[:8].upper()}")
        self.assertContains(response, "Withdrawn")

    def test_a_draft_is_no_state_to_filter_by(self):
        response = self.get(self.receiver_caseworker, INCOMING, {"state": "draft"})
        self.assertContains(response, "“draft” is not a state a referral can be in.", status_code=400)

    def test_overdue_only(self):
        overdue = self.sent()
        self.make_overdue(overdue)
        self.sent(self.surgery)
        response = self.get(self.receiver_caseworker, INCOMING, {"overdue": "on"})
        self.assertEqual([row["referral"] for row in response.context["rows"]], [overdue])
        self.assertContains(response, "<strong>Overdue</strong>", html=True)

    def test_the_number_of_queries_does_not_grow_with_the_referrals(self):
        self.sent(scope=("contact_details",))
        self.login(self.receiver_caseworker)
        with CaptureQueriesContext(connection) as one:
            self.client.get(INCOMING)
        for index in range(19):
            referral = self.sent(self.surgery if index % 2 else self.clinic, scope=("contact_details",))
            if index % 3 == 0:
                # Closed ones too: whether their details may still be seen depends on the policy.
                flow.do_decline(
                    referral,
                    reason="no_capacity",
                    acting_user=self.receiver_caseworker,
                    organisation=self.receiver,
                )
        with self.assertNumQueries(len(one)):
            response = self.client.get(INCOMING)
        self.assertEqual(len(response.context["rows"]), 20)

    def test_the_receivers_volunteer_gets_404(self):
        self.sent()
        self.assertEqual(self.get(self.receiver_volunteer, INCOMING).status_code, 404)

    def test_an_outsider_sees_none_of_ours(self):
        self.sent()
        response = self.get(self.outsider, INCOMING)
        self.assertEqual(response.context["rows"], [])
        self.assertNotContains(response, "Amina")

    def test_the_sender_does_not_see_its_own_referrals_as_incoming(self):
        self.sent()
        response = self.get(self.caseworker, INCOMING)
        self.assertEqual(response.context["rows"], [])


class LinksFromOtherPagesTests(BaseTestCase):
    """ "Tell about services" and "Make a referral" from a person, a case and a visit, and the
    lists from the start page: each only for the members who may use them."""

    def setUp(self):
        self.amina = make_person(self.hub_org, "Amina", by=self.caseworker)

    def get(self, user, url):
        self.login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response

    def test_the_person_page_offers_a_referral_to_those_who_may_refer(self):
        response = self.get(self.caseworker, f"/people/{self.amina.uuid}/")
        self.assertContains(response, f'href="/referrals/signpost/person/{self.amina.uuid}/"')
        self.assertContains(response, f'href="/referrals/new/?person={self.amina.uuid}"')
        self.assertContains(response, f'href="/referrals/suggestions/?person={self.amina.uuid}"')

    def test_the_person_page_lists_their_latest_referrals(self):
        referrals = [
            flow.do_create_referral(
                organisation=self.hub_org, person=self.amina, service=service, acting_user=self.caseworker
            )
            for service in (make_service("Food parcel scheme"), make_service("English classes"))
        ]
        self.login(self.caseworker)
        with CaptureQueriesContext(connection) as two:
            response = self.client.get(f"/people/{self.amina.uuid}/")
        self.assertContains(response, f'<a href="/referrals/{referrals[1].uuid}/">English classes</a>', html=True)
        self.assertContains(response, f'<a href="/referrals/{referrals[0].uuid}/">Food parcel scheme</a>', html=True)
        flow.do_create_referral(
            organisation=self.hub_org, person=self.amina, service=make_service("Dentist"), acting_user=self.caseworker
        )
        with self.assertNumQueries(len(two)):
            self.client.get(f"/people/{self.amina.uuid}/")
        self.assertNotContains(self.get(self.volunteer, f"/people/{self.amina.uuid}/"), "Latest referrals")

    def test_the_person_page_lists_the_services_they_were_told_about_for_every_role(self):
        from waymark.referrals.actions import do_signpost_many

        do_signpost_many(
            organisation=self.hub_org,
            services=[make_service("Food parcel scheme")],
            acting_user=self.volunteer,
            person=self.amina,
        )
        for user in (self.volunteer, self.caseworker):
            with self.subTest(user=user):
                response = self.get(user, f"/people/{self.amina.uuid}/")
                self.assertContains(response, "Services they were told about")
                self.assertContains(response, "Food parcel scheme")
                self.assertContains(response, f"/referrals/signpost/person/{self.amina.uuid}/list/?signposting=")

    def test_a_volunteer_may_tell_about_services_but_not_refer(self):
        response = self.get(self.volunteer, f"/people/{self.amina.uuid}/")
        self.assertContains(response, f'href="/referrals/signpost/person/{self.amina.uuid}/"')
        self.assertNotContains(response, "/referrals/new/")
        self.assertNotContains(response, "/referrals/suggestions/")

    def test_the_case_page_links_both_with_the_case(self):
        case = make_case(self.hub_org, by=self.caseworker, person=self.amina)
        response = self.get(self.caseworker, f"/cases/{case.uuid}/")
        self.assertContains(response, f'href="/referrals/signpost/case/{case.uuid}/"')
        self.assertContains(response, f'href="/referrals/new/?person={self.amina.uuid}&amp;case={case.uuid}"')

    def test_the_start_page_links_the_lists_for_those_who_may_refer(self):
        response = self.get(self.caseworker, "/")
        self.assertContains(response, '<a href="/referrals/">Referrals we made</a>', html=True)
        self.assertContains(response, '<a href="/referrals/incoming/">Referrals to us</a>', html=True)
        self.assertNotContains(self.get(self.volunteer, "/"), 'href="/referrals/"')


class VisitPageLinksTests(HubTestCase):
    def test_the_visit_page_links_the_list_to_take_away_once_someone_was_signposted(self):
        self.generate()
        session = self.session_on(dt.date(2026, 3, 3))
        amina = make_person(self.hub_org, "Amina", by=self.volunteer)
        clinic = make_service("Thursday legal clinic", organization=make_organization("Medlock Advice"))
        with at(dt.datetime(2026, 3, 3, 10, 30, tzinfo=LONDON)):
            visit = do_check_in(session, amina, acting_user=self.volunteer)[0]
        self.login(self.volunteer)
        url = f"/organisation/visits/{visit.uuid}/"
        self.assertNotContains(self.client.get(url), "/list/")
        do_record_visit_details(visit, acting_user=self.volunteer, signpost_to=[clinic])
        response = self.client.get(url)
        self.assertContains(response, f'href="/referrals/signpost/visit/{visit.uuid}/list/"')
        # A volunteer may not refer; the hub's coordinator may.
        self.assertNotContains(response, "/referrals/new/")
        self.login(self.coordinator)
        self.assertContains(self.client.get(url), f'href="/referrals/new/?person={amina.uuid}&amp;visit={visit.uuid}"')
