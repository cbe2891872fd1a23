"""The referrals pages; every name is ``referrals:<name>``."""

app_name = "referrals"

urlpatterns = []
