"""System checks for operations settings: every periodic job names a real command, and the
field encryption keys are keys."""

from datetime import timedelta

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.core.management import get_commands

from waymark.lib import crypto


@register()
def check_periodic_jobs(app_configs=None, **kwargs):
    """Each PERIODIC_JOBS entry names an installed management command and a positive interval."""
    errors = []
    commands = get_commands()
    for name, interval in settings.PERIODIC_JOBS.items():
        if name not in commands:
            errors.append(
                Error(
                    f"PERIODIC_JOBS names {name!r}, which is not a management command.",
                    hint="Fix the name in settings.PERIODIC_JOBS, or add the command to an installed app.",
                    id="ops.E001",
                )
            )
        if not isinstance(interval, timedelta) or interval <= timedelta(0):
            errors.append(
                Error(
                    f"PERIODIC_JOBS[{name!r}] must be a positive timedelta, not {interval!r}.",
                    id="ops.E002",
                )
            )
    return errors


@register()
def check_field_encryption_keys(app_configs=None, **kwargs):
    """FIELD_ENCRYPTION_KEYS holds Fernet keys: a mistyped key stops `check` and `migrate`
    rather than the first sign-in that decrypts a two-factor secret."""
    try:
        crypto.configured_keys()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="ops.E003")]
    return []
