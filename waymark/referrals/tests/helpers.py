"""A small referral world for the referral tests.

- "Croal Hub Charity" (the sender): a caseworker, a volunteer (no case role).
- "Bolton Law Centre" (the receiver): uses Waymark, its "Asylum appeals clinic" accepts
  referrals through Waymark and is regulated by the OISC at level 2; it also runs "Drop-in
  legal surgery" (to redirect to). Its caseworker answers.
- "Salford Welcome" (an outsider) with a caseworker.
- "Wigan Food Bank": on the map only (not on Waymark), so referrals to it are letters.
- Amina, a person of the sender, seeking asylum (journey stage "awaiting_decision"), with no
  referral consent yet.
"""

import datetime as dt
import importlib

from django.apps import apps

from waymark.accounts.models import Role
from waymark.directory.models.base import IMMIGRATION_ADVICE_SLUG
from waymark.directory.tests.builders import make_need, make_organization, make_service
from waymark.people.models import Consent, InformationKind, JourneyRecord
from waymark.people.tests.helpers import make_person
from waymark.referrals import flow
from waymark.testing import make_member, make_organisation

ALL_SCOPE = list(InformationKind.values)


def ensure_policy_rows():
    """Put back the policy rows the data migration made (deadline, bank holidays, stage →
    situation): a transactional test empties every table when it ends, and a later one in the
    same run finds them gone."""
    migration = importlib.import_module("waymark.referrals.migrations.0003_referral_policy_data")
    migration.add_policy(apps, None)


class ReferralWorld:
    """Mix into a TestCase (``setUpTestData``) or call ``build`` in setUp for TransactionTestCase."""

    @classmethod
    def build_world(cls):
        cls.sender = make_organisation("Croal Hub Charity")
        cls.caseworker = make_member("case@croal.test", cls.sender, roles=[Role.CASEWORKER])
        cls.volunteer = make_member("vol@croal.test", cls.sender, roles=[Role.VOLUNTEER])

        cls.receiver = make_organisation("Bolton Law Centre")
        cls.receiver_caseworker = make_member("case@law.test", cls.receiver, roles=[Role.CASEWORKER])
        cls.receiver_volunteer = make_member("vol@law.test", cls.receiver, roles=[Role.VOLUNTEER])
        cls.law_centre = make_organization("Bolton Law Centre", waymark_organisation=cls.receiver)
        cls.clinic = make_service(
            "Asylum appeals clinic",
            cls.law_centre,
            accepts_waymark_referrals=True,
            advice_regulator="oisc",
            advice_oisc_level=2,
            for_seeking_asylum=True,
            email="clinic@law.test",
        )
        cls.surgery = make_service(
            "Drop-in legal surgery", cls.law_centre, accepts_waymark_referrals=True, advice_regulator="sra"
        )

        cls.outsider_org = make_organisation("Salford Welcome")
        cls.outsider = make_member("case@salford.test", cls.outsider_org, roles=[Role.CASEWORKER])

        cls.food_bank = make_service("Wigan Food Bank", make_organization("Wigan Food Bank"), email="help@food.test")
        cls.advice_need = make_need(IMMIGRATION_ADVICE_SLUG, "Immigration advice")

        cls.person = make_person(cls.sender, "Amina", by=cls.caseworker, languages=["ar"])
        JourneyRecord.objects.create(
            person=cls.person, stage="awaiting_decision", since=dt.date(2026, 1, 5), recorded_by=cls.caseworker
        )

    def draft(self, service=None, **fields):
        return flow.do_create_referral(
            organisation=self.sender,
            person=fields.pop("person", self.person),
            service=service or self.clinic,
            acting_user=self.caseworker,
            **fields,
        )

    def consent(self, referral, scope=("contact_details",), how=Consent.How.SPOKEN_WITH_INTERPRETER):
        return flow.do_record_consent(
            referral,
            scope=list(scope),
            how=how,
            language="ar",
            acting_user=self.caseworker,
            organisation=self.sender,
        )

    def sent(self, service=None, scope=("contact_details",), **fields):
        referral = self.draft(service, **fields)
        self.consent(referral, scope)
        return flow.do_send_referral(referral, acting_user=self.caseworker, organisation=self.sender)
