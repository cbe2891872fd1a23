"""Keeping each service's search fields in step with its locations.

A service's ``search_facets`` hold the map cells of its locations (see
``search_index.facet_tokens``), so saving a location, or linking a service to a location or
unlinking it, rebuilds the search fields of the services concerned, whoever makes the change
(a change request, the admin). Bulk writes send no signals: code that creates locations in
bulk fills ``search_facets`` itself (``demo.py``, ``scale.py``, and the importer with
``oruk/importer_writer.py``'s ``rebuild_search_fields`` for each chunk).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from waymark.directory.models import Location, Service, ServiceAtLocation


def refresh_search_fields(service_ids):
    """Rebuild and store ``search_text`` and ``search_facets`` of these services, without
    touching ``updated_at`` (nothing a person sees has changed)."""
    for service in Service.objects.filter(id__in=list(service_ids)).select_related("organization"):
        service.build_search_text()
        Service.objects.filter(pk=service.pk).update(
            **{field: getattr(service, field) for field in Service.SEARCH_FIELDS}
        )


@receiver(post_save, sender=Location, dispatch_uid="directory_location_search_fields")
def location_saved(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        # A new location has no services yet: linking one sends its own signal.
        return
    refresh_search_fields(instance.service_at_locations.values_list("service_id", flat=True))


@receiver(post_save, sender=ServiceAtLocation, dispatch_uid="directory_link_saved_search_fields")
@receiver(post_delete, sender=ServiceAtLocation, dispatch_uid="directory_link_deleted_search_fields")
def link_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    refresh_search_fields([instance.service_id])
