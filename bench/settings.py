"""Waymark's settings plus the bench-only URLs (a trivial view to compare every figure with).

The bench scripts use this module. To time a server you run yourself, start it with
``DJANGO_SETTINGS_MODULE=bench.settings`` so that it serves ``/bench/trivial`` too.
"""

from waymark.settings import *  # noqa: F403 (the real settings, changed in one place only)

ROOT_URLCONF = "bench.urls"
