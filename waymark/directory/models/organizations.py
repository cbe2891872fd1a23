"""Organisations: who provides services, and what HSDS keeps about them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waymark.directory.models.base import HsdsObject


class Organization(HsdsObject):
    """HSDS ``organization`` (schema ``organization.json``): who provides services.

    Linked to an ``accounts.Organisation`` when that organisation uses Waymark, which is what
    lets its members edit its listings.
    """

    class DataSharing(models.TextChoices):
        NEVER_WITHOUT_CONSENT = "never_without_consent", _("Never shares personal data without consent")
        ONLY_WHERE_LAW_REQUIRES = "only_where_law_requires", _("Shares personal data only where the law requires")
        UNKNOWN = "unknown", _("Not known")

    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(_("other name"), max_length=255, blank=True)
    description = models.TextField(_("description"))
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    tax_status = models.CharField(_("tax status"), max_length=255, blank=True, help_text=_("Deprecated in HSDS 3.0."))
    tax_id = models.CharField(_("tax id"), max_length=255, blank=True, help_text=_("Deprecated in HSDS 3.0."))
    year_incorporated = models.PositiveSmallIntegerField(_("year incorporated"), null=True, blank=True)
    legal_status = models.CharField(_("legal status"), max_length=255, blank=True)
    logo = models.URLField(_("logo address"), max_length=500, blank=True)
    uri = models.URLField(_("persistent identifier (URI)"), max_length=500, blank=True)
    parent_organization = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="child_organizations",
        verbose_name=_("parent organisation"),
    )
    # Waymark
    waymark_organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_organization",
        verbose_name=_("Waymark organisation"),
        help_text=_("Set when this organisation uses Waymark: its members keep these listings up to date."),
    )
    network = models.ForeignKey(
        "accounts.Network",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_organizations",
        verbose_name=_("network"),
        help_text=_("The network whose directory editors review this organisation's listings."),
    )
    # People ask this before anything else: will telling this organisation about me reach the Home Office?
    data_sharing_with_authorities = models.CharField(
        _("sharing personal data with the authorities"),
        max_length=30,
        choices=DataSharing.choices,
        default=DataSharing.UNKNOWN,
    )

    hsds_entity = "organization"
    translatable_fields = ("alternate_name", "description")

    class Meta:
        ordering = ["name"]
        verbose_name = _("directory organisation")
        verbose_name_plural = _("directory organisations")

    def __str__(self):
        return self.name


class OrganizationIdentifier(HsdsObject):
    """HSDS ``organization_identifier`` (schema ``organization_identifier.json``): a charity or
    company number, with its org-id.guide scheme (``GB-CHC``, ``GB-COH``)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="organization_identifiers", verbose_name=_("organisation")
    )
    identifier_scheme = models.CharField(_("identifier scheme"), max_length=50, blank=True)
    identifier_type = models.CharField(_("identifier type"), max_length=255)
    identifier = models.CharField(_("identifier"), max_length=255)

    hsds_entity = "organization_identifier"

    class Meta:
        ordering = ["identifier_type", "identifier"]
        verbose_name = _("organisation identifier")
        verbose_name_plural = _("organisation identifiers")

    def __str__(self):
        return f"{self.identifier_type} {self.identifier}"


class Program(HsdsObject):
    """HSDS ``program`` (schema ``program.json``): a group of an organisation's services."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="programs", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(_("other name"), max_length=255, blank=True)
    description = models.TextField(_("description"))

    hsds_entity = "program"
    translatable_fields = ("name", "alternate_name", "description")

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name


class Funding(HsdsObject):
    """HSDS ``funding`` (schema ``funding.json``): where an organisation's or a service's money
    comes from."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="funding",
        verbose_name=_("organisation"),
    )
    service = models.ForeignKey(
        "Service", on_delete=models.CASCADE, null=True, blank=True, related_name="funding", verbose_name=_("service")
    )
    source = models.TextField(_("source of funds"), blank=True)

    hsds_entity = "funding"
    translatable_fields = ("source",)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(service__isnull=False),
                name="directory_funding_has_owner",
                violation_error_message=_("Funding belongs to an organisation or a service."),
            ),
        ]

    def __str__(self):
        return self.source[:60]
