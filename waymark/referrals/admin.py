"""Signposting in the admin: read-only, for looking things up. It is recorded from the visit
page through ``referrals.actions``, which keeps the audit trail."""

from django.contrib import admin

from waymark.referrals.models import Signposting


@admin.register(Signposting)
class SignpostingAdmin(admin.ModelAdmin):
    list_display = ["service", "organisation", "recorded_at"]
    list_filter = ["organisation"]
    date_hierarchy = "recorded_at"
    list_select_related = ["service", "organisation"]
    # No person, visit or note here: the admin is for counting and mending, not for reading records.
    fields = ["uuid", "service", "organisation", "recorded_by", "recorded_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
