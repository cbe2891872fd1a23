"""Writes to signposting (and, from issue 7, referrals). Pages, the API and commands call these.

Each action is one transaction with one audit event (ids only: never a name or a note).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waymark.audit.events import record_event
from waymark.directory.models import Service
from waymark.referrals.models import Signposting

# A service someone can still be pointed to: listed on the map, even if closed for a while.
SIGNPOSTABLE = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED)


@transaction.atomic
def do_signpost(*, organisation, service, acting_user, person=None, visit=None, case=None, note=""):
    """Record that ``organisation`` told someone about ``service``: ``person`` (None for someone
    not registered), at ``visit`` if it was at a hub visit. Signposting the same service twice
    at one visit gives back the first record. ``case`` (already checked by the caller) is only
    named in the audit event: a signposting belongs to the person, not to a case."""
    if service.status not in SIGNPOSTABLE:
        raise ValidationError(_("This service is no longer running: choose another."), code="service_closed")
    if person is not None and person.organisation_id != organisation.pk:
        raise ValidationError(_("This person is not one of your organisation's."), code="other_organisation")
    if visit is not None:
        if visit.person_id != (person.pk if person is not None else None):
            raise ValidationError(_("This visit is someone else's."), code="other_person")
        existing = Signposting.objects.filter(visit=visit, service=service).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            signposting = Signposting.objects.create(
                person=person,
                visit=visit,
                service=service,
                organisation=organisation,
                recorded_by=acting_user,
                note=(note or "").strip(),
            )
    except IntegrityError:
        # Recorded at the same moment by someone else at the same visit.
        return Signposting.objects.get(visit=visit, service=service)
    record_event(
        "signposting.recorded",
        actor=acting_user,
        organisation=organisation,
        obj=signposting,
        details={
            "service": str(service.id),
            "person": str(person.uuid) if person is not None else None,
            "visit": str(visit.uuid) if visit is not None else None,
            **({"case": str(case.uuid)} if case is not None else {}),
        },
    )
    return signposting


@transaction.atomic
def do_signpost_many(*, organisation, services, acting_user, person=None, visit=None, case=None, note=""):
    """Record that ``organisation`` told someone about each of ``services`` at once (from a
    person's page, a case or a check-in): one record and one audit event per service, all or
    nothing. Returns the records in the order of ``services``.

    From a case, the person is the case's (and the case must be the organisation's). A service
    that is no longer running refuses the lot, naming it, so that nothing is half recorded.
    """
    services = list(dict.fromkeys(services))  # the same service ticked twice is told about once
    if not services:
        raise ValidationError(_("Choose at least one service."), code="no_services")
    if case is not None:
        if case.organisation_id != organisation.pk:
            raise ValidationError(_("This case is not one of your organisation's."), code="other_organisation")
        if person is not None and person.pk != case.person_id:
            raise ValidationError(_("This case is someone else's."), code="other_person")
        person = case.person
    closed = [service for service in services if service.status not in SIGNPOSTABLE]
    if closed:
        raise ValidationError(
            ngettext(
                "%(services)s is no longer running: choose another service.",
                "%(services)s are no longer running: choose other services.",
                len(closed),
            )
            % {"services": ", ".join(service.name for service in closed)},
            code="service_closed",
        )
    return [
        do_signpost(
            organisation=organisation,
            service=service,
            acting_user=acting_user,
            person=person,
            visit=visit,
            case=case,
            note=note,
        )
        for service in services
    ]
