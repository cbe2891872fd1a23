"""The referral pages (see referral_views) and the letter's signed link."""

urlpatterns = []
