"""The public map in a browser: a person searching in Arabic on a narrow phone, "near me", and
axe on the home, results and service pages in English and Arabic."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from waymark.directory.models import (
    Address,
    Language,
    Location,
    LocationType,
    Phone,
    Schedule,
    ServiceAtLocation,
    Translation,
)
from waymark.directory.tests.builders import give_need, make_need, make_organization, make_service
from waymark.testing import make_area

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "ar"]
ARABIC_NAME = "بنك الطعام"
NARROW_PHONE = {"width": 320, "height": 640}


def url(live_server, code, path):
    return live_server.url + (path if code == "en" else f"/{code}{path}")


@pytest.fixture
def food_bank():
    """A public service with a place, hours, a phone, a notice and an Arabic name; the needs
    grid's food term named in Arabic. (Browser tests empty the tables between tests, so the
    needs the data migration loaded are made again here.)"""
    food = make_need("food", "Food")
    Translation.for_object(food, "name", "ar", "طعام", status="reviewed").save()
    Translation.for_object(make_need("housing", "Housing"), "name", "ar", "سكن", status="reviewed").save()
    organization = make_organization("Croal Valley Welcome Project")
    location = Location.objects.create(
        location_type=LocationType.PHYSICAL,
        organization=organization,
        name="Derby Street Community Centre",
        latitude=Decimal("53.570000"),
        longitude=Decimal("-2.430000"),
        area=make_area("Bolton"),
    )
    Address.objects.create(
        location=location,
        address_1="12 Derby Street",
        city="Bolton",
        state_province="Greater Manchester",
        postal_code="BL3 6HH",
        address_type=LocationType.PHYSICAL,
    )
    service = make_service(
        "Food bank",
        organization=organization,
        description="Food parcels every week, no referral needed.",
        for_anyone=True,
        access_drop_in=True,
        alert="Closed on Friday for a training day.",
        alert_ends_on=dt.date.today() + dt.timedelta(days=10),
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    Schedule.objects.create(
        service=service, freq="WEEKLY", interval=1, byday="MO,WE", opens_at=dt.time(10), closes_at=dt.time(13)
    )
    Phone.objects.create(service=service, number="01204 496 000")
    Language.objects.create(service=service, name="Arabic", code="ar")
    give_need(service, food)
    Translation.for_object(service, "name", "ar", ARABIC_NAME, status="reviewed").save()
    service.build_search_text()
    service.save(update_fields=["search_text"])
    return service


def assert_fits(page):
    """Nothing sticks out sideways: the page never scrolls horizontally."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_person_searches_in_arabic_on_a_narrow_phone_and_opens_a_service(
    live_server, new_context, assert_accessible, food_bank
):
    page = new_context(viewport=NARROW_PHONE).new_page()
    page.goto(live_server.url + "/ar/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_fits(page)
    assert_accessible(page)

    page.locator("#id_q").fill("الطعام")
    page.locator(".search-form button[type=submit]").click()

    expect(page).to_have_url(live_server.url + "/ar/services/?q=%D8%A7%D9%84%D8%B7%D8%B9%D8%A7%D9%85&near=")
    result = page.locator(".result").first
    expect(result).to_contain_text(ARABIC_NAME)
    expect(result).to_contain_text("Closed on Friday for a training day.")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_fits(page)
    assert_accessible(page)

    result.get_by_role("link", name=ARABIC_NAME).click()

    expect(page.locator("main h1")).to_have_text(ARABIC_NAME)
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("a[href^='tel:']")).to_have_attribute("href", "tel:01204496000")
    # The description has no Arabic translation yet: shown in English, marked, with the notice.
    expect(page.locator("span[lang=en]", has_text="Food parcels every week")).to_be_visible()
    expect(page.locator(".notice--language")).to_be_visible()
    assert_fits(page)
    assert_accessible(page)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_map_pages_are_accessible(live_server, anonymous_page, assert_accessible, food_bank, code):
    page = anonymous_page
    paths = ("/", "/services/?q=food", "/services/?need=food&open_now=1", f"/services/{food_bank.id}/", "/about/")
    for path in (*paths, "/open-data/"):
        page.goto(url(live_server, code, path))
        expect(page.locator("html")).to_have_attribute("lang", code)
        assert_accessible(page)


def test_the_api_documentation_is_accessible(live_server, anonymous_page, assert_accessible, food_bank):
    anonymous_page.goto(live_server.url + "/api/oruk/docs/")
    expect(anonymous_page.locator("h1")).to_be_visible()
    assert_accessible(anonymous_page)


def test_near_me_sends_a_position_rounded_to_about_a_kilometre(live_server, new_context, food_bank):
    context = new_context(geolocation={"latitude": 53.578912, "longitude": -2.429187}, permissions=["geolocation"])
    page = context.new_page()
    page.goto(live_server.url + "/")

    page.get_by_role("button", name="Near me").click()

    expect(page).to_have_url(live_server.url + "/services/?q=&near=53.58%2C-2.43")


def test_near_me_is_hidden_without_javascript(live_server, new_context, food_bank):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/services/")

    expect(page.get_by_role("button", name="Near me")).to_be_hidden()
    page.locator("#id_near").fill("BL3")
    page.locator(".search-form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/services/?q=&near=BL3&need=&speaks=&for=&access=")
