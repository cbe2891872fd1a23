"""The public forms, the "still correct?" page and the editors' dashboard pass axe, in English
and Arabic (right-to-left), with and without errors, and work without JavaScript."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from waymark.accounts.models import User
from waymark.directory.actions.public_input import do_report_problem, do_suggest_service
from waymark.directory.actions.verification import hash_token
from waymark.directory.models import ProblemReport, VerificationLink
from waymark.directory.tests.builders import make_organization, make_service
from waymark.testing import PASSWORD

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "ar"]


def url(live_server, code, path):
    return live_server.url + (path if code == "en" else f"/{code}{path}")


@pytest.fixture
def service(db):
    return make_service("Drop-in advice", organization=make_organization("Croal Valley Welcome Project"))


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_visitor_reports_a_problem_without_javascript(live_server, browser, service, code):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url(live_server, code, f"/services/{service.id}/report/"))
    expect(page.locator("html")).to_have_attribute("lang", code)

    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()

    page.locator("#id_kind_1").check()
    page.locator("#id_details").fill("Closed on Fridays now")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main form")).to_have_count(0)
    assert ProblemReport.objects.get().details == "Closed on Fridays now"
    context.close()


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_problem_report_form_is_accessible(live_server, anonymous_page, assert_accessible, service, code):
    # axe runs as JavaScript in the page, so it checks the same pages in a normal browser.
    anonymous_page.goto(url(live_server, code, f"/services/{service.id}/report/"))
    assert_accessible(anonymous_page)
    anonymous_page.locator("main form button[type=submit]").click()
    expect(anonymous_page.locator(".error-summary")).to_be_visible()
    assert_accessible(anonymous_page)
    anonymous_page.goto(url(live_server, code, f"/thank-you/?sent=problem&service={service.id}"))
    assert_accessible(anonymous_page)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_feedback_and_suggestion_forms_are_accessible(
    live_server, anonymous_page, assert_accessible, service, code
):
    anonymous_page.goto(url(live_server, code, f"/services/{service.id}/feedback/"))
    assert_accessible(anonymous_page)
    anonymous_page.locator("main form button[type=submit]").click()
    expect(anonymous_page.locator(".error-summary")).to_be_visible()
    assert_accessible(anonymous_page)

    anonymous_page.goto(url(live_server, code, "/suggest-a-service/"))
    assert_accessible(anonymous_page)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_still_correct_page_is_accessible(live_server, anonymous_page, assert_accessible, service, code):
    link = VerificationLink.objects.create(
        service=service,
        token_hash=hash_token("browser-token"),
        sent_to="owner@example.org",
        expires_at=timezone.now() + timedelta(days=30),
    )
    anonymous_page.goto(url(live_server, code, f"/check/{link.uuid}/browser-token/"))
    expect(anonymous_page.locator("main form button[type=submit]")).to_be_visible()
    assert_accessible(anonymous_page)
    anonymous_page.locator("main form button[type=submit]").click()
    expect(anonymous_page.locator("h1")).to_be_visible()
    assert_accessible(anonymous_page)
    anonymous_page.goto(url(live_server, code, f"/check/{link.uuid}/wrong/"))
    assert_accessible(anonymous_page)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_editors_pages_are_accessible(live_server, page, sign_in, assert_accessible, service, code):
    editor = User.objects.create_superuser(email="admin@example.org", password=PASSWORD)
    report = do_report_problem(service, kind="closed", details="Gone")
    suggestion = do_suggest_service(name="Sewing group")
    sign_in(page.context, editor)

    page.goto(url(live_server, code, "/editors/"))
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    page.goto(url(live_server, code, f"/editors/problems/{report.uuid}/"))
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.goto(url(live_server, code, f"/editors/suggestions/{suggestion.uuid}/"))
    assert_accessible(page)
