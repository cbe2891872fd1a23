"""What the public tells us about the map, and what editors do with it.

A visitor may report a problem with a listing, suggest a service the map lacks, or say how a
service went. None of it needs an account and none of it records who the visitor is: no
user, no address, no session, only the language the page was in (so an editor knows what
language the text is written in). Problems and suggestions wait in the directory editors'
queue; feedback goes to the organisation that runs the service.
"""

from django.db import transaction
from django.utils import timezone

from waymark.audit.events import record_event
from waymark.directory.actions import IllegalTransition
from waymark.directory.models import Location, ProblemReport, ServiceFeedback, ServiceSuggestion
from waymark.places.geo import within_radius
from waymark.places.models import Area
from waymark.places.postcodes import locate

# How far from a typed postcode the nearest listed place may be for its network to be guessed.
NETWORK_GUESS_RADIUS_M = 25_000


def _waymark_organisation(service):
    return service.organization.waymark_organisation


@transaction.atomic
def do_report_problem(service, *, kind, details="", language="en", acting_user=None):
    """Put a problem with ``service`` in its network editors' queue."""
    report = ProblemReport.objects.create(
        service=service, kind=kind, details=details.strip(), language=language, created_at=timezone.now()
    )
    record_event(
        "directory.problem_reported",
        actor=acting_user,
        organisation=_waymark_organisation(service),
        obj=report,
        details={"service": str(service.id), "kind": kind},
    )
    return report


def guess_network(where):
    """The network a suggested service is probably in, from what the visitor typed as "where".

    An area's name ("Bolton") gives the area's network; a postcode or outcode gives the network
    of the nearest listed place within 25 km. Anything else: None (every editor sees it).
    """
    where = (where or "").strip()
    if not where:
        return None
    area = Area.objects.filter(name__iexact=where).first()
    if area is None:
        # "Bolton town centre", "near Salford Precinct": an area named inside the text.
        lowered = where.lower()
        area = next(
            (a for a in Area.objects.filter(networks__isnull=False).distinct() if a.name.lower() in lowered), None
        )
    if area is None:
        place = locate(where)
        if place:
            nearest = (
                within_radius(
                    Location.objects.filter(area__networks__isnull=False, latitude__isnull=False),
                    place.latitude,
                    place.longitude,
                    NETWORK_GUESS_RADIUS_M,
                )
                .select_related("area")
                .order_by("distance_m")
                .first()
            )
            area = nearest.area if nearest is not None else None
    if area is None:
        return None
    return area.networks.order_by("name").first()


@transaction.atomic
def do_suggest_service(
    *, name, organisation_name="", where="", details="", contact="", language="en", acting_user=None
):
    """Put a suggested service in the editors' queue, in the network ``where`` points to."""
    suggestion = ServiceSuggestion.objects.create(
        name=name.strip(),
        organisation_name=organisation_name.strip(),
        where=where.strip(),
        details=details.strip(),
        contact=contact.strip(),
        language=language,
        network=guess_network(where),
        created_at=timezone.now(),
    )
    record_event(
        "directory.service_suggested",
        actor=acting_user,
        obj=suggestion,
        details={"network": str(suggestion.network.slug) if suggestion.network else ""},
    )
    return suggestion


@transaction.atomic
def do_give_feedback(service, *, got_help, treated_well="", comment="", language="en", acting_user=None):
    """Record how it went at ``service``, anonymously, for its organisation and for figures."""
    feedback = ServiceFeedback.objects.create(
        service=service,
        got_help=got_help,
        treated_well=treated_well,
        comment=comment.strip(),
        language=language,
        created_at=timezone.now(),
    )
    record_event(
        "directory.feedback_given",
        actor=acting_user,
        organisation=_waymark_organisation(service),
        obj=feedback,
        details={"service": str(service.id)},
    )
    return feedback


# --- editors ------------------------------------------------------------------------------


def _lock(model, obj):
    """Read ``obj`` again under a row lock, so two editors cannot both close it."""
    return model.objects.select_for_update().get(pk=obj.pk)


@transaction.atomic
def do_resolve_problem(report, *, resolution, mark_checked=False, method="", acting_user):
    """Close a problem report as dealt with. ``mark_checked`` also records that the editor
    checked the listing (by ``method``), which resets its "still correct?" clock."""
    report = _lock(ProblemReport, report)
    if report.status != ProblemReport.Status.OPEN:
        raise IllegalTransition
    report.status = ProblemReport.Status.RESOLVED
    report.resolution = resolution.strip()
    report.resolved_by = acting_user
    report.resolved_at = timezone.now()
    report.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    record_event(
        "directory.problem_resolved",
        actor=acting_user,
        organisation=_waymark_organisation(report.service),
        obj=report,
        details={"service": str(report.service_id), "marked_checked": bool(mark_checked)},
    )
    if mark_checked:
        from waymark.directory.actions.verification import do_mark_checked

        do_mark_checked(report.service, method, acting_user=acting_user)
    return report


@transaction.atomic
def do_dismiss_problem(report, *, resolution, acting_user):
    """Close a problem report as not needing a change (mistaken, duplicate, spam)."""
    report = _lock(ProblemReport, report)
    if report.status != ProblemReport.Status.OPEN:
        raise IllegalTransition
    report.status = ProblemReport.Status.DISMISSED
    report.resolution = resolution.strip()
    report.resolved_by = acting_user
    report.resolved_at = timezone.now()
    report.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    record_event(
        "directory.problem_dismissed",
        actor=acting_user,
        organisation=_waymark_organisation(report.service),
        obj=report,
        details={"service": str(report.service_id)},
    )
    return report


def _close_suggestion(suggestion, status, resolution, acting_user, action):
    suggestion = _lock(ServiceSuggestion, suggestion)
    if suggestion.status != ServiceSuggestion.Status.OPEN:
        raise IllegalTransition
    suggestion.status = status
    suggestion.resolution = resolution.strip()
    suggestion.resolved_by = acting_user
    suggestion.resolved_at = timezone.now()
    suggestion.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    record_event(action, actor=acting_user, obj=suggestion)
    return suggestion


@transaction.atomic
def do_mark_suggestion_added(suggestion, *, resolution="", acting_user):
    """Close a suggestion: the service is now on the map (or its organisation was asked to add it)."""
    return _close_suggestion(
        suggestion, ServiceSuggestion.Status.ADDED, resolution, acting_user, "directory.suggestion_added"
    )


@transaction.atomic
def do_dismiss_suggestion(suggestion, *, resolution, acting_user):
    """Close a suggestion without adding anything (already listed, not a service, spam)."""
    return _close_suggestion(
        suggestion, ServiceSuggestion.Status.DISMISSED, resolution, acting_user, "directory.suggestion_dismissed"
    )
