"""Check-in in a real browser: a volunteer checks in a returning person and registers someone
new with an Arabic-script name; check-ins made while the connection is down are sent once it
is back, exactly once; and the session page passes axe."""

import datetime as dt
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from waymark.accounts.models import Membership, Role
from waymark.directory.needs import load_needs_taxonomy
from waymark.hubs import actions
from waymark.hubs.checkins import do_check_in
from waymark.hubs.models import LONDON, Visit
from waymark.hubs.tests.helpers import make_site
from waymark.people.models import Person
from waymark.people.tests.helpers import make_person
from waymark.testing import make_area, make_member, make_organisation

pytestmark = pytest.mark.browser


@pytest.fixture
def desk():
    # A transactional test run before this one may have emptied the tables the migrations filled.
    load_needs_taxonomy()
    bolton = make_area("Bolton")
    organisation = make_organisation("Croal Valley Welcome Project")
    volunteer = make_member("volunteer@example.org", organisation, [Role.VOLUNTEER])
    coordinator = make_member("coordinator@example.org", organisation, [Role.COORDINATOR])
    hub = actions.do_create_hub(
        name="Bolton Hub",
        area=bolton,
        lead_organisation=organisation,
        model="local_provider",
        sites=[make_site(area=bolton)],
        acting_user=coordinator,
    )
    actions.do_set_team(hub, [Membership.objects.get(user=volunteer)], acting_user=coordinator)
    today = timezone.localdate(timezone=LONDON)
    site = hub.sites.get()
    session = actions.do_add_extra_session(
        hub, site=site, date=today, starts_at=dt.time(0), ends_at=dt.time(23, 59), acting_user=coordinator
    )
    # Last week's session, at which Amina came for the first time.
    last_week = hub.sessions.create(
        site=site, date=today - dt.timedelta(days=7), starts_at=dt.time(10), ends_at=dt.time(14)
    )
    amina = make_person(organisation, "Amina Yusuf", by=coordinator, languages=["ar"], interpreter_needed=True)
    do_check_in(last_week, amina, acting_user=volunteer)
    return {"session": session, "volunteer": volunteer, "amina": amina}


def session_url(live_server, desk, **params):
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return f"{live_server.url}/organisation/sessions/{desk['session'].uuid}/" + (f"?{query}" if query else "")


def wait_for(condition, timeout=30):
    # Generous: on a loaded two-core machine the queued check-ins can take a while to go out.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_volunteer_checks_in_a_returning_person_and_registers_someone_new(live_server, page, sign_in, desk):
    sign_in(page.context, desk["volunteer"])
    page.goto(session_url(live_server, desk))
    page.get_by_label("Find a person").fill("amina")
    page.get_by_role("button", name="Find", exact=True).click()
    result = page.locator(".desk-result")
    expect(result).to_contain_text("Returning: 1 visit before")
    expect(result).to_contain_text("Needs an interpreter.")

    page.get_by_role("button", name="Check in Amina Yusuf").click()
    expect(page.locator("[data-check-in-status]")).to_contain_text("Amina Yusuf: Checked in.")
    assert wait_for(lambda: Visit.objects.filter(session=desk["session"], person=desk["amina"]).exists())
    assert not Visit.objects.get(session=desk["session"], person=desk["amina"]).first_visit

    page.get_by_text("Register someone new and check them in").click()
    page.get_by_label("Name to call them by").fill("أمينة")
    page.get_by_label("They agree that we keep their name and visits").check()
    page.get_by_label("Spoken with an interpreter").check()
    page.get_by_role("button", name="Register and check in").click()
    expect(page.locator(".messages")).to_contain_text("أمينة is registered and checked in.")
    person = Person.objects.get(display_name="أمينة")
    assert Visit.objects.get(session=desk["session"], person=person).first_visit
    expect(page.locator(".check-in__visits")).to_contain_text("أمينة")


def test_check_ins_made_offline_are_sent_once_when_the_connection_is_back(live_server, page, sign_in, desk):
    sign_in(page.context, desk["volunteer"])
    page.goto(session_url(live_server, desk, q="amina"))
    page.context.set_offline(True)

    page.get_by_role("button", name="Check in Amina Yusuf").click()
    page.get_by_role("button", name="Count someone anonymously").click()
    expect(page.locator("[data-check-in-status]")).to_contain_text("No connection")
    expect(page.locator("[data-check-in-queue]")).to_contain_text("Amina Yusuf")
    assert not Visit.objects.filter(session=desk["session"]).exists()

    page.context.set_offline(False)
    assert wait_for(lambda: Visit.objects.filter(session=desk["session"]).count() == 2)
    expect(page.locator("[data-check-in-queue]")).to_be_hidden()

    # Loading the page again sends nothing twice.
    page.reload()
    page.wait_for_load_state("networkidle")
    assert Visit.objects.filter(session=desk["session"], person=desk["amina"]).count() == 1
    assert Visit.objects.filter(session=desk["session"]).count() == 2


def test_a_conflict_is_shown_and_kept_until_dismissed(live_server, page, sign_in, desk):
    sign_in(page.context, desk["volunteer"])
    page.goto(session_url(live_server, desk, q="amina"))
    # Someone else checks Amina in at the desk next door meanwhile.
    do_check_in(desk["session"], desk["amina"], acting_user=desk["volunteer"])

    page.get_by_role("button", name="Check in Amina Yusuf").click()
    queue = page.locator("[data-check-in-queue]")
    expect(queue).to_contain_text("Not recorded: Amina Yusuf is already checked in at this session")
    page.reload()
    expect(queue).to_contain_text("already checked in")
    queue.get_by_role("button", name="Dismiss").click()
    expect(queue).to_be_hidden()
    assert Visit.objects.filter(session=desk["session"]).count() == 1


def test_an_expired_sign_in_keeps_the_queue_and_asks_to_sign_in_again(live_server, page, sign_in, desk):
    sign_in(page.context, desk["volunteer"])
    page.goto(session_url(live_server, desk, q="amina"))
    page.context.clear_cookies()

    page.get_by_role("button", name="Check in Amina Yusuf").click()
    expect(page.locator("[data-check-in-status]")).to_contain_text("Your sign-in has expired")
    expect(page.locator("[data-check-in-queue]")).to_contain_text("Amina Yusuf")
    assert not Visit.objects.filter(session=desk["session"]).exists()

    sign_in(page.context, desk["volunteer"])
    page.goto(session_url(live_server, desk))
    assert wait_for(lambda: Visit.objects.filter(session=desk["session"], person=desk["amina"]).count() == 1)


@pytest.mark.parametrize("code", ["en", "ar"])
def test_the_session_page_is_accessible(live_server, page, sign_in, assert_accessible, desk, code):
    sign_in(page.context, desk["volunteer"])
    prefix = "" if code == "en" else f"/{code}"
    page.goto(f"{live_server.url}{prefix}/organisation/sessions/{desk['session'].uuid}/?q=amina")
    page.locator(".check-in__register summary").click()
    assert_accessible(page)


def test_the_session_page_opens_offline_and_its_check_ins_wait_for_the_connection(live_server, page, sign_in, desk):
    sign_in(page.context, desk["volunteer"])
    page.goto(session_url(live_server, desk))
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # Now under the service worker, which keeps a copy of the page as it passes.
    page.reload()
    page.wait_for_load_state("networkidle")

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="Check-in")).to_be_visible()
    page.get_by_role("button", name="Count someone anonymously").click()
    expect(page.locator("[data-check-in-status]")).to_contain_text("No connection")

    page.context.set_offline(False)
    assert wait_for(lambda: Visit.objects.filter(session=desk["session"], anonymous=True).count() == 1)


def test_registration_errors_and_the_visit_page_are_accessible(live_server, page, sign_in, assert_accessible, desk):
    sign_in(page.context, desk["volunteer"])
    page.goto(session_url(live_server, desk))
    page.get_by_text("Register someone new and check them in").click()
    page.get_by_role("button", name="Register and check in").click()
    expect(page.locator(".error-summary")).to_contain_text("Enter a name to call them by")
    assert page.title().startswith("Error:")
    assert_accessible(page)

    visit = Visit.objects.get(person=desk["amina"])
    page.goto(f"{live_server.url}/organisation/visits/{visit.uuid}/")
    page.get_by_label("Housing and homelessness").check()
    page.get_by_label("Hot meals").fill("1")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    visit.refresh_from_db()
    assert visit.given() == {"hot_meals": 1}
    assert [term.slug for term in visit.needs.all()] == ["housing"]
