"""Checks: the owner's "still correct?" page, and the directory editors' dashboard.

The "still correct?" page is opened from an e-mail without signing in. Its GET only shows
the listing and a confirm button; the POST confirms. Mail scanners fetch links to look for
malware, so a GET that confirmed would confirm listings nobody read.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from waymark.accounts.models import PlatformRole
from waymark.directory.access import (
    change_requests_for_editor,
    get_service_for_editor,
    problem_reports_for_editor,
    registrations_for_editor,
    require_directory_editor,
    services_for_editor,
    suggestions_for_editor,
)
from waymark.directory.actions import IllegalTransition
from waymark.directory.actions.verification import (
    CHECKED_STATUSES,
    LinkUnusable,
    do_confirm_listing,
    do_mark_checked,
    get_verification_link,
)
from waymark.directory.forms.public_input import MarkCheckedForm
from waymark.directory.models import (
    ChangeRequest,
    OrganisationRegistration,
    ProblemReport,
    ServiceSuggestion,
)
from waymark.directory.opening import describe_opening_times


def _unusable(request, error):
    """The page for a link that cannot confirm anything: why, and what to do instead."""
    link = error.link
    service = link.service if link is not None else None
    # A colleague may have confirmed with their own link, or this one was pressed twice.
    already_confirmed = service is not None and service.verified_at is not None and service.verified_at >= link.sent_at
    return render(
        request,
        "directory/verification/link_unusable.html",
        {"reason": error.reason, "already_confirmed": already_confirmed, "service": service},
        status=404 if error.reason == "unknown" else 410,
    )


def _listing_facts(service):
    """What the owner is asked to look over: the listing's main facts, in a few queries."""
    locations = [
        sal.location
        for sal in service.service_at_locations.select_related("location__area").prefetch_related("location__addresses")
    ]
    return {
        "service": service,
        "organization": service.organization,
        "phones": list(service.phones.all()),
        "locations": locations,
        "opening_times": describe_opening_times(list(service.schedules.all())),
        "last_checked": service.last_checked_at,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request, link_uuid, token):
    """ "Still correct?": GET shows the listing and a confirm button; only POST confirms."""
    try:
        link = get_verification_link(link_uuid, token)
    except LinkUnusable as error:
        return _unusable(request, error)
    if request.method == "POST":
        try:
            service = do_confirm_listing(link, acting_user=request.user if request.user.is_authenticated else None)
        except IllegalTransition:
            # Pressed twice at once, or the link ran out while the page was open.
            return _unusable(request, LinkUnusable("used", link))
        return render(request, "directory/verification/confirmed.html", {"service": service})
    return render(request, "directory/verification/verify.html", {"link": link, **_listing_facts(link.service)})


# How many rows each list of the dashboard shows; the counts cover them all.
LIST_LIMIT = 50


@login_required
def editors_dashboard(request):
    """The directory editors' queue: listings due a check, changes, registrations, reports, suggestions.

    Directory editors see their networks' work, administrators everybody's; anyone else 404.
    """
    networks = require_directory_editor(request)
    user = request.user
    now = timezone.now()
    due_before = now - timedelta(days=settings.DIRECTORY_VERIFY_AFTER_DAYS)
    stale_before = now - timedelta(days=settings.DIRECTORY_STALE_AFTER_DAYS)
    hidden_before = now - timedelta(days=settings.DIRECTORY_HIDE_AFTER_DAYS)

    checked = (
        services_for_editor(user)
        .filter(status__in=CHECKED_STATUSES)
        .annotate(last_checked=Coalesce("verified_at", "created_at"))
    )
    check_counts = checked.aggregate(
        due=Count("id", filter=Q(last_checked__lte=due_before, last_checked__gt=stale_before)),
        stale=Count("id", filter=Q(last_checked__lte=stale_before, last_checked__gt=hidden_before)),
        hidden=Count("id", filter=Q(last_checked__lte=hidden_before)),
    )
    unchecked = list(checked.filter(last_checked__lte=due_before).order_by("last_checked", "id")[:LIST_LIMIT])
    for service in unchecked:
        service.state = service.check_state(now)

    changes = change_requests_for_editor(user).filter(status=ChangeRequest.Status.PENDING).order_by("submitted_at")
    registrations = registrations_for_editor(user).filter(status=OrganisationRegistration.Status.PENDING)
    registrations = registrations.order_by("submitted_at")
    problems = problem_reports_for_editor(user).filter(status=ProblemReport.Status.OPEN).order_by("created_at")
    suggestions = (
        suggestions_for_editor(user)
        .filter(status=ServiceSuggestion.Status.OPEN)
        .select_related("network")
        .order_by("created_at")
    )
    network_names = (
        None
        if networks is None
        else list(
            PlatformRole.objects.filter(user=user, kind=PlatformRole.Kind.DIRECTORY_EDITOR)
            .select_related("network")
            .values_list("network__name", flat=True)
            .order_by("network__name")
        )
    )
    return render(
        request,
        "directory/editors/dashboard.html",
        {
            "network_names": network_names,
            "check_counts": check_counts,
            "unchecked": unchecked,
            "unchecked_total": sum(check_counts.values()),
            "changes": list(changes[:LIST_LIMIT]),
            "changes_total": changes.count(),
            "registrations": list(registrations[:LIST_LIMIT]),
            "registrations_total": registrations.count(),
            "problems": list(problems[:LIST_LIMIT]),
            "problems_total": problems.count(),
            "suggestions": list(suggestions[:LIST_LIMIT]),
            "suggestions_total": suggestions.count(),
            "mark_checked_form": MarkCheckedForm(),
        },
    )


@login_required
@require_POST
def mark_checked(request, service_id):
    """An editor checked a listing by phone, e-mail or a visit and found it right."""
    service = get_service_for_editor(request, service_id)
    form = MarkCheckedForm(request.POST)
    if form.is_valid():
        do_mark_checked(service, form.cleaned_data["method"], acting_user=request.user)
        messages.success(request, _("%(service)s is marked as checked.") % {"service": service.name})
    else:
        messages.error(request, _("Choose how you checked %(service)s.") % {"service": service.name})
    return redirect("directory:editors_dashboard")
