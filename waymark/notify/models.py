"""Messages Waymark sends to people: one row per message, from creation to delivery.

A notification is created by ``actions.do_notify`` and sent by the ``send_notification``
task after the creating transaction commits. Its status moves

    pending → sending → sent
    sending → pending (a failed attempt, to be retried) or → failed (after the last attempt)
    cancelled (made for a recipient who must not be contacted; never sent)

and the move from pending to sending is a conditional UPDATE, so only one worker ever sends a
given message. The address and the template context are personal data and are encrypted.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waymark.lib.fields import EncryptedJSONField, EncryptedTextField


class Notification(models.Model):
    """One message to one recipient through one channel, rendered in their language."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        # Reserved for text messages through GOV.UK Notify; off until a channel is configured.
        SMS = "sms", _("Text message")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # Where it goes (an e-mail address or a phone number), copied when the message is made,
    # so that the row says where it was sent even if the user's address changes later.
    address = EncryptedTextField(_("address"))
    # A folder under templates/notify/, e.g. "invitation".
    template = models.SlugField(_("template"), max_length=100)
    language = models.CharField(_("language"), max_length=10)
    context = EncryptedJSONField(_("context"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # What went wrong last, or why it was cancelled: an error class or a fixed sentence,
    # never an address or any other personal value.
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    # The same message for the same event is made once: e.g. "invitation:<uuid>".
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["status", "updated_at"], name="notify_status_updated")]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                name="notify_notification_unique_dedupe_key",
                violation_error_message=_("This message has already been made for this event."),
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="notify_notification_sent_at_when_sent",
                violation_error_message=_("A notification has a sent time exactly when it was sent."),
            ),
        ]

    def __str__(self):
        # No address here: this string turns up in logs and the admin.
        return f"{self.template} ({self.get_channel_display()}, {self.get_status_display()})"
