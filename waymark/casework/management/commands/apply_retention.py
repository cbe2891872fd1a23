"""Anonymise what has passed its retention period (a daily periodic job: settings.PERIODIC_JOBS).

The periods are ``people.RetentionPeriod`` rows; what each kind means is in
``waymark.casework.rights``. Anyone with an active legal hold or an open safeguarding concern is
skipped and counted. Safe to run twice: the second run finds nothing left to do. With
``--dry-run`` it only reports what it would do.
"""

from django.core.management.base import BaseCommand

from waymark.casework.rights_retention import apply_retention


class Command(BaseCommand):
    help = "Anonymise people and clear records past their retention period (a daily periodic job)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be done; change nothing.")

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        report = apply_retention(dry_run=dry_run)
        self.stdout.write(("Dry run: would anonymise or clear" if dry_run else "Anonymised or cleared") + ":")
        for kind, count in report["done"].items():
            self.stdout.write(f"  {kind}: {count}")
        self.stdout.write("Skipped (legal hold or open safeguarding concern):")
        for kind, count in report["skipped_held"].items():
            self.stdout.write(f"  {kind}: {count}")
        missing = sorted(set(_record_types()) - set(report["periods"]))
        if missing:
            self.stdout.write("No retention period in force for: " + ", ".join(missing))


def _record_types():
    from waymark.people.models import RetentionPeriod

    return RetentionPeriod.RecordType.values
