"""Referrals in the admin: signposting read-only (for counting and mending), and the referral
policy rows (deadline, bank holidays, stage → situation), edited by adding a dated row with its
source. Referrals themselves hold people's details and are read only through the referral
pages, which check roles and log every reading."""

from django.contrib import admin

from waymark.accounts.admin import AuditedAdmin
from waymark.referrals.models import BankHoliday, ReferralPolicy, Signposting, SituationMapping


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


@admin.register(ReferralPolicy)
class ReferralPolicyAdmin(AuditedAdmin):
    list_display = [
        "valid_from",
        "response_working_days",
        "reminder_working_days",
        "access_days_after_close",
        "letter_link_days",
        "source",
    ]
    ordering = ["-valid_from"]


@admin.register(BankHoliday)
class BankHolidayAdmin(AuditedAdmin):
    list_display = ["date", "title", "division", "source"]
    list_filter = ["division"]
    date_hierarchy = "date"
    ordering = ["-date"]


@admin.register(SituationMapping)
class SituationMappingAdmin(AuditedAdmin):
    list_display = ["stage", "situation", "valid_from", "source"]
    list_filter = ["stage", "situation"]
    ordering = ["stage", "-valid_from"]
