"""The service map's data: the Open Referral HSDS 3.0 objects, with Waymark's extensions.

Every HSDS object is a model named after it, with HSDS's field names, so that the ORUK API,
import and export map field for field. Relations are foreign keys named after the HSDS
``*_id`` field without its suffix (``Service.organization`` is HSDS ``organization_id``), and
reverse relations are named after the HSDS arrays (``service.phones``, ``location.addresses``).
Every id is a UUID, the HSDS id itself, so importing the same record twice finds the same row.

HSDS strings with no value are stored as "" (never NULL) and left out of the API, which never
sends null. Waymark's own fields (who a service is for, how to get it, regulation, verification,
capacity status) are typed columns, published later as HSDS attributes of a Waymark taxonomy.
The schema files named in the docstrings are in the HSDS 3.0 (and 3.1) ``schema/`` folder.
"""

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.lib.text import normalise_search_text

# The needs taxonomy term whose services must name their regulator (see Service.clean).
IMMIGRATION_ADVICE_SLUG = "immigration-advice"
# The name of the one Taxonomy row holding Waymark's needs.
NEEDS_TAXONOMY_NAME = "Waymark needs"
# Attribute.link_type for "this service meets this need" (HSDS leaves the codelist open).
NEED_LINK_TYPE = "need"


class HsdsObject(models.Model):
    """What every HSDS object has: a UUID id (HSDS's own) and when Waymark changed the row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The HSDS table name: Attribute.link_entity, Metadata.resource_type.
    hsds_entity = ""
    # Free-text fields written in English that may have a Translation per language.
    translatable_fields = ()

    class Meta:
        abstract = True

    @property
    def uuid(self):
        """The public identifier (the house rule's ``uuid``): here it is the HSDS id itself."""
        return self.id


def text_hash(text):
    """A fingerprint of an English text, to tell whether a translation was made from it."""
    return hashlib.sha256((text or "").strip().encode()).hexdigest()


# --- Organisations ---------------------------------------------------------------------------


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


# --- Services --------------------------------------------------------------------------------


class Service(HsdsObject):
    """HSDS ``service`` (schema ``service.json``; HSDS 3.1 adds its ``capacities``), with
    Waymark's extensions.

    Its needs are HSDS attributes: ``Attribute`` rows linking it to terms of the "Waymark needs"
    taxonomy (see ``needs``). Waymark's multi-valued choices (immigration situation, access
    methods) are one boolean column per value rather than a related table: the values are a
    short fixed list tied to code and translations, filtering on one is a plain column test on
    the service row (no join, the same on SQLite and PostgreSQL, cheap inside a search), and
    each true flag publishes as one HSDS attribute. A new value needs a migration, which it
    would need anyway for its label.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    class ImmigrationSituation(models.TextChoices):
        SEEKING_ASYLUM = "seeking_asylum", _("People seeking asylum")
        REFUSED_ARE = "refused_are", _("Refused asylum seekers (appeal rights exhausted)")
        REFUGEE_HP = "refugee_hp", _("Refugees and people with humanitarian protection")
        NRPF = "nrpf", _("People with no recourse to public funds")
        UNACCOMPANIED_CHILDREN = "unaccompanied_children", _("Unaccompanied children")
        ANYONE = "anyone", _("Anyone")

    class Gender(models.TextChoices):
        ANY = "any", _("Any gender")
        WOMEN = "women", _("Women")
        MEN = "men", _("Men")

    class AccessMethod(models.TextChoices):
        DROP_IN = "drop_in", _("Drop in")
        APPOINTMENT = "appointment", _("By appointment")
        REFERRAL = "referral", _("Referral only")
        SELF_REFERRAL = "self_referral", _("Self-referral")

    class Regulator(models.TextChoices):
        OISC = "oisc", _("OISC")
        SRA = "sra", _("Solicitors Regulation Authority")
        BSB = "bsb", _("Bar Standards Board")
        CILEX = "cilex", _("CILEx Regulation")

    class VerificationMethod(models.TextChoices):
        PHONE = "phone", _("Phone call")
        EMAIL = "email", _("E-mail")
        VISIT = "visit", _("Visit")
        SELF_CONFIRMED = "self_confirmed", _("Confirmed by the organisation")
        IMPORT = "import", _("Imported from another directory")

    class CapacityStatus(models.TextChoices):
        TAKING_NEW = "taking_new", _("Taking new people")
        WAITING_LIST = "waiting_list", _("Waiting list")
        FULL = "full", _("Full")

    # Deleting an organisation must not silently take its listings' history with it.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services", verbose_name=_("organisation")
    )
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="services", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(_("other name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("web page"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    interpretation_services = models.TextField(_("interpreting"), blank=True)
    application_process = models.TextField(_("how to get it"), blank=True)
    fees_description = models.TextField(_("cost"), blank=True)
    wait_time = models.CharField(_("wait time"), max_length=255, blank=True, help_text=_("Deprecated in HSDS 3.0."))
    # Deprecated in HSDS 3.0 but still ORUK 3.0's name for the cost.
    fees = models.TextField(_("fees"), blank=True, help_text=_("Deprecated in HSDS 3.0; Open Referral UK uses it."))
    accreditations = models.TextField(_("accreditations"), blank=True)
    eligibility_description = models.TextField(_("who it is for"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    licenses = models.CharField(_("licences"), max_length=255, blank=True, help_text=_("Deprecated in HSDS 3.0."))
    # HSDS's short-term alert is Waymark's temporary notice ("closed for Eid 10–12 April"), shown
    # until its end date. It goes live without review, so it keeps its own time.
    alert = models.TextField(_("temporary notice"), blank=True)
    alert_ends_on = models.DateField(_("temporary notice ends on"), null=True, blank=True)
    alert_updated_at = models.DateTimeField(_("temporary notice updated at"), null=True, blank=True)
    # HSDS: when the service or anything nested in it last changed (ORUK's modified_after reads
    # it). The action that changes a service or its children sets it; an import keeps the feed's.
    # updated_at is only this row's own last save.
    last_modified = models.DateTimeField(_("last modified"), default=timezone.now)

    # Waymark: who it is for. Age range is HSDS's minimum_age and maximum_age.
    for_seeking_asylum = models.BooleanField(_("for people seeking asylum"), default=False)
    for_refused_are = models.BooleanField(_("for refused asylum seekers (appeal rights exhausted)"), default=False)
    for_refugee_hp = models.BooleanField(_("for refugees and people with humanitarian protection"), default=False)
    for_nrpf = models.BooleanField(_("for people with no recourse to public funds"), default=False)
    for_unaccompanied_children = models.BooleanField(_("for unaccompanied children"), default=False)
    for_anyone = models.BooleanField(_("for anyone, whatever their immigration situation"), default=False)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.ANY)
    for_families = models.BooleanField(_("for families"), default=False)
    for_lgbt = models.BooleanField(_("for LGBT+ people"), default=False)
    restricted_to_areas = models.ManyToManyField(
        "places.Area",
        blank=True,
        related_name="restricted_services",
        verbose_name=_("only for people living in"),
        help_text=_("Leave empty when anyone may come, wherever they live."),
    )
    # Waymark: how to get it.
    access_drop_in = models.BooleanField(_("drop in"), default=False)
    access_appointment = models.BooleanField(_("by appointment"), default=False)
    access_referral = models.BooleanField(_("referral only"), default=False)
    access_self_referral = models.BooleanField(_("self-referral"), default=False)
    accepts_waymark_referrals = models.BooleanField(_("accepts referrals through Waymark"), default=False)
    interpreters_available = models.BooleanField(_("interpreters available"), default=False)
    # Waymark: immigration advice is regulated; giving it unregulated is an offence.
    advice_regulator = models.CharField(_("regulator"), max_length=10, choices=Regulator.choices, blank=True)
    advice_registration_number = models.CharField(_("registration number"), max_length=50, blank=True)
    advice_oisc_level = models.PositiveSmallIntegerField(
        _("OISC level"), null=True, blank=True, choices=[(1, "1"), (2, "2"), (3, "3")]
    )
    # Set by an import that could not establish the regulator: the service is kept, never
    # offered for regulated referrals, and waits for an editor.
    regulator_not_confirmed = models.BooleanField(_("regulator not confirmed"), default=False)
    # Waymark: verification, apart from editing (updated_at). HSDS assured_date derives from it.
    verified_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    verification_method = models.CharField(
        _("how it was checked"), max_length=20, choices=VerificationMethod.choices, blank=True
    )
    # Waymark: a simple capacity status beside HSDS 3.1 ServiceCapacity; goes live without review.
    capacity_status = models.CharField(
        _("capacity"), max_length=20, choices=CapacityStatus.choices, blank=True, help_text=_("Leave empty if unknown.")
    )
    capacity_updated_at = models.DateTimeField(_("capacity updated at"), null=True, blank=True)
    # Normalised words for search (see build_search_text); filled by whoever saves the service.
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    hsds_entity = "service"
    translatable_fields = (
        "name",
        "alternate_name",
        "description",
        "interpretation_services",
        "application_process",
        "fees_description",
        "accreditations",
        "eligibility_description",
        "alert",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="directory_service_age_range_in_order",
                violation_error_message=_("The minimum age must not be above the maximum age."),
            ),
            models.CheckConstraint(
                condition=Q(advice_oisc_level__isnull=True) | Q(advice_regulator="oisc"),
                name="directory_service_oisc_level_needs_oisc",
                violation_error_message=_("An OISC level needs the OISC as regulator."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "inactive", "defunct", "temporarily closed"]),
                name="directory_service_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.advice_regulator == self.Regulator.OISC and self.advice_oisc_level is None:
            raise ValidationError({"advice_oisc_level": _("Give the OISC level (1, 2 or 3).")})
        if self.offers_immigration_advice() and not self.advice_regulator and not self.regulator_not_confirmed:
            raise ValidationError(
                {"advice_regulator": _("Immigration advice must be regulated: give the adviser's regulator.")}
            )

    def needs(self):
        """The taxonomy terms this service is listed under (its HSDS attributes)."""
        return TaxonomyTerm.objects.filter(
            attributes__link_entity=self.hsds_entity, attributes__link_id=self.id
        ).distinct()

    def offers_immigration_advice(self, terms=None):
        """Whether the service is listed under immigration advice or a need within it.

        ``terms`` are the needs about to be given to the service (a form passes them before
        they are saved); without them, the saved needs are read.
        """
        if terms is None:
            if self._state.adding:
                return False
            # Needs are at most two levels below a root, so this covers the whole branch.
            return (
                self.needs()
                .filter(
                    Q(slug=IMMIGRATION_ADVICE_SLUG)
                    | Q(parent__slug=IMMIGRATION_ADVICE_SLUG)
                    | Q(parent__parent__slug=IMMIGRATION_ADVICE_SLUG)
                )
                .exists()
            )
        return any(IMMIGRATION_ADVICE_SLUG in term.lineage_slugs() for term in terms)

    @property
    def is_regulated_adviser(self):
        """True if the service may be offered for regulated (immigration advice) referrals."""
        return bool(self.advice_regulator) and not self.regulator_not_confirmed

    @property
    def immigration_situations(self):
        """The ImmigrationSituation values ticked, in the list's order."""
        return [value for value in self.ImmigrationSituation.values if getattr(self, f"for_{value}")]

    @property
    def access_methods(self):
        """The AccessMethod values ticked, in the list's order."""
        return [value for value in self.AccessMethod.values if getattr(self, f"access_{value}")]

    @classmethod
    def q_for_situation(cls, situation):
        """A filter for services open to people in ``situation`` (those for anyone included)."""
        return Q(**{f"for_{cls.ImmigrationSituation(situation).value}": True}) | Q(for_anyone=True)

    @classmethod
    def q_access(cls, method):
        """A filter for services that can be reached by ``method``."""
        return Q(**{f"access_{cls.AccessMethod(method).value}": True})

    @property
    def assured_date(self):
        """HSDS ``assured_date``: the day the listing was last checked."""
        return timezone.localdate(self.verified_at) if self.verified_at else None

    def current_alert(self, today=None):
        """The temporary notice if it has not yet ended, else ""."""
        today = today or timezone.localdate()
        if self.alert and (self.alert_ends_on is None or self.alert_ends_on >= today):
            return self.alert
        return ""

    def build_search_text(self):
        """Set and return ``search_text``: the normalised words a search can find the service by.

        From the service's names and description, its organisation's names, its needs' names
        and synonyms in every language, and the reviewed translations of these names and
        descriptions (search works in any of the interface languages). Does not save.
        """
        parts = [self.name, self.alternate_name, self.description]
        parts += [self.organization.name, self.organization.alternate_name]
        terms = list(self.needs().prefetch_related("synonyms"))
        for term in terms:
            parts.append(term.name)
            parts += [synonym.word for synonym in term.synonyms.all()]
        sources = [(self, ("name", "alternate_name", "description")), *((term, ("name",)) for term in terms)]
        translations = Translation.objects.filter(
            object_id__in=[obj.id for obj, _fields in sources], status=Translation.Status.REVIEWED
        )
        wanted = {(obj._meta.label_lower, obj.id, field): obj for obj, fields in sources for field in fields}
        for translation in translations:
            obj = wanted.get((translation.model_label, translation.object_id, translation.field_name))
            if obj is not None and not translation.is_out_of_date(obj):
                parts.append(translation.text)
        self.search_text = normalise_search_text(" ".join(part for part in parts if part))
        return self.search_text


class ServiceCapacity(HsdsObject):
    """HSDS 3.1 ``service_capacity`` (schema ``service_capacity.json``): how many of a unit
    (beds, appointments, hours) a service has available."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="capacities", verbose_name=_("service"))
    unit = models.ForeignKey("Unit", on_delete=models.PROTECT, related_name="capacities", verbose_name=_("unit"))
    available = models.DecimalField(_("available"), max_digits=10, decimal_places=2)
    maximum = models.DecimalField(_("maximum"), max_digits=10, decimal_places=2, null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    updated = models.DateTimeField(_("updated"), default=timezone.now)

    hsds_entity = "service_capacity"
    translatable_fields = ("description",)

    class Meta:
        ordering = ["service", "unit"]
        verbose_name = _("service capacity")
        verbose_name_plural = _("service capacities")
        constraints = [
            models.CheckConstraint(
                condition=Q(available__gte=0),
                name="directory_servicecapacity_available_not_negative",
                violation_error_message=_("Available capacity cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.service}: {self.available} {self.unit}"


class Unit(HsdsObject):
    """HSDS 3.1 ``unit`` (schema ``unit.json``): what a capacity counts, e.g. "Bed"."""

    name = models.CharField(_("name"), max_length=255)
    scheme = models.CharField(_("scheme"), max_length=100, blank=True)
    identifier = models.CharField(_("identifier"), max_length=100, blank=True)
    uri = models.URLField(_("URI"), max_length=500, blank=True)

    hsds_entity = "unit"
    translatable_fields = ("name",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name


class ServiceArea(HsdsObject):
    """HSDS ``service_area`` (schema ``service_area.json``): where a service is available, in
    words (and optionally a shape). Eligibility by council area is ``Service.restricted_to_areas``."""

    class ExtentType(models.TextChoices):
        GEOJSON = "geojson", "GeoJSON"
        TOPOJSON = "topojson", "TopoJSON"
        KML = "kml", "KML"
        TEXT = "text", _("Text")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_areas", verbose_name=_("service")
    )
    name = models.TextField(_("area"), blank=True)
    description = models.TextField(_("description"), blank=True)
    extent = models.TextField(_("extent"), blank=True)
    extent_type = models.CharField(_("extent format"), max_length=10, choices=ExtentType.choices, blank=True)
    uri = models.CharField(_("URI"), max_length=500, blank=True)

    hsds_entity = "service_area"
    translatable_fields = ("name", "description")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")

    def __str__(self):
        return self.name[:60]


class CostOption(HsdsObject):
    """HSDS ``cost_option`` (schema ``cost_option.json``): what a service costs, and when."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="cost_options", verbose_name=_("service")
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    option = models.TextField(_("conditions"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("Three letters, e.g. GBP."))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2, null=True, blank=True)
    amount_description = models.TextField(_("about the amount"), blank=True)

    hsds_entity = "cost_option"
    translatable_fields = ("option", "amount_description")

    class Meta:
        ordering = ["amount"]
        verbose_name = _("cost option")
        verbose_name_plural = _("cost options")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="directory_costoption_amount_not_negative",
                violation_error_message=_("A cost cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.amount} {self.currency} {self.option}".strip()


class RequiredDocument(HsdsObject):
    """HSDS ``required_document`` (schema ``required_document.json``): a document a person
    needs to bring."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="required_documents", verbose_name=_("service")
    )
    document = models.TextField(_("document"), blank=True)
    uri = models.URLField(_("link"), max_length=500, blank=True)

    hsds_entity = "required_document"
    translatable_fields = ("document",)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")

    def __str__(self):
        return self.document[:60]


# --- Locations -------------------------------------------------------------------------------


class LocationType(models.TextChoices):
    """HSDS ``location_type`` and ``address_type``."""

    PHYSICAL = "physical", _("Physical")
    POSTAL = "postal", _("Postal")
    VIRTUAL = "virtual", _("Virtual")


class Location(HsdsObject):
    """HSDS ``location`` (schema ``location.json``): a place (or website) where services are
    given.

    Waymark adds a hidden address: for safe houses and refuges only the area is shown, never the
    street, and nothing published gives the street or exact coordinates.
    """

    location_type = models.CharField(_("type"), max_length=10, choices=LocationType.choices)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="locations",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    alternate_name = models.CharField(_("other name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    transportation = models.TextField(_("getting there"), blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    external_identifier = models.CharField(_("external identifier"), max_length=255, blank=True)
    external_identifier_type = models.CharField(_("external identifier type"), max_length=100, blank=True)
    # Waymark
    address_hidden = models.BooleanField(
        _("hide the address"), default=False, help_text=_("Show only the area, for safe houses and refuges.")
    )
    area = models.ForeignKey(
        "places.Area",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_locations",
        verbose_name=_("area"),
    )

    hsds_entity = "location"
    translatable_fields = ("name", "alternate_name", "description", "transportation")

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    # Spelled out: a comparison with a NULL would pass a CHECK constraint.
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="directory_location_coordinates_possible",
                violation_error_message=_("Give both latitude (−90 to 90) and longitude (−180 to 180), or neither."),
            ),
            models.CheckConstraint(
                condition=Q(address_hidden=False) | Q(area__isnull=False),
                name="directory_location_hidden_address_has_area",
                violation_error_message=_("A location with a hidden address must show its area."),
            ),
        ]

    def __str__(self):
        return self.name or self.get_location_type_display()


class Address(HsdsObject):
    """HSDS ``address`` (schema ``address.json``): a postal or physical address of a location."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("location")
    )
    attention = models.CharField(_("for the attention of"), max_length=255, blank=True)
    address_1 = models.CharField(_("address line 1"), max_length=255)
    address_2 = models.CharField(_("address line 2"), max_length=255, blank=True)
    city = models.CharField(_("town or city"), max_length=255)
    region = models.CharField(_("region"), max_length=255, blank=True)
    state_province = models.CharField(_("county"), max_length=255)
    postal_code = models.CharField(_("postcode"), max_length=20)
    country = models.CharField(_("country"), max_length=2, default="GB", help_text=_("ISO 3166-1 code, e.g. GB."))
    address_type = models.CharField(_("type"), max_length=10, choices=LocationType.choices)

    hsds_entity = "address"

    class Meta:
        ordering = ["location", "address_type"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self):
        return ", ".join(part for part in (self.address_1, self.city, self.postal_code) if part)


class Accessibility(HsdsObject):
    """HSDS ``accessibility`` (schema ``accessibility.json``): step-free access, hearing loops."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="accessibility", verbose_name=_("location")
    )
    description = models.TextField(_("description"), blank=True)
    details = models.TextField(_("details"), blank=True)
    url = models.URLField(_("more information"), max_length=500, blank=True)

    hsds_entity = "accessibility"
    translatable_fields = ("description", "details")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("accessibility")
        verbose_name_plural = _("accessibility")

    def __str__(self):
        return self.description[:60]


class ServiceAtLocation(HsdsObject):
    """HSDS ``service_at_location`` (schema ``service_at_location.json``): a service given at
    a location, with what is particular to it there."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations", verbose_name=_("service")
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations", verbose_name=_("location")
    )
    description = models.TextField(_("description"), blank=True)

    hsds_entity = "service_at_location"
    translatable_fields = ("description",)

    class Meta:
        ordering = ["service", "location"]
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"],
                name="directory_serviceatlocation_once",
                violation_error_message=_("This service is already at this location."),
            ),
        ]

    def __str__(self):
        return f"{self.service} @ {self.location}"


# --- Ways to get in touch, and when ----------------------------------------------------------


class Contact(HsdsObject):
    """HSDS ``contact`` (schema ``contact.json``): a named person or role to contact."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts")
    name = models.CharField(_("name"), max_length=255, blank=True)
    title = models.CharField(_("job title"), max_length=255, blank=True)
    department = models.CharField(_("department"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)

    hsds_entity = "contact"
    translatable_fields = ("title", "department")

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False)
                | Q(service__isnull=False)
                | Q(service_at_location__isnull=False)
                | Q(location__isnull=False),
                name="directory_contact_has_owner",
                violation_error_message=_("A contact belongs to an organisation, a service or a location."),
            ),
        ]

    def __str__(self):
        return self.name or self.title or self.email


class Phone(HsdsObject):
    """HSDS ``phone`` (schema ``phone.json``). One number may belong to several things at once
    (the same reception number for an organisation, its service and its location), as in HSDS."""

    class Type(models.TextChoices):
        # RFC 6350 telephone types, as HSDS names them.
        TEXT = "text", _("Text (SMS)")
        VOICE = "voice", _("Voice")
        FAX = "fax", _("Fax")
        CELL = "cell", _("Mobile")
        VIDEO = "video", _("Video")
        PAGER = "pager", _("Pager")
        TEXTPHONE = "textphone", _("Textphone")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_("number"), max_length=50)
    extension = models.PositiveIntegerField(_("extension"), null=True, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, blank=True)
    description = models.TextField(_("description"), blank=True)

    hsds_entity = "phone"
    translatable_fields = ("description",)

    class Meta:
        ordering = ["number"]
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        constraints = [
            models.CheckConstraint(
                condition=Q(location__isnull=False)
                | Q(service__isnull=False)
                | Q(organization__isnull=False)
                | Q(contact__isnull=False)
                | Q(service_at_location__isnull=False),
                name="directory_phone_has_owner",
                violation_error_message=_("A phone number belongs to an organisation, service, location or contact."),
            ),
        ]

    def __str__(self):
        return self.number


class Language(HsdsObject):
    """HSDS ``language`` (schema ``language.json``): a language spoken at a service, location
    or on a phone line (Waymark's "languages spoken")."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages")
    phone = models.ForeignKey(Phone, on_delete=models.CASCADE, null=True, blank=True, related_name="languages")
    name = models.CharField(_("language"), max_length=100, blank=True)
    code = models.CharField(_("code"), max_length=10, blank=True, help_text=_("ISO 639-1 or 639-3, e.g. ar, prs."))
    note = models.TextField(_("note"), blank=True)

    hsds_entity = "language"
    translatable_fields = ("note",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")
        indexes = [models.Index(fields=["code"], name="directory_language_code")]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(location__isnull=False) | Q(phone__isnull=False),
                name="directory_language_has_owner",
                violation_error_message=_("A language belongs to a service, a location or a phone number."),
            ),
        ]

    def __str__(self):
        return self.name or self.code


class Schedule(HsdsObject):
    """HSDS ``schedule`` (schema ``schedule.json``): when a service or location is open, as an
    iCalendar (RFC 5545) recurrence with opening and closing times."""

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", _("Weekly")
        MONTHLY = "MONTHLY", _("Monthly")

    class Weekday(models.TextChoices):
        MO = "MO", _("Monday")
        TU = "TU", _("Tuesday")
        WE = "WE", _("Wednesday")
        TH = "TH", _("Thursday")
        FR = "FR", _("Friday")
        SA = "SA", _("Saturday")
        SU = "SU", _("Sunday")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    service_at_location = models.ForeignKey(
        ServiceAtLocation, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    dtstart = models.DateField(_("first date"), null=True, blank=True)
    # HSDS gives the UTC offset in hours (5.5 is possible); Waymark's own times are Europe/London.
    timezone = models.DecimalField(_("UTC offset (hours)"), max_digits=4, decimal_places=2, null=True, blank=True)
    until = models.DateField(_("last date"), null=True, blank=True)
    count = models.PositiveIntegerField(_("number of times"), null=True, blank=True)
    wkst = models.CharField(_("week starts on"), max_length=2, choices=Weekday.choices, blank=True)
    freq = models.CharField(_("repeats"), max_length=10, choices=Frequency.choices, blank=True)
    interval = models.PositiveIntegerField(
        _("every"), null=True, blank=True, help_text=_("2 with weekly: fortnightly.")
    )
    # Comma-separated, as iCalendar and HSDS write them: "MO,TH", "2MO,-1FR", "41,42".
    byday = models.CharField(_("days"), max_length=100, blank=True)
    byweekno = models.CharField(_("weeks of the year"), max_length=255, blank=True)
    bymonthday = models.CharField(_("days of the month"), max_length=255, blank=True)
    byyearday = models.CharField(_("days of the year"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    schedule_link = models.URLField(_("booking or timetable link"), max_length=500, blank=True)
    attending_type = models.TextField(_("how to attend"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    hsds_entity = "schedule"
    translatable_fields = ("description", "attending_type", "notes")

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("opening times")
        verbose_name_plural = _("opening times")
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(location__isnull=False) | Q(service_at_location__isnull=False),
                name="directory_schedule_has_owner",
                violation_error_message=_("Opening times belong to a service or a location."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="directory_schedule_valid_dates_in_order",
                violation_error_message=_("The schedule must start before it ends."),
            ),
        ]

    def __str__(self):
        times = f"{self.opens_at:%H:%M}–{self.closes_at:%H:%M}" if self.opens_at and self.closes_at else ""
        return " ".join(part for part in (self.freq, self.byday, times) if part) or self.description[:60]


# --- Taxonomies and attributes ---------------------------------------------------------------


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


# --- Translations ----------------------------------------------------------------------------

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
