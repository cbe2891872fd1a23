"""Builders for the assessment tests: a person of the hub's organisation, where they live, the
risk rules."""

import datetime as dt

from waymark.accounts.models import Membership
from waymark.accounts.tokens import create_api_token
from waymark.people.actions import do_record_journey
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase


class AssessmentTestCase(BaseTestCase):
    """The common personas, with Amina (of ``hub_org``) and Yusuf (of ``other_org``)."""

    def setUp(self):
        self.amina = make_person(self.hub_org, "Amina", by=self.caseworker, date_of_birth=dt.date(2001, 5, 4))
        self.yusuf = make_person(self.other_org, "Yusuf", by=self.outsider)

    def live_in(self, person, accommodation_type):
        do_record_journey(
            person,
            acting_user=self.caseworker,
            stage="claim_lodged",
            support_type="s98",
            accommodation_type=accommodation_type,
        )

    def token(self, user, organisation, read_only=False):
        membership = Membership.objects.get(user=user, organisation=organisation)
        return {"Authorization": f"Bearer {create_api_token(membership, acting_user=user, read_only=read_only)[1]}"}
