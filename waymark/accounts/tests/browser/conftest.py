"""The browser set-up of waymark/ops/tests/browser (Debian's Chromium, axe), shared here."""

import pytest
from django.conf import settings
from django.test import Client

from waymark.ops.tests.browser.conftest import (  # noqa: F401 (fixtures, found by name)
    _test_database_before_playwright,
    assert_accessible,
    browser_type_launch_args,
)


@pytest.fixture
def sign_in_with_mfa_done(live_server):
    """Sign ``user`` in to a browser context as if they had passed the two-factor step."""

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
