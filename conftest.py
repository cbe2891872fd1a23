"""Test set-up shared by every test: a fast password hasher and tasks run at once."""

import os

import pytest


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords properly is slow on purpose; tests need speed, not strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run as soon as they are enqueued (after commit), so tests see their effects.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Tests never rely on the demo exemption from MFA.
    settings.WAYMARK_DEMO = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _browser_tests_may_use_the_orm(request):
    # Playwright's sync API runs an event loop in the test thread, which makes Django refuse
    # ORM calls from the test body. Only browser tests need this.
    if request.node.get_closest_marker("browser"):
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
