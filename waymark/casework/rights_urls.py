"""The rights pages (names casework:<name>)."""

urlpatterns = []
