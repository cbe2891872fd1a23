"""A missing page answers 404 with a friendly, accessible page in the visitor's language."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_it_shows_a_friendly_page_for_a_missing_address(live_server, anonymous_page, assert_accessible):
    response = anonymous_page.goto(live_server.url + "/no-such-page/")

    assert response.status == 404
    expect(anonymous_page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(anonymous_page.get_by_role("main")).to_contain_text("check it")
    assert_accessible(anonymous_page)


def test_it_leads_back_to_the_start_page(live_server, anonymous_page):
    anonymous_page.goto(live_server.url + "/no-such-page/")

    anonymous_page.get_by_role("main").get_by_role("link", name="Go to the start page").click()

    expect(anonymous_page).to_have_url(live_server.url + "/")


def test_it_speaks_the_language_of_the_address(live_server, anonymous_page, assert_accessible):
    response = anonymous_page.goto(live_server.url + "/ar/no-such-page/")

    assert response.status == 404
    expect(anonymous_page.locator("html")).to_have_attribute("lang", "ar")
    expect(anonymous_page.locator("html")).to_have_attribute("dir", "rtl")
    expect(anonymous_page.get_by_role("heading", level=1)).not_to_have_text("Page not found")
    assert_accessible(anonymous_page)


def test_it_works_without_javascript(live_server, new_context):
    page = new_context(java_script_enabled=False).new_page()

    response = page.goto(live_server.url + "/no-such-page/")

    assert response.status == 404
    page.get_by_role("main").get_by_role("link", name="Go to the start page").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page).to_have_url(live_server.url + "/")
