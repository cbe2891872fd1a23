"""Encryption of personal data at rest, and blind indexes for exact lookup.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) under the
keys in ``settings.FIELD_ENCRYPTION_KEYS``: the first key encrypts, every key decrypts, so a
new key can be put first and the old ones retired after ``manage.py rotate_field_keys``.

A blind index is an HMAC of a normalised value under ``settings.BLIND_INDEX_KEY``: equal
values give equal indexes, so "find the person with this phone number" is an exact match on
the index column, while the column reveals nothing without the key.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


@lru_cache(maxsize=1)
def _fernet():
    keys = [key.strip() for key in settings.FIELD_ENCRYPTION_KEYS if key.strip()]
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys; make one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from None


@receiver(setting_changed)
def _forget_keys(setting, **kwargs):
    if setting == "FIELD_ENCRYPTION_KEYS":
        _fernet.cache_clear()


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise DecryptionError("A stored value could not be decrypted with any key in FIELD_ENCRYPTION_KEYS.") from None


def reencrypt(token: str) -> str:
    """The same plaintext, encrypted under the current first key."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise DecryptionError("A stored value could not be decrypted with any key in FIELD_ENCRYPTION_KEYS.") from None


def blind_index(value: str) -> str:
    """A keyed hash of an already-normalised value, for exact lookup of encrypted fields.

    Normalise first (digits only for a phone number, ISO date for a date of birth) so that
    the same value always gives the same index.
    """
    key = settings.BLIND_INDEX_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
