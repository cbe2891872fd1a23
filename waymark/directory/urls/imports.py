"""Directory editors' imports: upload a file or address, read the report, map outside terms, feeds."""

urlpatterns = []
