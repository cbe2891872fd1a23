"""Import another directory's Open Referral data from a file or an address."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from waymark.directory.actions.imports import do_import, report_csv


class Command(BaseCommand):
    help = (
        "Import services from SOURCE: an Open Referral UK / HSDS 3.0 JSON file or feed address (a "
        "service, a list, or a paged feed), an HSDS tabular package (.zip), or an ORUK 1.0 feed. "
        "Every record is checked; a rejected record is reported with its id, field and reason. "
        "Importing the same source again changes nothing; a listing edited here since its last "
        "import becomes a change request instead of being overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="A file path or an http(s) address.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report, write nothing.")
        parser.add_argument(
            "--review", action="store_true", help="Queue new and changed listings as change requests for an editor."
        )
        parser.add_argument("--source-name", default="", help='Shown on listings as "listed by".')
        parser.add_argument("--report", metavar="FILE.csv", help="Also write the report to this CSV file.")

    def handle(self, *args, **options):
        run = do_import(
            options["source"],
            dry_run=options["dry_run"],
            publish=not options["review"],
            source_name=options["source_name"],
        )
        if options["report"]:
            Path(options["report"]).write_text(report_csv(run), encoding="utf-8")
        if run.error:
            raise CommandError(f"{run.source}: {run.error}")
        prefix = "Dry run: " if run.dry_run else ""
        self.stdout.write(
            f"{prefix}{run.created} added, {run.updated} updated, {run.unchanged} unchanged, "
            f"{run.queued} queued for review, {run.rejected} rejected."
        )
        for line in run.report:
            self.stdout.write(f"{line['level']}\t{line['record']}\t{line['field']}\t{line['reason']}")
