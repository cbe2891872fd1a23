"""Who may change the service map: the one place its permissions are checked.

The public map itself needs no permission (``Service.objects.public()`` is what anyone may
see). Everything else goes through these functions:

- A member of an organisation with the coordinator or organisation admin role may propose
  changes to *their own* organisation's listings (the directory organisation linked to the
  Waymark organisation they act for) and set its capacity and temporary notices. Never
  another organisation's: a listing of another organisation is "not there" (404).
- A directory editor reviews the listings, registrations, change requests, problem reports and
  suggestions of the networks they edit for; an administrator reviews everything.

As everywhere in Waymark, "not allowed" and "does not exist" look the same (404).
"""

from django.db.models import Q
from django.http import Http404

from waymark.accounts.models import PlatformRole, Role
from waymark.directory.models import (
    ChangeRequest,
    Feed,
    ImportRun,
    Location,
    OrganisationRegistration,
    Organization,
    ProblemReport,
    Service,
    ServiceSuggestion,
)

# The roles that keep an organisation's listings up to date.
LISTING_ROLES = (Role.COORDINATOR, Role.ORGANISATION_ADMIN)


# --- organisations' own listings -------------------------------------------------------------


def can_manage_listings(request):
    """True if the acting membership may keep its organisation's listings (for links in pages)."""
    membership = getattr(request, "membership", None)
    return membership is not None and membership.has_role(*LISTING_ROLES)


def require_listing_manager(request):
    """The directory organisation the request may manage listings for; otherwise 404.

    404 too when the acting organisation has no directory organisation yet.
    """
    membership = getattr(request, "membership", None)
    if membership is None or not membership.has_role(*LISTING_ROLES):
        raise Http404
    try:
        return Organization.objects.get(waymark_organisation=membership.organisation)
    except Organization.DoesNotExist:
        raise Http404 from None


def own_services(organization):
    """All services of ``organization`` (whatever their status), for its members' own pages."""
    return Service.objects.filter(organization=organization).select_related("organization")


def get_own_service(request, service_id):
    """A service of the organisation the request manages listings for; otherwise 404."""
    organization = require_listing_manager(request)
    try:
        return own_services(organization).get(id=service_id)
    except (Service.DoesNotExist, ValueError):
        raise Http404 from None


def get_own_location(request, location_id):
    """A location of the organisation the request manages listings for; otherwise 404."""
    organization = require_listing_manager(request)
    try:
        return Location.objects.get(organization=organization, id=location_id)
    except (Location.DoesNotExist, ValueError):
        raise Http404 from None


def get_own_change_request(request, change_request_uuid):
    """A change request of the organisation the request manages listings for; otherwise 404."""
    organization = require_listing_manager(request)
    try:
        return ChangeRequest.objects.select_related("organization", "submitted_by", "decided_by", "import_run").get(
            organization=organization, uuid=change_request_uuid
        )
    except (ChangeRequest.DoesNotExist, ValueError):
        raise Http404 from None


# --- directory editors ----------------------------------------------------------------------


def editor_network_ids(user):
    """The networks ``user`` edits the directory for; None means every network (administrator).

    An empty set means the user is no directory editor at all.
    """
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return None
    return set(
        PlatformRole.objects.filter(user=user, kind=PlatformRole.Kind.DIRECTORY_EDITOR).values_list(
            "network_id", flat=True
        )
    )


def is_directory_editor(user):
    networks = editor_network_ids(user)
    return networks is None or bool(networks)


def require_directory_editor(request):
    """Go on only for a directory editor or an administrator; 404 for everyone else.

    Returns the network ids they edit for (None: all).
    """
    networks = editor_network_ids(request.user)
    if networks is not None and not networks:
        raise Http404
    return networks


def _in_networks(queryset, networks, field):
    """``queryset`` narrowed to rows whose ``field`` (a network FK path) is one of ``networks``."""
    if networks is None:
        return queryset
    return queryset.filter(**{f"{field}__in": networks})


def organizations_for_editor(user):
    networks = editor_network_ids(user)
    if networks is not None and not networks:
        return Organization.objects.none()
    return _in_networks(Organization.objects.all(), networks, "network")


def services_for_editor(user):
    networks = editor_network_ids(user)
    if networks is not None and not networks:
        return Service.objects.none()
    return _in_networks(Service.objects.select_related("organization"), networks, "organization__network")


def change_requests_for_editor(user):
    networks = editor_network_ids(user)
    if networks is not None and not networks:
        return ChangeRequest.objects.none()
    queryset = ChangeRequest.objects.select_related("organization", "submitted_by", "decided_by", "import_run")
    return _in_networks(queryset, networks, "organization__network")


def registrations_for_editor(user):
    networks = editor_network_ids(user)
    if networks is not None and not networks:
        return OrganisationRegistration.objects.none()
    return _in_networks(OrganisationRegistration.objects.select_related("area"), networks, "network")


def problem_reports_for_editor(user):
    networks = editor_network_ids(user)
    if networks is not None and not networks:
        return ProblemReport.objects.none()
    queryset = ProblemReport.objects.select_related("service__organization")
    return _in_networks(queryset, networks, "service__organization__network")


def suggestions_for_editor(user):
    """Suggestions of the editor's networks, and those nobody could place in a network."""
    networks = editor_network_ids(user)
    if networks is not None and not networks:
        return ServiceSuggestion.objects.none()
    if networks is None:
        return ServiceSuggestion.objects.all()
    return ServiceSuggestion.objects.filter(Q(network__in=networks) | Q(network__isnull=True))


def _get(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None


def get_change_request_for_editor(request, change_request_uuid):
    require_directory_editor(request)
    return _get(change_requests_for_editor(request.user), uuid=change_request_uuid)


def get_registration_for_editor(request, registration_uuid):
    require_directory_editor(request)
    return _get(registrations_for_editor(request.user), uuid=registration_uuid)


def get_problem_report_for_editor(request, report_uuid):
    require_directory_editor(request)
    return _get(problem_reports_for_editor(request.user), uuid=report_uuid)


def get_suggestion_for_editor(request, suggestion_uuid):
    require_directory_editor(request)
    return _get(suggestions_for_editor(request.user), uuid=suggestion_uuid)


def get_service_for_editor(request, service_id):
    require_directory_editor(request)
    return _get(services_for_editor(request.user), id=service_id)


# --- imports and feeds ---------------------------------------------------------------------


def feeds_for_editor(user):
    """The feeds of the areas of the networks ``user`` edits for (all, for an administrator)."""
    networks = editor_network_ids(user)
    if networks is None:
        return Feed.objects.select_related("area")
    return Feed.objects.filter(area__networks__in=networks).select_related("area").distinct()


def import_runs_for_editor(user):
    """Runs an editor may read: their networks' feeds' pulls, and imports started by an editor
    of one of their networks (themselves included). An administrator reads every run."""
    networks = editor_network_ids(user)
    runs = ImportRun.objects.select_related("feed", "started_by")
    if networks is None:
        return runs
    if not networks:
        return runs.none()
    colleagues = PlatformRole.objects.filter(kind=PlatformRole.Kind.DIRECTORY_EDITOR, network__in=networks)
    return runs.filter(
        Q(feed__area__networks__in=networks) | Q(started_by__in=colleagues.values("user_id")) | Q(started_by=user)
    ).distinct()


def get_import_run_for_editor(request, run_uuid):
    require_directory_editor(request)
    try:
        return import_runs_for_editor(request.user).get(uuid=run_uuid)
    except (ImportRun.DoesNotExist, ValueError):
        raise Http404 from None
