"""The suggestions page (see suggestion_views): include in referrals/urls.py."""

from django.urls import path

from waymark.referrals import suggestion_views

urlpatterns = [
    path("referrals/suggestions/", suggestion_views.suggestions, name="suggestions"),
]
