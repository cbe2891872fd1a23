"""The referrals part of the internal API (/api/v1/)."""

from ninja import Router

router = Router(tags=["referrals"])
