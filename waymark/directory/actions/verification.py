"""Keeping listings checked: "still correct?" e-mails, confirming by link, editors' checks.

A listing's clock runs from its last check (``Service.last_checked_at``). Once it is
DIRECTORY_VERIFY_AFTER_DAYS old, ``send_verification_reminders`` (a daily job) e-mails its
owner a single-use link, and again every DIRECTORY_REMINDER_EVERY_DAYS until someone confirms.
Opening the link shows the listing and a confirm button; only the POST of that button
confirms, so a mail scanner that fetches every link in a message confirms nothing. An editor
who checked a listing another way (a phone call, a visit) marks it checked.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from waymark.accounts.models import Membership
from waymark.audit.events import record_event
from waymark.directory.access import LISTING_ROLES
from waymark.directory.actions import IllegalTransition
from waymark.directory.models import Service, VerificationLink
from waymark.notify.actions import do_notify

# How long a "still correct?" link works. Longer than the reminder interval, so the link in
# the first e-mail still works when the reminder arrives.
LINK_VALID_FOR = timedelta(days=30)

# Statuses whose listings are checked: inactive and defunct ones are off the map anyway.
CHECKED_STATUSES = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def listing_owners(service):
    """Who is asked whether ``service`` is still correct: a list of (address, user or None).

    The listing managers (coordinators and organisation admins) of the Waymark organisation
    behind the listing, else the directory organisation's public e-mail, else the service's.
    """
    organization = service.organization
    if organization.waymark_organisation_id:
        memberships = Membership.objects.filter(
            organisation_id=organization.waymark_organisation_id, user__is_active=True
        ).select_related("user")
        managers = [(m.user.email, m.user) for m in memberships if m.has_role(*LISTING_ROLES) and m.user.email]
        if managers:
            return sorted(managers, key=lambda pair: pair[0])
    if organization.email:
        return [(organization.email, None)]
    if service.email:
        return [(service.email, None)]
    return []


def services_due_a_reminder(now=None):
    """Listings last checked at least DIRECTORY_VERIFY_AFTER_DAYS ago whose owner has not been
    sent a link in the last DIRECTORY_REMINDER_EVERY_DAYS; oldest check first."""
    now = now or timezone.now()
    checked_before = now - timedelta(days=settings.DIRECTORY_VERIFY_AFTER_DAYS)
    asked_since = now - timedelta(days=settings.DIRECTORY_REMINDER_EVERY_DAYS)
    return (
        Service.objects.filter(status__in=CHECKED_STATUSES)
        .annotate(last_checked=Coalesce("verified_at", "created_at"))
        .filter(last_checked__lte=checked_before)
        .exclude(verification_links__sent_at__gt=asked_since)
        .select_related("organization")
        .order_by("last_checked", "id")
    )


def verify_url(link, token, language):
    """The absolute "still correct?" link, opening the page in ``language``."""
    with override(language):
        path = reverse("directory:verify", args=[link.uuid, token])
    return settings.SITE_URL + path


def edit_url(service, language):
    with override(language):
        path = reverse("directory:edit_service", args=[service.id])
    return settings.SITE_URL + path


@transaction.atomic
def do_send_verification_links(service, *, acting_user=None):
    """E-mail each owner of ``service`` a fresh "still correct?" link; return the links made.

    Each recipient gets a link of their own (one random token each; only its SHA-256 is kept
    on the link). Returns [] when the listing has nobody to ask.
    """
    now = timezone.now()
    links = []
    for address, user in listing_owners(service):
        token = secrets.token_urlsafe(32)
        link = VerificationLink.objects.create(
            service=service,
            token_hash=hash_token(token),
            sent_to=address,
            sent_at=now,
            expires_at=now + LINK_VALID_FOR,
        )
        language = (user.language if user is not None else "") or settings.LANGUAGE_CODE
        do_notify(
            template="directory_verification",
            language=language,
            to_user=user,
            to_address=address,
            context={
                "service_name": service.name,
                "organisation_name": service.organization.name,
                "last_checked": timezone.localdate(service.last_checked_at).isoformat(),
                "verify_url": verify_url(link, token, language),
                "edit_url": edit_url(service, language),
                "expires_on": timezone.localdate(link.expires_at).isoformat(),
            },
            dedupe_key=f"directory-verification:{link.uuid}",
        )
        links.append(link)
    if links:
        record_event(
            "directory.verification_sent",
            actor=acting_user,
            organisation=service.organization.waymark_organisation,
            obj=service,
            details={"links": [str(link.uuid) for link in links]},
        )
    return links


def send_verification_reminders(now=None):
    """Send a link for every listing due one; return (listings asked, links sent).

    Each listing is sent in a transaction of its own, so one failure does not undo the rest;
    running it twice in a window sends nothing the second time.
    """
    asked = sent = 0
    for service in services_due_a_reminder(now):
        links = do_send_verification_links(service)
        if links:
            asked += 1
            sent += len(links)
    return asked, sent


class LinkUnusable(Exception):
    """A "still correct?" link that cannot be used; ``reason`` is "unknown", "used" or "expired".

    ``link`` is the link itself, except for "unknown" (no such link, or the wrong token).
    """

    def __init__(self, reason, link=None):
        super().__init__(reason)
        self.reason = reason
        self.link = link


def get_verification_link(link_uuid, token, now=None):
    """The link ``link_uuid`` if ``token`` is its token and it can still be used.

    Raises LinkUnusable("unknown") for a link that does not exist or a wrong token (the two
    look the same), "used" for one already used, "expired" for one past its date.
    """
    link = VerificationLink.objects.select_related("service__organization").filter(uuid=link_uuid).first()
    if link is None or not hmac.compare_digest(link.token_hash, hash_token(token)):
        raise LinkUnusable("unknown")
    if link.used_at is not None:
        raise LinkUnusable("used", link)
    if link.expires_at <= (now or timezone.now()):
        raise LinkUnusable("expired", link)
    return link


@transaction.atomic
def do_confirm_listing(link, *, acting_user=None):
    """The owner says the listing is still correct: mark it checked and use up the link.

    Raises IllegalTransition if the link was used (or ran out) in the meantime.
    """
    now = timezone.now()
    # The conditional UPDATE uses the link once, even if the button is pressed twice at once.
    used = VerificationLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    if not used:
        raise IllegalTransition
    link.used_at = now
    service = link.service
    Service.objects.filter(pk=service.pk).update(
        verified_at=now,
        verified_by=acting_user,
        verification_method=Service.VerificationMethod.SELF_CONFIRMED,
        updated_at=now,
    )
    service.verified_at = now
    service.verified_by = acting_user
    service.verification_method = Service.VerificationMethod.SELF_CONFIRMED
    # The other links sent for the same check have nothing left to confirm.
    VerificationLink.objects.filter(service=service, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=F("sent_at")
    )
    record_event(
        "directory.listing_confirmed",
        actor=acting_user,
        organisation=service.organization.waymark_organisation,
        obj=service,
        details={"link": str(link.uuid), "method": Service.VerificationMethod.SELF_CONFIRMED},
    )
    return service


# Ways an editor can have checked a listing (self-confirmation is the link's; imports are feeds').
EDITOR_CHECK_METHODS = (
    Service.VerificationMethod.PHONE,
    Service.VerificationMethod.EMAIL,
    Service.VerificationMethod.VISIT,
)


@transaction.atomic
def do_mark_checked(service, method, *, acting_user):
    """An editor checked the listing (``method``: phone, e-mail or visit) and found it correct."""
    if method not in EDITOR_CHECK_METHODS:
        raise ValueError(f"Not a way an editor checks a listing: {method!r}")
    now = timezone.now()
    Service.objects.filter(pk=service.pk).update(
        verified_at=now, verified_by=acting_user, verification_method=method, updated_at=now
    )
    service.verified_at = now
    service.verified_by = acting_user
    service.verification_method = method
    record_event(
        "directory.listing_checked",
        actor=acting_user,
        organisation=service.organization.waymark_organisation,
        obj=service,
        details={"method": str(method)},
    )
    return service
