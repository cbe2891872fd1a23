"""Waymark's URLs plus ``/bench/trivial``, the baseline every bench figure is compared with."""

from django.http import Http404, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.http import require_safe

from waymark import urls as waymark_urls


@require_safe
def trivial(request):
    """A short response, no database, no template: what the framework and middleware cost alone."""
    return HttpResponse(b"ok", content_type="text/plain")


# The plainest Django could answer the ORUK API's two commonest requests: the same service rows
# read with .values() and dumped as JSON, nothing nested, no checks. bench/oruk_api.py compares
# the real endpoints with these.
TRIVIAL_SERVICE_FIELDS = ("id", "name", "description", "url", "email", "status", "organization_id")


@require_safe
def trivial_services_json(request):
    from waymark.directory.models import Service

    rows = list(Service.objects.order_by("id").values(*TRIVIAL_SERVICE_FIELDS)[:50])
    return JsonResponse({"contents": rows})


@require_safe
def trivial_service_json(request, service_id):
    from waymark.directory.models import Service

    row = Service.objects.filter(id=service_id).values(*TRIVIAL_SERVICE_FIELDS).first()
    if row is None:
        raise Http404
    return JsonResponse(row)


# Waymark's own patterns are added as they are rather than include()d: Django allows
# i18n_patterns (the /ar/… prefixes) only in the root URLconf.
urlpatterns = [
    path("bench/trivial", trivial, name="bench_trivial"),
    path("bench/services-json", trivial_services_json),
    path("bench/services-json/<uuid:service_id>", trivial_service_json),
    *waymark_urls.urlpatterns,
]

handler403 = waymark_urls.handler403
handler404 = waymark_urls.handler404
handler500 = waymark_urls.handler500
