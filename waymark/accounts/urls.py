from django.urls import path

from waymark.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/organisation/", views.switch_organisation, name="switch_organisation"),
]
