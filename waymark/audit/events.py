"""Writing to the audit trail. Actions call `record_event`; views that show a person's record
call `record_access`."""

from waymark.audit.models import Event, RecordAccess


def record_event(action, *, actor, organisation=None, obj=None, object_type="", object_id="", details=None):
    """Append one audit event. Call it inside the action's transaction.

    ``obj`` fills in the object type and id (its uuid when it has one). ``details`` must not
    carry decrypted personal values: ids, slugs and field names only.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "uuid", None) or obj.pk)
    return Event.objects.create(
        action=action,
        actor=actor,
        organisation=organisation,
        object_type=object_type,
        object_id=str(object_id),
        details=details or {},
    )


def record_access(*, user, organisation, person_uuid, what="person", object_id=""):
    return RecordAccess.objects.create(
        user=user, organisation=organisation, person_uuid=person_uuid, what=what, object_id=str(object_id)
    )
