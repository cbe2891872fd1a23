"""Directory editors' imports: upload a file or address, read the report, map outside terms, feeds."""

from django.urls import path

from waymark.directory.views import imports as views

urlpatterns = [
    path("editors/imports/", views.imports, name="imports"),
    path("editors/imports/terms/", views.import_terms, name="import_terms"),
    path("editors/imports/feeds/", views.import_feeds, name="import_feeds"),
    path("editors/imports/<uuid:run_uuid>/", views.import_report, name="import_report"),
    path("editors/imports/<uuid:run_uuid>/report.csv", views.import_report_csv, name="import_report_csv"),
    path("editors/imports/<uuid:run_uuid>/import/", views.import_for_real, name="import_for_real"),
]
