from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext_lazy as _


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
    }

    def is_open_for_signup(self, request):
        return False
