"""The referrals models: signposting now, closed-loop referrals later (issue 7).

Signposting is telling someone about a service on the map ("the legal advice clinic on
Thursday can help with your appeal"): nothing is passed to the service, so no consent is
needed beyond keeping the person's record. A referral (issue 7) passes the person to the
service, with their consent, and follows what happened.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.accounts.models import Organisation
from waymark.lib.fields import EncryptedTextField


class Signposting(models.Model):
    """Someone was told about a service on the map by an organisation.

    ``person`` is empty for someone who was not registered (an anonymous visitor); ``visit`` is
    the hub visit it was given at, if any. ``organisation`` is the one that signposted, whose
    record this is. Issue 7 adds to it.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signpostings",
        verbose_name=_("person"),
    )
    visit = models.ForeignKey(
        "hubs.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signpostings",
        verbose_name=_("visit"),
    )
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="signpostings", verbose_name=_("service")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="signpostings", verbose_name=_("signposted by")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    note = EncryptedTextField(_("note"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("signposting")
        verbose_name_plural = _("signpostings")
        indexes = [
            models.Index(fields=["person", "-recorded_at"], name="referrals_signpost_person"),
            models.Index(fields=["organisation", "-recorded_at"], name="referrals_signpost_org"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "service"],
                condition=Q(visit__isnull=False),
                name="referrals_signpost_once_per_visit",
                violation_error_message=_("This service was already signposted at this visit."),
            ),
        ]

    def __str__(self):
        return f"{self.service} ({self.recorded_at:%Y-%m-%d})"
