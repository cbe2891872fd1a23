"""The referrals part of the internal API (/api/v1/): referrals, and suggested services."""

from ninja import Router

from waymark.referrals.referral_api import router as referral_router
from waymark.referrals.suggestion_api import router as suggestion_router

router = Router()
router.add_router("", suggestion_router)
router.add_router("", referral_router)
