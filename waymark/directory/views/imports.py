"""Directory editors take in other directories' Open Referral data.

- The import page: upload a file or give a feed's address, say who publishes it, check only
  (dry run) or import; an editor's import publishes what it brings. Then the run's report.
- The report of one run: its counts, every rejected record and warning, as a page and as CSV.
- The terms page: outside taxonomy terms that imported services use, to map to Waymark's needs.
- The feeds page: the feeds of the editor's networks' areas with their last pull.

Only directory editors (their networks' feeds and runs) and administrators (everything) get
in; anyone else gets 404, as everywhere in Waymark.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waymark.directory import access
from waymark.directory.actions import IllegalTransition
from waymark.directory.actions.imports import do_import, report_csv
from waymark.directory.actions.need_mappings import do_map_term, waymark_need
from waymark.directory.forms.imports import ImportForm, NeedMappingForm
from waymark.directory.models import (
    NEEDS_TAXONOMY_NAME,
    ImportedRecord,
    ImportRun,
    NeedMapping,
    Service,
    TaxonomyTerm,
)
from waymark.directory.oruk.extensions import TAXONOMY_ID as DETAILS_TAXONOMY_ID

# How many recent runs the import page lists, and report lines a report page shows (the CSV
# has them all).
RECENT_RUNS = 20
REPORT_LINES_SHOWN = 500
# How many unmapped terms the terms page offers at once (most used first).
TERMS_SHOWN = 100


# --- the import page and its report -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def imports(request):
    """Upload a file or give an address, and import it (or only check it); recent runs below."""
    access.require_directory_editor(request)
    initial = {"source_name": request.GET.get("source_name", "")[:255]}
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        # The import runs inside the request. A 40 MB file takes well under a minute; moving it
        # onto the task queue (django.tasks) would need the upload kept somewhere every worker
        # can read (the worker is another process, maybe another machine), the ImportRun
        # created here as "running" and passed by id, and the report page refreshing until
        # the run finishes.
        upload = form.cleaned_data.get("file")
        run = do_import(
            form.source,
            acting_user=request.user,
            dry_run=form.cleaned_data["dry_run"],
            publish=True,
            source_name=form.cleaned_data["source_name"],
            filename=upload.name if upload else "",
        )
        return redirect("directory:import_report", run_uuid=run.uuid)
    runs = list(access.import_runs_for_editor(request.user).order_by("-started_at")[:RECENT_RUNS])
    return render(request, "directory/imports/import.html", {"form": form, "runs": runs})


def _is_address(source):
    return source.lower().startswith(("http://", "https://"))


@login_required
@require_GET
def import_report(request, run_uuid):
    """One run: what it wrote, and every record it rejected or warned about."""
    run = access.get_import_run_for_editor(request, run_uuid)
    errors = [line for line in run.report if line.get("level") == "error"]
    warnings = [line for line in run.report if line.get("level") != "error"]
    return render(
        request,
        "directory/imports/report.html",
        {
            "run": run,
            "errors": errors[:REPORT_LINES_SHOWN],
            "errors_total": len(errors),
            "warnings": warnings[:REPORT_LINES_SHOWN],
            "warnings_total": len(warnings),
            "lines_shown": REPORT_LINES_SHOWN,
            "from_address": _is_address(run.source),
            "can_run_for_real": run.dry_run and run.status == ImportRun.Status.FINISHED,
        },
    )


@login_required
@require_GET
def import_report_csv(request, run_uuid):
    """The run's report as a CSV file: level, record id, field, reason."""
    run = access.get_import_run_for_editor(request, run_uuid)
    response = HttpResponse(report_csv(run), content_type="text/csv; charset=utf-8")
    # Named from the run alone: nothing the source said reaches the header.
    filename = f"import-report-{run.started_at:%Y-%m-%d}-{str(run.uuid)[:8]}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def import_for_real(request, run_uuid):
    """Import for real what a dry run read from an address (a file has to be chosen again)."""
    run = access.get_import_run_for_editor(request, run_uuid)
    if not run.dry_run or run.status != ImportRun.Status.FINISHED or not _is_address(run.source):
        messages.error(request, _("Only a finished check of an address can be imported from here."))
        return redirect("directory:import_report", run_uuid=run.uuid)
    real = do_import(
        run.source,
        acting_user=request.user,
        dry_run=False,
        publish=True,
        source_name=run.source_name,
    )
    return redirect("directory:import_report", run_uuid=real.uuid)


# --- outside terms to Waymark needs -------------------------------------------------------------


def unmapped_terms():
    """Outside taxonomy terms carried by imported services and not mapped to a need yet, most
    used first, each with ``service_count``."""
    imported_services = ImportedRecord.objects.filter(entity=Service.hsds_entity).values("object_id")
    return (
        TaxonomyTerm.objects.filter(
            need_mapping__isnull=True,
            attributes__link_entity=Service.hsds_entity,
            attributes__link_id__in=imported_services,
        )
        .exclude(taxonomy__name=NEEDS_TAXONOMY_NAME)
        .exclude(taxonomy_id=DETAILS_TAXONOMY_ID)
        .select_related("taxonomy")
        .annotate(service_count=Count("attributes__link_id", distinct=True))
        .order_by("-service_count", "name", "id")
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_terms(request):
    """Map the outside terms imported services use to Waymark's needs.

    Terms and needs are shared by every network, so any directory editor may map them.
    """
    access.require_directory_editor(request)
    terms = list(unmapped_terms()[:TERMS_SHOWN])
    form = NeedMappingForm(request.POST or None, terms=terms)
    if request.method == "POST" and form.is_valid():
        mapped = services = 0
        for term, need_id in form.mappings():
            need = waymark_need(need_id)
            try:
                services += do_map_term(term, need, acting_user=request.user)
                mapped += 1
            except IllegalTransition:
                messages.info(
                    request,
                    _("“%(term)s” was mapped by someone else meanwhile; it is left as they set it.")
                    % {"term": term.name},
                )
        if mapped:
            messages.success(
                request,
                _("Mapped %(terms)d term(s); %(services)d service(s) now have the need.")
                % {"terms": mapped, "services": services},
            )
        return redirect("directory:import_terms")
    mappings = NeedMapping.objects.select_related("term__taxonomy", "need", "mapped_by").order_by("-mapped_at")[:50]
    return render(
        request,
        "directory/imports/terms.html",
        {"form": form, "terms": terms, "terms_shown": TERMS_SHOWN, "mappings": list(mappings)},
    )


# --- feeds ---------------------------------------------------------------------------------------


@login_required
@require_GET
def import_feeds(request):
    """The feeds of the editor's networks, each with its last pull's result."""
    access.require_directory_editor(request)
    last_run = ImportRun.objects.filter(feed=OuterRef("pk")).order_by("-started_at", "-id").values("pk")[:1]
    feeds = list(access.feeds_for_editor(request.user).annotate(last_run_id=Subquery(last_run)).order_by("name"))
    runs = ImportRun.objects.in_bulk([feed.last_run_id for feed in feeds if feed.last_run_id])
    for feed in feeds:
        feed.last_run = runs.get(feed.last_run_id)
    return render(request, "directory/imports/feeds.html", {"feeds": feeds})
