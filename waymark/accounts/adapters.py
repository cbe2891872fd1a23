from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs themselves up: organisation admins invite their members."""

    def is_open_for_signup(self, request):
        return False
