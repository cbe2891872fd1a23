"""Services: what a person can get, with Waymark's extensions, and what HSDS hangs on them."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.accounts.models import ImmigrationRegulator
from waymark.directory.models.base import IMMIGRATION_ADVICE_SLUG, NEED_LINK_TYPE, NEEDS_TAXONOMY_NAME, HsdsObject
from waymark.directory.models.organizations import Organization, Program
from waymark.directory.models.taxonomy import TaxonomyTerm
from waymark.directory.models.translations import Translation
from waymark.directory.search_index import facet_tokens
from waymark.lib.text import normalise_search_text


class ServiceQuerySet(models.QuerySet):
    def public(self, now=None):
        """Services the public map shows: active or temporarily closed, and checked (or added)
        less than ``DIRECTORY_HIDE_AFTER_DAYS`` ago (the boundary ``check_state`` uses).
        Everything on the live tables has been approved: proposed changes wait in change
        requests, never here."""
        now = now or timezone.now()
        cutoff = now - timedelta(days=settings.DIRECTORY_HIDE_AFTER_DAYS)
        return self.filter(
            Q(status__in=[Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED])
            & (Q(verified_at__gt=cutoff) | Q(verified_at__isnull=True, created_at__gt=cutoff))
        )

    def stale(self, now=None):
        """Services not checked for ``DIRECTORY_STALE_AFTER_DAYS`` (shown as "not checked
        recently"; some of them have already left the public map)."""
        now = now or timezone.now()
        cutoff = now - timedelta(days=settings.DIRECTORY_STALE_AFTER_DAYS)
        return self.filter(Q(verified_at__lte=cutoff) | Q(verified_at__isnull=True, created_at__lte=cutoff))


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

    Regulator = ImmigrationRegulator

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
    # The needs it is listed under and the languages it speaks, as search tokens (see
    # search_index.facet_tokens); indexed beside search_text, so a search by need and language
    # is one index lookup. Filled with search_text by build_search_text.
    search_facets = models.TextField(_("search facets"), blank=True, editable=False)

    objects = ServiceQuerySet.as_manager()

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
        """The Waymark needs this service is listed under: its HSDS attributes of type "need"
        (not the terms of outside taxonomies an import brought, nor Waymark's own details)."""
        return TaxonomyTerm.objects.filter(
            attributes__link_entity=self.hsds_entity,
            attributes__link_id=self.id,
            attributes__link_type=NEED_LINK_TYPE,
            taxonomy__name=NEEDS_TAXONOMY_NAME,
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

    @property
    def last_checked_at(self):
        """When the listing was last confirmed correct: verified, else added to the map."""
        return self.verified_at or self.created_at

    def check_state(self, now=None):
        """ "fresh", "due" (owner to be asked, after DIRECTORY_VERIFY_AFTER_DAYS), "stale"
        (shown as not checked recently) or "hidden" (off the public map)."""
        age = (now or timezone.now()) - self.last_checked_at
        if age >= timedelta(days=settings.DIRECTORY_HIDE_AFTER_DAYS):
            return "hidden"
        if age >= timedelta(days=settings.DIRECTORY_STALE_AFTER_DAYS):
            return "stale"
        if age >= timedelta(days=settings.DIRECTORY_VERIFY_AFTER_DAYS):
            return "due"
        return "fresh"

    def current_alert(self, today=None):
        """The temporary notice if it has not yet ended, else ""."""
        today = today or timezone.localdate()
        if self.alert and (self.alert_ends_on is None or self.alert_ends_on >= today):
            return self.alert
        return ""

    # What build_search_text sets: save them together (``update_fields=[*SEARCH_FIELDS, ...]``).
    SEARCH_FIELDS = ("search_text", "search_facets")

    def build_search_text(self):
        """Set and return ``search_text``: the normalised words a search can find the service by.
        Sets ``search_facets`` too: its needs, languages and map cells as tokens
        (``search_index.facet_tokens``). Saving a location or a service's link to one rebuilds
        both for the services there (``signals.py``).

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
        points = self.service_at_locations.filter(location__latitude__isnull=False, location__longitude__isnull=False)
        self.search_facets = facet_tokens(
            [term.id for term in terms],
            self.languages.values_list("code", flat=True),
            points.values_list("location__latitude", "location__longitude"),
        )
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
