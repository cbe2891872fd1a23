"""The public open-data page and the whole map as an HSDS tabular package to download.

Anyone may read and download these without an account; signed-in members get the same. The
package is built from the public map only (``oruk/export.py``) and kept until the map changes,
so a download costs a file read, not a rebuild: after a change, the previous package is served
while a background task builds the new one. The ndjson and the API are H1's
``/api/oruk/`` endpoints; this page links to them.
"""

from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from waymark.directory.oruk import export

# A downloaded package may be reused for ten minutes: the map changes slowly, and a new
# version appears within that time of an approved change.
DOWNLOAD_MAX_AGE = 10 * 60


@require_safe
def open_data(request):
    """What Waymark publishes, under which licence, and where to download it."""
    return render(
        request,
        "directory/open_data/open_data.html",
        {
            "service_count": export.exported_services().count(),
            "licence": export.LICENCE,
            "attribution": export.attribution(),
            "ndjson_url": reverse("oruk:services") + "?format=ndjson",
            "api_url": reverse("oruk:api_details"),
            "api_docs_url": reverse("oruk:docs"),
        },
    )


@require_safe
def tabular_package(request):
    """The whole public map as an HSDS 3.0 tabular package (zip), the newest one built."""
    path = export.latest_tabular_package()
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it once sent
        as_attachment=True,
        filename=export.TABULAR_FILE_NAME,
        content_type="application/zip",
    )
    # Open data: any site or script may fetch it.
    response["Access-Control-Allow-Origin"] = "*"
    response["ETag"] = f'"{path.stem}"'
    patch_cache_control(response, public=True, max_age=DOWNLOAD_MAX_AGE)
    return response
