"""The API documentation page really works in a browser under our Content Security Policy.

Chromium and the test database come from the shared fixtures in waymark/browser_testing.py.
"""

import pytest

pytestmark = pytest.mark.browser


def test_it_shows_the_operations_without_breaking_the_csp(live_server, page):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path")

    assert "/api/v1/me" in page.locator(".opblock-summary-path").all_inner_texts()
    assert page.locator("button.authorize").count() == 1
    assert problems == []
