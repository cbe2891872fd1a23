import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """A place a network or organisation works in: usually a local authority (a borough)."""

    class Kind(models.TextChoices):
        METROPOLITAN_BOROUGH = "metropolitan_borough", _("Metropolitan borough")
        LONDON_BOROUGH = "london_borough", _("London borough")
        UNITARY_AUTHORITY = "unitary_authority", _("Unitary authority")
        COUNTY = "county", _("County")
        CITY = "city", _("City")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.METROPOLITAN_BOROUGH)
    # ONS GSS code of the local authority (E08000001 is Bolton), where there is one.
    gss_code = models.CharField(_("GSS code"), max_length=9, blank=True)
    region = models.CharField(_("region"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return self.name
