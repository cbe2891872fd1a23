"""The base layout passes axe with no violations, in English and in Arabic (right-to-left).

axe checks what a person using a screen reader, a keyboard or a small screen would meet:
colour contrast, labels, landmarks, headings, the language of the page. The stylesheet is
loaded, so contrast is checked on the colours people see.
"""

import pytest
from playwright.sync_api import expect

from waymark.accounts.models import Role
from waymark.testing import make_member, make_organisation

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "ar"]


def url(live_server, code, path):
    return live_server.url + (path if code == "en" else f"/{code}{path}")


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_has_an_accessible_login_page(live_server, anonymous_page, assert_accessible, code):
    anonymous_page.goto(url(live_server, code, "/accounts/login/"))

    expect(anonymous_page.locator("html")).to_have_attribute("lang", code)
    assert_accessible(anonymous_page)


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_has_an_accessible_login_page_with_errors(live_server, anonymous_page, assert_accessible, code):
    anonymous_page.goto(url(live_server, code, "/accounts/login/"))
    anonymous_page.locator("form button[type=submit]").last.click()

    expect(anonymous_page.locator(".error-summary")).to_be_visible()
    expect(anonymous_page.locator(".field-error")).to_have_count(2)
    assert_accessible(anonymous_page)


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_has_an_accessible_start_page_for_visitors(live_server, anonymous_page, assert_accessible, code):
    anonymous_page.goto(url(live_server, code, "/"))

    assert_accessible(anonymous_page)


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_has_an_accessible_start_page_when_signed_in(live_server, page, sign_in, assert_accessible, code):
    # A member of two organisations sees the "acting for" chooser in the header too.
    first = make_organisation("Croal Valley Welcome Project", require_mfa_for_volunteers=False)
    second = make_organisation("Bury Drop-in", require_mfa_for_volunteers=False)
    user = make_member("volunteer@example.org", first, [Role.VOLUNTEER])
    second.memberships.create(user=user, roles=[Role.VOLUNTEER])
    sign_in(page.context, user)

    page.goto(url(live_server, code, "/"))

    expect(page.locator("header")).to_contain_text("volunteer@example.org")
    expect(page.locator("header select")).to_have_count(2)
    assert_accessible(page)


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_shows_the_skip_link_when_it_has_focus(live_server, anonymous_page, code):
    anonymous_page.goto(url(live_server, code, "/accounts/login/"))
    skip_link = anonymous_page.locator(".skip-link")
    assert skip_link.bounding_box()["y"] < 0

    anonymous_page.keyboard.press("Tab")

    expect(skip_link).to_be_focused()
    assert skip_link.bounding_box()["y"] >= 0
    anonymous_page.keyboard.press("Enter")
    expect(anonymous_page.locator("main")).to_be_focused()
