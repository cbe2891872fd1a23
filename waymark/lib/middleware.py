"""Middleware shared by every app."""

from django.conf import settings
from django.utils import translation

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class LanguageFromQueryMiddleware:
    """``?lang=ar`` switches the language of this one response.

    A shared link ("/services/?lang=fa") must open in the language it was shared in, even
    for someone whose browser says English. The `/<lang>/` prefix is the usual way; this is
    the other. Runs after LocaleMiddleware, which has already chosen a language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = request.GET.get("lang")
        if code in SUPPORTED:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)
