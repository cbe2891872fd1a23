"""Change requests: an organisation proposes, a directory editor approves or rejects.

Nothing reaches the public map before approval: a proposal is only a ``ChangeRequest`` row
holding the fields that change (``proposed``) and what they were (``previous``). Approval
writes them onto the live tables with ``listing_data``, inside its transaction; the submitter
is told of the decision by e-mail, in their language, after commit.

Statuses: pending → approved | rejected | withdrawn; nothing leaves the last three.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from waymark.audit.events import record_event
from waymark.directory.actions import IllegalTransition
from waymark.directory.listing_data import (
    apply_location_data,
    apply_organization_data,
    apply_service_data,
    clean_location_data,
    clean_organization_data,
    clean_service_data,
    location_data,
    organization_data,
    service_data,
)
from waymark.directory.models import (
    TRANSLATION_LANGUAGES,
    ChangeRequest,
    Location,
    Organization,
    Service,
    Translation,
)
from waymark.directory.oruk.importer import record_local_state
from waymark.notify.actions import do_notify

Kind = ChangeRequest.Kind
Target = ChangeRequest.TargetType

# The objects a translation may be proposed for, by their model label.
TRANSLATABLE_MODELS = {
    "directory.service": Service,
    "directory.organization": Organization,
    "directory.location": Location,
}


def _differences(clean, current):
    proposed = {key: value for key, value in clean.items() if value != current.get(key)}
    previous = {key: current.get(key) for key in proposed}
    return proposed, previous


def _nothing_changed():
    return ValidationError(_("Nothing has changed: change something before sending it for review."))


def _summary_of(target_type, kind, proposed, target):
    name = proposed.get("name") or (str(target) if target is not None else "")
    return name[:255]


@transaction.atomic
def do_propose_change(*, organization, target_type, kind, data, target=None, acting_user):
    """Record a proposed change to one of ``organization``'s listings; return the ChangeRequest.

    ``data`` is the listing's new data in the ``listing_data`` shape (whole or only some keys):
    it is validated now, with the rules approval will apply, and only the keys that differ
    from the live listing are kept. A removal takes no data. A translation's ``data`` is
    ``{"language": "ar", "texts": {field: text}}`` for ``target`` (a service, location or the
    organisation). Raises ValidationError when the data is invalid or changes nothing.
    """
    target_id = target.id if target is not None else None
    if target is not None and _organization_of(target) != organization.id:
        raise ValueError("The target is not a listing of this organisation.")
    if kind != Kind.CREATE and target is None:
        raise ValueError("A change or removal needs its target.")

    if target_type == Target.ORGANIZATION:
        current = organization_data(organization)
        proposed, previous = _differences(clean_organization_data(data, current=current), current)
        target_id = organization.id
    elif target_type == Target.SERVICE and kind == Kind.REMOVE:
        if target.status == Service.Status.DEFUNCT:
            raise ValidationError(_("This service has already been removed."))
        proposed, previous = {"status": Service.Status.DEFUNCT.value}, {"status": target.status}
    elif target_type == Target.SERVICE:
        current = service_data(target) if target is not None else service_data(Service(organization=organization))
        clean, _terms = clean_service_data(data, organization=organization, current=current)
        proposed, previous = _differences(clean, current) if target is not None else (clean, {})
    elif target_type == Target.LOCATION:
        current = location_data(target if target is not None else Location())
        clean = clean_location_data(data, current=current)
        proposed, previous = _differences(clean, current) if target is not None else (clean, {})
    elif target_type == Target.TRANSLATION:
        proposed, previous = _translation_differences(target, data)
    else:
        raise ValueError(f"Unknown target type {target_type!r}.")
    if not proposed:
        raise _nothing_changed()

    change = ChangeRequest.objects.create(
        organization=organization,
        target_type=target_type,
        target_id=target_id,
        kind=kind,
        proposed=proposed,
        previous=previous,
        summary=_summary_of(target_type, kind, proposed, target if target is not None else organization),
        submitted_by=acting_user,
    )
    record_event(
        "directory.change_proposed",
        actor=acting_user,
        organisation=organization.waymark_organisation,
        obj=change,
        details={"target_type": target_type, "kind": kind, "fields": sorted(proposed)},
    )
    return change


def _organization_of(target):
    if isinstance(target, Organization):
        return target.id
    return target.organization_id


def _translation_differences(target, data):
    language = data.get("language")
    if language not in dict(TRANSLATION_LANGUAGES):
        raise ValidationError({"language": _("Choose a language from the list.")})
    texts = data.get("texts")
    if not isinstance(texts, dict) or set(texts) - set(target.translatable_fields):
        raise ValidationError(_("Only the fields that can be translated can be given."))
    existing = {
        translation.field_name: translation.text
        for translation in Translation.objects.filter(
            model_label=target._meta.label_lower, object_id=target.id, language=language
        )
    }
    changed = {}
    for field, text in texts.items():
        if not isinstance(text, str):
            raise ValidationError({field: _("Enter text.")})
        text = text.strip()
        if text and text != existing.get(field, "") and getattr(target, field):
            changed[field] = text
    proposed = {"object": target._meta.label_lower, "language": language, "texts": changed}
    previous = {"texts": {field: existing.get(field, "") for field in changed}}
    return (proposed if changed else {}), previous


def _lock_pending(change):
    """The request re-read under a lock; IllegalTransition unless it is still pending."""
    locked = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    if locked.status != ChangeRequest.Status.PENDING:
        raise IllegalTransition(
            _("This change has already been dealt with (%(status)s).") % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def do_approve_change(change, *, acting_user, mark_translation_reviewed=False):
    """Apply a pending change to the live listing, record the decision and tell the submitter.

    Raises IllegalTransition if it is no longer pending, and ValidationError (nothing written)
    if the change no longer fits the listing (e.g. its location has since gone).
    """
    change = _lock_pending(change)
    organization = change.organization
    now = timezone.now()
    if change.target_type == Target.ORGANIZATION:
        apply_organization_data(organization, change.proposed)
    elif change.target_type == Target.SERVICE:
        if change.kind == Kind.CREATE:
            service = Service(organization=organization)
            if change.target_id:
                # An import names the new listing's id (the feed's own), so that the feed's
                # next change finds it.
                service.id = change.target_id
            service = apply_service_data(service, change.proposed, organization=organization)
            change.target_id = service.id
        else:
            service = _live_target(change)
            if change.kind == Kind.REMOVE:
                service.status = Service.Status.DEFUNCT
                service.last_modified = now
                service.save(update_fields=["status", "last_modified", "updated_at"])
            else:
                apply_service_data(service, change.proposed, organization=organization)
    elif change.target_type == Target.LOCATION:
        location = Location() if change.kind == Kind.CREATE else _live_target(change)
        location = apply_location_data(location, change.proposed, organization=organization)
        change.target_id = location.id
    elif change.target_type == Target.TRANSLATION:
        _apply_translation(change, reviewed=mark_translation_reviewed)
    if change.import_run_id and change.target_type == Target.SERVICE:
        # The listing is now as the feed gave it: the feed's next change applies directly.
        record_local_state([change.target_id], run=change.import_run)
    change.status = ChangeRequest.Status.APPROVED
    change.decided_by = acting_user
    change.decided_at = now
    change.save(update_fields=["status", "decided_by", "decided_at", "target_id"])
    record_event(
        "directory.change_approved",
        actor=acting_user,
        organisation=organization.waymark_organisation,
        obj=change,
        details={
            "target_type": change.target_type,
            "target_id": str(change.target_id or ""),
            "kind": change.kind,
            "fields": sorted(change.proposed),
        },
    )
    _tell_submitter(change, "change_approved")
    return change


def _live_target(change):
    model = {Target.SERVICE: Service, Target.LOCATION: Location}[change.target_type]
    try:
        return model.objects.select_for_update().get(id=change.target_id, organization=change.organization)
    except model.DoesNotExist:
        raise ValidationError(_("The listing this change is for no longer exists.")) from None


def _apply_translation(change, *, reviewed):
    model = TRANSLATABLE_MODELS[change.proposed["object"]]
    target = model.objects.get(id=change.target_id)
    language = change.proposed["language"]
    for field, text in change.proposed["texts"].items():
        translation = Translation.objects.filter(
            model_label=target._meta.label_lower, object_id=target.id, field_name=field, language=language
        ).first() or Translation.for_object(target, field, language, text)
        translation.text = text
        translation.source_text_hash = Translation.for_object(target, field, language, text).source_text_hash
        translation.status = Translation.Status.REVIEWED if reviewed else Translation.Status.DRAFT
        translation.translated_by = change.submitted_by
        translation.save()
    if isinstance(target, Service):
        # Reviewed translations of names and descriptions are searchable.
        target.build_search_text()
        target.last_modified = timezone.now()
        target.save(update_fields=[*Service.SEARCH_FIELDS, "last_modified", "updated_at"])


@transaction.atomic
def do_reject_change(change, *, reason, acting_user):
    """Reject a pending change with a reason (required), and tell the submitter why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the change is rejected: the organisation is told.")})
    change = _lock_pending(change)
    change.status = ChangeRequest.Status.REJECTED
    change.reason = reason
    change.decided_by = acting_user
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    record_event(
        "directory.change_rejected",
        actor=acting_user,
        organisation=change.organization.waymark_organisation,
        obj=change,
        details={"target_type": change.target_type, "kind": change.kind},
    )
    _tell_submitter(change, "change_rejected")
    return change


@transaction.atomic
def do_withdraw_change(change, *, acting_user):
    """The organisation takes back a change still waiting for review."""
    change = _lock_pending(change)
    change.status = ChangeRequest.Status.WITHDRAWN
    change.decided_by = acting_user
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        "directory.change_withdrawn",
        actor=acting_user,
        organisation=change.organization.waymark_organisation,
        obj=change,
        details={"target_type": change.target_type, "kind": change.kind},
    )
    return change


def _tell_submitter(change, template):
    user = change.submitted_by
    # A change an import queued has nobody to tell.
    if user is None or not user.email or not user.is_active:
        return
    with override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        path = reverse("directory:own_change_request", kwargs={"change_uuid": change.uuid})
    do_notify(
        template=template,
        language=None,
        to_user=user,
        context={
            "summary": change.summary,
            "what": change.TargetType(change.target_type).label,
            "kind": change.Kind(change.kind).label,
            "organisation_name": change.organization.name,
            "reason": change.reason,
            "change_url": settings.SITE_URL + path,
        },
        dedupe_key=f"{template}:{change.uuid}",
    )
