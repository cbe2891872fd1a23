"""The assessment pages (names casework:<name>)."""

urlpatterns = []
