from django.contrib import admin

from waymark.ops.models import JobLock, JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """Read-only: runs are written by the scheduler only."""

    list_display = ["job", "started_at", "finished_at", "succeeded"]
    list_filter = ["job", "succeeded"]
    date_hierarchy = "started_at"
    readonly_fields = ["uuid", "job", "started_at", "finished_at", "succeeded", "output"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(JobLock)
class JobLockAdmin(admin.ModelAdmin):
    """Read-only view of who holds which job; a stuck lock runs out by itself."""

    list_display = ["job", "locked_until", "holder"]
    readonly_fields = ["uuid", "job", "locked_until", "holder", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
