"""Keeping the map true: change requests, new organisations, what the public tells us, checks.

None of these are HSDS objects; they are Waymark's editorial workflow around them. Every
status is an explicit state machine: the transitions live in ``waymark/directory/actions/``,
one action per transition, each refusing an illegal move with ``IllegalTransition``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.accounts.models import Organisation
from waymark.directory.models.organizations import Organization
from waymark.directory.models.services import Service


class ChangeRequest(models.Model):
    """A member's proposed change to one listing, waiting for a directory editor.

    ``proposed`` holds only the fields that change, as plain JSON values keyed by the names the
    listing's edit form uses (``{"name": "…", "needs": ["food"], "opening_times": […]}``);
    ``previous`` holds what those fields were when the request was made, so an editor sees the
    change field by field and a stale request (the listing changed since) can be spotted. A new
    listing has ``target_id`` empty until approval creates it. Approved and rejected requests
    are kept: together they are the history of every listing.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class TargetType(models.TextChoices):
        ORGANIZATION = "organization", _("Organisation")
        SERVICE = "service", _("Service")
        LOCATION = "location", _("Location")
        TRANSLATION = "translation", _("Translation")

    class Kind(models.TextChoices):
        CREATE = "create", _("New")
        UPDATE = "update", _("Change")
        REMOVE = "remove", _("Removal")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="change_requests", verbose_name=_("organisation")
    )
    target_type = models.CharField(_("what"), max_length=20, choices=TargetType.choices)
    target_id = models.UUIDField(_("listing id"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.UPDATE)
    proposed = models.JSONField(_("proposed values"), default=dict)
    previous = models.JSONField(_("values before"), default=dict)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Empty only for a change that came from a feed (``import_run`` says which).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    import_run = models.ForeignKey(
        "directory.ImportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change_requests",
        verbose_name=_("import run"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="directory_cr_status_idx"),
            models.Index(fields=["target_type", "target_id"], name="directory_cr_target_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_target_type_display()}: {self.summary}"


class OrganisationRegistration(models.Model):
    """ "Add your organisation": an organisation not yet on Waymark asks to join the map.

    Approval creates the Waymark organisation, its directory organisation and first listings,
    and invites the contact as its first organisation admin. ``services`` is a list of the first
    services as plain JSON (the same keys as a service's edit form).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    name = models.CharField(_("organisation name"), max_length=255)
    description = models.TextField(_("what the organisation does"))
    website = models.URLField(_("website"), max_length=500, blank=True)
    email = models.EmailField(_("public e-mail address"), blank=True)
    phone = models.CharField(_("public phone number"), max_length=50, blank=True)
    charity_number = models.CharField(_("charity or company number"), max_length=50, blank=True)
    area = models.ForeignKey(
        "places.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("main area it works in")
    )
    network = models.ForeignKey(
        "accounts.Network",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("network"),
        help_text=_("The network whose directory editors review it: the area's network."),
    )
    data_sharing_with_authorities = models.CharField(
        _("sharing personal data with the authorities"),
        max_length=30,
        choices=Organization.DataSharing.choices,
        default=Organization.DataSharing.UNKNOWN,
    )
    kind = models.CharField(
        _("kind of organisation"),
        max_length=30,
        choices=Organisation.Kind.choices,
        default=Organisation.Kind.CHARITY,
    )
    contact_name = models.CharField(_("your name"), max_length=255)
    contact_email = models.EmailField(_("your e-mail address"))
    contact_role = models.CharField(_("your role in the organisation"), max_length=255, blank=True)
    services = models.JSONField(_("first services"), default=list)
    language = models.CharField(_("language"), max_length=10, default="en")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    organization = models.OneToOneField(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registration",
        verbose_name=_("directory organisation created"),
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("organisation registration")
        verbose_name_plural = _("organisation registrations")

    def __str__(self):
        return self.name


class ProblemReport(models.Model):
    """Someone says a listing is wrong. No account and nothing about who they are."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("It has closed")
        WRONG_HOURS = "wrong_hours", _("The opening times are wrong")
        WRONG_CONTACT = "wrong_contact", _("The address, phone or e-mail is wrong")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="problem_reports", verbose_name=_("service")
    )
    kind = models.CharField(_("what is wrong"), max_length=20, choices=Kind.choices)
    details = models.TextField(_("details"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        indexes = [models.Index(fields=["status", "created_at"], name="directory_problem_status_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.service}"


class ServiceSuggestion(models.Model):
    """Someone tells us about a service the map does not have."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ADDED = "added", _("Added to the map")
        DISMISSED = "dismissed", _("Dismissed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name of the service"), max_length=255)
    organisation_name = models.CharField(_("who runs it"), max_length=255, blank=True)
    where = models.CharField(_("where it is"), max_length=255, blank=True)
    details = models.TextField(_("what it offers"), blank=True)
    contact = models.CharField(
        _("how to contact the service"), max_length=255, blank=True, help_text=_("Its phone, e-mail or website.")
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("suggested at"), default=timezone.now)
    network = models.ForeignKey(
        "accounts.Network",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("network"),
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("what was done"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("service suggestion")
        verbose_name_plural = _("service suggestions")

    def __str__(self):
        return self.name


class ServiceFeedback(models.Model):
    """How it went, said anonymously: for the organisation that runs the service and for figures."""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("service"))
    got_help = models.CharField(_("did you get the help you needed?"), max_length=10, choices=Answer.choices)
    treated_well = models.CharField(_("were you treated well?"), max_length=10, choices=Answer.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self):
        return f"{self.service}: {self.get_got_help_display()}"


class VerificationLink(models.Model):
    """A "still correct?" link e-mailed to the owner of a listing: signed, single use.

    The e-mail carries ``uuid`` and a random token; only the token's SHA-256 is stored. Opening
    the link shows a confirm button; only the POST of that button confirms (``used_at``), so a
    mail scanner that prefetches links confirms nothing.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="verification_links", verbose_name=_("service")
    )
    token_hash = models.CharField(max_length=64, editable=False)
    sent_to = models.EmailField(_("sent to"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("verification link")
        verbose_name_plural = _("verification links")
        indexes = [models.Index(fields=["service", "sent_at"], name="directory_verif_service_idx")]

    def __str__(self):
        return f"{self.service} → {self.sent_to}"
