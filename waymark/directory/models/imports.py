"""Taking in other directories' Open Referral data: feeds, import runs and where records came from.

An **import run** is one reading of one source (a file an editor uploaded, a URL, a feed's
scheduled pull): what it read, what it wrote, and a report of every record it rejected or
warned about. A **feed** is a source pulled again and again by the periodic job
``pull_directory_feeds``, set either to publish what it brings or to queue it for an editor.
An **imported record** ties one object on the map to the record it came from (source and
original id), with fingerprints that make re-importing idempotent and tell whether the listing
was edited in Waymark since (then the incoming change becomes a change request, never an
overwrite). The import itself lives in ``waymark/directory/oruk/importer.py``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Feed(models.Model):
    """Another directory's Open Referral feed that this network takes in on a schedule."""

    class Mode(models.TextChoices):
        PUBLISH = "publish", _("Publish what it brings")
        REVIEW = "review", _("Queue changes for an editor")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(
        _("name"), max_length=255, help_text=_('Shown on listings as "listed by", e.g. "Bolton Council directory".')
    )
    url = models.URLField(_("feed address"), max_length=500, help_text=_("The feed's /services address, or its base."))
    area = models.ForeignKey(
        "places.Area", on_delete=models.PROTECT, related_name="directory_feeds", verbose_name=_("area")
    )
    mode = models.CharField(_("what to do with changes"), max_length=10, choices=Mode.choices, default=Mode.REVIEW)
    active = models.BooleanField(_("pulled on schedule"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("directory feed")
        verbose_name_plural = _("directory feeds")

    def __str__(self):
        return self.name


class ImportRun(models.Model):
    """One reading of one source, with its report."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        HSDS_JSON = "hsds_json", _("Open Referral UK / HSDS 3.0 JSON")
        TABULAR = "tabular", _("HSDS tabular package (zip of CSV files)")
        ORUK_1 = "oruk_1", _("Open Referral UK 1.0 feed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=500, help_text=_("The file's name or the address read."))
    source_name = models.CharField(_("listed by"), max_length=255, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, blank=True)
    feed = models.ForeignKey(
        Feed, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs", verbose_name=_("feed")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    publish = models.BooleanField(_("published directly"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Counts of top-level records (services, or organisations with no service).
    created = models.PositiveIntegerField(_("added"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    queued = models.PositiveIntegerField(_("queued for review"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    # [{"level": "error"|"warning", "record": "<original id>", "field": "<path>", "reason": "…"}]
    report = models.JSONField(_("report"), default=list, blank=True)
    # Why the whole source could not be read (unreachable, not JSON, not a package), if so.
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self):
        return f"{self.source} ({self.started_at:%Y-%m-%d %H:%M})"


class ImportedRecord(models.Model):
    """One object on the map that came from another directory's record.

    ``source_key`` names the source (a feed's uuid, or the address or file name of a one-off
    import) and ``original_id`` the record's id there, so the same record imported again finds
    the same object. ``incoming_hash`` fingerprints the record as last received (unchanged:
    nothing to do); ``local_hash`` fingerprints Waymark's own data for the object just after
    the import wrote it (different now: someone edited it here since).
    """

    entity = models.CharField(_("object"), max_length=30, help_text=_("The HSDS table: service, organization…"))
    object_id = models.UUIDField(_("object id"))
    source_key = models.CharField(_("source"), max_length=500)
    source_name = models.CharField(_("listed by"), max_length=255, blank=True)
    original_id = models.CharField(_("original id"), max_length=255)
    feed = models.ForeignKey(
        Feed, on_delete=models.SET_NULL, null=True, blank=True, related_name="records", verbose_name=_("feed")
    )
    last_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="records", verbose_name=_("last run")
    )
    incoming_hash = models.CharField(max_length=64, blank=True)
    local_hash = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        constraints = [
            models.UniqueConstraint(
                fields=["source_key", "entity", "original_id"], name="directory_imported_record_once_per_source"
            ),
        ]
        indexes = [models.Index(fields=["entity", "object_id"], name="directory_imported_object_idx")]

    def __str__(self):
        return f"{self.entity} {self.original_id} from {self.source_name or self.source_key}"


class NeedMapping(models.Model):
    """An editor's decision that an outside taxonomy's term means one of Waymark's needs.

    Imported services keep their outside terms (as HSDS attributes); a mapped term also gives
    them the Waymark need, so they are found by the map's need filter.
    """

    term = models.OneToOneField(
        "directory.TaxonomyTerm", on_delete=models.CASCADE, related_name="need_mapping", verbose_name=_("outside term")
    )
    need = models.ForeignKey(
        "directory.TaxonomyTerm", on_delete=models.CASCADE, related_name="mapped_terms", verbose_name=_("Waymark need")
    )
    mapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mapped_at = models.DateTimeField(_("mapped at"), default=timezone.now)

    class Meta:
        verbose_name = _("need mapping")
        verbose_name_plural = _("need mappings")

    def __str__(self):
        return f"{self.term} → {self.need}"
