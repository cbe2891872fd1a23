"""Turn EMAIL_URL into Django's MAILERS setting (Django 6.1's replacement for EMAIL_*)."""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from waymark.lib.env import parse_bool

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
# What an smtp:// or smtps:// URL may say after the "?".
OPTIONS = {"tls", "timeout"}


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
        options = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
        # A mistyped option (?tsl=1) would otherwise send the password without encryption.
        unknown = sorted(options.keys() - OPTIONS)
        if unknown:
            raise ImproperlyConfigured(f"EMAIL_URL: unknown option {unknown[0]!r}; use {', '.join(sorted(OPTIONS))}.")
        try:
            timeout = int(options.get("timeout", "20"))
        except ValueError:
            raise ImproperlyConfigured("EMAIL_URL: timeout must be a whole number of seconds.") from None
        use_ssl = parts.scheme == "smtps"
        use_tls = parse_bool("EMAIL_URL: tls", options.get("tls", "0"))
        if use_ssl and use_tls:
            raise ImproperlyConfigured("EMAIL_URL: smtps:// is TLS from the start; ?tls=1 (STARTTLS) is for smtp://.")
        mailer["OPTIONS"] = {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if use_ssl else 25),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": use_ssl,
            "use_tls": use_tls,
            "timeout": timeout,
        }
    return mailer
