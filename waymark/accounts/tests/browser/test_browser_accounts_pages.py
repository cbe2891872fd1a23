"""The members, invitation, audit and two-factor pages pass axe, in English and Arabic."""

import pytest
from playwright.sync_api import expect

from waymark.accounts.models import Invitation, Role
from waymark.audit.events import record_event
from waymark.testing import make_member, make_organisation, make_user

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "ar"]


def url(live_server, code, path):
    return live_server.url + (path if code == "en" else f"/{code}{path}")


@pytest.fixture
def organisation_admin():
    organisation = make_organisation("Croal Valley Welcome Project")
    admin = make_member("coordinator@example.org", organisation, [Role.COORDINATOR, Role.ORGANISATION_ADMIN])
    make_member("caseworker@example.org", organisation, [Role.CASEWORKER])
    Invitation.objects.create(
        organisation=organisation, email="newcomer@example.org", roles=[Role.VOLUNTEER], invited_by=admin
    )
    record_event("invitation.sent", actor=admin, organisation=organisation, details={"roles": ["volunteer"]})
    return admin


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_has_accessible_member_pages(live_server, page, sign_in, assert_accessible, organisation_admin, code):
    sign_in(page.context, organisation_admin)

    page.goto(url(live_server, code, "/organisation/members/"))
    expect(page.locator("main table").first).to_contain_text("caseworker@example.org")
    assert_accessible(page)

    page.locator("main table a").first.click()
    expect(page.locator("main h1")).to_contain_text("@example.org")
    assert_accessible(page)

    page.goto(url(live_server, code, "/organisation/members/invite/"))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_has_an_accessible_audit_page(live_server, page, sign_in, assert_accessible, organisation_admin, code):
    sign_in(page.context, organisation_admin)

    page.goto(url(live_server, code, "/organisation/audit/"))
    expect(page.locator("main table")).to_contain_text("invitation.sent")
    assert_accessible(page)


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_has_an_accessible_invitation_page(live_server, page, assert_accessible, organisation_admin, code):
    invitation = Invitation.objects.get()
    page.goto(url(live_server, code, f"/invitations/{invitation.link_token()}/"))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_has_an_accessible_two_factor_set_up(live_server, page, assert_accessible, code):
    organisation = make_organisation("Croal Valley Welcome Project")
    make_member("caseworker@example.org", organisation, [Role.CASEWORKER])
    page.goto(url(live_server, code, "/accounts/login/"))
    page.locator("#id_login").fill("caseworker@example.org")
    page.locator("#id_password").fill("test-password-1234")
    page.locator("main form button[type=submit]").click()

    # Sent on to set up an authenticator app; the password is asked for once more first.
    expect(page.locator("#id_password")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_password").fill("test-password-1234")
    page.locator("main form button[type=submit]").click()

    expect(page.locator("img[src^='data:image/svg+xml']")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_code").fill("000000")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)


def test_it_has_an_accessible_two_factor_overview(live_server, page, sign_in, assert_accessible):
    sign_in(page.context, make_user("plain@example.org"))
    page.goto(live_server.url + "/accounts/2fa/")
    expect(page.locator("main h1")).to_be_visible()
    assert_accessible(page)
