"""Pull every active directory feed (a daily periodic job, see settings.PERIODIC_JOBS).

Each feed is imported with ``do_import``, publishing directly or queueing its changes for an
editor as the feed is set. A feed that cannot be read is recorded as a failed run with the
reason (editors see it on the feeds page) and the other feeds are still pulled.
"""

import logging

from django.core.management.base import BaseCommand
from django.utils import timezone

from waymark.directory.actions.imports import do_import
from waymark.directory.models import Feed, ImportRun

logger = logging.getLogger(__name__)


def pull_feed(feed):
    """Import ``feed`` now; return its ImportRun, a failed one if the import itself broke."""
    try:
        return do_import(
            feed.url,
            feed=feed,
            publish=(feed.mode == Feed.Mode.PUBLISH),
            source_name=feed.name,
        )
    except Exception as error:
        # do_import records an unreadable source in its run itself; this is for anything
        # else going wrong (a bug, the database), so that one feed never stops the others.
        # The run the import may have started was rolled back with it: record the failure.
        logger.exception("Pulling the feed %s (%s) failed.", feed.name, feed.url)
        now = timezone.now()
        return ImportRun.objects.create(
            source=feed.url[:500],
            source_name=feed.name,
            feed=feed,
            publish=(feed.mode == Feed.Mode.PUBLISH),
            status=ImportRun.Status.FAILED,
            started_at=now,
            finished_at=now,
            error=f"{type(error).__name__}: {error}",
        )


class Command(BaseCommand):
    help = (
        "Import every active directory feed, each publishing directly or queueing its changes for review "
        "as the feed is set. A feed that fails is recorded in its run; the others are still pulled. "
        "Safe to run again: re-importing unchanged records changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--feed", action="append", default=[], help="Pull only the feed with this name (repeatable)."
        )

    def handle(self, *args, **options):
        feeds = Feed.objects.filter(active=True).order_by("name", "id")
        if options["feed"]:
            feeds = feeds.filter(name__in=options["feed"])
        failed = 0
        for feed in feeds:
            run = pull_feed(feed)
            if run.status == ImportRun.Status.FAILED:
                failed += 1
                self.stderr.write(f"{feed.name}: failed: {run.error}")
            else:
                self.stdout.write(
                    f"{feed.name}: {run.created} added, {run.updated} updated, {run.unchanged} unchanged, "
                    f"{run.queued} queued, {run.rejected} rejected."
                )
        self.stdout.write(f"Pulled {len(feeds)} feed(s); {failed} failed.")
