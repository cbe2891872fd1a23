"""URLs of checks (see views/verification.py)."""

from django.urls import path

from waymark.directory.views import verification as views

urlpatterns = [
    path("check/<uuid:link_uuid>/<str:token>/", views.verify, name="verify"),
    path("editors/", views.editors_dashboard, name="editors_dashboard"),
    path("editors/services/<uuid:service_id>/checked/", views.mark_checked, name="mark_checked"),
]
