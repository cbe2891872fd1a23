"""Fixtures for the browser tests (marker ``browser``), loaded from the repository's conftest.py.

Browser tests drive Debian's Chromium (/usr/bin/chromium); Playwright never downloads one.

One browser for the whole session; each test gets a fresh context (its own cookies), which
is cheap. `make test-browser` installs chromium when it is missing.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def _test_database_before_playwright(request):
    # Playwright's sync API keeps an event loop running in the test thread, and Django
    # refuses to touch the database while one runs. Creating the test database before the
    # browser starts keeps that refusal out of set-up (only when browser tests will run).
    if any(item.get_closest_marker("browser") for item in request.session.items):
        request.getfixturevalue("django_db_setup")
    yield


@pytest.fixture(autouse=True)
def _browser_tests_may_use_the_orm(request):
    # The same event loop makes Django refuse ORM calls in the body of a browser test.
    if request.node.get_closest_marker("browser"):
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run make test-browser, or apt-get install chromium.")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            # Nothing leaves the machine during tests: no update checks, no sync, no pings.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def assert_accessible():
    """A check that the page in front of the browser has no axe violations, with axe's report if it has."""
    axe = Axe()

    def check(page):
        results = axe.run(page)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


@pytest.fixture
def sign_in(live_server):
    """Sign ``user`` in to a browser context without the form, two-factor step treated as done.

    The sign-in tests use the form itself.
    """

    def sign_in(context, user):
        client = Client()
        client.force_login(user)
        session = client.session
        session["mfa_set_up"] = True
        session.save()
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}]
        )

    return sign_in


@pytest.fixture(scope="module")
def anonymous_page(browser, browser_context_args):
    """One page shared by a module's tests that only read public pages as an anonymous visitor.

    A new browser context costs about half a second; tests that sign in or change a setting
    use pytest-playwright's own ``page`` (a context each) instead.
    """
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()
