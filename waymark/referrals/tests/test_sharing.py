"""The shared copy as the receiver reads it: needs named in the reader's language."""

from django.utils import translation

from waymark.directory.models import Translation
from waymark.directory.models.base import text_hash
from waymark.directory.tests.builders import make_need
from waymark.referrals.sharing import need_names
from waymark.testing import BaseTestCase


class NeedNamesTests(BaseTestCase):
    def test_needs_are_named_in_the_readers_language_where_a_reviewed_translation_exists(self):
        food = make_need("food", "Food")
        make_need("health", "Health")  # No translation: English.
        Translation.objects.create(
            model_label=food._meta.label_lower,
            object_id=food.id,
            field_name="name",
            language="fr",
            text="Alimentation",
            status=Translation.Status.REVIEWED,
            source_text_hash=text_hash("Food"),
        )

        with translation.override("fr"):
            self.assertEqual(need_names(["food", "health", "unknown"]), ["Alimentation", "Health", "unknown"])
        self.assertEqual(need_names(["food"]), ["Food"])
