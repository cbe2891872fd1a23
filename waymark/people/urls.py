"""The people pages; every name is ``people:<name>``."""

app_name = "people"

urlpatterns = []
