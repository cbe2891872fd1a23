"""The public open-data page and the whole map as downloads (HSDS tabular package, ndjson)."""

urlpatterns = []
