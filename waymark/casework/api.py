"""The casework part of the internal API (/api/v1/): one router per area, mounted together."""

from ninja import Router

from waymark.casework.assessment_api import router as assessment_router
from waymark.casework.case_api import router as case_router
from waymark.casework.safeguarding_api import router as safeguarding_router

router = Router()
router.add_router("", assessment_router)
router.add_router("", case_router)
router.add_router("", safeguarding_router)
