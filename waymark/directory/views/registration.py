"""Add your organisation: the public form, its confirmation, and the editors' review.

The public pages need no account and keep nothing about the visitor: no session is written
and no message flashed (both would set a cookie); the rate limit knows the client only by a
keyed hash of its address. The form works without JavaScript: the organisation, a contact and
up to three services on one page.
"""

import re
from difflib import SequenceMatcher

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import get_language, get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from waymark.accounts.models import Organisation
from waymark.directory.access import get_registration_for_editor
from waymark.directory.actions import IllegalTransition
from waymark.directory.actions import registration as actions
from waymark.directory.forms.registration import RegistrationDecisionForm, RegistrationForm, service_forms
from waymark.directory.listing_data import describe_opening_time, language_name
from waymark.directory.models import NEEDS_TAXONOMY_NAME, OrganisationRegistration, Organization, Service, TaxonomyTerm
from waymark.lib import ratelimit
from waymark.places.models import Area

# Requests per client per hour: an organisation sends one; a script is held back.
RATE_LIMIT = 5
RATE_WINDOW = 3600

OVER_LIMIT = gettext_lazy(
    "You have sent a lot in a short time, so we cannot take this one now. Please try again in an hour."
)


def _error_summary(form, services):
    """Every error on the page, each linking to its field; a service's errors name the service."""
    entries = [{"href": "", "text": error} for error in form.non_field_errors()]
    for field in form:
        entries += [{"href": field.id_for_label, "text": f"{field.label}: {error}"} for error in field.errors]
    for number, service_form in enumerate(services, start=1):
        prefix = _("Service %(number)s") % {"number": number}
        entries += [{"href": "", "text": f"{prefix}: {error}"} for error in service_form.non_field_errors()]
        for field in service_form:
            entries += [
                {"href": field.id_for_label, "text": f"{prefix}, {field.label}: {error}"} for error in field.errors
            ]
    return entries


@require_http_methods(["GET", "POST"])
def register(request):
    """ "Add your organisation": its details, a contact and its first services."""
    language = get_language()
    data = request.POST if request.method == "POST" else None
    form = RegistrationForm(data)
    services = service_forms(data, language=language)
    status = 200
    if data is not None:
        # Every form is checked, so that all the page's mistakes are shown at once.
        valid = [form.is_valid(), *(service_form.is_valid() for service_form in services)]
        if all(valid):
            # Counted only once valid: a person correcting a mistake is not held back.
            if ratelimit.hit(request, "directory.registration", limit=RATE_LIMIT, per=RATE_WINDOW):
                actions.do_submit_registration(
                    form.registration_details(),
                    [service_form.service_data() for service_form in services if service_form.is_filled_in],
                    language=language,
                )
                return redirect("directory:register_sent")
            form.add_error(None, OVER_LIMIT)
            status = 429
    return render(
        request,
        "directory/registration/register.html",
        {"form": form, "services": services, "errors": _error_summary(form, services)},
        status=status,
    )


@require_GET
def register_sent(request):
    """The confirmation: the request is with the editors, and an e-mail is on its way."""
    return render(request, "directory/registration/sent.html")


# Words that say nothing about which organisation it is.
_COMMON_WORDS = {
    "the",
    "and",
    "of",
    "for",
    "ltd",
    "limited",
    "cic",
    "cio",
    "charity",
    "trust",
    "group",
    "project",
    "centre",
    "center",
    "association",
    "uk",
}


def _name_words(name):
    return [word for word in re.findall(r"\w+", name.casefold()) if word not in _COMMON_WORDS]


def _looks_alike(words, other):
    other_words = _name_words(other)
    if not words or not other_words:
        return False
    mine, theirs = " ".join(words), " ".join(other_words)
    if mine == theirs or (len(mine) >= 5 and (mine in theirs or theirs in mine)):
        return True
    return SequenceMatcher(None, mine, theirs).ratio() >= 0.8


def similar_organisations(registration, limit=5):
    """Organisations on the map or on Waymark whose name looks like the registration's.

    Candidates are those sharing one of the name's telling words (found by the database), then
    compared as whole names in Python.
    """
    words = _name_words(registration.name)
    telling = sorted({word for word in words if len(word) >= 3}, key=len, reverse=True)[:3]
    if not telling:
        return []
    found = []
    sources = [
        (Organization.objects.all(), _("on the map")),
        (Organisation.objects.all(), _("on Waymark")),
    ]
    for queryset, where in sources:
        query = Q()
        for word in telling:
            query |= Q(name__icontains=word)
        for name in queryset.filter(query).values_list("name", flat=True)[:200]:
            if _looks_alike(words, name):
                found.append({"name": name, "where": where})
    return found[:limit]


def _described_services(registration):
    """The stored services with their values named for people (needs, situations, languages…)."""
    slugs = {slug for service in registration.services for slug in service.get("needs", [])}
    need_names = dict(
        TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME, slug__in=slugs).values_list("slug", "name")
    )
    area_slugs = {(service.get("where") or {}).get("area") for service in registration.services}
    area_names = dict(Area.objects.filter(slug__in=area_slugs - {None, ""}).values_list("slug", "name"))
    described = []
    for service in registration.services:
        where = service.get("where") or {}
        described.append(
            {
                "data": service,
                "where": where,
                "area_name": area_names.get(where.get("area"), registration.area.name),
                "needs": [need_names.get(slug, slug) for slug in service.get("needs", [])],
                "for": [Service.ImmigrationSituation(value).label for value in service.get("for", [])],
                "access": [Service.AccessMethod(value).label for value in service.get("access", [])],
                "gender": Service.Gender(service.get("gender") or Service.Gender.ANY).label,
                "languages": [language_name(code) for code in service.get("languages", [])],
                "opening_times": [describe_opening_time(entry) for entry in service.get("opening_times", [])],
                "regulator": Service.Regulator(service["advice_regulator"]).label
                if service.get("advice_regulator")
                else "",
            }
        )
    return described


@login_required
@require_http_methods(["GET", "POST"])
def review_registration(request, registration_uuid):
    """A directory editor reviews a registration: everything sent, look-alike names, a decision."""
    registration = get_registration_for_editor(request, registration_uuid)
    is_pending = registration.status == OrganisationRegistration.Status.PENDING
    form = RegistrationDecisionForm(request.POST if request.method == "POST" and is_pending else None)
    if request.method == "POST" and not is_pending:
        messages.error(request, _("This has already been dealt with."))
        return redirect("directory:review_registration", registration_uuid=registration.uuid)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == RegistrationDecisionForm.APPROVE:
                actions.do_approve_registration(
                    registration, reason=form.cleaned_data["reason"], acting_user=request.user
                )
                messages.success(
                    request,
                    _("%(name)s is on the map, and its contact has been invited to Waymark.")
                    % {"name": registration.name},
                )
            else:
                actions.do_reject_registration(
                    registration, reason=form.cleaned_data["reason"], acting_user=request.user
                )
                messages.success(
                    request,
                    _("The request from %(name)s was rejected; the contact has been told why.")
                    % {"name": registration.name},
                )
        except IllegalTransition as error:
            messages.error(request, error.message)
            return redirect("directory:review_registration", registration_uuid=registration.uuid)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            return redirect("directory:editors_dashboard")
    try:
        language = get_language_info(registration.language)["name_translated"]
    except KeyError:
        language = registration.language
    return render(
        request,
        "directory/registration/review.html",
        {
            "registration": registration,
            "is_pending": is_pending,
            "language": language,
            "services": _described_services(registration),
            "similar": similar_organisations(registration) if is_pending else [],
            "form": form,
        },
    )
