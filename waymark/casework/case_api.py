"""The case endpoints of the internal API."""

from ninja import Router

router = Router(tags=["cases"])
