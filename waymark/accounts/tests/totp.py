"""Two-factor helpers for tests, built on allauth's own TOTP functions."""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

PERIOD = 30


def set_up_totp(user, *, recovery_codes=False):
    """Give ``user`` an authenticator app (and recovery codes); returns the TOTP secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    if recovery_codes:
        RecoveryCodes.activate(user)
    return secret


def mid_period():
    """A moment in the middle of the current 30-second TOTP period, to freeze time at, so that a
    code computed now is still the current one when the server checks it."""
    now = int(time.time())
    return now - now % PERIOD + PERIOD // 2


def code_at(secret, moment):
    return format_hotp_value(hotp_value(secret, int(moment) // PERIOD))


def recovery_codes_of(user):
    return Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
