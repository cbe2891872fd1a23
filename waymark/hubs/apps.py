from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubsConfig(AppConfig):
    name = "waymark.hubs"
    verbose_name = _("Hubs")

    def ready(self):
        # Registers how merging two records of a person moves their visits.
        from waymark.hubs import checkins  # noqa: F401
