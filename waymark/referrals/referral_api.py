"""The referral endpoints of the internal API: /api/v1/referrals…"""

from ninja import Router

router = Router(tags=["referrals"])
