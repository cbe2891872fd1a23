"""The core minimum offer counts referrals made at visits to the hub's sessions ("provided or
referred", issue 7): sent and not withdrawn, to a service listed under the line's need, with how
many the service completed; drafts, withdrawn ones and referrals made elsewhere do not count."""

import datetime as dt
import uuid

from waymark.directory.models import NEED_LINK_TYPE, NEEDS_TAXONOMY_NAME, Attribute, TaxonomyTerm
from waymark.directory.tests.builders import make_service
from waymark.hubs import core_offer
from waymark.hubs.models import Hub, Visit
from waymark.hubs.tests.helpers import at
from waymark.hubs.tests.test_core_offer import FRIDAY, WEEK, CoreOfferTestCase
from waymark.people.models import Consent
from waymark.people.tests.helpers import make_person
from waymark.referrals import flow
from waymark.referrals.models import Referral


class ReferralsInTheCoreOffer(CoreOfferTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.person = make_person(cls.hub_org, "Amina", by=cls.caseworker)
        cls.housing = cls.listed(make_service("Bolton housing advice"), "housing")
        cls.move_on = cls.listed(make_service("Move-on team"), "move-on-support")

    @staticmethod
    def listed(service, need):
        term = TaxonomyTerm.objects.get(taxonomy__name=NEEDS_TAXONOMY_NAME, slug=need)
        Attribute.objects.create(
            taxonomy_term=term, link_entity="service", link_id=service.id, link_type=NEED_LINK_TYPE
        )
        return service

    def visit(self, session):
        return Visit.objects.create(
            session=session,
            person=self.person,
            client_id=uuid.uuid4(),
            request_digest="x",
            checked_in_by=self.volunteer,
        )

    def refer(self, service, visit, *, to=Referral.State.SENT):
        """A referral of Amina made at ``visit``, through the flow, ending in state ``to``. The
        services are not on Waymark: these are letters, whose answers the sender records."""
        mover = {"acting_user": self.caseworker, "organisation": self.hub_org}
        referral = flow.do_create_referral(person=self.person, service=service, visit=visit, **mover)
        if to == Referral.State.DRAFT:
            return referral
        flow.do_record_consent(referral, scope=["contact_details"], how=Consent.How.SPOKEN, language="en", **mover)
        referral = flow.do_send_referral(referral, **mover)
        if to == Referral.State.WITHDRAWN:
            return flow.do_withdraw(referral, **mover)
        if to in (Referral.State.ACCEPTED, Referral.State.COMPLETED):
            referral = flow.do_accept(referral, **mover)
        if to == Referral.State.COMPLETED:
            referral = flow.do_complete(referral, completed=True, outcome="support_given", **mover)
        return referral

    def test_a_referral_at_a_visit_meets_a_package_part_not_provided_or_signposted(self):
        self.assertIs(self.lines()["housing_advice"].met, False)
        self.refer(self.housing, self.visit(self.tuesday))
        housing = self.lines()["housing_advice"]
        self.assertIs(housing.met, True)
        self.assertEqual(housing.why, "Referred 1 time (0 completed).")
        self.assertEqual(housing.referred, [("Bolton housing advice", 1, 0)])
        self.assertEqual(housing.signposted, [])
        self.assertIs(self.lines()["english_language"].met, False)

    def test_it_says_how_many_were_completed_beside_signposting(self):
        tuesday, thursday = self.visit(self.tuesday), self.visit(self.thursday)
        self.refer(self.housing, tuesday, to=Referral.State.COMPLETED)
        self.refer(self.housing, thursday, to=Referral.State.ACCEPTED)
        self.refer(self.move_on, thursday)
        self.signpost(self.thursday, "housing")
        housing = self.lines()["housing_advice"]
        self.assertEqual(housing.why, "Signposted 1 time. Referred 3 times (1 completed).")
        self.assertEqual(sorted(housing.referred), [("Bolton housing advice", 2, 1), ("Move-on team", 1, 0)])

    def test_drafts_withdrawn_ones_and_referrals_not_at_a_visit_do_not_count(self):
        visit = self.visit(self.tuesday)
        self.refer(self.housing, visit, to=Referral.State.DRAFT)
        self.refer(self.housing, visit, to=Referral.State.WITHDRAWN)
        self.refer(self.housing, None)
        housing = self.lines()["housing_advice"]
        self.assertIs(housing.met, False)
        self.assertEqual(housing.why, "Not provided at the hub, and nobody was signposted for it.")

    def test_a_referral_at_a_visit_in_another_week_or_at_another_hub_does_not_count(self):
        self.refer(self.housing, self.visit(self.session_on(dt.date(2026, 3, 10))))
        other = Hub.objects.create(
            name="Other hub", area=self.bolton, lead_organisation=self.hub_org, model="weekly_drop_in"
        )
        session = other.sessions.create(
            site=self.site, date=dt.date(2026, 3, 4), starts_at=dt.time(10), ends_at=dt.time(12)
        )
        self.refer(self.housing, self.visit(session))
        self.assertIs(self.lines()["housing_advice"].met, False)
        self.assertIs(self.lines(hub=other)["housing_advice"].met, True)

    def test_referrals_add_no_query_for_any_number_of_hubs(self):
        self.signpost(self.tuesday, "housing")
        self.refer(self.move_on, self.visit(self.tuesday), to=Referral.State.COMPLETED)
        hubs = [self.hub]
        with at(FRIDAY), self.assertNumQueries(7):
            core_offer.compute(hubs, WEEK)
        for number in range(3):
            hub = Hub.objects.create(
                name=f"Hub {number}", area=self.bolton, lead_organisation=self.hub_org, model="weekly_drop_in"
            )
            session = hub.sessions.create(
                site=self.site, date=dt.date(2026, 3, 4), starts_at=dt.time(10), ends_at=dt.time(12)
            )
            self.refer(self.housing, self.visit(session))
            hubs.append(hub)
        with at(FRIDAY), self.assertNumQueries(7):
            results = core_offer.compute(hubs, WEEK)
        first = {result.slug: result for result in results[self.hub.pk]}
        self.assertEqual(first["housing_advice"].why, "Signposted 1 time. Referred 1 time (1 completed).")
        last = {result.slug: result for result in results[hubs[-1].pk]}
        self.assertEqual(last["housing_advice"].referred, [("Bolton housing advice", 1, 0)])
