"""URLs of organisations keep their listings (see views/manage.py)."""

from django.urls import path

from waymark.directory.views import manage as views

urlpatterns = [
    path("organisation/listings/", views.listings, name="listings"),
    path("organisation/listings/organisation/", views.edit_organization, name="edit_organization"),
    path("organisation/listings/services/new/", views.add_service, name="add_service"),
    path("organisation/listings/services/<uuid:service_id>/", views.edit_service, name="edit_service"),
    path("organisation/listings/services/<uuid:service_id>/remove/", views.remove_service, name="remove_service"),
    path("organisation/listings/services/<uuid:service_id>/capacity/", views.set_capacity, name="set_capacity"),
    path("organisation/listings/services/<uuid:service_id>/notice/", views.set_notice, name="set_notice"),
    path(
        "organisation/listings/services/<uuid:service_id>/translations/",
        views.edit_translations,
        name="edit_translations",
    ),
    path(
        "organisation/listings/translations/",
        views.edit_organization_translations,
        name="edit_organization_translations",
    ),
    path(
        "organisation/listings/locations/<uuid:location_id>/translations/",
        views.edit_location_translations,
        name="edit_location_translations",
    ),
    path("organisation/listings/locations/new/", views.add_location, name="add_location"),
    path("organisation/listings/locations/<uuid:location_id>/", views.edit_location, name="edit_location"),
    path("organisation/listings/changes/<uuid:change_uuid>/", views.own_change_request, name="own_change_request"),
]
