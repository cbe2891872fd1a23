"""The safeguarding pages (names casework:<name>)."""

urlpatterns = []
