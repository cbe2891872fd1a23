"""The core offer's "initial assessment of needs, including vulnerability" line: met in a week
when the hub's lead organisation recorded an assessment that week of someone who came to one of
the hub's sessions; "not recorded" (None) for a lead organisation that records no assessments
in Waymark; a month is met when every week is; a fixed number of queries for any number of hubs."""

import datetime as dt
import uuid

from waymark.casework.assessments import do_record_assessment
from waymark.casework.models import Assessment
from waymark.hubs import core_offer
from waymark.hubs.models import LONDON, Hub, Visit
from waymark.hubs.tests.helpers import at
from waymark.hubs.tests.test_core_offer import FRIDAY, WEEK, CoreOfferTestCase
from waymark.people.tests.helpers import make_person

# Wednesday of the test week (2–8 March 2026), and the Wednesday of the week after.
WEDNESDAY_NOON = dt.datetime(2026, 3, 4, 12, 0, tzinfo=LONDON)
NEXT_WEEK = dt.datetime(2026, 3, 11, 12, 0, tzinfo=LONDON)


class InitialAssessmentTestCase(CoreOfferTestCase):
    def setUp(self):
        super().setUp()
        self.amina = make_person(self.hub_org, "Amina", by=self.caseworker)

    def visit(self, session, person):
        return Visit.objects.create(session=session, person=person, client_id=uuid.uuid4(), request_digest="x")

    def assess(self, person, when, by=None):
        return do_record_assessment(person, acting_user=by or self.caseworker, assessed_at=when)

    def line(self, **kwargs):
        return self.lines(**kwargs)["initial_assessment"]


class ItCountsAssessments(InitialAssessmentTestCase):
    def test_an_organisation_that_records_no_assessments_is_not_recorded(self):
        line = self.line()
        self.assertIsNone(line.met)
        self.assertIn("Not yet recorded", line.why)
        self.assertEqual(line.assessments, 0)

    def test_an_assessment_that_week_of_someone_who_came_meets_it(self):
        self.visit(self.tuesday, self.amina)
        self.visit(self.thursday, self.amina)  # Came twice: still one assessment.
        self.assess(self.amina, WEDNESDAY_NOON)
        line = self.line()
        self.assertIs(line.met, True)
        self.assertEqual(line.assessments, 1)
        self.assertEqual(line.why, "1 assessment recorded of someone who came to the hub.")

    def test_a_visit_in_an_earlier_week_counts_too(self):
        self.visit(self.session_on(dt.date(2026, 3, 10)), self.amina)
        self.assess(self.amina, NEXT_WEEK)
        later = core_offer.week_of(dt.date(2026, 3, 9))
        self.assertIs(self.line(when=dt.datetime(2026, 3, 13, 18, tzinfo=LONDON), period=later).met, True)

    def test_an_assessment_of_someone_who_never_came_does_not_count(self):
        self.assess(self.amina, WEDNESDAY_NOON)
        line = self.line()
        self.assertIs(line.met, False)
        self.assertEqual(line.why, "No assessment recorded this week of someone who came to the hub.")

    def test_an_assessment_in_another_week_does_not_count(self):
        self.visit(self.tuesday, self.amina)
        self.assess(self.amina, dt.datetime(2026, 2, 25, 12, tzinfo=LONDON))
        self.assertIs(self.line().met, False)

    def test_before_its_first_assessment_an_organisation_is_not_recorded(self):
        self.visit(self.tuesday, self.amina)
        self.assess(self.amina, NEXT_WEEK)
        self.assertIsNone(self.line().met)

    def test_an_assessment_by_another_organisation_does_not_count(self):
        self.visit(self.tuesday, self.amina)
        Assessment.objects.create(
            organisation=self.other_org,
            person=self.amina,
            assessed_at=WEDNESDAY_NOON,
            assessed_by=self.outsider,
            derived_risk_level="low",
        )
        line = self.line()
        self.assertIsNone(line.met)
        self.assertEqual(line.assessments, 0)

    def test_a_month_is_met_only_when_every_week_is(self):
        self.visit(self.tuesday, self.amina)
        self.assess(self.amina, WEDNESDAY_NOON)
        self.assess(self.amina, NEXT_WEEK)
        march = core_offer.month_of(2026, 3)
        line = self.line(when=dt.datetime(2026, 4, 20, tzinfo=LONDON), period=march)
        self.assertIs(line.met, False)
        self.assertEqual(line.why, "Assessments recorded in 2 of 5 weeks (2 in all).")
        self.assertEqual(line.assessments, 2)

    def test_it_reads_a_fixed_number_of_queries_for_any_number_of_hubs(self):
        # Six with no signposting (the services' needs are then not read).
        self.visit(self.tuesday, self.amina)
        self.assess(self.amina, WEDNESDAY_NOON)
        hubs = [self.hub]
        with at(FRIDAY):
            with self.assertNumQueries(6):
                core_offer.compute(hubs, WEEK)
            for number in range(3):
                hub = Hub.objects.create(
                    name=f"Hub {number}", area=self.bolton, lead_organisation=self.hub_org, model="weekly_drop_in"
                )
                session = hub.sessions.create(
                    site=self.site, date=dt.date(2026, 3, 4), starts_at=dt.time(10), ends_at=dt.time(12)
                )
                self.visit(session, self.amina)
                hubs.append(hub)
            with self.assertNumQueries(6):
                results = core_offer.compute(hubs, WEEK)
        for hub in hubs:
            line = {result.slug: result for result in results[hub.pk]}["initial_assessment"]
            self.assertEqual((line.met, line.assessments), (True, 1), hub)

    def test_it_is_in_the_api(self):
        from waymark.accounts.models import ApiToken, Membership, hash_token

        self.visit(self.tuesday, self.amina)
        self.assess(self.amina, WEDNESDAY_NOON)
        secret = "wmk_" + "b" * 40
        ApiToken.objects.create(
            membership=Membership.objects.get(user=self.volunteer), prefix=secret[:10], token_hash=hash_token(secret)
        )
        with at(FRIDAY):
            body = self.client.get("/api/v1/hubs", headers={"Authorization": f"Bearer {secret}"}).json()
        lines = {line["slug"]: line for line in body[0]["core_offer"]}
        self.assertEqual(
            lines["initial_assessment"],
            {
                "slug": "initial_assessment",
                "met": True,
                "why": "1 assessment recorded of someone who came to the hub.",
            },
        )
