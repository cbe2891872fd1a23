"""Every language sets <html lang dir>, so the layout mirrors for right-to-left scripts."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

RIGHT_TO_LEFT = ["ar", "fa", "ps", "ckb", "ur"]
LEFT_TO_RIGHT = ["en", "ti", "am", "fr", "uk"]


def test_it_covers_every_language_waymark_offers():
    assert sorted(RIGHT_TO_LEFT + LEFT_TO_RIGHT) == sorted(code for code, _name in settings.LANGUAGES)
    assert sorted(RIGHT_TO_LEFT) == sorted(settings.LANGUAGES_BIDI)


def login_url(live_server, code):
    # English is the default language and has no prefix.
    return live_server.url + ("/accounts/login/" if code == "en" else f"/{code}/accounts/login/")


@pytest.mark.parametrize("code", RIGHT_TO_LEFT)
def test_it_lays_out_right_to_left_languages_from_the_right(live_server, anonymous_page, code):
    page = anonymous_page
    page.goto(login_url(live_server, code))

    html = page.locator("html")
    expect(html).to_have_attribute("lang", code)
    expect(html).to_have_attribute("dir", "rtl")
    # The stylesheet's logical properties follow: the header's first item starts on the right.
    name = page.locator(".site-header__name").bounding_box()
    viewport = page.viewport_size
    assert name["x"] > viewport["width"] / 2


@pytest.mark.parametrize("code", LEFT_TO_RIGHT)
def test_it_lays_out_left_to_right_languages_from_the_left(live_server, anonymous_page, code):
    page = anonymous_page
    page.goto(login_url(live_server, code))

    html = page.locator("html")
    expect(html).to_have_attribute("lang", code)
    expect(html).to_have_attribute("dir", "ltr")
    name = page.locator(".site-header__name").bounding_box()
    assert name["x"] < page.viewport_size["width"] / 2


def test_it_follows_the_lang_parameter_of_a_shared_link(live_server, anonymous_page):
    page = anonymous_page
    page.goto(live_server.url + "/accounts/login/?lang=fa")

    # The sign-in page itself, not a "page not found" in Persian.
    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def test_it_switches_language_without_javascript(live_server, new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/accounts/login/")

    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change").click()

    expect(page).to_have_url(live_server.url + "/ar/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
