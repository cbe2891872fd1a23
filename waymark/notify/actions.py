"""Making notifications. Every app sends messages through ``do_notify``; text messages to a
person (``people.Person``) go through ``notify_person``, which applies their contact wishes."""

import json
from functools import partial

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import translation

from waymark.notify.channels import ChannelNotEnabled, get_channel
from waymark.notify.models import Notification
from waymark.notify.tasks import send_notification

DO_NOT_CONTACT = "Cancelled: the recipient is not to be contacted."


@transaction.atomic
def do_notify(
    *,
    template,
    language,
    context,
    to_user=None,
    to_address=None,
    channel=Notification.Channel.EMAIL,
    dedupe_key=None,
    do_not_contact=False,
):
    """Make a notification and send it once the current transaction commits.

    - ``template`` names a folder under ``templates/notify/`` (subject.txt, body.txt and
      optionally body.html); ``context`` is a dict of JSON-able values for it. Lazy
      translatable strings in the context (e.g. role labels) are stored untranslated and
      translated when the message is rendered, with ``{% translate value %}``.
    - ``language`` is the language to write in; None means the user's preferred language.
      A code Waymark does not offer falls back to settings.LANGUAGE_CODE.
    - The message goes to ``to_address``, else (for e-mail) to ``to_user``'s address.
    - ``dedupe_key`` names the event (e.g. ``"invitation:<uuid>"``): a second call with the
      same key makes nothing new and returns the first notification.
    - ``do_not_contact=True`` (the caller knows the recipient must not be contacted): the
      notification is recorded as cancelled, without its context, and nothing is sent.

    The row itself is the record of what was sent to whom, so no audit event is written;
    the action that caused the message writes its own.
    """
    get_channel(channel)  # Refuse a switched-off channel now, not at send time.
    address = to_address or (to_user.email if to_user is not None and channel == Notification.Channel.EMAIL else "")
    if not address:
        raise ValueError("A notification needs an address: give to_address, or to_user for e-mail.")
    if not isinstance(context, dict):
        raise TypeError("A notification's context must be a dict.")
    if language is None:
        language = getattr(to_user, "language", "") or settings.LANGUAGE_CODE

    if dedupe_key is not None:
        existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing

    notification = Notification(
        channel=channel,
        recipient=to_user,
        address=address,
        template=template,
        language=_offered_language(language),
        context=_stored_context(context),
        dedupe_key=dedupe_key,
    )
    if do_not_contact:
        notification.status = Notification.Status.CANCELLED
        notification.last_error = DO_NOT_CONTACT
        # Nothing will be written from it, so it is not kept (minimum data).
        notification.context = {}
    try:
        # A savepoint, so that losing a race on the dedupe key leaves the caller's
        # transaction usable.
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        existing = Notification.objects.filter(dedupe_key=dedupe_key).first() if dedupe_key else None
        if existing is None:
            raise
        return existing

    if notification.status == Notification.Status.PENDING:
        # robust: the row is committed by then, so if enqueueing fails the message is not
        # lost; send_pending_notifications picks it up.
        transaction.on_commit(partial(send_notification.enqueue, notification.pk), robust=True)
    return notification


def notify_person(person, *, template, context, dedupe_key):
    """Text ``person`` (a ``people.Person``) the message ``template`` with ``context``, in
    their language, once the current transaction commits; returns the notification, or None.

    - None, and nothing recorded, when there is no text message to make: the person has no
      phone number, or the SMS channel is switched off (NOTIFY_SMS=off).
    - A cancelled notification, never sent, when they must not be texted: "do not contact",
      not "we may text them", no active consent to be contacted (Person.may_contact), or
      their identity has been removed (anonymised).
    - The language is the one they asked to be contacted in, else the first of their
      languages that Waymark writes in, else settings.LANGUAGE_CODE.
    - ``dedupe_key`` names the event, as for do_notify: a second call makes nothing new.

    Everything else is do_notify's: sent by a task after commit, retried, never twice.
    """
    if not person.phone:
        return None
    try:
        get_channel(Notification.Channel.SMS)
    except ChannelNotEnabled:
        # Text messages are optional for a site; an event that would text someone goes on
        # without it.
        return None
    return do_notify(
        template=template,
        language=_person_language(person),
        context=context,
        to_address=person.phone,
        channel=Notification.Channel.SMS,
        dedupe_key=dedupe_key,
        do_not_contact=not _may_text(person),
    )


def _may_text(person):
    # may_contact covers "do not contact" and the consent to be contacted (withdrawing it
    # stops texts at once); may_text is how they said we may reach them.
    return person.anonymised_at is None and person.may_text and person.may_contact()


def _person_language(person):
    if person.contact_language:
        return person.contact_language
    # Their languages can be any spoken language (Somali, Tigrinya…): write in the first one
    # Waymark has messages in, rather than in English when only their second one is offered.
    for code in person.languages or ():
        try:
            return translation.get_supported_language_variant(code.lower())
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def _offered_language(code):
    try:
        # The same choice as for a page: "fr-CA" → "fr".
        return translation.get_supported_language_variant((code or "").lower())
    except LookupError:
        return settings.LANGUAGE_CODE


def _stored_context(context):
    # Evaluated with no language active, lazy strings become their source text (the msgid),
    # which the template translates into the recipient's language when it renders.
    with translation.override(None):
        return json.loads(json.dumps(context, cls=DjangoJSONEncoder))
