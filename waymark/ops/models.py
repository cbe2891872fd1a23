"""What the periodic-job runner remembers: each run of a job, and which runner holds a job now.

Neither holds personal data. A job's output is kept short and only for diagnosis; the jobs
themselves print counts, never names or case details.
"""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A run keeps only the end of what its command printed: enough to see why it failed.
OUTPUT_LIMIT = 2000


class JobRun(models.Model):
    """One run of a periodic job (a management command), started by `manage.py run_schedule`."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    job = models.CharField(_("job"), max_length=100)
    started_at = models.DateTimeField(_("started at"))
    # Both empty while the job is still running.
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"), null=True, blank=True)
    output = models.TextField(_("output or error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        indexes = [models.Index(fields=["job", "-started_at"], name="ops_jobrun_job_started")]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("started_at")),
                name="ops_jobrun_finishes_after_start",
                violation_error_message=_("A job run cannot finish before it started."),
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True, succeeded__isnull=True)
                | Q(finished_at__isnull=False, succeeded__isnull=False),
                name="ops_jobrun_outcome_when_finished",
                violation_error_message=_("A finished job run says whether it succeeded; a running one does not."),
            ),
        ]

    def __str__(self):
        return f"{self.job} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M:%S} {self.outcome}"

    @property
    def outcome(self):
        """ "running", "ok" or "failed"."""
        if self.succeeded is None:
            return "running"
        return "ok" if self.succeeded else "failed"


class JobLock(models.Model):
    """Which runner may run a job until when, so two runners never run the same job at once.

    A runner claims a job with one conditional UPDATE (``locked_until`` in the past → its own
    lease); the database lets only one such UPDATE match. A runner that dies leaves the lease to
    run out, so the job is never stuck.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    job = models.CharField(_("job"), max_length=100, unique=True)
    locked_until = models.DateTimeField(_("locked until"))
    # host:pid of the runner holding the lease, for diagnosis and for releasing only our own.
    holder = models.CharField(_("held by"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["job"]
        verbose_name = _("job lock")
        verbose_name_plural = _("job locks")

    def __str__(self):
        locked_until = timezone.localtime(self.locked_until)
        return f"{self.job} locked until {locked_until:%Y-%m-%d %H:%M:%S} by {self.holder or 'nobody'}"
