"""manage.py rotate_field_keys: a new key first, every value re-encrypted, nothing lost."""

from io import StringIO

from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings

from waymark.lib.fields import EncryptedJSONField, EncryptedTextField
from waymark.notify.models import Notification
from waymark.ops.management.commands.rotate_field_keys import encrypted_fields

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()

PEOPLE = [
    ("amina@example.org", {"organisation_name": "Bolton Welcome", "roles": ["Caseworker"]}),
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
