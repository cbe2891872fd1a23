"""The hubs pages; every name is ``hubs:<name>``."""

app_name = "hubs"

urlpatterns = []
