"""Small builders and the personas of the hubs tests.

``HubTestCase`` adds to the common personas (``waymark.testing.BaseTestCase``) a Bolton hub led
by ``hub_org`` at a community centre, with the ``volunteer`` on its team (the ``caseworker``
of the same organisation is not), ``partner_org`` as its partner (with a ``partner_volunteer``,
who may not answer for it), and a Tuesday and Thursday pattern.
"""

import datetime as dt
from decimal import Decimal
from unittest import mock

from waymark.accounts.models import Membership, Role
from waymark.directory.models import Address, Location, LocationType
from waymark.hubs import actions
from waymark.hubs.models import LONDON, Offer
from waymark.testing import BaseTestCase, make_member

# Monday 2 March 2026, 09:00 in London (GMT).
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


def at(moment):
    """Run the code under test at ``moment``."""
    return mock.patch("django.utils.timezone.now", return_value=moment.astimezone(dt.UTC))


def make_site(
    name="Derby Street Community Centre",
    *,
    area=None,
    latitude="53.570000",
    longitude="-2.430000",
    postcode="BL3 6HH",
    organization=None,
):
    location = Location.objects.create(
        location_type=LocationType.PHYSICAL,
        organization=organization,
        name=name,
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        area=area,
    )
    Address.objects.create(
        location=location,
        address_1="12 Derby Street",
        city="Bolton",
        state_province="Greater Manchester",
        postal_code=postcode,
        address_type=LocationType.PHYSICAL,
    )
    return location


class HubTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.site = make_site(area=cls.bolton)
        cls.library = make_site("Bolton Central Library", area=cls.bolton, latitude="53.578000", longitude="-2.432000")
        with at(MONDAY):
            cls.hub = actions.do_create_hub(
                name="Bolton Hub",
                description="A warm welcome every week.",
                area=cls.bolton,
                lead_organisation=cls.hub_org,
                model="local_provider",
                sites=[cls.site, cls.library],
                acting_user=cls.coordinator,
            )
            actions.do_set_team(cls.hub, [Membership.objects.get(user=cls.volunteer)], acting_user=cls.coordinator)
            actions.do_set_partners(cls.hub, [cls.partner_org], acting_user=cls.coordinator)
            cls.pattern = actions.do_add_pattern(
                cls.hub,
                site=cls.site,
                weekdays=["TU", "TH"],
                starts_at=dt.time(10),
                ends_at=dt.time(14),
                starts_on=dt.date(2026, 3, 3),
                offers=[Offer.WELCOME, Offer.HOT_FOOD, Offer.CASEWORK],
                acting_user=cls.coordinator,
            )
        cls.partner_volunteer = make_member("partner.volunteer@example.org", cls.partner_org, [Role.VOLUNTEER])

    def generate(self, until=dt.date(2026, 3, 31)):
        with at(MONDAY):
            return actions.do_generate_sessions(self.pattern, until, acting_user=self.coordinator)

    def session_on(self, day):
        return self.hub.sessions.get(date=day)
