from django.urls import path

from waymark.audit import views

app_name = "audit"

urlpatterns = [
    path("organisation/audit/", views.organisation_events, name="organisation_events"),
    path("audit/", views.all_events, name="all_events"),
]
