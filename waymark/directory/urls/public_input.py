"""URLs of what the public tells us (see views/public_input.py)."""

from django.urls import path

from waymark.directory.views import public_input as views

urlpatterns = [
    path("services/<uuid:service_id>/report/", views.report_problem, name="report_problem"),
    path("services/<uuid:service_id>/feedback/", views.feedback, name="feedback"),
    path("suggest-a-service/", views.suggest_service, name="suggest_service"),
    path("thank-you/", views.thanks, name="thanks"),
    path("organisation/listings/feedback/", views.own_feedback, name="own_feedback"),
    path("editors/problems/<uuid:report_uuid>/", views.review_problem, name="review_problem"),
    path("editors/suggestions/<uuid:suggestion_uuid>/", views.review_suggestion, name="review_suggestion"),
]
