"""Personas and builders shared by the safeguarding tests (no tests of its own).

On top of ``BaseTestCase``: ``lead2``, a second safeguarding lead of ``hub_org`` (after the
coordinator in the leads' order); ``amina``, a person of ``hub_org``; ``elsewhere``, a person
of ``other_org``. The escalation rules are the seeded ones (30 min, 24 h, 3 days).
"""

import datetime as dt
from unittest import mock

from waymark.accounts.models import Membership, Role
from waymark.accounts.tokens import create_api_token
from waymark.casework import safeguarding
from waymark.casework.models import ConcernCategory, SafeguardingConcern, Urgency
from waymark.people.tests.helpers import make_person
from waymark.testing import BaseTestCase, make_member

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SECRET = "He said the hotel manager keeps his ASPEN card"


def at(moment):
    """Run the code under test at ``moment`` (django.utils.timezone.now patched)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


class SafeguardingTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.lead2 = make_member("lead2@example.org", cls.hub_org, [Role.SAFEGUARDING_LEAD])
        cls.lead2.language = "ar"
        cls.lead2.save(update_fields=["language"])
        cls.amina = make_person(cls.hub_org, "Amina Yusuf", by=cls.caseworker)
        cls.elsewhere = make_person(cls.other_org, "Someone Elsewhere", by=cls.outsider)

    def raise_concern(self, *, by=None, person=None, about="", urgency=Urgency.IMMEDIATE, when=NOW, **fields):
        by = by or self.volunteer
        organisation = Membership.objects.filter(user=by).first().organisation
        if person is None and not about:
            person = self.amina if organisation == self.hub_org else None
            about = "" if person else "A man at the hotel"
        with at(when), self.captureOnCommitCallbacks(execute=True):
            return safeguarding.do_raise_concern(
                organisation,
                acting_user=by,
                person=person,
                about=about,
                category=fields.pop("category", ConcernCategory.SUICIDE_SELF_HARM),
                what_happened=fields.pop("what_happened", SECRET),
                urgency=urgency,
            )

    def triage(self, concern, *, by=None, when=NOW, decision=SafeguardingConcern.Decision.ACT):
        with at(when):
            return safeguarding.do_triage_concern(
                concern, acting_user=by or self.coordinator, decision=decision, reason="Risk to life"
            )

    def token(self, user, organisation=None, read_only=False):
        organisation = organisation or Membership.objects.filter(user=user).first().organisation
        membership = Membership.objects.get(user=user, organisation=organisation)
        return create_api_token(membership, acting_user=user, read_only=read_only)[1]
