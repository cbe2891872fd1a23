"""The rights pages (names casework:<name>): subject access, erasure, legal holds."""

from django.urls import path

from waymark.casework import rights_views

urlpatterns = [
    path("people/<uuid:person_uuid>/rights/", rights_views.rights_page, name="rights"),
    path("people/<uuid:person_uuid>/rights/holds/new/", rights_views.place_legal_hold, name="place_legal_hold"),
    path(
        "people/<uuid:person_uuid>/rights/holds/<uuid:hold_uuid>/lift/",
        rights_views.lift_legal_hold,
        name="lift_legal_hold",
    ),
    path("people/<uuid:person_uuid>/erase/", rights_views.erase_person, name="erase_person"),
    path("people/<uuid:person_uuid>/subject-access/", rights_views.subject_access, name="subject_access"),
    path(
        "people/<uuid:person_uuid>/subject-access.json",
        rights_views.subject_access_json,
        name="subject_access_json",
    ),
    path("rights/holds/", rights_views.legal_holds, name="legal_holds"),
]
