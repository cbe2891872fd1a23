from django.urls import path

from waymark.accounts import token_views

app_name = "api_tokens"

urlpatterns = [
    path("account/tokens/", token_views.token_list, name="list"),
    path("account/tokens/new/", token_views.token_create, name="create"),
    path("account/tokens/<uuid:token_uuid>/revoke/", token_views.token_revoke, name="revoke"),
]
