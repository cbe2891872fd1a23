"""Encrypted fields at rest: ciphertext in the column, plaintext in Python, no lookups."""

from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection, models
from django.test import SimpleTestCase, TestCase, override_settings
from django.test.utils import isolate_apps

from waymark.lib import crypto
from waymark.lib.fields import EncryptedJSONField, EncryptedTextField
from waymark.notify.models import Notification

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()

ADDRESS = "amina.rahimi@example.org"
CONTEXT = {"organisation_name": "کمک به پناهجویان", "roles": ["Caseworker"], "count": 3, "nested": {"ok": True}}


def make_notification(**fields):
    return Notification.objects.create(
        **{"template": "invitation", "language": "fa", "address": ADDRESS, "context": CONTEXT, **fields}
    )


def raw_columns(notification):
    """The address and context columns as the database holds them, read with plain SQL."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT address, context FROM notify_notification WHERE id = %s", [notification.pk])
        return cursor.fetchone()


@override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A])
class EncryptedAtRestTests(TestCase):
    def test_it_stores_ciphertext_not_the_plaintext(self):
        notification = make_notification()

        raw_address, raw_context = raw_columns(notification)

        self.assertNotIn("amina", raw_address)
        self.assertNotIn("example.org", raw_address)
        self.assertNotIn("organisation_name", raw_context)
        self.assertNotIn("Caseworker", raw_context)
        # Fernet tokens start with version byte 0x80, "gAAAAA" in base64.
        self.assertTrue(raw_address.startswith("gAAAAA"))
        self.assertEqual(Fernet(KEY_A).decrypt(raw_address.encode()).decode(), ADDRESS)

    def test_it_reads_back_the_plaintext(self):
        created = make_notification()

        notification = Notification.objects.get(pk=created.pk)

        self.assertEqual(notification.address, ADDRESS)
        self.assertEqual(notification.context, CONTEXT)
        self.assertEqual(
            list(Notification.objects.values_list("address", "context")),
            [(ADDRESS, CONTEXT)],
        )

    def test_it_encrypts_the_same_value_differently_each_time(self):
        first = make_notification()
        second = make_notification()

        self.assertNotEqual(raw_columns(first)[0], raw_columns(second)[0])

    def test_it_encrypts_values_written_by_update_and_bulk_update(self):
        notification = make_notification()
        Notification.objects.filter(pk=notification.pk).update(address="updated@example.org")
        self.assertNotIn("updated", raw_columns(notification)[0])

        notification.address = "bulk@example.org"
        Notification.objects.bulk_update([notification], ["address"])
        self.assertNotIn("bulk", raw_columns(notification)[0])
        notification.refresh_from_db()
        self.assertEqual(notification.address, "bulk@example.org")

    def test_it_stores_empty_text_as_empty(self):
        notification = make_notification(address="")

        self.assertEqual(raw_columns(notification)[0], "")
        notification.refresh_from_db()
        self.assertEqual(notification.address, "")

    def test_it_keeps_json_values_as_they_are(self):
        for value in ({}, [], 'a string that looks like {"json": 1}', 0, {"date": "2025-01-31"}):
            with self.subTest(value=value):
                notification = make_notification(context=value)
                notification.refresh_from_db()
                self.assertEqual(notification.context, value)

    def test_it_allows_only_isnull_lookups(self):
        make_notification()

        self.assertEqual(Notification.objects.filter(address__isnull=False).count(), 1)
        for lookup in ("address", "address__exact", "address__icontains", "address__startswith", "context"):
            with self.subTest(lookup=lookup), self.assertRaises(FieldError):
                Notification.objects.filter(**{lookup: ADDRESS}).count()
        with self.assertRaises(FieldError):
            Notification.objects.filter(address__lower="x").count()


class KeyTests(TestCase):
    def test_it_reads_old_values_while_the_old_key_is_listed_after_the_new(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
            created = make_notification()
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
            self.assertEqual(Notification.objects.get(pk=created.pk).address, ADDRESS)

    def test_it_encrypts_new_values_under_the_first_key(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
            created = make_notification()
        raw_address = raw_columns(created)[0]
        self.assertEqual(Fernet(KEY_B).decrypt(raw_address.encode()).decode(), ADDRESS)
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
            self.assertEqual(Notification.objects.get(pk=created.pk).address, ADDRESS)

    def test_it_raises_a_clear_error_when_no_key_opens_a_value(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
            created = make_notification()

        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]), self.assertRaises(crypto.DecryptionError) as caught:
            Notification.objects.get(pk=created.pk)

        message = str(caught.exception)
        self.assertIn("notify.Notification.address", message)
        self.assertIn("FIELD_ENCRYPTION_KEYS", message)
        self.assertNotIn(ADDRESS, message)

    def test_it_raises_a_clear_error_for_a_value_that_was_never_encrypted(self):
        created = make_notification()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE notify_notification SET address = %s WHERE id = %s", ["plain@example.org", created.pk]
            )

        with self.assertRaises(crypto.DecryptionError):
            Notification.objects.get(pk=created.pk)
        with self.assertRaises(crypto.DecryptionError):
            crypto.decrypt("ايميل")

    def test_it_accepts_keys_as_a_comma_separated_string(self):
        with override_settings(FIELD_ENCRYPTION_KEYS=f"{KEY_B}, {KEY_A}"):
            self.assertEqual(crypto.decrypt(Fernet(KEY_A).encrypt(b"hello").decode()), "hello")
            self.assertEqual(Fernet(KEY_B).decrypt(crypto.encrypt("hello").encode()), b"hello")

    def test_it_refuses_missing_or_malformed_keys(self):
        for keys in ([], [""], ["not-a-fernet-key"]):
            with (
                self.subTest(keys=keys),
                override_settings(FIELD_ENCRYPTION_KEYS=keys),
                self.assertRaises(ImproperlyConfigured),
            ):
                crypto.encrypt("hello")


class BlindIndexTests(SimpleTestCase):
    def test_it_gives_the_same_index_for_the_same_value(self):
        self.assertEqual(crypto.blind_index("447700900123"), crypto.blind_index("447700900123"))

    def test_it_gives_different_indexes_for_different_values(self):
        self.assertNotEqual(crypto.blind_index("447700900123"), crypto.blind_index("447700900124"))

    def test_it_depends_on_the_key(self):
        with override_settings(BLIND_INDEX_KEY="first-key"):
            first = crypto.blind_index("447700900123")
        with override_settings(BLIND_INDEX_KEY="second-key"):
            second = crypto.blind_index("447700900123")
        self.assertNotEqual(first, second)

    def test_it_depends_on_the_purpose(self):
        self.assertNotEqual(
            crypto.blind_index("1990-05-01", purpose="date_of_birth"),
            crypto.blind_index("1990-05-01", purpose="phone"),
        )

    def test_it_reveals_nothing_of_the_value(self):
        index = crypto.blind_index("447700900123", purpose="phone")
        self.assertRegex(index, r"^[0-9a-f]{64}$")
        self.assertNotIn("7700", index)


@isolate_apps("waymark.lib")
class SystemCheckTests(SimpleTestCase):
    def test_it_refuses_unique_or_indexed_encrypted_fields(self):
        class Secret(models.Model):
            plain = EncryptedTextField()
            unique = EncryptedTextField(unique=True)
            indexed = EncryptedJSONField(db_index=True)

            class Meta:
                app_label = "lib"

            def __str__(self):
                return "secret"

        errors = {
            field: [e.id for e in Secret._meta.get_field(field).check()] for field in ("plain", "unique", "indexed")
        }
        self.assertEqual(errors, {"plain": [], "unique": ["waymark.E001"], "indexed": ["waymark.E001"]})
