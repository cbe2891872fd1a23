"""The pages for making a referral and answering it (see referral_views)."""

from django.urls import path

from waymark.referrals import referral_views as views

urlpatterns = [
    path("referrals/new/", views.referral_new, name="new"),
    path("referrals/<uuid:referral_uuid>/", views.referral_detail, name="detail"),
    path("referrals/<uuid:referral_uuid>/consent/", views.referral_consent, name="consent"),
    path("referrals/<uuid:referral_uuid>/send/", views.referral_send, name="send"),
    path("referrals/<uuid:referral_uuid>/accept/", views.referral_accept, name="accept"),
    path("referrals/<uuid:referral_uuid>/decline/", views.referral_decline, name="decline"),
    path("referrals/<uuid:referral_uuid>/redirect/", views.referral_redirect, name="redirect"),
    path("referrals/<uuid:referral_uuid>/complete/", views.referral_complete, name="complete"),
    path("referrals/<uuid:referral_uuid>/withdraw/", views.referral_withdraw, name="withdraw"),
]
