"""The signposting pages (see signposting_views)."""

from django.urls import path

from waymark.referrals import signposting_views as views

urlpatterns = [
    path("referrals/signpost/person/<uuid:person_uuid>/", views.signpost_person, name="signpost_person"),
    path("referrals/signpost/person/<uuid:person_uuid>/told/", views.signposted_person, name="signposted_person"),
    path("referrals/signpost/person/<uuid:person_uuid>/list/", views.take_away_list, name="take_away_list"),
    path("referrals/signpost/person/<uuid:person_uuid>/list.txt", views.take_away_text, name="take_away_text"),
    path("referrals/signpost/case/<uuid:case_uuid>/", views.signpost_case, name="signpost_case"),
    path("referrals/signpost/case/<uuid:case_uuid>/told/", views.signposted_case, name="signposted_case"),
    path("referrals/signpost/visit/<uuid:visit_uuid>/list/", views.visit_take_away_list, name="visit_take_away_list"),
    path(
        "referrals/signpost/visit/<uuid:visit_uuid>/list.txt", views.visit_take_away_text, name="visit_take_away_text"
    ),
]
