"""Channels a notification can go through: e-mail now, text messages later.

A channel turns a rendered message into a delivery. ``settings.NOTIFY_CHANNELS`` lists the
channel classes that are switched on (by default e-mail only). A text-message channel
through GOV.UK Notify would subclass ``Channel`` with ``name = "sms"``, send ``message.body``
(rendered from the template's ``sms.txt``, set as its ``body_template``) to
``message.to``, and be added to the setting.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string


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
