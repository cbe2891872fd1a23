"""The referral pages (see referral_views) and the letter's signed link."""

from django.urls import path

from waymark.referrals import referral_views

urlpatterns = [
    path("referrals/<uuid:referral_uuid>/", referral_views.referral_detail, name="detail"),
    path("r/<str:token>/", referral_views.letter_link, name="letter_link"),
]
