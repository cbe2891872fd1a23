"""Taxonomies and their terms (Waymark's needs among them), synonyms, attributes and HSDS's change records."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waymark.directory.models.base import HsdsObject


class Taxonomy(HsdsObject):
    """HSDS ``taxonomy`` (schema ``taxonomy.json``): a vocabulary of terms. Waymark's needs are
    the one named "Waymark needs"; imported directories bring their own."""

    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"))
    uri = models.URLField(_("URI"), max_length=500, blank=True)
    version = models.CharField(_("version"), max_length=50, blank=True)

    hsds_entity = "taxonomy"
    translatable_fields = ("description",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")

    def __str__(self):
        return self.name


class TaxonomyTerm(HsdsObject):
    """HSDS ``taxonomy_term`` (schema ``taxonomy_term.json``): one term, such as a need
    ("dental care"), possibly within a broader one.

    Waymark adds a stable ``slug`` (``/services/?need=dental``) and a display ``position``.
    HSDS's free-text ``taxonomy`` field is ``taxonomy_name`` here, because ``taxonomy`` is the
    foreign key whose column is HSDS's ``taxonomy_id``.
    """

    taxonomy = models.ForeignKey(
        Taxonomy, on_delete=models.PROTECT, null=True, blank=True, related_name="terms", verbose_name=_("taxonomy")
    )
    code = models.CharField(_("code"), max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("part of")
    )
    taxonomy_name = models.CharField(_("taxonomy (free text)"), max_length=255, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    term_uri = models.URLField(_("term URI"), max_length=500, blank=True)
    # Waymark
    slug = models.SlugField(_("slug"), max_length=100, blank=True, help_text=_("Never change it: links use it."))
    position = models.PositiveIntegerField(_("position"), default=0)

    hsds_entity = "taxonomy_term"
    translatable_fields = ("name", "description")

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        constraints = [
            # Terms imported from other taxonomies have no slug; only Waymark's need one.
            models.UniqueConstraint(
                fields=["slug"],
                condition=~Q(slug=""),
                name="directory_taxonomyterm_slug_unique",
                violation_error_message=_("Another term already has this slug."),
            ),
            models.UniqueConstraint(
                fields=["taxonomy", "code"],
                condition=~Q(code=""),
                name="directory_taxonomyterm_code_unique",
                violation_error_message=_("Another term of this taxonomy already has this code."),
            ),
        ]

    def __str__(self):
        return self.name

    def lineage_slugs(self):
        """This term's slug and those of the terms it is part of, nearest first."""
        slugs, term, seen = [], self, set()
        while term is not None and term.id not in seen:
            seen.add(term.id)
            slugs.append(term.slug)
            term = term.parent
        return slugs


class Synonym(models.Model):
    """A word people type for a need, in one language ("dentist", "toothache" → dental care).

    Staff edit these in the admin; search expands a query with them.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="synonyms", verbose_name=_("term"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    word = models.CharField(_("word"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term", "language", "word"]
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "word", "term"],
                name="directory_synonym_once_per_language",
                violation_error_message=_("This term already has this word in this language."),
            ),
        ]

    def __str__(self):
        return f"{self.word} ({self.language}) → {self.term}"


class AttributeQuerySet(models.QuerySet):
    def linked_to(self, obj):
        """The attributes describing ``obj``, any HSDS object."""
        return self.filter(link_entity=obj.hsds_entity, link_id=obj.id)


class Attribute(HsdsObject):
    """HSDS ``attribute`` (schema ``attribute.json``): a taxonomy term applied to any object.

    As in HSDS, the object is named by its table (``link_entity``) and id (``link_id``) rather
    than by a foreign key, so one table serves services, organisations, locations and the rest.
    Ids are UUIDs, unique across tables, and the pair is indexed both ways.
    """

    class LinkEntity(models.TextChoices):
        ORGANIZATION = "organization", _("Organisation")
        ORGANIZATION_IDENTIFIER = "organization_identifier", _("Organisation identifier")
        PROGRAM = "program", _("Programme")
        FUNDING = "funding", _("Funding")
        SERVICE = "service", _("Service")
        SERVICE_CAPACITY = "service_capacity", _("Service capacity")
        UNIT = "unit", _("Unit")
        SERVICE_AREA = "service_area", _("Service area")
        COST_OPTION = "cost_option", _("Cost option")
        REQUIRED_DOCUMENT = "required_document", _("Required document")
        LOCATION = "location", _("Location")
        ADDRESS = "address", _("Address")
        ACCESSIBILITY = "accessibility", _("Accessibility")
        SERVICE_AT_LOCATION = "service_at_location", _("Service at a location")
        CONTACT = "contact", _("Contact")
        PHONE = "phone", _("Phone")
        LANGUAGE = "language", _("Language")
        SCHEDULE = "schedule", _("Schedule")

    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes", verbose_name=_("taxonomy term")
    )
    link_id = models.UUIDField(_("linked object id"))
    link_type = models.CharField(_("link type"), max_length=100, blank=True)
    link_entity = models.CharField(_("linked object type"), max_length=30, choices=LinkEntity.choices)
    value = models.TextField(_("value"), blank=True)

    objects = AttributeQuerySet.as_manager()

    hsds_entity = "attribute"

    class Meta:
        ordering = ["link_entity", "link_id"]
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        indexes = [models.Index(fields=["link_entity", "link_id"], name="directory_attribute_link")]
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy_term", "link_entity", "link_id", "link_type"],
                name="directory_attribute_once",
                violation_error_message=_("This term is already applied to this object."),
            ),
        ]

    def __str__(self):
        return f"{self.link_entity} {self.link_id}: {self.taxonomy_term}"


class Metadata(HsdsObject):
    """HSDS ``metadata`` (schema ``metadata.json``): one recorded change to one field, kept to
    show where data came from. Waymark's own history is its audit log and change requests;
    these rows carry the provenance other directories send."""

    resource_id = models.UUIDField(_("resource id"), null=True, blank=True)
    resource_type = models.CharField(_("resource type"), max_length=30, blank=True)
    last_action_date = models.DateField(_("date of change"))
    last_action_type = models.CharField(_("kind of change"), max_length=50)
    field_name = models.CharField(_("field"), max_length=100)
    previous_value = models.TextField(_("previous value"), blank=True)
    replacement_value = models.TextField(_("new value"), blank=True)
    updated_by = models.CharField(_("changed by"), max_length=255)

    hsds_entity = "metadata"

    class Meta:
        ordering = ["-last_action_date"]
        verbose_name = _("change record (HSDS metadata)")
        verbose_name_plural = _("change records (HSDS metadata)")
        indexes = [models.Index(fields=["resource_type", "resource_id"], name="directory_metadata_resource")]

    def __str__(self):
        return f"{self.last_action_date} {self.last_action_type} {self.resource_type}.{self.field_name}"
