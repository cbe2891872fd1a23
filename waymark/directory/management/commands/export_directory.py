"""Export the whole public map as open data: an HSDS tabular package (zip) or ndjson.

manage.py export_directory --format tabular waymark.zip
manage.py export_directory --format ndjson services.ndjson
manage.py export_directory --format ndjson - | gzip > services.ndjson.gz
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from waymark.directory.oruk import export


class Command(BaseCommand):
    help = (
        "Write every service on the public map as an HSDS 3.0 tabular package (a zip of CSV files "
        "with datapackage.json) or as ndjson (one Open Referral UK service per line). The data is "
        "published under CC BY 4.0; the package says so and credits Open Referral for the format."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("tabular", "ndjson"), default="tabular", help="what to write")
        parser.add_argument("output", help="the file to write; '-' writes ndjson to standard output")

    def handle(self, *args, **options):
        output = options["output"]
        if options["format"] == "ndjson":
            if output == "-":
                count = export.write_ndjson(_TextOut(self.stdout))
            else:
                with self._open(output) as out:
                    count = export.write_ndjson(out)
            self.stderr.write(f"Wrote {count} service(s) as ndjson. {export.attribution()}")
            return
        if output == "-":
            raise CommandError("A tabular package is a zip file: give a file name to write it to, not '-'.")
        counts, warnings = export.save_tabular(self._checked_path(output))
        for warning in warnings:
            self.stderr.write(f"Note: {warning['reason']}")
        self.stderr.write(
            f"Wrote {counts['service']} service(s), {counts['organization']} organisation(s) and "
            f"{counts['location']} location(s) to {output}. {export.attribution()}"
        )

    def _checked_path(self, output):
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"There is no folder {path.parent} to write {path.name} in.")
        return path

    def _open(self, output):
        try:
            return open(self._checked_path(output), "wb")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None


class _TextOut:
    """The command's standard output taking ndjson bytes (tests capture it as text)."""

    def __init__(self, stdout):
        self.stdout = stdout

    def write(self, line):
        self.stdout.write(line.decode(), ending="")
