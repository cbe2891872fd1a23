"""URLs of add your organisation (see views/registration.py)."""

from django.urls import path

from waymark.directory.views import registration as views

urlpatterns = [
    path("add-your-organisation/", views.register, name="register"),
    path("add-your-organisation/sent/", views.register_sent, name="register_sent"),
    path("editors/registrations/<uuid:registration_uuid>/", views.review_registration, name="review_registration"),
]
