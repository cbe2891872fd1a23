"""The visitor feedback page in a browser: axe finds nothing, in English and in Arabic (right to
left), blank and after a send with mistakes; the answers go through with no JavaScript needed."""

import pytest

from waymark.accounts.models import Organisation
from waymark.hubs.models import Hub, VisitorFeedback
from waymark.testing import make_area

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "ar"]


def url(live_server, code, hub):
    path = f"/hubs/{hub.uuid}/feedback/"
    return live_server.url + (path if code == "en" else f"/{code}{path}")


@pytest.fixture
def hub():
    lead = Organisation.objects.create(name="Croal Valley Welcome Project", slug="croal-valley")
    return Hub.objects.create(
        name="Bolton Hub", area=make_area("Bolton"), lead_organisation=lead, model="weekly_drop_in"
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_feedback_page_is_accessible(page, live_server, assert_accessible, hub, code):
    page.goto(url(live_server, code, hub))
    assert page.locator("html").get_attribute("dir") == ("rtl" if code == "ar" else "ltr")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    # Sent with nothing chosen: the error summary and the field's error are accessible too.
    page.locator("main form button[type=submit]").click()
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)


def test_a_visitor_sends_feedback_without_javascript(browser, live_server, hub):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url(live_server, "en", hub))
    page.get_by_label("Quite welcome").check()
    page.get_by_label("What is missing? (optional)").fill("Someone who speaks Tigrinya")
    page.get_by_label("Hardly ever").check()
    page.locator("main form button[type=submit]").click()
    assert page.locator("h1").inner_text() == "Thank you"
    feedback = VisitorFeedback.objects.get()
    assert (feedback.welcome, feedback.what_is_missing, feedback.loneliness) == (
        4,
        "Someone who speaks Tigrinya",
        "hardly_ever",
    )
    context.close()
