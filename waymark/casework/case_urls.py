"""The case pages (names casework:<name>)."""

from django.urls import path

from waymark.casework import case_views as views

urlpatterns = [
    path("people/<uuid:person_uuid>/cases/", views.person_cases, name="person_cases"),
    path("people/<uuid:person_uuid>/cases/new/", views.open_case, name="case_new"),
    path("cases/mine/", views.my_caseload, name="caseload_mine"),
    path("cases/overdue/", views.overdue_actions, name="caseload_overdue"),
    path("cases/team/", views.team_caseload, name="caseload_team"),
    path("cases/<uuid:case_uuid>/", views.case_detail, name="case"),
    path("cases/<uuid:case_uuid>/activate/", views.activate_case, name="case_activate"),
    path("cases/<uuid:case_uuid>/close/", views.close_case, name="case_close"),
    path("cases/<uuid:case_uuid>/reopen/", views.reopen_case, name="case_reopen"),
    path("cases/<uuid:case_uuid>/reassign/", views.reassign_case, name="case_reassign"),
    path("cases/<uuid:case_uuid>/notes/", views.add_note, name="case_note_add"),
    path("cases/<uuid:case_uuid>/actions/", views.add_action, name="case_action_add"),
    path("cases/<uuid:case_uuid>/actions/<uuid:action_uuid>/done/", views.complete_action, name="case_action_done"),
    path(
        "cases/<uuid:case_uuid>/actions/<uuid:action_uuid>/reassign/",
        views.reassign_action,
        name="case_action_reassign",
    ),
]
