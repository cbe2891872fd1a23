"""Model fields that encrypt their value before it reaches the database.

Every field here has ``encrypted = True``; ``manage.py rotate_field_keys`` finds them by that
mark, so a new encrypted field type must carry it too.
"""

import json

from django import forms
from django.core import checks
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from waymark.lib import crypto


class EncryptedTextField(models.TextField):
    """Text stored as ciphertext; reads give back the plaintext.

    The column cannot be searched or sorted: keep a normalised clear column or a blind index
    (waymark.lib.crypto.blind_index) beside it where lookup is needed. The only lookup allowed
    is ``__isnull``; any other raises FieldError. Empty text is stored as "" so that "not
    given" stays distinguishable from a value without decrypting.
    """

    description = "Text, encrypted at rest"
    encrypted = True

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.unique or self.db_index or self.primary_key:
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique, indexed or a primary key: "
                    "the same value encrypts differently every time.",
                    hint="Put a blind index column beside it (waymark.lib.crypto.blind_index).",
                    obj=self,
                    id="waymark.E001",
                )
            )
        return errors

    def to_plain_text(self, value) -> str:
        """The text to encrypt for a Python value."""
        return str(value)

    def from_plain_text(self, text: str):
        """The Python value for decrypted text."""
        return text

    def get_prep_value(self, value):
        # Not super(): TextField would turn any value into a string first, which the JSON
        # variant must not do.
        if value is None:
            return None
        text = self.to_plain_text(value)
        if text == "":
            return ""
        return crypto.encrypt(text)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            text = crypto.decrypt(value)
        except crypto.DecryptionError as error:
            # Name the column, so whoever reads the log knows which data (never which value).
            where = f"{self.model._meta.label}.{self.name}" if hasattr(self, "model") else "an expression"
            raise crypto.DecryptionError(f"{where}: {error}") from None
        return self.from_plain_text(text)

    def get_lookup(self, lookup_name):
        # Comparing ciphertexts is meaningless (each encryption is different), so only
        # "is it set?" questions are allowed. Returning None makes Django refuse the lookup
        # with a FieldError ("Unsupported lookup …").
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        # Lower(), Unaccent() and friends would run on the ciphertext.
        return None


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (dict, list, …) stored as ciphertext.

    Like Django's JSONField, the Python value is used as it is: a dict stays a dict, and a
    string is a JSON string (never parsed). SQL NULL is None; store ``{}`` for "nothing".
    """

    description = "JSON, encrypted at rest"

    def to_plain_text(self, value) -> str:
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)

    def from_plain_text(self, text: str):
        return json.loads(text)

    def to_python(self, value):
        return value

    def value_to_string(self, obj):
        # The serialisers write the value itself into their JSON output, as JSONField does.
        return self.value_from_object(obj)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.JSONField, "encoder": DjangoJSONEncoder, **kwargs})
