"""People in the admin: only the retention periods (policy). People's records are read through
the people pages, which check roles and log every reading, never here."""

from django.contrib import admin

from waymark.accounts.admin import AuditedAdmin
from waymark.people.models import RetentionPeriod


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(AuditedAdmin):
    """To change a period, add a row from the date it changes, with its source."""

    list_display = ["record_type", "months", "valid_from", "source"]
    ordering = ["record_type", "-valid_from"]
