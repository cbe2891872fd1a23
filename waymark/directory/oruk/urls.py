"""The Open Referral UK 3.0 API at /api/oruk/: open, no key, CORS for everyone."""

app_name = "oruk"

urlpatterns = []
