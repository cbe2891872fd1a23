"""Each hub is one service on the public map at its sites, its opening times derived from its
patterns and sessions: found in search, in the Open Referral API, with the right hours."""

import datetime as dt

from waymark.directory.models import Schedule, Service
from waymark.directory.opening import next_opening
from waymark.hubs import actions
from waymark.hubs.models import LONDON, Offer
from waymark.hubs.tests.helpers import MONDAY, HubTestCase, at


class HubServiceTestCase(HubTestCase):
    def service(self):
        return Service.objects.get(pk=self.hub.service_id)

    def test_the_hub_is_a_public_service_at_its_sites(self):
        service = self.service()
        self.assertEqual(service.name, "Bolton Hub")
        self.assertEqual(service.organization.waymark_organisation, self.hub_org)
        self.assertTrue(service.access_drop_in)
        self.assertIn(service, Service.objects.public())
        self.assertEqual(
            set(service.service_at_locations.values_list("location_id", flat=True)), {self.site.pk, self.library.pk}
        )

    def test_its_opening_times_come_from_the_pattern(self):
        schedules = list(self.service().schedules.all())
        self.assertEqual(len(schedules), 1)
        schedule = schedules[0]
        self.assertEqual(schedule.byday, "TU,TH")
        self.assertEqual((schedule.opens_at, schedule.closes_at), (dt.time(10), dt.time(14)))
        self.assertEqual(schedule.valid_from, dt.date(2026, 3, 3))
        self.assertIsNone(schedule.valid_to)
        self.assertEqual(schedule.description, "Derby Street Community Centre")

    def test_its_needs_come_from_what_the_sessions_offer(self):
        slugs = set(self.service().needs().values_list("slug", flat=True))
        self.assertEqual(slugs, {"social", "food", "asylum-support"})

    def test_immigration_advice_is_never_listed_under_the_hub(self):
        self.generate()
        with at(MONDAY):
            actions.do_update_session_offers(
                self.session_on(dt.date(2026, 3, 3)), offers=[Offer.IMMIGRATION_ADVICE], acting_user=self.volunteer
            )
        self.assertNotIn("immigration-advice", set(self.service().needs().values_list("slug", flat=True)))

    def test_a_cancelled_session_is_skipped_by_next_open(self):
        self.generate()
        with at(MONDAY):
            actions.do_cancel_session(self.session_on(dt.date(2026, 3, 3)), acting_user=self.volunteer)
        schedules = list(self.service().schedules.order_by("valid_from"))
        self.assertEqual([(s.valid_from, s.valid_to) for s in schedules], [(dt.date(2026, 3, 4), None)])
        start, _end = next_opening(schedules, MONDAY)
        self.assertEqual(start, dt.datetime(2026, 3, 5, 10, 0, tzinfo=LONDON))

    def test_a_moved_and_an_extra_session_open_on_their_own_dates(self):
        self.generate()
        with at(MONDAY):
            actions.do_cancel_session(self.session_on(dt.date(2026, 3, 10)), acting_user=self.volunteer)
            actions.do_move_session(
                self.session_on(dt.date(2026, 3, 12)),
                date=dt.date(2026, 3, 13),
                starts_at=dt.time(12),
                ends_at=dt.time(16),
                site=self.library,
                acting_user=self.volunteer,
            )
            actions.do_add_extra_session(
                self.hub,
                site=self.library,
                date=dt.date(2026, 3, 14),
                starts_at=dt.time(11),
                ends_at=dt.time(13),
                acting_user=self.volunteer,
            )
        schedules = list(self.service().schedules.all())
        weekly = sorted([(s.valid_from, s.valid_to) for s in schedules if s.byday == "TU,TH"], key=lambda pair: pair[0])
        self.assertEqual(
            weekly,
            [
                (dt.date(2026, 3, 3), dt.date(2026, 3, 9)),
                (dt.date(2026, 3, 13), None),
            ],
        )
        one_offs = sorted((s.valid_from, s.opens_at, s.description) for s in schedules if s.valid_from == s.valid_to)
        self.assertEqual(
            one_offs,
            [
                (dt.date(2026, 3, 13), dt.time(12), "Bolton Central Library"),
                (dt.date(2026, 3, 14), dt.time(11), "Bolton Central Library"),
            ],
        )
        after_the_fifth = dt.datetime(2026, 3, 5, 15, tzinfo=LONDON)
        self.assertEqual(next_opening(schedules, after_the_fifth)[0], dt.datetime(2026, 3, 13, 12, tzinfo=LONDON))

    def test_the_service_page_shows_the_derived_opening_times(self):
        with at(MONDAY + dt.timedelta(days=2)):
            response = self.client.get(f"/services/{self.hub.service_id}/")
        self.assertContains(response, "Bolton Hub")
        self.assertContains(response, '<tr><th scope="row">Tuesday</th><td dir="ltr">10:00–14:00</td></tr>', html=True)
        self.assertContains(response, '<tr><th scope="row">Thursday</th><td dir="ltr">10:00–14:00</td></tr>', html=True)
        self.assertContains(response, "Opens tomorrow at 10:00")  # Thursday

    def test_a_piece_of_the_pattern_with_none_of_its_days_is_left_out(self):
        self.generate()
        with at(MONDAY):
            # Tuesday and Thursday both cancelled: the Wednesday between them is no opening.
            actions.do_cancel_session(self.session_on(dt.date(2026, 3, 10)), acting_user=self.volunteer)
            actions.do_cancel_session(self.session_on(dt.date(2026, 3, 12)), acting_user=self.volunteer)
        self.assertEqual(
            sorted((s.valid_from, s.valid_to) for s in self.service().schedules.all()),
            [(dt.date(2026, 3, 3), dt.date(2026, 3, 9)), (dt.date(2026, 3, 13), None)],
        )

    def test_it_is_found_by_the_map_search(self):
        with at(MONDAY):
            by_name = self.client.get("/services/", {"q": "Bolton Hub"})
            by_need = self.client.get("/services/", {"need": "food"})
            nearby = self.client.get("/services/", {"near": "BL3 6HH"})
        for response in (by_name, by_need, nearby):
            self.assertContains(response, f'href="/services/{self.hub.service_id}/"')

    def test_it_is_in_the_open_referral_api(self):
        with at(MONDAY):
            listing = self.client.get("/api/oruk/services").json()
            detail = self.client.get(f"/api/oruk/services/{self.hub.service_id}").json()
        self.assertIn(str(self.hub.service_id), [item["id"] for item in listing["contents"]])
        self.assertEqual(detail["name"], "Bolton Hub")
        self.assertEqual([s["byday"] for s in detail["schedules"]], ["TU,TH"])

    def test_renaming_the_hub_renames_its_listing(self):
        with at(MONDAY):
            actions.do_update_hub(
                self.hub,
                name="Bolton Welcome Hub",
                description="Tea and advice.",
                model="coordinated_services",
                area=self.bolton,
                acting_user=self.coordinator,
            )
        self.assertEqual(self.service().name, "Bolton Welcome Hub")
        self.assertEqual(Schedule.objects.filter(service_id=self.hub.service_id).count(), 1)
