"""The safeguarding pages (names casework:<name>)."""

from django.urls import path

from waymark.casework import safeguarding_views as views

urlpatterns = [
    path("safeguarding/", views.dashboard, name="safeguarding_dashboard"),
    path("safeguarding/concerns/new/", views.raise_concern, name="raise_concern"),
    path("people/<uuid:person_uuid>/concerns/new/", views.raise_concern_for_person, name="raise_concern_for_person"),
    path("safeguarding/concerns/<uuid:concern_uuid>/", views.concern_detail, name="concern"),
    path("safeguarding/concerns/<uuid:concern_uuid>/triage/", views.triage_concern, name="triage_concern"),
    path("safeguarding/concerns/<uuid:concern_uuid>/escalations/", views.add_escalation, name="add_escalation"),
    path("safeguarding/concerns/<uuid:concern_uuid>/close/", views.close_concern, name="close_concern"),
]
