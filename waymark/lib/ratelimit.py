"""A small rate limit for public forms (problem reports, suggestions, feedback, registration).

Counts in the cache (the database cache, shared by every process) per action and per client;
the client is known only by a keyed hash of its address (``client_ip`` honours
TRUSTED_PROXY_COUNT), so nothing that identifies a visitor is stored. Windows are fixed
(the counter starts with the first hit and expires ``per`` seconds later).
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    """The client's address: as the trusted proxies (TRUSTED_PROXY_COUNT) saw it, else REMOTE_ADDR."""
    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _key(action, request):
    digest = hmac.new(settings.SECRET_KEY.encode(), client_ip(request).encode(), hashlib.sha256).hexdigest()[:32]
    return f"ratelimit:{action}:{digest}"


def hit(request, action, *, limit, per=3600):
    """Count one attempt at ``action``; False if the client has already had ``limit`` in the window."""
    key = _key(action, request)
    if cache.add(key, 1, timeout=per):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=per)
        return True
    return count <= limit
