"""Showing directory text in a person's language.

A field is shown translated only where a reviewed translation exists that was made from the
current English text; otherwise the English text is shown and the page says so in the
person's language. ``prefetch_translations`` loads what a list page needs in one query, after
which ``translated`` asks the database nothing.
"""

from collections import defaultdict

from django.conf import settings

from waymark.directory.models import Translation

# Where prefetch_translations leaves an object's translations: {language: {field: Translation}}.
_CACHE_ATTRIBUTE = "_prefetched_translations"


def prefetch_translations(objects, language):
    """Load the reviewed ``language`` translations of all ``objects`` in one query.

    ``objects`` may mix models (services and their locations, say). Nothing is queried for
    English or an empty list.
    """
    objects = list(objects)
    if language == settings.LANGUAGE_CODE or not objects:
        return objects
    found = defaultdict(dict)
    rows = Translation.objects.filter(
        object_id__in={obj.id for obj in objects},
        model_label__in={obj._meta.label_lower for obj in objects},
        language=language,
        status=Translation.Status.REVIEWED,
    )
    for row in rows:
        found[(row.model_label, row.object_id)][row.field_name] = row
    for obj in objects:
        cache = obj.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
        cache[language] = found.get((obj._meta.label_lower, obj.id), {})
    return objects


def translated(obj, field, language):
    """(text, is_translated): ``obj.field`` in ``language`` if it can be shown so, else English.

    ``is_translated`` is False when English is shown to someone who asked for another language,
    so the page can say so. It is True for English itself and for empty text (nothing to
    translate). Uses the prefetched translations if ``prefetch_translations`` ran for this
    language, else one query.
    """
    english = getattr(obj, field)
    if language == settings.LANGUAGE_CODE or not english:
        return english, True
    cache = obj.__dict__.get(_CACHE_ATTRIBUTE, {})
    if language in cache:
        translation = cache[language].get(field)
    else:
        translation = Translation.objects.filter(
            model_label=obj._meta.label_lower,
            object_id=obj.id,
            field_name=field,
            language=language,
            status=Translation.Status.REVIEWED,
        ).first()
    if translation is None or not translation.text or translation.is_out_of_date(obj):
        return english, False
    return translation.text, True
