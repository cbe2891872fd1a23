"""Encrypting a file's bytes: the same keys as the encrypted fields, rotation included."""

from cryptography.fernet import Fernet
from django.test import SimpleTestCase, override_settings

from waymark.lib import crypto

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()

LETTER = b"%PDF-1.7 Home Office decision letter for Amina Rahimi \x00\xff\xfe"


@override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A])
class EncryptBytesTests(SimpleTestCase):
    def test_it_round_trips_any_bytes(self):
        token = crypto.encrypt_bytes(LETTER)
        self.assertIsInstance(token, bytes)
        self.assertEqual(crypto.decrypt_bytes(token), LETTER)

    def test_the_token_does_not_hold_the_plaintext(self):
        token = crypto.encrypt_bytes(LETTER)
        self.assertNotIn(b"Amina", token)
        self.assertNotIn(b"Home Office", token)

    def test_it_decrypts_a_memoryview(self):
        token = crypto.encrypt_bytes(LETTER)
        self.assertEqual(crypto.decrypt_bytes(memoryview(token)), LETTER)

    def test_an_empty_file_round_trips(self):
        self.assertEqual(crypto.decrypt_bytes(crypto.encrypt_bytes(b"")), b"")

    def test_it_refuses_a_token_no_key_opens(self):
        token = crypto.encrypt_bytes(LETTER)
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]), self.assertRaises(crypto.DecryptionError):
            crypto.decrypt_bytes(token)

    def test_it_refuses_bytes_that_were_never_encrypted(self):
        with self.assertRaises(crypto.DecryptionError):
            crypto.decrypt_bytes(LETTER)

    def test_an_old_key_still_decrypts_after_a_new_one_is_put_first(self):
        token = crypto.encrypt_bytes(LETTER)
        with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
            self.assertEqual(crypto.decrypt_bytes(token), LETTER)
            new_token = crypto.encrypt_bytes(LETTER)
        # Encrypted under the new first key: the old key alone cannot open it.
        with self.assertRaises(crypto.DecryptionError):
            crypto.decrypt_bytes(new_token)

    def test_text_encryption_is_unchanged_and_separate(self):
        self.assertEqual(crypto.decrypt(crypto.encrypt("Amina")), "Amina")
