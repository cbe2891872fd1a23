"""Writes to signposting (and, from issue 7, referrals). Pages, the API and commands call these.

Each action is one transaction with one audit event (ids only: never a name or a note).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from waymark.audit.events import record_event
from waymark.directory.models import Service
from waymark.referrals.models import Signposting

# A service someone can still be pointed to: listed on the map, even if closed for a while.
SIGNPOSTABLE = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED)


@transaction.atomic
def do_signpost(*, organisation, service, acting_user, person=None, visit=None, note=""):
    """Record that ``organisation`` told someone about ``service``: ``person`` (None for someone
    not registered), at ``visit`` if it was at a hub visit. Signposting the same service twice
    at one visit gives back the first record."""
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
        },
    )
    return signposting
