"""The service map's URLs, one module per part (see architecture.md's public interfaces).

Included from waymark/urls.py inside the language prefix; every name is ``directory:<name>``.
"""

from waymark.directory.urls import (
    imports,
    manage,
    open_data,
    public,
    public_input,
    registration,
    review,
    verification,
)

app_name = "directory"

urlpatterns = [
    *public.urlpatterns,
    *public_input.urlpatterns,
    *verification.urlpatterns,
    *registration.urlpatterns,
    *manage.urlpatterns,
    *review.urlpatterns,
    *imports.urlpatterns,
    *open_data.urlpatterns,
]
