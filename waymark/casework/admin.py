"""Casework in the admin: only the policy rows. Assessments, cases and concerns hold people's
stories and are read through the casework pages (which check roles and log every reading),
never here.

Policy is edited by adding a row from the date it changes (with its source) rather than by
editing the old one, so that past assessments, matters and concerns keep the rule they had."""

from django.contrib import admin

from waymark.accounts.admin import AuditedAdmin
from waymark.casework.models import AdviceLevelRule, EscalationRule, RiskRule


@admin.register(RiskRule)
class RiskRuleAdmin(AuditedAdmin):
    list_display = ["kind", "indicator", "threshold", "level", "valid_from", "source"]
    list_filter = ["kind", "level"]
    ordering = ["kind", "indicator", "-valid_from"]


@admin.register(AdviceLevelRule)
class AdviceLevelRuleAdmin(AuditedAdmin):
    list_display = ["kind", "oisc_level", "valid_from", "source"]
    list_filter = ["oisc_level"]
    ordering = ["kind", "-valid_from"]


@admin.register(EscalationRule)
class EscalationRuleAdmin(AuditedAdmin):
    list_display = ["urgency", "minutes", "valid_from", "source"]
    ordering = ["urgency", "-valid_from"]
