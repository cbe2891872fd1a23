"""Delete the records of periodic-job runs older than a few weeks (a periodic job itself)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from waymark.ops.models import JobRun

# Long enough to see a pattern of failures; short enough that a 5-minute job's rows stay few.
KEEP_RUNS_FOR = timedelta(days=30)


class Command(BaseCommand):
    help = f"Delete records of periodic-job runs that started more than {KEEP_RUNS_FOR.days} days ago."

    def handle(self, *args, **options):
        deleted, _ = JobRun.objects.filter(started_at__lt=timezone.now() - KEEP_RUNS_FOR).delete()
        self.stdout.write(f"Deleted {deleted} old job runs.")
