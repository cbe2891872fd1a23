"""The lists of referrals (outgoing, incoming), the printable letter and its signed link
(see inbox_views and letter_views)."""

from django.urls import path

from waymark.referrals import letter_views

urlpatterns = [
    path("r/<str:token>/", letter_views.letter_link, name="letter_link"),
]
