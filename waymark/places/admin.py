from django.contrib import admin

from waymark.places.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "gss_code", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "gss_code"]
    prepopulated_fields = {"slug": ["name"]}
