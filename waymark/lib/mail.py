"""Turn EMAIL_URL into Django's MAILERS setting (Django 6.1's replacement for EMAIL_*)."""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def mailer_from_url(url):
    """``smtp://user:password@host:587?tls=1`` → one entry of MAILERS: its BACKEND and OPTIONS.

    ``smtps://`` means implicit TLS (port 465); ``?tls=1`` means STARTTLS; ``?timeout=`` is
    the SMTP timeout in seconds (default 20).
    """
    parts = urlsplit(url)
    if parts.scheme not in BACKENDS:
        raise ImproperlyConfigured(f"EMAIL_URL: unknown scheme {parts.scheme!r}; use one of {', '.join(BACKENDS)}.")
    mailer = {"BACKEND": BACKENDS[parts.scheme]}
    if parts.scheme in ("smtp", "smtps"):
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        try:
            timeout = int(options.get("timeout", "20"))
        except ValueError:
            raise ImproperlyConfigured("EMAIL_URL: timeout must be a whole number of seconds.") from None
        mailer["OPTIONS"] = {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if parts.scheme == "smtps" else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": parts.scheme == "smtps",
            "use_tls": options.get("tls", "0").lower() in ("1", "true", "yes"),
            "timeout": timeout,
        }
    return mailer
