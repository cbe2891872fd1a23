"""manage.py rotate_field_keys: a new key first, every value re-encrypted, nothing lost."""

from io import StringIO
from unittest import mock

from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings

from waymark.accounts.models import User
from waymark.accounts.tests.totp import recovery_codes_of, set_up_totp
from waymark.lib import crypto
from waymark.lib.fields import EncryptedJSONField, EncryptedTextField
from waymark.notify.models import Notification
from waymark.ops.management.commands.rotate_field_keys import encrypted_fields
from waymark.testing import make_user

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()

PEOPLE = [
    ("amina@example.org", {"organisation_name": "Croal Valley Welcome Project", "roles": ["Caseworker"]}),
    ("+447700900123", {"name": "Юлія", "note": "Їжа й житло"}),
    ("علی@example.org", {"organisation_name": "کمک", "count": 2}),
    ("tesfay@example.org", {"greeting": "ሰላም"}),
    ("", {}),
]


def raw_values():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, address, context FROM notify_notification ORDER BY id")
        return cursor.fetchall()


def rotate(*args):
    out = StringIO()
    call_command("rotate_field_keys", *args, stdout=out)
    return out.getvalue()


class RotateFieldKeysTests(TestCase):
    def setUp(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
            for address, context in PEOPLE:
                Notification.objects.create(template="invitation", language="en", address=address, context=context)

    def read_everything(self):
        return [(n.address, n.context) for n in Notification.objects.order_by("id")]

    def test_it_finds_every_encrypted_field(self):
        found = {model._meta.label: [field.name for field in fields] for model, fields in encrypted_fields()}

        self.assertEqual(found["notify.Notification"], ["address", "context"])
        for _model, fields in encrypted_fields():
            for field in fields:
                self.assertIsInstance(field, EncryptedTextField | EncryptedJSONField)

    def test_it_reencrypts_everything_so_that_the_new_key_alone_reads_it(self):
        before = raw_values()

        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            output = rotate()
            self.assertEqual(self.read_everything(), PEOPLE)

        # Four addresses (one is empty) and five contexts.
        self.assertIn("notify.Notification (address, context): 9 re-encrypted, 0 already under the first key.", output)
        after = raw_values()
        for (_id, old_address, old_context), (_same_id, new_address, new_context) in zip(before, after, strict=True):
            self.assertNotEqual(old_context, new_context)
            if old_address:
                self.assertNotEqual(old_address, new_address)
                Fernet(NEW_KEY).decrypt(new_address.encode())
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            self.assertEqual(self.read_everything(), PEOPLE)

    def test_it_is_safe_to_run_again(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            rotate()
            once = raw_values()
            output = rotate()

        self.assertIn(": 0 re-encrypted, 9 already under the first key.", output)
        self.assertEqual(raw_values(), once)
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            self.assertEqual(self.read_everything(), PEOPLE)

    def test_it_works_through_the_table_in_batches(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            output = rotate("--batch-size", "2")

        self.assertIn(": 9 re-encrypted,", output)
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            self.assertEqual(self.read_everything(), PEOPLE)

    def test_a_dry_run_counts_but_changes_nothing(self):
        before = raw_values()

        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            output = rotate("--dry-run")

        self.assertIn(": 9 would be re-encrypted, 0 already under the first key.", output)
        self.assertIn("Dry run: nothing was changed.", output)
        self.assertEqual(raw_values(), before)

    def test_it_leaves_values_no_key_opens_and_says_so(self):
        stray = Fernet(Fernet.generate_key()).encrypt(b"from a lost key").decode()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE notify_notification SET address = %s WHERE address = %s", [stray, ""])

        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]), self.assertRaises(CommandError) as caught:
            rotate()

        self.assertIn("1 values could not be decrypted", str(caught.exception))
        self.assertIn(stray, [address for _id, address, _context in raw_values()])
        # Everything else was rotated all the same.
        stray_id = raw_values()[-1][0]
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            readable = Notification.objects.exclude(id=stray_id)
            self.assertEqual([(n.address, n.context) for n in readable.order_by("id")], PEOPLE[:-1])

    def test_it_refuses_a_batch_size_below_one(self):
        with self.assertRaises(CommandError):
            rotate("--batch-size", "0")


def raw_authenticators():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, type, data FROM mfa_authenticator ORDER BY id")
        return cursor.fetchall()


class RotateTwoFactorSecretsTests(TestCase):
    """TOTP secrets and recovery-code seeds live in allauth's JSON ``data``, not in a column."""

    WEBAUTHN_DATA = {"name": "Security key", "credential": {"id": "abc", "publicKey": "pQECAyYgASFYIA"}}

    def setUp(self):
        self.secrets = {}
        with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
            for email in ("amina@example.org", "yuliia@example.org", "tesfay@example.org"):
                user = make_user(email)
                self.secrets[email] = set_up_totp(user, recovery_codes=True)
        self.amina = User.objects.get(email="amina@example.org")
        # One recovery code used and the codes seen: allauth keeps both beside the seed.
        with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
            self.codes = recovery_codes_of(self.amina)
            recovery_codes = Authenticator.objects.get(user=self.amina, type="recovery_codes").wrap()
            self.assertTrue(recovery_codes.validate_code(self.codes[2]))
            recovery_codes.mark_as_viewed()
        Authenticator.objects.create(user=self.amina, type=Authenticator.Type.WEBAUTHN, data=self.WEBAUTHN_DATA)

    def secrets_readable_with(self, *keys):
        """{email: (TOTP secret, unused recovery codes)}, read as allauth reads them."""
        with override_settings(FIELD_ENCRYPTION_KEYS=list(keys)):
            readable = {}
            for email in self.secrets:
                totp = Authenticator.objects.get(user__email=email, type="totp")
                readable[email] = (crypto.decrypt(totp.data["secret"]), recovery_codes_of(totp.user))
            return readable

    def test_it_reencrypts_the_secrets_so_that_the_new_key_alone_reads_them(self):
        before = self.secrets_readable_with(OLD_KEY)
        data_before = {a.pk: a.data for a in Authenticator.objects.all()}

        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            output = rotate()

        # Three TOTP secrets and three recovery-code seeds.
        self.assertIn("mfa.Authenticator (TOTP secret, recovery-code seed): 6 re-encrypted, 0 already", output)
        self.assertEqual({email: secret for email, (secret, _codes) in before.items()}, self.secrets)
        self.assertNotIn(self.codes[2], before["amina@example.org"][1])
        self.assertEqual(self.secrets_readable_with(NEW_KEY), before)
        for authenticator in Authenticator.objects.exclude(type="webauthn"):
            old, new = data_before[authenticator.pk], authenticator.data
            secret_key = "secret" if authenticator.type == Authenticator.Type.TOTP else "seed"
            self.assertNotEqual(new.pop(secret_key), old.pop(secret_key))
            # Everything else in ``data`` (used_mask, viewed_at) is as it was.
            self.assertEqual(new, old)
        self.assertEqual(Authenticator.objects.get(type="webauthn").data, self.WEBAUTHN_DATA)

    def test_it_is_safe_to_run_again(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            rotate()
            once = raw_authenticators()
            output = rotate()

        self.assertIn("mfa.Authenticator (TOTP secret, recovery-code seed): 0 re-encrypted, 6 already", output)
        self.assertEqual(raw_authenticators(), once)

    def test_it_works_through_the_authenticators_in_batches(self):
        before = self.secrets_readable_with(OLD_KEY)

        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            output = rotate("--batch-size", "2")

        self.assertIn("mfa.Authenticator (TOTP secret, recovery-code seed): 6 re-encrypted,", output)
        self.assertEqual(self.secrets_readable_with(NEW_KEY), before)

    def test_a_dry_run_counts_but_changes_nothing(self):
        before = raw_authenticators()

        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            output = rotate("--dry-run")

        self.assertIn("mfa.Authenticator (TOTP secret, recovery-code seed): 6 would be re-encrypted, 0 already", output)
        self.assertEqual(raw_authenticators(), before)

    def test_it_leaves_secrets_no_key_opens_and_says_so(self):
        stray = Fernet(Fernet.generate_key()).encrypt(b"JBSWY3DPEHPK3PXP").decode()
        lost = Authenticator.objects.get(user=self.amina, type="totp")
        lost.data = {"secret": stray}
        lost.save()

        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]), self.assertRaises(CommandError) as caught:
            rotate()

        self.assertIn("1 values could not be decrypted", str(caught.exception))
        lost.refresh_from_db()
        self.assertEqual(lost.data, {"secret": stray})
        # Everything else was rotated all the same.
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
            for authenticator in Authenticator.objects.exclude(pk=lost.pk).exclude(type="webauthn"):
                secret_key = "secret" if authenticator.type == Authenticator.Type.TOTP else "seed"
                crypto.decrypt(authenticator.data[secret_key])

    def test_it_keeps_a_change_made_while_it_ran(self):
        # A recovery code used between the command reading the row and writing it back: allauth
        # has saved the whole of ``data``, so the command must not put the old ``used_mask`` back.
        recovery_codes = Authenticator.objects.get(user=self.amina, type="recovery_codes")
        real_reencrypt = crypto.reencrypt

        def reencrypt_while_a_code_is_used(token):
            if token == recovery_codes.data["seed"]:
                with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
                    self.assertTrue(recovery_codes.wrap().validate_code(self.codes[5]))
            return real_reencrypt(token)

        with (
            override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]),
            mock.patch.object(crypto, "reencrypt", reencrypt_while_a_code_is_used),
        ):
            output = rotate()

        self.assertIn(
            "mfa.Authenticator (TOTP secret, recovery-code seed): 5 re-encrypted, 0 already under the first key, "
            "1 changed by someone meanwhile (kept as written).",
            output,
        )
        with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
            unused = recovery_codes_of(self.amina)
        self.assertNotIn(self.codes[2], unused)
        self.assertNotIn(self.codes[5], unused)
        self.assertEqual(len(unused), 8)
