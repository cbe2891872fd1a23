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

NO_KEY_MESSAGE = "A stored value could not be decrypted with any key in FIELD_ENCRYPTION_KEYS."


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


def configured_keys():
    """A Fernet for each key in FIELD_ENCRYPTION_KEYS, in order; ImproperlyConfigured if any is not a key."""
    keys = settings.FIELD_ENCRYPTION_KEYS
    # The environment gives a comma-separated string; settings.py splits it, but an override
    # (a test, a local settings file) may hand over the string itself.
    if isinstance(keys, str):
        keys = keys.split(",")
    keys = [key.strip() for key in keys if key and key.strip()]
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        return [Fernet(key) for key in keys]
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys; make one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from None


@lru_cache(maxsize=1)
def _keys():
    """(the current key, all keys) — built once, forgotten when the setting changes."""
    fernets = configured_keys()
    return fernets[0], MultiFernet(fernets)


@receiver(setting_changed)
def _forget_keys(setting, **kwargs):
    if setting == "FIELD_ENCRYPTION_KEYS":
        _keys.cache_clear()


def encrypt(text: str) -> str:
    """``text`` encrypted under the first key, as ASCII (a Fernet token)."""
    return _keys()[1].encrypt(text.encode()).decode("ascii")


def _token_bytes(token: str) -> bytes:
    try:
        return token.encode("ascii")
    except UnicodeEncodeError:
        # Fernet tokens are ASCII; anything else was never encrypted by us.
        raise DecryptionError(NO_KEY_MESSAGE) from None


def decrypt(token: str) -> str:
    """The plaintext of ``token``; DecryptionError if no configured key opens it."""
    try:
        return _keys()[1].decrypt(_token_bytes(token)).decode()
    except InvalidToken:
        raise DecryptionError(NO_KEY_MESSAGE) from None


def is_under_current_key(token: str) -> bool:
    """True if the first key opens ``token``, False if only an older key does.

    Raises DecryptionError if no configured key opens it.
    """
    current, every_key = _keys()
    data = _token_bytes(token)
    try:
        current.decrypt(data)
        return True
    except InvalidToken:
        pass
    try:
        every_key.decrypt(data)
    except InvalidToken:
        raise DecryptionError(NO_KEY_MESSAGE) from None
    return False


def reencrypt(token: str) -> str:
    """The same plaintext, encrypted under the current first key."""
    try:
        return _keys()[1].rotate(_token_bytes(token)).decode("ascii")
    except InvalidToken:
        raise DecryptionError(NO_KEY_MESSAGE) from None


def blind_index(value: str, *, purpose: str = "") -> str:
    """A keyed hash (64 hex characters) of an already-normalised value, for exact lookup.

    Normalise first (digits only for a phone number, ISO date for a date of birth) so that
    the same value always gives the same index. ``purpose`` names the column ("phone",
    "date_of_birth"): indexes made for different purposes differ, so equal values in two
    columns cannot be matched with each other without the key.
    """
    key = settings.BLIND_INDEX_KEY.encode()
    # Purpose names never hold a NUL, so a purpose and a value cannot run into each other.
    message = f"{purpose}\x00{value}".encode() if purpose else value.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def encrypt_bytes(data: bytes) -> bytes:
    """``data`` (a file's bytes) encrypted under the first key, as a Fernet token (ASCII bytes)."""
    return _keys()[1].encrypt(bytes(data))


def decrypt_bytes(token: bytes) -> bytes:
    """The bytes ``encrypt_bytes`` encrypted; DecryptionError if no configured key opens them.

    Accepts a memoryview too (what a BinaryField gives on PostgreSQL).
    """
    try:
        return _keys()[1].decrypt(bytes(token))
    except InvalidToken:
        raise DecryptionError(NO_KEY_MESSAGE) from None
