"""The signposting pages (see signposting_views)."""

urlpatterns = []
