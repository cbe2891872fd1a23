"""Read settings from the environment, with safe development defaults.

A secret can be given directly (``SECRET_KEY=...``) or as a path to a file holding it
(``SECRET_KEY_FILE=/run/secrets/secret_key``), the way container platforms mount secrets.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return parse_bool(name, raw)


def parse_bool(name, raw):
    """``raw`` ("1", "true", "yes", "on"; "0", "false", "no", "off", "") as a bool; anything
    else stops start-up with a message naming ``name``."""
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name, default=()):
    """A comma-separated list, with blanks dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name, *, dev_default=None, required=True):
    """A secret from NAME or from the file that NAME_FILE points to.

    ``dev_default`` is used when neither is set and we are in development; when it is None
    (production) and the secret is required, start-up stops with a message naming it.
    """
    value = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE")
    if value and path:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if path:
        try:
            value = Path(path).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {error.strerror}.") from None
    if value:
        return value
    if dev_default is not None:
        return dev_default
    if required:
        raise ImproperlyConfigured(
            f"{name} is not set. Set {name} (or {name}_FILE, a path to a file holding it); see docs/operations.md."
        )
    return ""
