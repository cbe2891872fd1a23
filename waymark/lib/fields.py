"""Model fields that encrypt their value before it reaches the database."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from waymark.lib import crypto


class EncryptedTextField(models.TextField):
    """Text stored as ciphertext; reads give back the plaintext.

    The column cannot be searched or sorted: keep a normalised clear column or a blind index
    (waymark.lib.crypto.blind_index) beside it where lookup is needed. Empty values are stored
    as "" so that "not given" stays distinguishable from a value without decrypting.
    """

    description = "Text, encrypted at rest"
    encrypted = True

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(self.to_plain_text(value))

    def to_plain_text(self, value):
        return str(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.from_plain_text(crypto.decrypt(value))

    def from_plain_text(self, text):
        return text

    def get_lookup(self, lookup_name):
        # Comparing ciphertexts is meaningless (each encryption is different), so only
        # "is it set?" questions are allowed.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (dict, list, …) stored as ciphertext."""

    description = "JSON, encrypted at rest"

    def to_plain_text(self, value):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)

    def from_plain_text(self, text):
        return json.loads(text)

    def to_python(self, value):
        if isinstance(value, str) and value:
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def value_to_string(self, obj):
        return self.to_plain_text(self.value_from_object(obj))
