"""Hubs in the admin: for looking things up and mending data. Hubs, patterns, sessions and
the rota are run from the hub pages, whose actions keep the map listing and the audit trail in
step, so here they are read-only."""

from django.contrib import admin

from waymark.hubs.models import (
    CoreOfferThreshold,
    Given,
    Hub,
    HubSession,
    LearningLog,
    RotaInvitation,
    SessionPattern,
    Visit,
    VisitorFeedback,
)


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


# --- the core minimum offer's thresholds, learning logs, visitor feedback --------------------


@admin.register(CoreOfferThreshold)
class CoreOfferThresholdAdmin(admin.ModelAdmin):
    """Policy, edited here: to change a threshold, add a row from the date it changes (with
    its source) rather than editing the old one, so past weeks keep the rule they had."""

    list_display = ["line", "days_per_week", "valid_from", "source"]
    list_filter = ["line"]
    ordering = ["line", "-valid_from"]


@admin.register(LearningLog)
class LearningLogAdmin(ReadOnlyAdmin):
    list_display = ["session", "written_by", "updated_at"]
    list_select_related = ["session__hub", "written_by"]


@admin.register(VisitorFeedback)
class VisitorFeedbackAdmin(ReadOnlyAdmin):
    """Read-only; an abusive answer can be deleted."""

    list_display = ["hub", "created_at", "welcome", "loneliness", "language"]
    list_filter = ["welcome", "loneliness", "hub"]
    date_hierarchy = "created_at"
    list_select_related = ["hub"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
