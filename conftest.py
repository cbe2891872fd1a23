"""Test set-up shared by every test: a fast password hasher and tasks run at once."""

# Chromium, axe and sign-in fixtures for the tests marked `browser`.
pytest_plugins = ["waymark.browser_testing"]


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords properly is slow on purpose; tests need speed, not strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run as soon as they are enqueued (after commit), so tests see their effects.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # An app that imports a task while Django starts (before this runs) has made Django read
    # TASKS already: make it read the setting again.
    from django.tasks import task_backends

    task_backends.__dict__.pop("settings", None)
    task_backends.__init__()
    # Tests never rely on the demo exemption from MFA.
    settings.WAYMARK_DEMO = False
    # Text messages are off in tests whatever NOTIFY_SMS says (no console noise, never the
    # network); a test that sends one switches a channel on with override_settings.
    settings.NOTIFY_CHANNELS = ["waymark.notify.channels.EmailChannel"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_runtest_setup(item):
    # A request to an /ar/… page leaves Arabic switched on in the test's thread; every test
    # starts in English, whatever ran before it in the same worker.
    from django.utils import translation

    translation.activate("en")
