"""Middleware shared by every app, and the ``?lang=`` language switch it makes."""

from django.utils import translation
from django.utils.encoding import escape_uri_path

LANGUAGE_PARAMETER = "lang"
# Addresses for machines, outside i18n_patterns: there LocaleMiddleware would always choose
# English (no prefix means the default language), so the client's Accept-Language decides.
API_PREFIX = "/api/"


def activate_language_from_query(request):
    """Switch to the language ``?lang=`` names, if Waymark offers it (``fa``, ``fa-IR``)."""
    try:
        code = translation.get_supported_language_variant(request.GET[LANGUAGE_PARAMETER].lower())
    except (KeyError, LookupError):
        return
    translation.activate(code)
    request.LANGUAGE_CODE = code


class LanguageFromQueryMiddleware:
    """``?lang=ar`` switches the language of this one response.

    A shared link ("/services/?lang=fa") must open in the language it was shared in, even
    for someone whose browser says English. The `/<lang>/` prefix is the usual way; this is
    the other. Runs after LocaleMiddleware, which has already chosen a language, and whose
    Content-Language header then names this one. Under /api/ it also applies the client's
    Accept-Language (or language cookie), which LocaleMiddleware ignores for unprefixed paths.

    The switch waits until the address has been resolved: i18n_patterns match the prefix of
    the active language, so switching first would send /accounts/login/?lang=fa looking for
    /fa/accounts/login/. An address that resolves to nothing never reaches process_view; the
    404 handler switches for itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(API_PREFIX):
            code = translation.get_language_from_request(request)
            translation.activate(code)
            request.LANGUAGE_CODE = code
        activate_language_from_query(request)


def language_switcher(request):
    """Context processor: the address the language switcher comes back to.

    It is this page without its ``?lang=``, which would otherwise override the language
    just chosen; the rest of the query is kept.
    """
    if LANGUAGE_PARAMETER not in request.GET:
        return {"language_switcher_next": request.get_full_path()}
    query = request.GET.copy()
    del query[LANGUAGE_PARAMETER]
    return {"language_switcher_next": escape_uri_path(request.path) + (f"?{query.urlencode()}" if query else "")}
