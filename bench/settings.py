"""Waymark's settings plus the bench-only URLs (a trivial view to compare every figure with).

The bench scripts use this module. To time a server you run yourself (``--url``), start it
with ``DJANGO_SETTINGS_MODULE=bench.settings``, so that it serves ``/bench/trivial`` too, and
with the same environment as the bench script (see bench/harness.py).
"""

from waymark.settings import *  # noqa: F403 (the real settings, changed in one place only)

ROOT_URLCONF = "bench.urls"

# The manifest of hashed static file names exists only after collectstatic. The bench times
# Python, not static files, so plain static URLs do, and no collectstatic is needed.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
