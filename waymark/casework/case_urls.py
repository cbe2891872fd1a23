"""The case pages (names casework:<name>)."""

urlpatterns = []
