"""What every directory model shares, and the names other code relies on."""

import hashlib
import uuid

from django.db import models

# The needs taxonomy term whose services must name their regulator (see Service.clean); the
# needs data (needs_data.py) uses the same slug.
IMMIGRATION_ADVICE_SLUG = "immigration-advice"
# The name of the one Taxonomy row holding Waymark's needs.
NEEDS_TAXONOMY_NAME = "Waymark needs"
# Attribute.link_type for "this service meets this need" (HSDS leaves the codelist open).
NEED_LINK_TYPE = "need"


class HsdsObject(models.Model):
    """What every HSDS object has: a UUID id (HSDS's own) and when Waymark changed the row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The HSDS table name: Attribute.link_entity, Metadata.resource_type.
    hsds_entity = ""
    # Free-text fields written in English that may have a Translation per language.
    translatable_fields = ()

    class Meta:
        abstract = True

    @property
    def uuid(self):
        """The public identifier (the house rule's ``uuid``): here it is the HSDS id itself."""
        return self.id


def text_hash(text):
    """A fingerprint of an English text, to tell whether a translation was made from it."""
    return hashlib.sha256((text or "").strip().encode()).hexdigest()
