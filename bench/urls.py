"""Waymark's URLs plus ``/bench/trivial``, the baseline every bench figure is compared with."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe

from waymark import urls as waymark_urls


@require_safe
def trivial(request):
    """A short response, no database, no template: what the framework and middleware cost alone."""
    return HttpResponse(b"ok", content_type="text/plain")


# Waymark's own patterns are added as they are rather than include()d: Django allows
# i18n_patterns (the /ar/… prefixes) only in the root URLconf.
urlpatterns = [path("bench/trivial", trivial, name="bench_trivial"), *waymark_urls.urlpatterns]

handler403 = waymark_urls.handler403
handler404 = waymark_urls.handler404
handler500 = waymark_urls.handler500
