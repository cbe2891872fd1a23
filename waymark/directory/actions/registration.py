"""Add your organisation: an organisation asks to join the map; a directory editor decides.

Statuses: pending → approved | rejected; nothing leaves the last two.

Approval, in one transaction, creates the Waymark organisation, its directory organisation
(with its charity or company number as an identifier), its locations and first services,
which go public at once as confirmed by the organisation, and invites the contact as the
organisation's first admin and coordinator. The contact is written to in the language they
used on the form, after commit.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from waymark.accounts.actions import do_invite_member
from waymark.accounts.models import Organisation, Role
from waymark.audit.events import record_event
from waymark.directory.actions import IllegalTransition
from waymark.directory.listing_data import apply_location_data, apply_service_data
from waymark.directory.models import (
    Location,
    OrganisationRegistration,
    Organization,
    OrganizationIdentifier,
    Phone,
    Service,
    ServiceArea,
)
from waymark.notify.actions import do_notify
from waymark.places.models import Area

Status = OrganisationRegistration.Status

# org-id.guide schemes: the Charity Commission for England and Wales, and Companies House.
CHARITY_SCHEME = "GB-CHC"
COMPANY_SCHEME = "GB-COH"
# Registered charity numbers in England and Wales are 6 or 7 digits (1123456, 501234). Company
# numbers are 8 characters: 8 digits, or a two-letter prefix and 6 digits. "SC" is left out:
# Scottish companies (SC123456) and Scottish charities (SC012345) look alike.
_CHARITY_NUMBER = re.compile(r"\d{6,7}")
_COMPANY_NUMBER = re.compile(r"\d{8}|(?:OC|NI|R0|NC|LP|SL|SO|NL|FC|IP|RC|CE|GE|GS)\d{6}")


def registered_number_scheme(number):
    """(scheme, identifier type) for a charity or company number; ("", …) when we cannot tell."""
    if _CHARITY_NUMBER.fullmatch(number):
        return CHARITY_SCHEME, "Charity number"
    if _COMPANY_NUMBER.fullmatch(number):
        return COMPANY_SCHEME, "Company number"
    return "", "Charity or company number"


def network_for_area(area):
    """The network whose editors review organisations of ``area`` (the first by name), or None."""
    return area.networks.order_by("name").first()


def _lock_pending(registration):
    registration = OrganisationRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Status.PENDING:
        raise IllegalTransition()
    return registration


def _absolute(name, language, **kwargs):
    with override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs)


@transaction.atomic
def do_submit_registration(details, services, *, language, acting_user=None):
    """Store a request to join the map and acknowledge it to the contact by e-mail.

    ``details`` are the registration's own columns (see ``RegistrationForm``), ``services`` the
    first services as listing data, each with its ``where``. The network is the area's.
    """
    if not services:
        raise ValidationError(_("Describe at least one service."), code="no_services")
    registration = OrganisationRegistration(**details, services=services, language=language)
    registration.network = network_for_area(registration.area)
    registration.full_clean(exclude=["services", "organization", "decided_by"])
    registration.save()
    record_event(
        "directory.registration_submitted",
        actor=acting_user,
        obj=registration,
        details={
            "network": str(registration.network.uuid) if registration.network else "",
            "area": registration.area.slug,
            "services": len(services),
        },
    )
    do_notify(
        template="directory_registration_received",
        language=registration.language,
        to_address=registration.contact_email,
        context={"contact_name": registration.contact_name, "organisation_name": registration.name},
        dedupe_key=f"directory_registration_received:{registration.uuid}",
    )
    return registration


def _unique_slug(name):
    base = slugify(name)[:180] or "organisation"
    slug, number = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _create_organisation(registration, *, acting_user):
    """The Waymark organisation, in the registration's area and network."""
    scheme, _type = registered_number_scheme(registration.charity_number)
    organisation = Organisation.objects.create(
        name=registration.name,
        slug=_unique_slug(registration.name),
        kind=registration.kind,
        charity_number=registration.charity_number if scheme == CHARITY_SCHEME else "",
        company_number=registration.charity_number if scheme == COMPANY_SCHEME else "",
    )
    organisation.areas.add(registration.area)
    if registration.network is not None:
        organisation.networks.add(registration.network)
    record_event(
        "organisation.created",
        actor=acting_user,
        organisation=organisation,
        obj=organisation,
        details={"registration": str(registration.uuid)},
    )
    return organisation


def _create_directory_organization(registration, organisation, *, acting_user):
    """The directory organisation linked to ``organisation``, with its phone and number."""
    organization = Organization.objects.create(
        name=registration.name,
        description=registration.description,
        email=registration.email,
        website=registration.website,
        waymark_organisation=organisation,
        network=registration.network,
        data_sharing_with_authorities=registration.data_sharing_with_authorities,
    )
    if registration.phone:
        Phone.objects.create(organization=organization, number=registration.phone, type=Phone.Type.VOICE)
    if registration.charity_number:
        scheme, identifier_type = registered_number_scheme(registration.charity_number)
        OrganizationIdentifier.objects.create(
            organization=organization,
            identifier_scheme=scheme,
            identifier_type=identifier_type,
            identifier=registration.charity_number,
        )
    record_event(
        "directory.organization_created",
        actor=acting_user,
        organisation=organisation,
        obj=organization,
        details={"registration": str(registration.uuid)},
    )
    return organization


def _location_for(where, registration, organization, made):
    """The location of a service's address (one per address, shared by services), or None."""
    if not where.get("address_1"):
        return None
    key = (where["address_1"].lower(), where["postal_code"], bool(where.get("address_hidden")))
    if key not in made:
        made[key] = apply_location_data(
            Location(),
            {
                "name": registration.name,
                "address_1": where["address_1"],
                "city": where["city"],
                "postal_code": where["postal_code"],
                "address_hidden": bool(where.get("address_hidden")),
                "area": where.get("area") or registration.area.slug,
            },
            organization=organization,
        )
    return made[key]


def _create_services(registration, organization, *, acting_user, now):
    """The first services, live at once and confirmed by the organisation itself."""
    services, locations = [], {}
    for number, stored in enumerate(registration.services, start=1):
        data = dict(stored)
        where = data.pop("where", None) or {}
        try:
            location = _location_for(where, registration, organization, locations)
            data["location"] = str(location.id) if location else ""
            service = apply_service_data(Service(organization=organization), data, organization=organization)
        except ValidationError as error:
            # Said per service, so the editor knows which one to look at.
            messages = "; ".join(error.messages)
            raise ValidationError(
                _("Service %(number)s could not be added: %(errors)s") % {"number": number, "errors": messages}
            ) from error
        service.status = Service.Status.ACTIVE
        service.verified_at = now
        service.verified_by = acting_user
        service.verification_method = Service.VerificationMethod.SELF_CONFIRMED
        service.save(update_fields=["status", "verified_at", "verified_by", "verification_method", "updated_at"])
        if location is None:
            area = Area.objects.filter(slug=where.get("area")).first() or registration.area
            ServiceArea.objects.create(service=service, name=area.name, extent_type=ServiceArea.ExtentType.TEXT)
        services.append(service)
    return services, list(locations.values())


@transaction.atomic
def do_approve_registration(registration, *, acting_user, reason=""):
    """Approve a pending registration: create everything it asks for and invite the contact.

    Raises ``IllegalTransition`` if it was already decided, and ``ValidationError`` (nothing
    written) if a service no longer passes the listing rules (a need removed since, say).
    """
    registration = _lock_pending(registration)
    now = timezone.now()
    organisation = _create_organisation(registration, acting_user=acting_user)
    organization = _create_directory_organization(registration, organisation, acting_user=acting_user)
    services, locations = _create_services(registration, organization, acting_user=acting_user, now=now)
    invitation = do_invite_member(
        organisation,
        registration.contact_email,
        [Role.COORDINATOR, Role.ORGANISATION_ADMIN],
        acting_user=acting_user,
        language=registration.language,
    )
    registration.status = Status.APPROVED
    registration.decided_by = acting_user
    registration.decided_at = now
    registration.reason = (reason or "").strip()
    registration.organization = organization
    registration.save(update_fields=["status", "decided_by", "decided_at", "reason", "organization"])
    record_event(
        "directory.registration_approved",
        actor=acting_user,
        organisation=organisation,
        obj=registration,
        details={
            "organisation": str(organisation.uuid),
            "directory_organization": str(organization.id),
            "services": [str(service.id) for service in services],
            "locations": [str(location.id) for location in locations],
            "invitation": str(invitation.uuid),
        },
    )
    do_notify(
        template="directory_registration_approved",
        language=registration.language,
        to_address=registration.contact_email,
        context={
            "contact_name": registration.contact_name,
            "organisation_name": registration.name,
            "services": [service.name for service in services],
            "map_url": _absolute("directory:home", registration.language),
        },
        dedupe_key=f"directory_registration_approved:{registration.uuid}",
    )
    return registration


@transaction.atomic
def do_reject_registration(registration, *, reason, acting_user):
    """Reject a pending registration with a reason (required), e-mailed to the contact."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting")})
    registration = _lock_pending(registration)
    registration.status = Status.REJECTED
    registration.reason = reason
    registration.decided_by = acting_user
    registration.decided_at = timezone.now()
    registration.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    record_event(
        "directory.registration_rejected",
        actor=acting_user,
        obj=registration,
        details={"network": str(registration.network.uuid) if registration.network else ""},
    )
    do_notify(
        template="directory_registration_rejected",
        language=registration.language,
        to_address=registration.contact_email,
        context={
            "contact_name": registration.contact_name,
            "organisation_name": registration.name,
            "reason": reason,
            "register_url": _absolute("directory:register", registration.language),
        },
        dedupe_key=f"directory_registration_rejected:{registration.uuid}",
    )
    return registration
