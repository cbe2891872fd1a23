"""Suggested services for a need and a person: /api/v1/services/suggestions."""

from ninja import Router

router = Router(tags=["referrals"])
