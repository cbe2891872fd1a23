"""URLs of public pages (see views/public.py)."""

from django.urls import path

from waymark.directory.views import public as views

urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.results, name="results"),
    path("services/share.txt", views.results_text, name="results_text"),
    path("services/qr.svg", views.results_qr, name="results_qr"),
    path("services/<uuid:service_id>/", views.service, name="service"),
    path("services/<uuid:service_id>/share.txt", views.service_text, name="service_text"),
    path("services/<uuid:service_id>/qr.svg", views.service_qr, name="service_qr"),
    path("about/", views.about, name="about"),
]
