"""The people pages: finding, registering and keeping a person's record, their consents, the
privacy notice and the Waymark card.

Every view fetches through ``people.access`` first (404 for anyone who may not), then calls an
action for any change.
"""

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from waymark.people import access, actions
from waymark.people.forms import (
    ConsentForm,
    HouseholdMemberForm,
    JourneyForm,
    MergeForm,
    OptionalJourneyForm,
    PersonForm,
    RegistrationConsentForm,
    SearchForm,
    interface_language_choices,
)
from waymark.people.identifiers import normalise_reference
from waymark.people.models import Consent, HouseholdMember
from waymark.people.search import find_duplicates, find_people

# The list page without a search shows the most recently registered people.
RECENT = 50


def _add_errors(form, error):
    """Put an action's ValidationError on the form's fields (or the form) it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def people_list(request):
    """Find a person by a few letters of their name, card reference, phone or date of birth."""
    membership = access.require_membership(request)
    people = access.people_for_membership(membership)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    if query:
        found = find_people(membership.organisation, query, people=people)
        # A card reference opens the person straight away, as a scan of their card does.
        if len(found) == 1 and normalise_reference(query) == found[0].reference:
            return redirect("people:person", person_uuid=found[0].uuid)
    else:
        found = list(people.select_related("home_area").order_by("-registered_at", "-id")[:RECENT])
    return render(
        request,
        "people/list.html",
        {"form": form, "query": query, "people": found, "organisation": membership.organisation},
    )


@login_required
def register(request):
    """Register a person with the minimum data, after checking they are not already known."""
    membership = access.require_membership(request)
    organisation = membership.organisation
    data = request.POST if request.method == "POST" else None
    person_form = PersonForm(data)
    journey_form = OptionalJourneyForm(data)
    consent_form = RegistrationConsentForm(data, initial={"privacy_notice_language": translation.get_language()})
    forms = [person_form, journey_form, consent_form]
    duplicates = []
    if request.method == "POST" and all([form.is_valid() for form in forms]):
        details = person_form.details()
        if not consent_form.cleaned_data["confirm_new"]:
            duplicates = find_duplicates(
                organisation,
                display_name=person_form.cleaned_data["display_name"],
                phone=details["phone"],
                date_of_birth=details["date_of_birth"],
                people=access.people_for_membership(membership),
            )
        if not duplicates:
            try:
                person = actions.do_register_person(
                    organisation,
                    acting_user=request.user,
                    display_name=person_form.cleaned_data["display_name"],
                    consent_how=consent_form.cleaned_data["consent_how"],
                    privacy_notice_language=consent_form.cleaned_data["privacy_notice_language"],
                    contact_consent=consent_form.cleaned_data["contact_consent"],
                    journey=journey_form.journey(),
                    **details,
                )
            except ValidationError as error:
                _add_errors(person_form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s is registered. Their card reference is %(reference)s.")
                    % {"name": person.display_name, "reference": person.printed_reference},
                )
                return redirect("people:person", person_uuid=person.uuid)
    return render(
        request,
        "people/register.html",
        {
            "person_form": person_form,
            "journey_form": journey_form,
            "consent_form": consent_form,
            "forms": forms,
            "duplicates": duplicates,
            "organisation": organisation,
        },
        status=400 if request.method == "POST" and not duplicates else 200,
    )


# How many of a person's visits their page lists (the count says how many there are in all).
VISITS_SHOWN = 20
# And how many of their referrals.
PERSON_REFERRALS_SHOWN = 10
# And the latest services they were told about.
SIGNPOSTINGS_SHOWN = 20


@login_required
def person_detail(request, person_uuid):
    """A person's record: what the member's roles allow them to see."""
    person = access.get_person_for_user(request, None, person_uuid, include_merged=True)
    if person.is_merged:
        messages.info(request, _("This record was merged into another one: here it is."))
        return redirect("people:person", person_uuid=person.merged_into.uuid)
    sees_details = access.can_see_details(request.membership)
    # The visit history (every role sees it): the latest first, with what was raised.
    visits = person.visits.select_related("session__hub", "session__site").prefetch_related("needs")
    visits = visits.order_by("-session__date", "-checked_in_at")
    context = {
        "person": person,
        "visits": list(visits[:VISITS_SHOWN]),
        "visit_count": visits.count(),
        # Signposting by this organisation, latest first (every role sees it, as at a check-in).
        "signpostings": list(
            person.signpostings.filter(organisation_id=person.organisation_id).select_related("service__organization")[
                :SIGNPOSTINGS_SHOWN
            ]
        ),
        "sees_details": sees_details,
        "can_merge": access.can_merge(request.membership),
        "may_contact": person.may_contact(),
        **_casework_links(request.membership),
    }
    if context["can_do_casework"]:
        # The person's latest referrals (the referral roles are the casework roles): one query.
        from waymark.referrals import access as referrals_access

        context["person_referrals"] = list(
            referrals_access.outgoing_for_membership(request.membership).filter(person=person)[:PERSON_REFERRALS_SHOWN]
        )
    if sees_details:
        context.update(
            journey=list(person.journey.select_related("accommodation_site__area", "recorded_by")),
            household=list(person.household.all()),
            consents=list(person.consents.select_related("recipient_organisation", "recorded_by", "withdrawn_by")),
            merged_records=list(person.merged_records.all()),
        )
    return render(request, "people/person.html", context)


def _casework_links(membership):
    """Which of the person's casework pages the member's roles open (the pages check again)."""
    from waymark.casework import access as casework_access
    from waymark.casework.rights import RIGHTS_ROLES, SUBJECT_ACCESS_ROLES

    return {
        "can_assess": casework_access.can_assess(membership),
        "can_do_casework": casework_access.can_do_casework(membership),
        "can_raise_concern": casework_access.can_raise_concern(membership),
        "can_use_rights": membership is not None and membership.has_role(*RIGHTS_ROLES),
        "can_see_subject_access": membership is not None and membership.has_role(*SUBJECT_ACCESS_ROLES),
    }


@login_required
def edit(request, person_uuid):
    person = access.get_person_for_user(request, None, person_uuid, roles=access.DETAIL_ROLES, what="edit")
    if person.anonymised_at is not None:
        messages.error(request, _("This record was anonymised: there is nothing left to change."))
        return redirect("people:person", person_uuid=person.uuid)
    initial = {name: getattr(person, name) for name in PersonForm.base_fields}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _person, changed = actions.do_update_person(
                person, acting_user=request.user, display_name=form.cleaned_data["display_name"], **form.details()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if changed:
                messages.success(
                    request, _("The record of %(name)s is saved.") % {"name": form.cleaned_data["display_name"]}
                )
            return redirect("people:person", person_uuid=person.uuid)
    return render(request, "people/edit.html", {"person": person, "form": form}, status=400 if form.errors else 200)


@login_required
def journey(request, person_uuid):
    """Record where the person is in their asylum journey now; the history stays."""
    person = access.get_person_for_user(request, None, person_uuid, roles=access.DETAIL_ROLES, what="journey")
    current = person.current_journey()
    initial = {}
    if current is not None:
        initial = {
            "stage": current.stage,
            "support_type": current.support_type,
            "accommodation_type": current.accommodation_type,
            "accommodation_site": current.accommodation_site,
        }
    form = JourneyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_journey(person, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The journey of %(name)s is updated.") % {"name": person.display_name})
            return redirect("people:person", person_uuid=person.uuid)
    return render(
        request,
        "people/journey.html",
        {"person": person, "form": form, "current": current},
        status=400 if form.errors else 200,
    )


@login_required
def household(request, person_uuid):
    """Add someone to the person's household."""
    person = access.get_person_for_user(request, None, person_uuid, roles=access.DETAIL_ROLES, what="household")
    form = HouseholdMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_household_member(person, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The household member is added."))
            return redirect("people:person", person_uuid=person.uuid)
    return render(
        request,
        "people/household.html",
        {"person": person, "form": form, "household": list(person.household.all())},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def remove_household_member(request, person_uuid, member_uuid):
    person = access.get_person_for_user(request, None, person_uuid, roles=access.DETAIL_ROLES, what="household")
    member = get_object_or_404(HouseholdMember, person=person, uuid=member_uuid)
    actions.do_remove_household_member(member, acting_user=request.user)
    messages.success(request, _("The household member is removed."))
    return redirect("people:household", person_uuid=person.uuid)


@login_required
def consents(request, person_uuid):
    """The person's consents, active and past, and a form to record a new one."""
    person = access.get_person_for_user(request, None, person_uuid, roles=access.DETAIL_ROLES, what="consents")
    form = ConsentForm(
        request.POST or None,
        organisation=person.organisation,
        initial={"privacy_notice_language": person.contact_language or translation.get_language()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expires_on = data.pop("expires_on")
        try:
            actions.do_record_consent(
                person,
                acting_user=request.user,
                expires_at=_end_of_day(expires_on) if expires_on else None,
                **data,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect("people:consents", person_uuid=person.uuid)
    now = timezone.now()
    all_consents = list(person.consents.select_related("recipient_organisation", "recorded_by", "withdrawn_by"))
    return render(
        request,
        "people/consents.html",
        {
            "person": person,
            "form": form,
            "active_consents": [consent for consent in all_consents if consent.is_active(now)],
            "past_consents": [consent for consent in all_consents if not consent.is_active(now)],
        },
        status=400 if form.errors else 200,
    )


def _end_of_day(day):
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.max.time()))


@login_required
@require_POST
def withdraw_consent(request, person_uuid, consent_uuid):
    person = access.get_person_for_user(request, None, person_uuid, roles=access.DETAIL_ROLES, what="consents")
    consent = get_object_or_404(Consent, person=person, uuid=consent_uuid)
    try:
        actions.do_withdraw_consent(consent, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("The consent “%(purpose)s” is withdrawn.") % {"purpose": consent.get_purpose_display()}
        )
    return redirect("people:consents", person_uuid=person.uuid)


@login_required
def merge(request, person_uuid):
    """Merge another record of the same person into this one: find it by its card reference,
    see both side by side, then confirm."""
    person = access.get_person_for_user(request, None, person_uuid, roles=access.MERGE_ROLES, what="merge")
    form = MergeForm(request.POST or None)
    other = None
    if request.method == "POST" and form.is_valid():
        other = (
            access.people_for_membership(request.membership)
            .filter(reference=form.cleaned_data["reference"])
            .exclude(pk=person.pk)
            .first()
        )
        if other is None:
            form.add_error("reference", _("No other current record of your organisation has this card reference"))
        elif form.cleaned_data["confirm"]:
            try:
                actions.do_merge_people(person, other, acting_user=request.user)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(other)s (%(reference)s) is merged into this record.")
                    % {"other": other.display_name, "reference": other.printed_reference},
                )
                return redirect("people:person", person_uuid=person.uuid)
    return render(
        request,
        "people/merge.html",
        {"person": person, "form": form, "other": other},
        status=400 if form.errors else 200,
    )


@login_required
def privacy_notice(request):
    """The privacy notice to show or print for someone before they are registered, in the
    language chosen (``?language=``), naming the organisation acted for."""
    membership = access.require_membership(request)
    languages = dict(interface_language_choices())
    language = request.GET.get("language") or translation.get_language()
    if language not in languages:
        raise Http404
    with translation.override(language):
        # Rendered to a string inside override, so every {% translate %} in it is in their language.
        notice = render(
            request,
            "people/privacy_notice.html",
            {
                "organisation": membership.organisation,
                "notice_language": language,
                "notice_bidi": translation.get_language_bidi(),
                "languages": languages.items(),
            },
        )
    return notice


@login_required
def card(request, person_uuid):
    """The printable Waymark card: their name to call them by, their reference and a QR code
    of the staff link that opens them. Nothing else about them is on it."""
    person = access.get_person_for_user(request, None, person_uuid, what="card")
    # Without a language prefix, on the site's own address: the card outlives the page it was
    # printed from.
    with translation.override(settings.LANGUAGE_CODE):
        link = settings.SITE_URL + reverse("people:card", kwargs={"reference": person.reference})
    qr = segno.make(link, error="m")
    # A data: URI in an <img>, which the CSP allows (img-src data:), rather than inline SVG markup.
    svg = qr.svg_inline(scale=4, border=2, omitsize=False)
    data_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
    return render(request, "people/card.html", {"person": person, "qr_data_uri": data_uri, "card_link": link})


@login_required
def card_scan(request, reference):
    """Where a Waymark card's QR code leads: for a member of the person's organisation, their
    check-in at today's session of a hub the member works at (one press checks them in), or
    else the person; for anyone else, "not found"."""
    from waymark.hubs.access import todays_session_for

    normalised = normalise_reference(reference)
    if normalised is None:
        raise Http404
    person = access.get_person_by_reference(request, normalised)
    session = todays_session_for(request, person.organisation)
    if session is not None:
        url = reverse("hubs:session", kwargs={"session_uuid": session.uuid})
        return redirect(f"{url}?person={person.uuid}#check-in")
    return redirect("people:person", person_uuid=person.uuid)
