"""What the public tells us: problem reports, suggestions and feedback; and who deals with it.

The three public forms need no account and keep nothing about the visitor: no session is
written, no message is flashed (both would set a cookie), and the rate limit knows the
client only by a keyed hash of its address. They work without JavaScript and end on a
thank-you page. Only services on the public map can be reported or reviewed (404 otherwise).
"""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from waymark.directory.access import (
    get_problem_report_for_editor,
    get_suggestion_for_editor,
    own_services,
    require_listing_manager,
)
from waymark.directory.actions import IllegalTransition
from waymark.directory.actions import public_input as actions
from waymark.directory.forms.public_input import (
    FeedbackForm,
    ProblemDecisionForm,
    ProblemReportForm,
    ServiceSuggestionForm,
    SuggestionDecisionForm,
)
from waymark.directory.models import ProblemReport, Service, ServiceFeedback, ServiceSuggestion
from waymark.lib import ratelimit

# Sends per client per hour for each public form: plenty for a person, little for a script.
RATE_LIMITS = {"problem": 10, "suggestion": 5, "feedback": 10}
RATE_WINDOW = 3600

OVER_LIMIT = gettext_lazy(
    "You have sent a lot in a short time, so we cannot take this one now. Please try again in an hour."
)

# Feedback figures shown outside the organisation that runs the service hide any count below
# this, so that nobody can single out one person's answer.
SUPPRESS_BELOW = 5


def _public_service(service_id):
    try:
        return Service.objects.public().select_related("organization").get(id=service_id)
    except Service.DoesNotExist:
        raise Http404 from None


def _thanks_url(sent, service=None):
    query = {"sent": sent}
    if service is not None:
        query["service"] = str(service.id)
    return reverse("directory:thanks") + "?" + urlencode(query)


def _public_form(request, form_class, sent, template, context, save):
    """The pattern the three public forms share: validate, rate-limit, save, thank."""
    form = form_class(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        # Counted only once valid: a person correcting a mistake is not held back.
        if ratelimit.hit(request, f"directory.{sent}", limit=RATE_LIMITS[sent], per=RATE_WINDOW):
            save(form.cleaned_data)
            return redirect(_thanks_url(sent, context.get("service")))
        form.add_error(None, OVER_LIMIT)
        status = 429
    return render(request, template, {**context, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def report_problem(request, service_id):
    """ "Report a problem" with a listing: closed, wrong hours, wrong contact or something else."""
    service = _public_service(service_id)

    def save(data):
        actions.do_report_problem(service, kind=data["kind"], details=data["details"], language=get_language())

    return _public_form(
        request, ProblemReportForm, "problem", "directory/public_input/report_problem.html", {"service": service}, save
    )


@require_http_methods(["GET", "POST"])
def feedback(request, service_id):
    """ "How did it go?": anonymous feedback for the organisation that runs the service."""
    service = _public_service(service_id)

    def save(data):
        actions.do_give_feedback(
            service,
            got_help=data["got_help"],
            treated_well=data["treated_well"],
            comment=data["comment"],
            language=get_language(),
        )

    return _public_form(
        request, FeedbackForm, "feedback", "directory/public_input/feedback.html", {"service": service}, save
    )


@require_http_methods(["GET", "POST"])
def suggest_service(request):
    """ "Suggest a service" the map does not have yet."""

    def save(data):
        actions.do_suggest_service(**data, language=get_language())

    return _public_form(
        request, ServiceSuggestionForm, "suggestion", "directory/public_input/suggest_service.html", {}, save
    )


def thanks(request):
    """Thank-you page after any of the public forms, with a way back to the service."""
    sent = request.GET.get("sent", "")
    service = None
    service_id = request.GET.get("service", "")
    if service_id:
        try:
            service = Service.objects.public().filter(id=uuid.UUID(service_id)).first()
        except ValueError:
            service = None  # a mangled address: thank them all the same
    return render(
        request,
        "directory/public_input/thanks.html",
        {"sent": sent if sent in RATE_LIMITS else "", "service": service},
    )


# --- the organisation's own feedback ----------------------------------------------------------


def feedback_figures(services, *, suppress_below=0):
    """Counts of feedback answers per service, in one query.

    Returns one dict per service of ``services`` (in order): ``service``, ``total``,
    ``got_help`` and ``treated_well`` (each {answer: count} over yes/partly/no). A count
    under ``suppress_below`` becomes None (shown as "fewer than N"): figures shown outside
    the owning organisation pass SUPPRESS_BELOW.
    """
    answers = ServiceFeedback.Answer.values
    rows = {
        service.id: {
            "service": service,
            "total": 0,
            "got_help": dict.fromkeys(answers, 0),
            "treated_well": dict.fromkeys(answers, 0),
        }
        for service in services
    }
    counts = (
        ServiceFeedback.objects.filter(service_id__in=rows.keys())
        .values("service_id", "got_help", "treated_well")
        .annotate(count=Count("id"))
        .order_by()
    )
    for count in counts:
        row = rows[count["service_id"]]
        row["total"] += count["count"]
        row["got_help"][count["got_help"]] += count["count"]
        if count["treated_well"]:
            row["treated_well"][count["treated_well"]] += count["count"]

    def shown(number):
        return None if number < suppress_below else number

    for row in rows.values():
        row["total"] = shown(row["total"])
        for question in ("got_help", "treated_well"):
            row[question] = [(answer, shown(row[question][answer])) for answer in answers]
    return list(rows.values())


# How many written comments the page shows, newest first.
COMMENTS_SHOWN = 100


@login_required
def own_feedback(request):
    """What people said about the organisation's services: figures per service and comments.

    For the organisation's listing managers only; the figures are the owner's own, so small
    counts are shown as they are.
    """
    organization = require_listing_manager(request)
    services = list(own_services(organization).order_by("name"))
    figures = [row for row in feedback_figures(services) if row["total"]]
    comments = list(
        ServiceFeedback.objects.filter(service__organization=organization)
        .exclude(comment="")
        .select_related("service")
        .order_by("-created_at")[:COMMENTS_SHOWN]
    )
    return render(
        request,
        "directory/public_input/own_feedback.html",
        {
            "organization": organization,
            "figures": figures,
            "comments": comments,
            "answers": ServiceFeedback.Answer.choices,
        },
    )


# --- editors ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review_problem(request, report_uuid):
    """A problem report: what was said, the listing, and resolve or dismiss with a note."""
    report = get_problem_report_for_editor(request, report_uuid)
    is_open = report.status == ProblemReport.Status.OPEN
    form = ProblemDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == ProblemDecisionForm.RESOLVE:
                actions.do_resolve_problem(
                    report,
                    resolution=data["resolution"],
                    mark_checked=data["mark_checked"],
                    method=data["check_method"],
                    acting_user=request.user,
                )
                messages.success(request, _("The problem report is resolved."))
            else:
                actions.do_dismiss_problem(report, resolution=data["resolution"], acting_user=request.user)
                messages.success(request, _("The problem report is dismissed."))
        except IllegalTransition as error:
            messages.error(request, error.message)
            return redirect("directory:review_problem", report_uuid=report.uuid)
        return redirect("directory:editors_dashboard")
    return render(
        request,
        "directory/editors/review_problem.html",
        {
            "report": report,
            "service": report.service,
            "check_state": report.service.check_state(),
            "is_public": Service.objects.public().filter(pk=report.service_id).exists(),
            "is_open": is_open,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_suggestion(request, suggestion_uuid):
    """A suggested service: what was said, and added or dismissed with a note."""
    suggestion = get_suggestion_for_editor(request, suggestion_uuid)
    form = SuggestionDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == SuggestionDecisionForm.ADDED:
                actions.do_mark_suggestion_added(suggestion, resolution=data["resolution"], acting_user=request.user)
                messages.success(request, _("The suggestion is marked as added."))
            else:
                actions.do_dismiss_suggestion(suggestion, resolution=data["resolution"], acting_user=request.user)
                messages.success(request, _("The suggestion is dismissed."))
        except IllegalTransition as error:
            messages.error(request, error.message)
            return redirect("directory:review_suggestion", suggestion_uuid=suggestion.uuid)
        return redirect("directory:editors_dashboard")
    return render(
        request,
        "directory/editors/review_suggestion.html",
        {
            "suggestion": suggestion,
            "is_open": suggestion.status == ServiceSuggestion.Status.OPEN,
            "form": form,
        },
    )
