"""The lists of referrals (outgoing, incoming), the printable letter and its signed link
(see inbox_views and letter_views)."""

from django.urls import path

from waymark.referrals import inbox_views, letter_views

urlpatterns = [
    path("referrals/", inbox_views.outgoing, name="outgoing"),
    path("referrals/incoming/", inbox_views.incoming, name="incoming"),
    path("referrals/<uuid:referral_uuid>/letter/", letter_views.letter, name="letter"),
    path("r/<str:token>/", letter_views.letter_link, name="letter_link"),
]
