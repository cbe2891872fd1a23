"""API tokens: creating and revoking them (audited actions), finding a user's own, and
checking a presented token.

A token is bound to one membership: requests made with it act for that membership's
organisation with that membership's roles. Only the SHA-256 hash of a token is stored; the
token itself is shown once, when it is made.
"""

from datetime import timedelta

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from waymark.accounts.models import ApiToken, hash_token
from waymark.audit.events import record_event

# How stale `last_used_at` may get. Writing it on every request would turn each read into
# a write (and, on SQLite, a wait for the write lock); to the minute is all anyone needs.
LAST_USED_PRECISION = timedelta(minutes=1)


@transaction.atomic
def create_api_token(membership, *, acting_user, name="", read_only=False, via="web"):
    """Make a token for ``membership``; return ``(token, secret)``.

    The secret is the only copy of the token: show it once and forget it. ``acting_user``
    is who asked for it (None when made by a command on the server); ``via`` says how
    ("web", "command") for the audit trail.
    """
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        membership=membership,
        name=name,
        prefix=secret[: ApiToken._meta.get_field("prefix").max_length],
        token_hash=hash_token(secret),
        read_only=read_only,
    )
    # Not the token's name: it is free text (“Amina's phone”), and audit rows are never erased.
    record_event(
        "api_token.created",
        actor=acting_user,
        organisation=membership.organisation,
        obj=token,
        details={
            "user": str(membership.user.uuid),
            "read_only": read_only,
            "prefix": token.prefix,
            "via": via,
        },
    )
    return token, secret


@transaction.atomic
def revoke_api_token(token, *, acting_user):
    """Revoke ``token`` for good. Revoking a revoked token changes nothing and returns False."""
    # Lock the row, so that two revocations at once write one event between them.
    token = ApiToken.objects.select_for_update().select_related("membership__organisation").get(pk=token.pk)
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        "api_token.revoked",
        actor=acting_user,
        organisation=token.membership.organisation,
        obj=token,
        details={"prefix": token.prefix},
    )
    return True


def tokens_for_user(user):
    """The user's own tokens, newest first, with their organisations."""
    return ApiToken.objects.filter(membership__user=user).select_related("membership__organisation")


def get_token_for_user(user, token_uuid):
    """One of the user's own tokens; 404 for anyone else's, as for one that does not exist."""
    try:
        return tokens_for_user(user).get(uuid=token_uuid)
    except ApiToken.DoesNotExist:
        raise Http404 from None


def token_from_secret(secret):
    """The usable token for ``secret``, or None.

    Usable means: not revoked, its membership still exists (memberships take their tokens
    with them when deleted) and its user is active. Notes the time of use, at most once
    per LAST_USED_PRECISION.
    """
    if not secret:
        return None
    try:
        token = (
            ApiToken.objects.active()
            .select_related("membership__user", "membership__organisation")
            .get(token_hash=hash_token(secret), membership__user__is_active=True)
        )
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        # update(), not save(): a concurrent revocation must not be overwritten.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
