"""The people pages; every name is ``people:<name>``."""

from django.urls import path

from waymark.people import views

app_name = "people"

urlpatterns = [
    path("people/", views.people_list, name="list"),
    path("people/new/", views.register, name="register"),
    path("people/privacy-notice/", views.privacy_notice, name="privacy_notice"),
    # What a Waymark card's QR code holds: a staff link by card reference, nothing personal.
    path("people/card/<str:reference>/", views.card_scan, name="card"),
    path("people/<uuid:person_uuid>/", views.person_detail, name="person"),
    path("people/<uuid:person_uuid>/edit/", views.edit, name="edit"),
    path("people/<uuid:person_uuid>/journey/", views.journey, name="journey"),
    path("people/<uuid:person_uuid>/household/", views.household, name="household"),
    path(
        "people/<uuid:person_uuid>/household/<uuid:member_uuid>/remove/",
        views.remove_household_member,
        name="remove_household_member",
    ),
    path("people/<uuid:person_uuid>/consents/", views.consents, name="consents"),
    path(
        "people/<uuid:person_uuid>/consents/<uuid:consent_uuid>/withdraw/",
        views.withdraw_consent,
        name="withdraw_consent",
    ),
    path("people/<uuid:person_uuid>/merge/", views.merge, name="merge"),
    path("people/<uuid:person_uuid>/card/", views.card, name="print_card"),
]
