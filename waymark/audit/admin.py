from django.contrib import admin

from waymark.audit.models import Event, RecordAccess


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit rows can be read in the admin, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "organisation", "object_type", "object_id"]
    list_filter = ["action", "organisation"]
    search_fields = ["object_id", "actor__email"]
    list_select_related = ["actor", "organisation"]
    date_hierarchy = "at"


@admin.register(RecordAccess)
class RecordAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "organisation", "what", "person_uuid"]
    list_filter = ["what", "organisation"]
    search_fields = ["person_uuid", "user__email"]
    list_select_related = ["user", "organisation"]
    date_hierarchy = "at"
