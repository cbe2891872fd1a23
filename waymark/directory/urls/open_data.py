"""The public open-data page and the whole map as downloads (HSDS tabular package, ndjson)."""

from django.urls import path

from waymark.directory.views import open_data as views

urlpatterns = [
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/waymark-directory-hsds.zip", views.tabular_package, name="open_data_tabular"),
]
