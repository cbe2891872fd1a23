"""System checks for operations settings: every periodic job names a real command, and the
field encryption keys are keys, and demo mode is not left on in production."""

from datetime import timedelta

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
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


@register(Tags.security, deploy=True)
def check_demo_mode_is_off(app_configs=None, **kwargs):
    """WAYMARK_DEMO exempts every @demo.waymark address from two-factor authentication and
    lets seed_demo run: never what a live site wants."""
    if settings.WAYMARK_DEMO:
        return [
            Warning(
                "WAYMARK_DEMO is on: the demo users skip two-factor authentication and seed_demo can run.",
                hint="Unset WAYMARK_DEMO (or set it to 0) on a live site.",
                id="ops.W001",
            )
        ]
    return []
