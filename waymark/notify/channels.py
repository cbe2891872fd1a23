"""Channels a notification can go through: e-mail, and text messages.

A channel turns a rendered message into a delivery. ``settings.NOTIFY_CHANNELS`` lists the
channel classes that are switched on: e-mail always, and one text-message channel ("sms")
when ``NOTIFY_SMS`` asks for it: GOV.UK Notify in production, the console in development.
"""

import sys
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string
from notifications_python_client import NotificationsAPIClient


class ChannelNotEnabled(Exception):
    """No channel of this name is listed in settings.NOTIFY_CHANNELS."""


@dataclass(frozen=True)
class Message:
    """A notification rendered in its recipient's language, ready to go."""

    to: str
    subject: str
    body: str
    html_body: str = ""
    language: str = ""


class Channel:
    """One way of reaching people. Subclasses set ``name`` and implement ``send``."""

    # Matches Notification.Channel.
    name = ""
    # Files read from templates/notify/<template>/; the subject is skipped where empty.
    subject_template = "subject.txt"
    body_template = "body.txt"
    html_template = "body.html"

    def send(self, message: Message) -> None:
        """Deliver ``message`` or raise. Must not return until the provider has accepted it."""
        raise NotImplementedError


class EmailChannel(Channel):
    """E-mail through Django's mail settings (EMAIL_URL): plain text, with HTML if given."""

    name = "email"

    def send(self, message: Message) -> None:
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            to=[message.to],
            # Mail clients and screen readers use it to pick the right voice and direction.
            headers={"Content-Language": message.language} if message.language else {},
        )
        if message.html_body:
            email.attach_alternative(message.html_body, "text/html")
        email.send()


class SmsChannel(Channel):
    """Text messages: the body of the template's ``sms.txt``, no subject and no HTML."""

    name = "sms"
    subject_template = ""
    body_template = "sms.txt"
    html_template = ""


class NotifySmsChannel(SmsChannel):
    """Text messages through GOV.UK Notify.

    Notify sends only from templates kept on its side, so Waymark has one there whose whole
    content is ``((body))`` (its id is GOVUK_NOTIFY_SMS_TEMPLATE_ID) and fills it with the
    message rendered here, in the recipient's language. The client raises its own errors
    (``HTTPError`` with the API's reply, ``TokenError``…); the task records only their class
    name, since the API's reply can quote the phone number.
    """

    def send(self, message: Message) -> None:
        # A client per message: it holds a requests session, which is not to be shared
        # between the worker's threads, and making one costs nothing next to the request.
        client = NotificationsAPIClient(settings.GOVUK_NOTIFY_API_KEY)
        client.send_sms_notification(
            phone_number=message.to,
            template_id=settings.GOVUK_NOTIFY_SMS_TEMPLATE_ID,
            personalisation={"body": message.body.strip()},
        )


class ConsoleSmsChannel(SmsChannel):
    """Text messages printed to standard output instead of sent, for development (as
    ``console://`` does for e-mail)."""

    def send(self, message: Message) -> None:
        # Looked up at send time, so that a test (or runserver's reloader) that swaps
        # sys.stdout sees the message.
        stream = sys.stdout
        stream.write(f"Text message to {message.to} (language: {message.language or '-'})\n")
        stream.write(message.body.rstrip("\n") + "\n")
        stream.write("-" * 40 + "\n")
        stream.flush()


@cache
def _enabled_channels() -> dict[str, Channel]:
    channels = {}
    for path in settings.NOTIFY_CHANNELS:
        channel = import_string(path)()
        channels[channel.name] = channel
    return channels


@receiver(setting_changed)
def _forget_channels(setting, **kwargs):
    if setting == "NOTIFY_CHANNELS":
        _enabled_channels.cache_clear()


def get_channel(name: str) -> Channel:
    """The enabled channel called ``name``; ChannelNotEnabled if it is not switched on."""
    try:
        return _enabled_channels()[name]
    except KeyError:
        raise ChannelNotEnabled(f"The {name!r} notification channel is not enabled (NOTIFY_CHANNELS).") from None
