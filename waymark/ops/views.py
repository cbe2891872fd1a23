import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from waymark.lib.middleware import activate_language_from_query

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """For load balancers and uptime checks: 200 only if the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("Health check: database unreachable: %s", error)
        return JsonResponse({"status": "error", "detail": "database unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


# Friendly error pages, in the visitor's language. Django's own handlers would do, but the
# 500 handler renders without a request, and ours must know the language direction.
def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    # An address that matches no page never reaches LanguageFromQueryMiddleware.process_view.
    activate_language_from_query(request)
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
