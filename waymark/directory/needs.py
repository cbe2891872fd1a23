"""Loading the needs taxonomy (``needs_data.NEEDS``) into the directory's tables.

The data migration ``0002_load_needs_taxonomy`` runs this once for every database; running it
again (after the data file changes) brings the tables up to date without duplicating anything.
"""

from django.apps import apps as current_apps
from django.db import transaction

from waymark.directory import needs_data
from waymark.directory.models.base import NEEDS_TAXONOMY_NAME, text_hash

TAXONOMY_DESCRIPTION = (
    "What a person can come looking for: Waymark's needs, shown as the grid of needs on the home "
    "page and used to find services."
)
# The data key holding each translatable field's translations, {language: text}.
TRANSLATED_FIELDS = {"name": "names", "description": "descriptions"}


def translation_values(model_label, object_id, field_name, language, english, text):
    """The columns of a reviewed Translation of ``english`` into ``language``.

    Plain values, so that a data migration (whose historical models lack
    ``Translation.for_object``) fingerprints the English text exactly as the model does.
    """
    return {
        "model_label": model_label,
        "object_id": object_id,
        "field_name": field_name,
        "language": language,
        "text": text,
        "status": "reviewed",
        "source_text_hash": text_hash(english),
    }


def _upsert(model, lookup, values):
    """Create the row matching ``lookup`` with ``values``, or update it where it differs.

    Returns (row, "created" | "updated" | "unchanged"): unchanged rows are not saved, so a
    reload leaves their ``updated_at`` alone.
    """
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values), "created"
    changed = [field for field, value in values.items() if getattr(row, field) != value]
    if not changed:
        return row, "unchanged"
    for field in changed:
        setattr(row, field, values[field])
    row.save()
    return row, "updated"


@transaction.atomic
def load_needs_taxonomy(*, models=None):
    """Bring the "Waymark needs" taxonomy into line with ``needs_data.NEEDS``; return counts.

    ``models`` is the app registry to take the models from: a data migration passes its
    historical ``apps``; by default, the current models.

    Terms are matched by slug and get the data's name, description, parent and position.
    Translations from the data are stored as reviewed, fingerprinted against the English text
    they translate. Synonyms from the data are added if missing; synonyms staff added (or
    kept) are never removed. Terms no longer in the data are left alone: services may use them.
    """
    registry = models or current_apps
    Taxonomy = registry.get_model("directory", "Taxonomy")
    TaxonomyTerm = registry.get_model("directory", "TaxonomyTerm")
    Synonym = registry.get_model("directory", "Synonym")
    Translation = registry.get_model("directory", "Translation")
    model_label = TaxonomyTerm._meta.label_lower

    counts = dict.fromkeys(
        [
            "terms_created",
            "terms_updated",
            "synonyms_created",
            "translations_created",
            "translations_updated",
        ],
        0,
    )
    taxonomy, _created = Taxonomy.objects.get_or_create(
        name=NEEDS_TAXONOMY_NAME, defaults={"description": TAXONOMY_DESCRIPTION}
    )
    terms = {}
    # The data lists a broader need before the needs within it, so parents exist first.
    for need in needs_data.NEEDS:
        term, outcome = _upsert(
            TaxonomyTerm,
            {"slug": need["slug"]},
            {
                "taxonomy": taxonomy,
                "name": need["name"],
                "description": need["description"],
                "parent": terms[need["parent"]] if need["parent"] else None,
                "position": need["position"],
            },
        )
        terms[need["slug"]] = term
        if outcome != "unchanged":
            counts[f"terms_{outcome}"] += 1

        for field, key in TRANSLATED_FIELDS.items():
            for language, text in need.get(key, {}).items():
                values = translation_values(model_label, term.id, field, language, getattr(term, field), text)
                lookup = {name: values.pop(name) for name in ("model_label", "object_id", "field_name", "language")}
                _translation, outcome = _upsert(Translation, lookup, values)
                if outcome != "unchanged":
                    counts[f"translations_{outcome}"] += 1

        for language, words in need.get("synonyms", {}).items():
            for word in words:
                _synonym, created = Synonym.objects.get_or_create(term=term, language=language, word=word)
                counts["synonyms_created"] += created
    return counts
