"""URLs of editors review changes (see views/review.py)."""

from django.urls import path

from waymark.directory.views import review as views

urlpatterns = [
    path("editors/changes/<uuid:change_uuid>/", views.review_change, name="review_change"),
    path("editors/services/<uuid:service_id>/history/", views.service_history, name="service_history"),
]
