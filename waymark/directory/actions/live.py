"""The two changes an organisation makes live at once, without review: capacity and the
temporary notice. Each keeps its own "last updated" time and is audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.audit.events import record_event
from waymark.directory.models import Service, ServiceCapacity


@transaction.atomic
def do_set_capacity(service, *, capacity_status, acting_user, available=None, maximum=None, unit=None):
    """Say whether the service is taking new people, has a waiting list or is full ("" for
    unknown). With a ``unit`` (HSDS 3.1), also record how many are ``available`` of ``maximum``."""
    if capacity_status not in ("", *Service.CapacityStatus.values):
        raise ValidationError({"capacity_status": _("Choose from the list.")})
    if unit is not None and (available is None or available < 0 or (maximum is not None and maximum < available)):
        raise ValidationError({"available": _("Give a number from 0 up to the maximum.")})
    service = Service.objects.select_for_update().get(pk=service.pk)
    now = timezone.now()
    service.capacity_status = capacity_status
    service.capacity_updated_at = now
    service.save(update_fields=["capacity_status", "capacity_updated_at", "updated_at"])
    if unit is not None:
        ServiceCapacity.objects.update_or_create(
            service=service, unit=unit, defaults={"available": available, "maximum": maximum, "updated": now}
        )
    record_event(
        "directory.capacity_set",
        actor=acting_user,
        organisation=service.organization.waymark_organisation,
        obj=service,
        details={"capacity_status": capacity_status, "unit": str(unit.id) if unit is not None else ""},
    )
    return service


@transaction.atomic
def do_set_notice(service, *, alert, alert_ends_on, acting_user, today=None):
    """Show (or, with an empty ``alert``, take down) the service's temporary notice, shown until
    ``alert_ends_on`` (None: until taken down)."""
    alert = (alert or "").strip()
    today = today or timezone.localdate()
    if alert and alert_ends_on is not None and alert_ends_on < today:
        raise ValidationError({"alert_ends_on": _("The end date has already passed.")})
    if len(alert) > 500:
        raise ValidationError({"alert": _("Keep the notice to 500 characters.")})
    service = Service.objects.select_for_update().get(pk=service.pk)
    service.alert = alert
    service.alert_ends_on = alert_ends_on if alert else None
    service.alert_updated_at = timezone.now()
    service.save(update_fields=["alert", "alert_ends_on", "alert_updated_at", "updated_at"])
    record_event(
        "directory.notice_set" if alert else "directory.notice_removed",
        actor=acting_user,
        organisation=service.organization.waymark_organisation,
        obj=service,
        details={"ends_on": alert_ends_on.isoformat() if alert and alert_ends_on else ""},
    )
    return service
