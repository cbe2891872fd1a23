"""Editors map outside taxonomy terms to Waymark's needs.

Imported services keep the terms their own directory gave them (as HSDS attributes). Once an
editor says that an outside term means one of Waymark's needs, every service carrying that
term gets the need too, so the map's need filter and search find it; services imported later
get it from the importer, which reads the same ``NeedMapping`` rows.
"""

import uuid

from django.db import transaction

from waymark.audit.events import record_event
from waymark.directory.actions import IllegalTransition
from waymark.directory.models import (
    IMMIGRATION_ADVICE_SLUG,
    NEED_LINK_TYPE,
    NEEDS_TAXONOMY_NAME,
    Attribute,
    ImportedRecord,
    NeedMapping,
    Service,
    TaxonomyTerm,
)
from waymark.directory.oruk.importer import local_fingerprint
from waymark.directory.signals import refresh_search_fields


@transaction.atomic
def do_map_term(term, need, *, acting_user):
    """Record that outside ``term`` means Waymark ``need``, and give its services the need.

    Returns the number of services that gained the need. Raises IllegalTransition when the
    term is mapped already (another editor got there first) and ValueError when ``need`` is
    not one of Waymark's needs or ``term`` is.
    """
    if need.taxonomy is None or need.taxonomy.name != NEEDS_TAXONOMY_NAME or not need.slug:
        raise ValueError(f"Not one of Waymark's needs: {need!r}")
    if term.taxonomy is not None and term.taxonomy.name == NEEDS_TAXONOMY_NAME:
        raise ValueError(f"Already one of Waymark's needs: {term!r}")
    mapping, created = NeedMapping.objects.get_or_create(term=term, defaults={"need": need, "mapped_by": acting_user})
    if not created:
        raise IllegalTransition

    service_ids = set(
        Attribute.objects.filter(taxonomy_term=term, link_entity=Service.hsds_entity).values_list("link_id", flat=True)
    )
    already = set(
        Attribute.objects.filter(
            taxonomy_term=need, link_entity=Service.hsds_entity, link_id__in=service_ids, link_type=NEED_LINK_TYPE
        ).values_list("link_id", flat=True)
    )
    gaining = sorted(service_ids - already)
    # What each imported service looked like before: an import compares it with the
    # fingerprint it took last time to tell whether the listing was edited here since.
    unedited = _unedited_imports(gaining)
    Attribute.objects.bulk_create(
        # The same ids the importer gives a service's needs, so that a later import finds
        # these rows as its own.
        Attribute(
            id=uuid.uuid5(service_id, f"need:{need.id}"),
            taxonomy_term=need,
            link_entity=Service.hsds_entity,
            link_id=service_id,
            link_type=NEED_LINK_TYPE,
        )
        for service_id in gaining
    )
    if IMMIGRATION_ADVICE_SLUG in need.lineage_slugs():
        # Immigration advice must be regulated. An imported service that says nothing of its
        # regulator stays on the map, flagged, and is never offered for regulated referrals.
        Service.objects.filter(id__in=gaining, advice_regulator="").update(regulator_not_confirmed=True)
    # The need's name and synonyms are searchable, and the need is a search facet.
    refresh_search_fields(gaining)
    # A mapped need is not an editor's edit: the next import of these services updates them
    # as before instead of queueing its changes for review.
    now = Service.objects.in_bulk([service.id for _record, service in unedited])
    for record, service in unedited:
        record.local_hash = local_fingerprint(now[service.id])
        record.save(update_fields=["local_hash"])
    record_event(
        "directory.need_mapped",
        actor=acting_user,
        obj=term,
        details={"need": need.slug, "services": len(gaining)},
    )
    return len(gaining)


def _unedited_imports(service_ids):
    """[(ImportedRecord, Service)] of these services whose listing is as their import left it."""
    services = Service.objects.in_bulk(service_ids)
    records = ImportedRecord.objects.filter(entity=Service.hsds_entity, object_id__in=service_ids)
    return [
        (record, services[record.object_id])
        for record in records
        if record.object_id in services and record.local_hash == local_fingerprint(services[record.object_id])
    ]


def waymark_need(need_id):
    """The Waymark need with this id, or None."""
    return (
        TaxonomyTerm.objects.filter(id=need_id, taxonomy__name=NEEDS_TAXONOMY_NAME)
        .exclude(slug="")
        .select_related("taxonomy", "parent__parent")
        .first()
    )
