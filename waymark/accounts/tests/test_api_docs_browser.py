"""The API documentation page really works in a browser under our Content Security Policy."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def _test_database_before_playwright(django_db_setup):
    # Django refuses the ORM while Playwright's event loop runs in this thread, so the test
    # database is made first (as in waymark/ops/tests/browser/conftest.py).
    yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # The same browser as waymark/ops/tests/browser/: Debian's, never a download.
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium or run make test-browser.")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


def test_it_shows_the_operations_without_breaking_the_csp(live_server, page):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path")

    assert "/api/v1/me" in page.locator(".opblock-summary-path").all_inner_texts()
    assert page.locator("button.authorize").count() == 1
    assert problems == []
