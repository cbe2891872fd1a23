"""The pages for making a referral and answering it (see referral_views)."""

from django.urls import path

from waymark.referrals import referral_views

urlpatterns = [
    path("referrals/<uuid:referral_uuid>/", referral_views.referral_detail, name="detail"),
]
