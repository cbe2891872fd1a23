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


# Great Britain's postcodes all lie inside this box (Scilly to Shetland, St Kilda to Lowestoft);
# a row outside it has its latitude and longitude swapped or comes from the wrong data set.
GB_LATITUDE_RANGE = (49.0, 61.0)
GB_LONGITUDE_RANGE = (-9.0, 2.0)


def _in_great_britain():
    return models.Q(
        latitude__gte=GB_LATITUDE_RANGE[0],
        latitude__lte=GB_LATITUDE_RANGE[1],
        longitude__gte=GB_LONGITUDE_RANGE[0],
        longitude__lte=GB_LONGITUDE_RANGE[1],
    )


class OutcodeCentroid(models.Model):
    """The middle of a postcode district (the outcode, "BL1"): the mean position of its postcodes.

    Reference data loaded from the committed ``places/data/outcodes.csv`` (Code-Point Open, OGL),
    so every install can place a postcode without a third-party geocoder. Keyed by the outcode
    itself, not a UUID: it never appears in a URL and is replaced wholesale when the data is.
    """

    outcode = models.CharField(_("outcode"), max_length=4, unique=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    # How many postcodes the mean was taken over: a district of a handful of postcodes (a
    # single large organisation, a PO box district) is a point; one of thousands is a town.
    postcode_count = models.PositiveIntegerField(_("postcodes"), default=0)

    class Meta:
        ordering = ["outcode"]
        verbose_name = _("outcode centroid")
        verbose_name_plural = _("outcode centroids")
        constraints = [
            models.CheckConstraint(
                condition=_in_great_britain(),
                name="outcode_centroid_in_great_britain",
                violation_error_message=_("An outcode's centre must lie in Great Britain."),
            ),
        ]

    def __str__(self):
        return self.outcode


class PostcodeCentroid(models.Model):
    """Where one full postcode ("BL1 1AA") is, loaded by ``manage.py import_postcodes``.

    Optional: without these rows a postcode is placed by its outcode. About 1.7 million rows
    for Great Britain, so the normalised postcode is the primary key (no second index, no UUID:
    it never appears in a URL) and rows carry nothing else.
    """

    postcode = models.CharField(_("postcode"), max_length=8, primary_key=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        ordering = ["postcode"]
        verbose_name = _("postcode centroid")
        verbose_name_plural = _("postcode centroids")
        constraints = [
            models.CheckConstraint(
                condition=_in_great_britain(),
                name="postcode_centroid_in_great_britain",
                violation_error_message=_("A postcode must lie in Great Britain."),
            ),
        ]

    def __str__(self):
        return self.postcode


class AccommodationSite(models.Model):
    """A place where the Home Office houses people seeking asylum: an Initial Accommodation
    centre, a contingency hotel, a block of dispersal housing, a large site.

    Kept minimal on purpose, so that a person's asylum journey can name the site they live at
    and a council can keep its register of sites. Edited in the admin. A site that has closed
    keeps its row (journeys in the past still name it) with the date it closed.
    """

    class Kind(models.TextChoices):
        INITIAL_ACCOMMODATION = "initial_accommodation", _("Initial Accommodation")
        CONTINGENCY_HOTEL = "contingency_hotel", _("Contingency hotel")
        DISPERSAL = "dispersal", _("Dispersal accommodation")
        LARGE_SITE = "large_site", _("Large site (former military site, barge)")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    # The Home Office's contracted provider (Mears, Serco, Clearsprings Ready Homes): reference
    # data in accounts.NationalBody.
    provider = models.ForeignKey(
        "accounts.NationalBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accommodation_sites",
        limit_choices_to={"kind": "accommodation_provider"},
        verbose_name=_("accommodation provider"),
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="accommodation_sites", verbose_name=_("area"))
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True, help_text=_("Leave empty while people still live there.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area__name", "name"]
        verbose_name = _("accommodation site")
        verbose_name_plural = _("accommodation sites")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(opened_on__isnull=True)
                    | models.Q(closed_on__isnull=True)
                    | models.Q(closed_on__gte=models.F("opened_on"))
                ),
                name="places_accommodation_site_closes_after_opening",
                violation_error_message=_("A site cannot close before it opened."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.area})" if self.area_id else self.name

    def is_open_on(self, day):
        """True if the site housed people on ``day`` (a site with no dates is taken as open)."""
        if self.opened_on and day < self.opened_on:
            return False
        return not (self.closed_on and day > self.closed_on)
