from django.urls import path

from waymark.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/organisation/", views.switch_organisation, name="switch_organisation"),
    path("organisation/members/", views.members, name="members"),
    path("organisation/members/invite/", views.invite_member, name="invite_member"),
    path("organisation/members/<uuid:membership_uuid>/", views.member, name="member"),
    path("organisation/members/<uuid:membership_uuid>/roles/", views.change_member_roles, name="change_member_roles"),
    path(
        "organisation/members/<uuid:membership_uuid>/adviser/",
        views.change_member_adviser,
        name="change_member_adviser",
    ),
    path("organisation/members/<uuid:membership_uuid>/remove/", views.remove_member, name="remove_member"),
    path(
        "organisation/invitations/<uuid:invitation_uuid>/cancel/",
        views.cancel_invitation,
        name="cancel_invitation",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
