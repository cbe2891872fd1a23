"""The hubs pages; every name is ``hubs:<name>``."""

from django.urls import path

from waymark.hubs import check_in_views, offer_urls, views

app_name = "hubs"

urlpatterns = [
    # Public: no sign-in.
    path("hubs/", views.find_hubs, name="find"),
    path("hubs/<uuid:hub_uuid>/", views.public_hub, name="public_hub"),
    path("rota/answer/<str:token>/", views.rota_link, name="rota_link"),
    # The hub team's pages.
    path("organisation/hubs/", views.my_hubs, name="my_hubs"),
    path("organisation/hubs/new/", views.add_hub, name="add_hub"),
    path("organisation/hubs/<uuid:hub_uuid>/", views.hub_dashboard, name="dashboard"),
    path("organisation/hubs/<uuid:hub_uuid>/settings/", views.hub_settings, name="settings"),
    path("organisation/hubs/<uuid:hub_uuid>/patterns/new/", views.add_pattern, name="add_pattern"),
    path(
        "organisation/hubs/<uuid:hub_uuid>/patterns/<uuid:pattern_uuid>/generate/",
        views.generate_sessions,
        name="generate_sessions",
    ),
    path("organisation/hubs/<uuid:hub_uuid>/sessions/new/", views.add_extra_session, name="add_extra_session"),
    path("organisation/sessions/<uuid:session_uuid>/", views.session_page, name="session"),
    path("organisation/sessions/<uuid:session_uuid>/offers/", views.session_offers, name="session_offers"),
    path("organisation/sessions/<uuid:session_uuid>/invite/", views.invite_partner, name="invite_partner"),
    path("organisation/sessions/<uuid:session_uuid>/cancel/", views.cancel_session, name="cancel_session"),
    path("organisation/sessions/<uuid:session_uuid>/move/", views.move_session, name="move_session"),
    path("organisation/rota/<uuid:invitation_uuid>/attendance/", views.record_attendance, name="record_attendance"),
    # Check-in at a session (check_in_views.py).
    path("organisation/sessions/<uuid:session_uuid>/check-in/", check_in_views.check_in, name="check_in"),
    path(
        "organisation/sessions/<uuid:session_uuid>/check-in/new-person/",
        check_in_views.register_and_check_in,
        name="register_and_check_in",
    ),
    path("organisation/sessions/check-in-sw.js", check_in_views.service_worker, name="check_in_sw"),
    path("organisation/visits/<uuid:visit_uuid>/", check_in_views.visit_page, name="visit"),
    # The partner organisation's side.
    path("organisation/rota/", views.rota_inbox, name="rota_inbox"),
    path("organisation/rota/<uuid:invitation_uuid>/answer/", views.answer_invitation, name="answer_invitation"),
]

# The learning log, visitor feedback and the core minimum offer.
urlpatterns += offer_urls.urlpatterns
