"""Re-encrypt every encrypted column under the first key of FIELD_ENCRYPTION_KEYS.

Rotating a key: put the new key first in FIELD_ENCRYPTION_KEYS, keeping the old ones after
it, and restart Waymark (new values now use the new key; old ones still open). Run this
command; once it reports no values "could not be decrypted", remove the old keys.

It works on the stored ciphertext with plain SQL, column by column, in batches: a value is
only replaced if it is still the one that was read, so a write made meanwhile by Waymark
(already under the new key) is never overwritten. Values already under the first key are
left alone, so running it again, or after an interruption, is safe and cheap.

Two-factor secrets are not in a column of their own: allauth keeps them in the JSON ``data``
of its Authenticator rows, encrypted by Waymark's MFA adapter, and they are rotated the same
way, one JSON key at a time.
"""

from collections import Counter

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, router, transaction

from waymark.lib import crypto

REENCRYPTED = "re-encrypted"
CURRENT = "already under the first key"
UNREADABLE = "could not be decrypted"
CHANGED_MEANWHILE = "changed by someone meanwhile (kept as written)"

# The key of allauth's Authenticator.data that holds a value encrypted by our MFA adapter, by
# type. WebAuthn data holds public keys only, which allauth does not pass through the adapter.
# (allauth also encrypts "migrated_codes", recovery codes imported from another two-factor
# package; Waymark never imports any.)
AUTHENTICATOR_SECRETS = {
    Authenticator.Type.TOTP: "secret",
    Authenticator.Type.RECOVERY_CODES: "seed",
}


def encrypted_fields():
    """[(model, [fields with ``encrypted = True``])] across every installed app.

    Each table is visited once: a field belongs to the model whose table holds it, so a
    child model of multi-table inheritance does not repeat its parent's columns.
    """
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [field for field in model._meta.local_concrete_fields if getattr(field, "encrypted", False) is True]
        if fields:
            found.append((model, fields))
    return found


def reencrypted(token, counts):
    """``token`` under the first key, or None if it needs no change or cannot be read (counted)."""
    try:
        if crypto.is_under_current_key(token):
            counts[CURRENT] += 1
            return None
        return crypto.reencrypt(token)
    except crypto.DecryptionError:
        # Left exactly as it is: an old key may be missing from the setting.
        counts[UNREADABLE] += 1
        return None


def rotate_model(model, fields, *, batch_size, dry_run):
    """Re-encrypt ``fields`` of ``model``'s table; a Counter of what happened to each value."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    columns = [quote(field.column) for field in fields]
    select = f"SELECT {pk}, {', '.join(columns)} FROM {table}"  # noqa: S608 (names quoted, values as parameters)

    counts = Counter()
    last_pk = None
    while True:
        if last_pk is None:
            query, params = f"{select} ORDER BY {pk} LIMIT %s", [batch_size]
        else:
            query, params = f"{select} WHERE {pk} > %s ORDER BY {pk} LIMIT %s", [last_pk, batch_size]
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(query, params)
            rows = cursor.fetchall()
            for row in rows:
                for column, token in zip(columns, row[1:], strict=True):
                    if token is None or token == "":
                        continue
                    new_token = reencrypted(token, counts)
                    if new_token is None:
                        continue
                    if not dry_run:
                        cursor.execute(
                            f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s",  # noqa: S608
                            [new_token, row[0], token],
                        )
                        if cursor.rowcount == 0:
                            counts[CHANGED_MEANWHILE] += 1
                            continue
                    counts[REENCRYPTED] += 1
        if len(rows) < batch_size:
            return counts
        last_pk = rows[-1][0]


def rotate_authenticators(*, batch_size, dry_run):
    """Re-encrypt the two-factor secret in each Authenticator's ``data``; a Counter like
    rotate_model's. The other keys of ``data`` (which recovery codes are used, …) are kept."""
    alias = router.db_for_write(Authenticator)
    authenticators = Authenticator.objects.using(alias).filter(type__in=AUTHENTICATOR_SECRETS).order_by("pk")
    counts = Counter()
    last_pk = None
    while True:
        batch = authenticators if last_pk is None else authenticators.filter(pk__gt=last_pk)
        with transaction.atomic(using=alias):
            rows = list(batch.values_list("pk", "type", "data")[:batch_size])
            for pk, kind, data in rows:
                secret_key = AUTHENTICATOR_SECRETS[kind]
                token = data.get(secret_key)
                if not token:
                    continue
                new_token = reencrypted(token, counts)
                if new_token is None:
                    continue
                if not dry_run:
                    # allauth saves the whole of ``data`` (marking a recovery code used, say), so
                    # it is only replaced if no part of it changed since it was read.
                    unchanged = Authenticator.objects.using(alias).filter(pk=pk, data=data)
                    if not unchanged.update(data={**data, secret_key: new_token}):
                        counts[CHANGED_MEANWHILE] += 1
                        continue
                counts[REENCRYPTED] += 1
        if len(rows) < batch_size:
            return counts
        last_pk = rows[-1][0]


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the first key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; change nothing.")
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args, dry_run, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        unreadable = 0
        for model, fields in encrypted_fields():
            counts = rotate_model(model, fields, batch_size=batch_size, dry_run=dry_run)
            unreadable += counts[UNREADABLE]
            self.report(f"{model._meta.label} ({', '.join(field.name for field in fields)})", counts, dry_run)
        counts = rotate_authenticators(batch_size=batch_size, dry_run=dry_run)
        unreadable += counts[UNREADABLE]
        self.report(f"{Authenticator._meta.label} (TOTP secret, recovery-code seed)", counts, dry_run)
        if unreadable:
            raise CommandError(
                f"{unreadable} values could not be decrypted with any key in FIELD_ENCRYPTION_KEYS and were "
                "left as they were. Put the missing old key back (after the new one) and run this again."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")

    def report(self, what, counts, dry_run):
        """One line: what was (or would be) re-encrypted, and anything unusual."""
        changed = f"{counts[REENCRYPTED]} {'would be re-encrypted' if dry_run else REENCRYPTED}"
        line = f"{what}: {changed}, {counts[CURRENT]} {CURRENT}"
        for rare in (CHANGED_MEANWHILE, UNREADABLE):
            if counts[rare]:
                line += f", {counts[rare]} {rare}"
        self.stdout.write(line + ".")
