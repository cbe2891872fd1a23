"""The case parts' pages: support plan, outcomes, immigration matters, attachments (names ``casework:<name>``)."""

urlpatterns = []
