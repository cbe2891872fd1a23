"""A member of staff signs in through the login form and reaches the signed-in start page."""

import re

import pytest
from playwright.sync_api import expect

from waymark.accounts.models import Role
from waymark.testing import PASSWORD, make_member, make_organisation

pytestmark = pytest.mark.browser


@pytest.fixture
def volunteer():
    # A volunteer of an organisation that does not extend two-factor authentication to
    # volunteers: the one kind of member who signs in with a password alone.
    organisation = make_organisation("Croal Valley Welcome Project", require_mfa_for_volunteers=False)
    return make_member("volunteer@example.org", organisation, [Role.VOLUNTEER])


def fill_in_and_submit(page, email, password):
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_it_signs_a_member_in_through_the_form(live_server, page, volunteer):
    page.goto(live_server.url + "/accounts/login/")
    fill_in_and_submit(page, "volunteer@example.org", PASSWORD)

    expect(page).to_have_url(live_server.url + "/")
    header = page.locator("header")
    expect(header).to_contain_text("volunteer@example.org")
    expect(header).to_contain_text("Croal Valley Welcome Project")
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()


def test_it_accepts_the_e_mail_address_in_capitals(live_server, page, volunteer):
    page.goto(live_server.url + "/accounts/login/")
    fill_in_and_submit(page, "Volunteer@Example.org", PASSWORD)

    expect(page.locator("header")).to_contain_text("volunteer@example.org")


def test_it_shows_an_error_summary_for_a_wrong_password(live_server, page, volunteer):
    page.goto(live_server.url + "/accounts/login/")
    fill_in_and_submit(page, "volunteer@example.org", "not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.locator("header")).not_to_contain_text("volunteer@example.org")


def test_it_links_each_error_to_its_field(live_server, page, volunteer):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("button", name="Sign in").click()

    summary = page.get_by_role("alert")
    summary.get_by_role("link", name=re.compile("E-mail address")).click()
    expect(page.get_by_label("E-mail address")).to_be_focused()


def test_it_signs_in_and_out_with_javascript_disabled(live_server, new_context, volunteer):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + "/accounts/login/")
    fill_in_and_submit(page, "volunteer@example.org", PASSWORD)
    expect(page.locator("header")).to_contain_text("volunteer@example.org")

    page.get_by_role("button", name="Sign out").click()

    expect(page.locator("header")).not_to_contain_text("volunteer@example.org")
    expect(page.locator("header").get_by_role("link", name="Sign in")).to_be_visible()
