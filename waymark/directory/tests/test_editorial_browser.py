"""An organisation coordinator edits a service; a directory editor approves it; the map shows it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from waymark.accounts.models import PlatformRole, Role
from waymark.directory.listing_data import apply_service_data
from waymark.directory.models import ChangeRequest, Service
from waymark.directory.tests.builders import make_need, make_organization
from waymark.testing import make_area, make_member, make_network, make_organisation, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def listing():
    network = make_network("Greater Manchester", [make_area("Bolton")])
    hub = make_organisation("Croal Valley Welcome Project")
    coordinator = make_member("coordinator@example.org", hub, [Role.COORDINATOR])
    editor = make_user("editor@example.org")
    PlatformRole.objects.create(user=editor, kind=PlatformRole.Kind.DIRECTORY_EDITOR, network=network)
    make_need("food", name="Food")
    organization = make_organization(waymark_organisation=hub, network=network)
    service = apply_service_data(
        Service(organization=organization),
        {
            "name": "Food bank",
            "description": "Food parcels.",
            "free": True,
            "needs": ["food"],
            "opening_times": [{"days": ["MO"], "opens_at": "10:00", "closes_at": "13:00"}],
        },
        organization=organization,
    )
    return {"service": service, "coordinator": coordinator, "editor": editor}


def test_a_coordinator_edits_a_service_and_an_editor_approves_it(
    live_server, browser, page, sign_in, assert_accessible, listing
):
    service = listing["service"]
    sign_in(page.context, listing["coordinator"])
    page.goto(live_server.url + reverse("directory:edit_service", args=[service.id]))
    assert_accessible(page)

    page.get_by_label("Name:", exact=True).fill("Community food bank")
    page.get_by_label("Saturday, opening 1: opens at").fill("09:30")
    page.get_by_label("Saturday, opening 1: closes at").fill("12:00")
    page.get_by_role("button", name="Send for review").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your proposed change")
    expect(page.locator("main")).to_contain_text("Community food bank")
    assert Service.objects.get(id=service.id).name == "Food bank"
    change = ChangeRequest.objects.get()

    editor_context = browser.new_context()
    try:
        editor_page = editor_context.new_page()
        sign_in(editor_context, listing["editor"])
        editor_page.goto(live_server.url + reverse("directory:review_change", args=[change.uuid]))
        expect(editor_page.locator("main")).to_contain_text("Saturday 09:30–12:00")
        assert_accessible(editor_page)

        editor_page.get_by_role("button", name="Approve and publish").click()

        expect(editor_page.get_by_role("status")).to_contain_text("Approved")
        assert_accessible(editor_page)
    finally:
        editor_context.close()

    service.refresh_from_db()
    assert service.name == "Community food bank"
    assert service.schedules.filter(byday="SA").exists()
