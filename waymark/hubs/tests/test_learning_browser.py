"""The team's and the network lead's pages of the learning log and the core offer in a browser:
axe finds nothing on them, in English and in Arabic (right to left)."""

import datetime as dt

import pytest

from waymark.accounts.models import Membership, Network, Organisation, PlatformRole, Role, User
from waymark.hubs import actions, learning
from waymark.hubs.tests.helpers import make_site
from waymark.testing import make_area

pytestmark = pytest.mark.browser


@pytest.fixture
def world():
    bolton = make_area("Bolton")
    network = Network.objects.create(name="Greater Manchester", slug="greater-manchester")
    network.areas.add(bolton)
    lead = Organisation.objects.create(name="Croal Valley Welcome Project", slug="croal-valley")
    coordinator = User.objects.create_user(email="coordinator@example.org", password="x")
    membership = Membership.objects.create(user=coordinator, organisation=lead, roles=[Role.COORDINATOR])
    network_lead = User.objects.create_user(email="network@example.org", password="x")
    PlatformRole.objects.create(user=network_lead, kind=PlatformRole.Kind.NETWORK_LEAD, network=network)
    hub = actions.do_create_hub(
        name="Bolton Hub",
        area=bolton,
        lead_organisation=lead,
        model="local_provider",
        sites=[make_site(area=bolton)],
        acting_user=coordinator,
    )
    today = dt.date.today()
    pattern = actions.do_add_pattern(
        hub,
        site=hub.sites.get(),
        weekdays=["MO", "TU", "WE", "TH", "FR", "SA", "SU"],
        starts_at=dt.time(0, 0),
        ends_at=dt.time(0, 30),
        starts_on=today - dt.timedelta(days=10),
        offers=["welcome", "casework"],
        acting_user=coordinator,
    )
    sessions = actions.do_generate_sessions(pattern, today, acting_user=coordinator)
    session = sessions[-2]
    learning.do_write_learning_log(session, what_worked="The interpreter rota.", acting_user=coordinator)
    learning.do_add_learning_action(
        session, description="Ask for the side room", owner=membership, due_on=today, acting_user=coordinator
    )
    return {
        "hub": hub,
        "session": session,
        "coordinator": coordinator,
        "network_lead": network_lead,
        "network": network,
    }


@pytest.mark.parametrize("code", ["en", "ar"])
def test_the_team_pages_are_accessible(page, live_server, assert_accessible, sign_in, world, code):
    sign_in(page.context, world["coordinator"])
    prefix = "" if code == "en" else f"/{code}"
    hub, session = world["hub"], world["session"]
    for path in (
        f"/organisation/hubs/{hub.uuid}/",
        f"/organisation/hubs/{hub.uuid}/learning/",
        f"/organisation/sessions/{session.uuid}/learning/",
        f"/organisation/hubs/{hub.uuid}/core-offer/",
        f"/organisation/hubs/{hub.uuid}/feedback/",
        f"/organisation/hubs/{hub.uuid}/feedback/poster/",
    ):
        page.goto(live_server.url + prefix + path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)


def test_the_network_grid_is_accessible(page, live_server, assert_accessible, sign_in, world):
    sign_in(page.context, world["network_lead"])
    page.goto(live_server.url + f"/network/{world['network'].uuid}/hubs/")
    assert "Bolton Hub" in page.content()
    assert_accessible(page)
