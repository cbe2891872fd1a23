"""The rights pages of a person: subject access (page and JSON), erasure, legal holds; and the
organisation's list of legal holds.

Every view fetches the person through ``people.access.get_person_for_user`` with the roles of
``waymark.casework.rights`` (404 for anyone else; the opening is logged), then calls an action
there for any change.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from waymark.casework import rights
from waymark.casework.rights_forms import EraseForm, LegalHoldForm, LiftLegalHoldForm
from waymark.people.access import get_person_for_user, require_membership
from waymark.people.models import LegalHold


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _rights_person(request, person_uuid, what):
    return get_person_for_user(request, None, person_uuid, roles=rights.RIGHTS_ROLES, what=what)


@login_required
def rights_page(request, person_uuid):
    """What an organisation admin can do about a person's data: holds, subject access, erasure."""
    person = _rights_person(request, person_uuid, "rights")
    holds = list(LegalHold.objects.filter(person=person).select_related("placed_by", "lifted_by"))
    return render(
        request,
        "casework/rights.html",
        {
            "person": person,
            "active_holds": [hold for hold in holds if hold.is_active],
            "lifted_holds": [hold for hold in holds if not hold.is_active],
            "blockers": rights.erasure_blockers(person),
            "today": timezone.localdate(),
        },
    )


@login_required
def place_legal_hold(request, person_uuid):
    person = _rights_person(request, person_uuid, "legal_hold")
    form = LegalHoldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rights.do_place_legal_hold(person, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The legal hold is placed. Nothing of theirs can be erased until it is lifted.")
            )
            return redirect("casework:rights", person_uuid=person.uuid)
    return render(
        request, "casework/rights_hold_form.html", {"person": person, "form": form}, status=400 if form.errors else 200
    )


@login_required
def lift_legal_hold(request, person_uuid, hold_uuid):
    person = _rights_person(request, person_uuid, "legal_hold")
    hold = get_object_or_404(LegalHold, person=person, uuid=hold_uuid, lifted_at__isnull=True)
    form = LiftLegalHoldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rights.do_lift_legal_hold(hold, acting_user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The legal hold is lifted."))
            return redirect("casework:rights", person_uuid=person.uuid)
    return render(
        request,
        "casework/rights_lift_hold.html",
        {"person": person, "hold": hold, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def erase_person(request, person_uuid):
    """Confirm, then erase (anonymise) the person; refused, with the reasons, while held."""
    person = _rights_person(request, person_uuid, "erase")
    form = EraseForm(request.POST if request.method == "POST" else None)
    blockers = rights.erasure_blockers(person)
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            erased = rights.do_erase_person(person, acting_user=request.user)
        except ValidationError as error:
            blockers = error.messages
        else:
            messages.success(
                request,
                _("Their identity and every note about them are removed. The record stays as %(name)s for the counts.")
                % {"name": erased.display_name},
            )
            return redirect("casework:rights", person_uuid=person.uuid)
    refused = request.method == "POST" and (blockers or form.errors)
    return render(
        request,
        "casework/rights_erase.html",
        {"person": person, "form": form, "blockers": blockers},
        status=400 if refused else 200,
    )


def _language_choices():
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


@never_cache
@login_required
def subject_access(request, person_uuid):
    """Everything held about the person, readable and printable, in their language."""
    person = get_person_for_user(request, None, person_uuid, roles=rights.SUBJECT_ACCESS_ROLES, what="subject_access")
    codes = {code for code, _name in settings.LANGUAGES}
    language = request.GET.get("language")
    if language not in codes:
        language = rights.subject_access_language(person)
    include_concerns = rights.may_see_concerns(request.membership)
    # Said to the member of staff in their own language, before the page turns to the person's.
    staff = {
        "review": _(
            "Before you hand this copy over, the safeguarding lead must review the safeguarding part: "
            "information whose disclosure would put someone at risk may be withheld. This notice is not printed."
        ),
        "withheld": _(
            "The safeguarding concerns are left out of your copy: ask a safeguarding lead or an organisation admin "
            "to add them after review."
        ),
        "language": _("This copy is in %(language)s. Show it in:")
        % {"language": get_language_info(language)["name_local"]},
        "show": _("Show"),
        "download": _("Download as JSON"),
        "download_files": _("Download as JSON with the attached files"),
    }
    with translation.override(language):
        data = rights.subject_access_data(person, include_concerns=include_concerns, readable_dates=True)
        response = render(
            request,
            "casework/subject_access.html",
            {
                "person": person,
                "data": data,
                "staff": staff,
                "include_concerns": include_concerns,
                "language": language,
                "languages": _language_choices(),
            },
        )
    rights.do_record_subject_access(
        person, acting_user=request.user, organisation=request.membership.organisation, form="page"
    )
    return response


@never_cache
@login_required
def subject_access_json(request, person_uuid):
    """The same, as a JSON file to download (``?files=1`` adds the attachments, base64)."""
    person = get_person_for_user(request, None, person_uuid, roles=rights.SUBJECT_ACCESS_ROLES, what="subject_access")
    codes = {code for code, _name in settings.LANGUAGES}
    language = request.GET.get("language")
    if language not in codes:
        language = rights.subject_access_language(person)
    include_files = request.GET.get("files") == "1"
    with translation.override(language):
        data = rights.subject_access_data(
            person, include_concerns=rights.may_see_concerns(request.membership), include_files=include_files
        )
    rights.do_record_subject_access(
        person, acting_user=request.user, organisation=request.membership.organisation, form="json"
    )
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="subject-access-{person.reference}-{stamp}.json"'
    return response


# How many active holds the organisation page lists at most (it says if there are more).
HOLDS_SHOWN = 200


@login_required
def legal_holds(request):
    """The organisation's active legal holds, those due for review first."""
    membership = require_membership(request, roles=rights.RIGHTS_ROLES)
    today = timezone.localdate()
    holds = (
        LegalHold.objects.filter(person__organisation=membership.organisation, lifted_at__isnull=True)
        .select_related("person", "placed_by")
        .order_by("review_on", "id")
    )
    holds = list(holds[: HOLDS_SHOWN + 1])
    return render(
        request,
        "casework/rights_holds.html",
        {
            "due": [hold for hold in holds[:HOLDS_SHOWN] if hold.review_on <= today],
            "later": [hold for hold in holds[:HOLDS_SHOWN] if hold.review_on > today],
            "more": len(holds) > HOLDS_SHOWN,
            "today": today,
        },
    )
