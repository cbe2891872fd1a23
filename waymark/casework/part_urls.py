"""The case parts' pages: support plan, outcomes, immigration matters, attachments (names ``casework:<name>``)."""

from django.urls import path

from waymark.casework import part_views as views

CASE = "cases/<uuid:case_uuid>/"

urlpatterns = [
    path(f"{CASE}plan/", views.plan, name="plan"),
    path(f"{CASE}plan/goals/<uuid:goal_uuid>/", views.goal_edit, name="goal_edit"),
    path(f"{CASE}plan/goals/<uuid:goal_uuid>/status/", views.goal_status, name="goal_status"),
    path(f"{CASE}plan/goals/<uuid:goal_uuid>/move/", views.goal_move, name="goal_move"),
    path(f"{CASE}plan/goals/<uuid:goal_uuid>/steps/add/", views.step_add, name="step_add"),
    path(f"{CASE}outcomes/", views.outcomes, name="outcomes"),
    path(f"{CASE}immigration/", views.matters, name="matters"),
    path(f"{CASE}immigration/<uuid:matter_uuid>/level/", views.matter_level, name="matter_level"),
    path(f"{CASE}immigration/<uuid:matter_uuid>/outcome/", views.matter_outcome, name="matter_outcome"),
    path(f"{CASE}attachments/", views.attachments, name="attachments"),
    path(f"{CASE}attachments/<uuid:attachment_uuid>/", views.attachment_download, name="attachment_download"),
    path(f"{CASE}attachments/<uuid:attachment_uuid>/delete/", views.attachment_delete, name="attachment_delete"),
]
