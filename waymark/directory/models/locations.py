"""Where services are given, how to get in touch, and when they are open."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waymark.directory.models.base import HsdsObject
from waymark.directory.models.organizations import Organization
from waymark.directory.models.services import Service


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
