from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "waymark.directory"
    verbose_name = _("Directory")

    def ready(self):
        from django.db.models.signals import post_migrate

        from waymark.directory import signals  # noqa: F401  (connects the receivers)
        from waymark.directory.search_index import after_migrate

        # Keeps the full-text index (outside the model state) present and in step.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="directory_search_index")
