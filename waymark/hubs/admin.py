"""Hubs in the admin: for looking things up and mending data. Hubs, patterns, sessions and
the rota are run from the hub pages, whose actions keep the map listing and the audit trail in
step, so here they are read-only."""

from django.contrib import admin

from waymark.hubs.models import Given, Hub, HubSession, RotaInvitation, SessionPattern, Visit


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Hub)
class HubAdmin(ReadOnlyAdmin):
    list_display = ["name", "area", "lead_organisation", "model"]
    list_filter = ["model", "area"]
    search_fields = ["name", "lead_organisation__name"]
    list_select_related = ["area", "lead_organisation"]


@admin.register(SessionPattern)
class SessionPatternAdmin(ReadOnlyAdmin):
    list_display = ["hub", "site", "weekdays", "starts_at", "ends_at", "starts_on", "ends_on"]
    list_select_related = ["hub", "site"]


@admin.register(HubSession)
class HubSessionAdmin(ReadOnlyAdmin):
    list_display = ["hub", "date", "starts_at", "ends_at", "site", "status", "is_moved", "is_extra"]
    list_filter = ["status", "hub"]
    date_hierarchy = "date"
    list_select_related = ["hub", "site"]


@admin.register(RotaInvitation)
class RotaInvitationAdmin(ReadOnlyAdmin):
    list_display = ["session", "organisation", "status", "attended"]
    list_filter = ["status"]
    list_select_related = ["session__hub", "organisation"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    """Visits by session, without the people's names or notes: for counting and mending."""

    list_display = ["session", "checked_in_at", "anonymous", "first_visit"]
    list_filter = ["anonymous", "first_visit"]
    date_hierarchy = "checked_in_at"
    list_select_related = ["session__hub"]
    fields = ["uuid", "session", "anonymous", "first_visit", "checked_in_at", "client_id", *Given.values]
    readonly_fields = fields
