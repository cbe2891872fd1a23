"""Translations of the directory's free text."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from waymark.directory.models.base import text_hash

TRANSLATION_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class Translation(models.Model):
    """A translation of one free-text field of one directory object into one language.

    The object is named by its model label and UUID (any directory model; see
    ``translatable_fields``). Whether a translation is out of date is derived, not stored: it
    keeps the fingerprint of the English text it was made from, and is out of date when the
    English text no longer matches. A stored flag would need every path that changes English
    text (forms, admin, import, change-request approval) to remember to set it; the fingerprint
    cannot be forgotten, and the English text is at hand whenever a translation is shown.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEWED = "reviewed", _("Reviewed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    model_label = models.CharField(_("object type"), max_length=60)
    object_id = models.UUIDField(_("object id"))
    field_name = models.CharField(_("field"), max_length=60)
    language = models.CharField(_("language"), max_length=10, choices=TRANSLATION_LANGUAGES)
    text = models.TextField(_("translation"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    source_text_hash = models.CharField(_("fingerprint of the English text"), max_length=64, editable=False)
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("translated by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["model_label", "object_id", "field_name", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["model_label", "object_id", "field_name", "language"],
                name="directory_translation_once_per_language",
                violation_error_message=_("This text already has a translation into this language."),
            ),
        ]

    def __str__(self):
        return f"{self.model_label}.{self.field_name} [{self.language}]"

    def clean(self):
        super().clean()
        from django.apps import apps

        try:
            model = apps.get_model(self.model_label)
        except (LookupError, ValueError):
            raise ValidationError({"model_label": _("Not a directory object.")}) from None
        if self.field_name not in getattr(model, "translatable_fields", ()):
            raise ValidationError({"field_name": _("This field is not translated.")})

    @classmethod
    def for_object(cls, obj, field_name, language, text, **fields):
        """An unsaved translation of ``obj.field_name``, fingerprinting its English text now."""
        return cls(
            model_label=obj._meta.label_lower,
            object_id=obj.id,
            field_name=field_name,
            language=language,
            text=text,
            source_text_hash=text_hash(getattr(obj, field_name)),
            **fields,
        )

    def is_out_of_date(self, obj):
        """True if ``obj``'s English text has changed since this translation was made from it."""
        return self.source_text_hash != text_hash(getattr(obj, self.field_name))
