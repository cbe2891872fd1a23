"""Sending notifications: the background task, and the delivery it runs.

Delivery is "at most once": a worker first claims the row with a conditional UPDATE
(pending → sending) and only the worker whose UPDATE changed a row sends. Running the task
twice, or the task and ``send_pending_notifications`` at once, still sends one message.
"""

import logging

from django.conf import settings
from django.db.models import F
from django.tasks import task
from django.template import Context, TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.utils import timezone, translation

from waymark.lib.crypto import DecryptionError
from waymark.notify.channels import Channel, ChannelNotEnabled, Message, get_channel
from waymark.notify.models import Notification

logger = logging.getLogger(__name__)

# What deliver_notification did, for the task result and the command's counts.
SENT = "sent"
RETRY = "retry"
FAILED = "failed"
SKIPPED = "skipped"

# Retrying cannot mend these: the row is marked failed at once.
PERMANENT_ERRORS = (ChannelNotEnabled, TemplateDoesNotExist, TemplateSyntaxError, DecryptionError)


@task
def send_notification(notification_id: int) -> str:
    """Send one notification, if it is still waiting; see deliver_notification."""
    return deliver_notification(notification_id)


def deliver_notification(notification_id: int) -> str:
    """Claim, render, send and record one notification; returns what happened.

    Returns SKIPPED without doing anything unless the row is pending (someone else sent it,
    is sending it, or it was cancelled). A failed attempt puts it back to pending for
    ``send_pending_notifications`` to retry, or marks it failed after
    ``settings.NOTIFY_MAX_ATTEMPTS`` attempts. Must not run inside a transaction: the claim
    has to be visible to other workers before the message goes out.
    """
    claimed = Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).update(
        status=Notification.Status.SENDING, attempts=F("attempts") + 1, updated_at=timezone.now()
    )
    if not claimed:
        return SKIPPED

    notification = None
    try:
        notification = Notification.objects.get(pk=notification_id)
        channel = get_channel(notification.channel)
        message = render_message(notification, channel)
        channel.send(message)
    except PERMANENT_ERRORS as error:
        return _record_failure(notification_id, notification, error, permanent=True)
    except Exception as error:
        # Whatever the mail server or provider raises (refused connection, timeout, an SMTP
        # error) is recorded on the row and retried; nothing is swallowed.
        return _record_failure(notification_id, notification, error, permanent=False)

    now = timezone.now()
    Notification.objects.filter(pk=notification_id, status=Notification.Status.SENDING).update(
        status=Notification.Status.SENT, sent_at=now, last_error="", updated_at=now
    )
    return SENT


def render_message(notification: Notification, channel: Channel) -> Message:
    """The notification's templates rendered in its language, for ``channel``."""
    folder = f"notify/{notification.template}/"
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **notification.context}
    with translation.override(notification.language):
        subject = _render_text(folder + channel.subject_template, context) if channel.subject_template else ""
        body = _render_text(folder + channel.body_template, context).strip() + "\n"
        html_body = ""
        if channel.html_template:
            try:
                html_template = get_template(folder + channel.html_template)
            except TemplateDoesNotExist:
                pass  # HTML is optional; the plain text goes alone.
            else:
                html_body = html_template.render(context)
    # A subject is one header line, however the template wraps it.
    return Message(
        to=notification.address,
        subject=" ".join(subject.split()),
        body=body,
        html_body=html_body,
        language=notification.language,
    )


def _render_text(name, context):
    # Plain text is not HTML: "&" in an organisation's name must stay "&", so these
    # templates render without autoescaping.
    return get_template(name).template.render(Context(context, autoescape=False))


def _describe(error):
    """The error without anything personal: its class, and an SMTP reply code if any.

    SMTP error texts and many exception messages quote the recipient's address, so the
    message itself is never stored.
    """
    description = type(error).__name__
    smtp_code = getattr(error, "smtp_code", None)
    if isinstance(smtp_code, int):
        description += f" (SMTP {smtp_code})"
    return description[:200]


def _record_failure(notification_id, notification, error, *, permanent):
    attempts = notification.attempts if notification is not None else settings.NOTIFY_MAX_ATTEMPTS
    gave_up = permanent or attempts >= settings.NOTIFY_MAX_ATTEMPTS
    description = _describe(error)
    Notification.objects.filter(pk=notification_id, status=Notification.Status.SENDING).update(
        status=Notification.Status.FAILED if gave_up else Notification.Status.PENDING,
        last_error=description,
        updated_at=timezone.now(),
    )
    logger.warning(
        "Notification %s: attempt %s failed with %s; %s.",
        notification.uuid if notification is not None else notification_id,
        attempts,
        description,
        "giving up" if gave_up else "will retry",
    )
    return FAILED if gave_up else RETRY
