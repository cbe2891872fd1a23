"""The assessment pages (names casework:<name>)."""

from django.urls import path

from waymark.casework import assessment_views

urlpatterns = [
    path("people/<uuid:person_uuid>/assessments/", assessment_views.person_assessments, name="person_assessments"),
    path("people/<uuid:person_uuid>/assessments/new/", assessment_views.new_assessment, name="assessment_new"),
    path("assessments/<uuid:assessment_uuid>/", assessment_views.assessment_detail, name="assessment"),
]
