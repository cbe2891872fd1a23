from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "waymark.ops"
    verbose_name = _("Operations")

    def ready(self):
        # Registers the system checks.
        from waymark.ops import checks  # noqa: F401
