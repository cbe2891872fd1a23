"""Importing another directory's Open Referral data: the one action every way in calls.

The editors' upload page, ``manage.py import_directory`` and the periodic ``pull_directory_feeds``
all call ``do_import``; it never raises for a bad source or a bad record. The source's
problems end in ``run.error`` (the whole source could not be read) or ``run.report`` (one line
per rejected record or dropped value); ``report_csv`` gives the report as a download.

Transactions: records are written in chunks, each record whole or not at all (new services of
a chunk in bulk, anything else in its own savepoint; see ``importer.py``), so a long feed keeps
what it has done if the process stops. A dry run does the same work
inside one transaction that is rolled back, so its report is exactly what a real run would
give; only the run itself (marked ``dry_run``) is kept. One audit event per run.
"""

import csv
import io
import logging
import os
import urllib.parse

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waymark.audit.events import record_event
from waymark.directory.models import ImportRun
from waymark.directory.oruk.importer import Importer
from waymark.directory.oruk.importer_sources import SourceError, is_url

logger = logging.getLogger(__name__)


class _DryRunDone(Exception):
    """Raised at the end of a dry run to roll its writes back."""


def source_key_for(source, *, feed=None, source_name="", filename=""):
    """What names the source in provenance (``ImportedRecord.source_key``): the feed, else the
    address read (without its page), else the name it is listed by, else the file's name."""
    if feed is not None:
        return f"feed:{feed.uuid}"
    if is_url(source):
        parts = urllib.parse.urlsplit(source.strip())
        query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
        return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query), fragment=""))[:500]
    if source_name:
        return f"name:{source_name}"[:500]
    return f"file:{_file_name(source, filename)}"[:500]


def _file_name(source, filename=""):
    if filename:
        return os.path.basename(filename)
    if isinstance(source, (str, os.PathLike)):
        return os.path.basename(os.fspath(source))
    return os.path.basename(getattr(source, "name", "") or "") or "upload"


def do_import(source, *, acting_user=None, feed=None, dry_run=False, publish=True, source_name="", filename=""):
    """Import ``source`` (an http(s) address, a file path, or an uploaded file or bytes) and
    return the saved ImportRun with its counts, report and error.

    ``publish``: write to the map (an editor's import, a feed set to publish); False queues
    every new or changed listing as a change request instead (a feed set to review). A
    listing edited in Waymark since its last import is queued either way. ``dry_run``: the
    same report, nothing kept but the run. ``source_name`` is shown on listings as "listed by"
    (a feed's name by default).
    """
    source_name = (source_name or (feed.name if feed is not None else "")).strip()[:255]
    label = source.strip() if is_url(source) else _file_name(source, filename)
    run = ImportRun(
        source=label[:500],
        source_name=source_name,
        feed=feed,
        started_by=acting_user,
        dry_run=dry_run,
        publish=publish,
        status=ImportRun.Status.RUNNING,
    )
    if not dry_run:
        run.save()
    importer = Importer(
        run,
        source_key=source_key_for(source, feed=feed, source_name=source_name, filename=filename),
        publish=publish,
        dry_run=dry_run,
    )
    try:
        records = importer.read(source)
        if dry_run:
            try:
                with transaction.atomic():
                    importer.import_records(records)
                    raise _DryRunDone
            except _DryRunDone:
                pass
        else:
            importer.import_records(records)
    except SourceError as error:
        run.error = error.message
    except Exception as error:
        # A feed job must not die on one bad source: the run says what stopped it, the log
        # has the traceback, and the records already committed stay.
        logger.exception("Import of %s stopped", run.source)
        run.error = _("The import stopped on an unexpected problem: %(problem)s") % {"problem": error}
    return _finish(run, importer, acting_user=acting_user)


@transaction.atomic
def _finish(run, importer, *, acting_user):
    """Save the run's outcome and write its one audit event."""
    for name, count in importer.counts.items():
        setattr(run, name, count)
    run.report = importer.report
    run.status = ImportRun.Status.FAILED if run.error else ImportRun.Status.FINISHED
    run.finished_at = timezone.now()
    run.save()
    record_event(
        "directory.import_run",
        actor=acting_user,
        obj=run,
        details={
            "source": run.source,
            "feed": str(run.feed.uuid) if run.feed_id else "",
            "format": run.format,
            "dry_run": run.dry_run,
            "publish": run.publish,
            "status": run.status,
            **importer.counts,
        },
    )
    return run


REPORT_COLUMNS = ("level", "record", "field", "reason")


def report_csv(run):
    """The run's report as CSV text: one line per problem (level, record id, field, reason),
    the source's own error first when it could not be read."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("level"), _("record id"), _("field"), _("reason")])
    if run.error:
        writer.writerow(["error", "", "", _csv_safe(run.error)])
    for line in run.report:
        writer.writerow([_csv_safe(str(line.get(column, "") or "")) for column in REPORT_COLUMNS])
    return out.getvalue()


def _csv_safe(text):
    """Text a spreadsheet will not run as a formula (feeds are outside data)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
