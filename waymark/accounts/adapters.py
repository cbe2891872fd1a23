from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.utils.translation import gettext_lazy as _

from waymark.accounts.access import user_needs_mfa
from waymark.lib import crypto


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs themselves up: organisation admins invite their members."""

    # The messages a person can meet while signing in, in Waymark's words, so that they are
    # translated into all ten languages (allauth's own catalogue lacks several of them).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("The e-mail address or password is not right. Check them and try again."),
        "account_inactive": _("This account has been switched off. Ask your organisation's admin."),
        "too_many_login_attempts": _("Too many failed attempts to sign in. Wait a few minutes and try again."),
        "invalid_login": _("The e-mail address or password is not right. Check them and try again."),
        "incorrect_password": _("The password is not right. Check it and try again."),
        "password_mismatch": _("The two passwords are not the same"),
    }

    def is_open_for_signup(self, request):
        return False

    def format_email_subject(self, subject):
        # Our subjects already say "Waymark"; allauth would prefix the host name.
        return str(subject)


class MFAAdapter(DefaultMFAAdapter):
    """Two-factor authentication stays on for everyone whose roles need it."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Your roles need two-factor authentication, so you cannot turn off your authenticator app."
        ),
        "incorrect_code": _("The code is not right. Type the code your app shows now."),
    }

    # allauth keeps the TOTP secret and the recovery-code seed in Authenticator.data and passes
    # them through these two methods. Encrypted under the field keys, a copy of the database
    # alone is not enough to make second-factor codes; `rotate_field_keys` re-encrypts them.
    def encrypt(self, text):
        """``text`` encrypted under the first key of FIELD_ENCRYPTION_KEYS."""
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text):
        """The plaintext; crypto.DecryptionError if no configured key opens it."""
        return crypto.decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator):
        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            return True
        others = Authenticator.objects.filter(
            user_id=authenticator.user_id, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exclude(pk=authenticator.pk)
        return others.exists() or not user_needs_mfa(authenticator.user)
