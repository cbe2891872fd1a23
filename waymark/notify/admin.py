from django.contrib import admin

from waymark.notify.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: what was sent, when, and how it went. The address and the template context
    are personal data and are not shown here at all."""

    list_display = ["created_at", "template", "channel", "language", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "template", "language"]
    date_hierarchy = "created_at"
    fields = [
        "uuid",
        "recipient",
        "channel",
        "template",
        "language",
        "status",
        "attempts",
        "last_error",
        "dedupe_key",
        "created_at",
        "updated_at",
        "sent_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
