"""The service map's writes with side effects, one module per part of the workflow.

Every action is ``@transaction.atomic``, takes ``acting_user`` keyword-only (None for the
public and for links opened without signing in), writes one audit event and sends its e-mails
after commit. A transition a status does not allow raises ``IllegalTransition``.
"""

from django.utils.translation import gettext_lazy as _


class IllegalTransition(Exception):
    """The object's status does not allow this step (e.g. approving a request already rejected)."""

    def __init__(self, message=None):
        super().__init__(message or _("This has already been dealt with."))
        self.message = message or _("This has already been dealt with.")
