"""The public hub pages in a browser: axe finds nothing on /hubs/ and a hub's page, in English
and in Arabic (right to left), with no JavaScript needed."""

import datetime as dt

import pytest

from waymark.accounts.models import Organisation, User
from waymark.hubs import actions
from waymark.hubs.tests.helpers import make_site
from waymark.testing import make_area

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "ar"]


def url(live_server, code, path):
    return live_server.url + (path if code == "en" else f"/{code}{path}")


@pytest.fixture
def hub():
    bolton = make_area("Bolton")
    lead = Organisation.objects.create(name="Croal Valley Welcome Project", slug="croal-valley")
    partner = Organisation.objects.create(name="Medlock Immigration Advice Centre", slug="medlock")
    coordinator = User.objects.create_user(email="coordinator@example.org", password="x")
    hub = actions.do_create_hub(
        name="Bolton Hub",
        description="A warm welcome every week.",
        area=bolton,
        lead_organisation=lead,
        model="local_provider",
        sites=[make_site(area=bolton)],
        acting_user=coordinator,
    )
    actions.do_set_partners(hub, [partner], acting_user=coordinator)
    today = dt.date.today()
    pattern = actions.do_add_pattern(
        hub,
        site=hub.sites.get(),
        weekdays=["MO", "WE", "FR"],
        starts_at=dt.time(10),
        ends_at=dt.time(14),
        starts_on=today,
        offers=["welcome", "hot_food", "esol_registration"],
        acting_user=coordinator,
    )
    sessions = actions.do_generate_sessions(pattern, today + dt.timedelta(weeks=3), acting_user=coordinator)
    later = [session for session in sessions if session.date > today]
    invitation = actions.do_invite_partner(later[0], partner, acting_user=coordinator)
    actions.do_respond_to_invitation(invitation, answer="confirm", acting_user=coordinator)
    actions.do_cancel_session(later[1], reason="Bank holiday", acting_user=coordinator)
    return hub


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_hub_finder_is_accessible(page, live_server, assert_accessible, hub, code):
    page.goto(url(live_server, code, "/hubs/"))
    assert page.locator("h1").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_hub_page_is_accessible(page, live_server, assert_accessible, hub, code):
    page.goto(url(live_server, code, f"/hubs/{hub.uuid}/"))
    assert page.locator("html").get_attribute("dir") == ("rtl" if code == "ar" else "ltr")
    assert "Medlock Immigration Advice Centre" in page.content()
    assert_accessible(page)
