"""The referral pages: making a referral, its page for the sender and the receiver, answering it.

- "Make a referral" (``referral_new``, ``referrals/new/?person=…``): search the map for the
  service (or come from a suggestion with ``service=``), the need, what the service should know,
  and the person's consent, with the words to read out in their language. A safeguarding
  referral may be made without consent about an open concern; its lawful reason and what to
  share are given when it is sent. Saving makes a draft and opens its page.
- The referral's page (``referral_detail``) for both sides, through ``access`` (404 for anyone
  else): its state, deadline, history and the shared details the side may see, and the forms
  that fit who is looking, the state and how it was sent: the eligibility review and "send" on
  a draft; accept, decline, redirect on one waiting for an answer (the receiver for the inbox,
  the sender for a letter); complete on an accepted one; withdraw for the sender.

Each form posts to a URL of its own and goes through one ``flow`` action. A refusal re-renders
the page with the message: 409 when the move is not possible from this state (or for this side),
400 when a rule refused it (no consent, not eligible, not regulated) or the form was incomplete.
"""

import uuid
from contextlib import suppress
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from waymark.casework.access import cases_for_membership, concerns_for_membership, get_case_for_user
from waymark.casework.models import ImmigrationMatter, SafeguardingConcern
from waymark.directory.models import Service, TaxonomyTerm
from waymark.directory.models.base import NEEDS_TAXONOMY_NAME
from waymark.directory.search import SearchQuery, search_services
from waymark.directory.views.public import needs_in_order
from waymark.hubs.access import get_visit_for_user
from waymark.people.access import get_person_for_user
from waymark.people.models import InformationKind
from waymark.referrals import eligibility, flow
from waymark.referrals.access import (
    RECEIVER,
    REFERRAL_ROLES,
    SENDER,
    access_ends_at,
    get_referral_for_user,
    shared_details_for,
)
from waymark.referrals.actions import SIGNPOSTABLE
from waymark.referrals.models import DeclineReason, Outcome, Referral
from waymark.referrals.referral_forms import (
    PERSON_EXPLANATIONS,
    AcceptForm,
    CompleteForm,
    ConsentForm,
    DeclineForm,
    MakeReferralForm,
    RedirectForm,
    SendForm,
    ServiceSearchForm,
    WithdrawForm,
)
from waymark.referrals.sharing import describe

State = Referral.State

# How many services a search offers to choose from.
SEARCH_RESULTS = 10


def _uuid(value):
    """``value`` as a UUID, or None when it is not one."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _uuid_or_404(value):
    found = _uuid(value)
    if found is None:
        raise Http404
    return found


def _service_label(service):
    label = f"{service.name} ({service.organization.name})"
    if service.status == Service.Status.TEMPORARILY_CLOSED:
        label += " – " + _("temporarily closed")
    return label


def _services_named(values):
    """The services, still running, with these ids (in the order given)."""
    ids = [found for found in (_uuid(value) for value in values) if found is not None]
    if not ids:
        return []
    services = Service.objects.filter(id__in=ids, status__in=SIGNPOSTABLE).select_related("organization")
    return list(services)


def _need_term(value):
    """The needs taxonomy term a link names by id or slug, or None."""
    if not value:
        return None
    terms = TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME)
    found = _uuid(value)
    condition = Q(slug=value) | Q(id=found) if found is not None else Q(slug=value)
    return terms.filter(condition).first()


def _language_for(person, requested=None):
    """The language of the consent wording: ``requested`` if offered, else the person's contact
    language or first language, else the interface language."""
    offered = {code for code, _name in settings.LANGUAGES}
    for code in (requested, person.contact_language, *(person.languages or [])[:1]):
        if code in offered:
            return code
    return translation.get_language() or settings.LANGUAGE_CODE


def consent_wording(*, sender, recipient, service, language):
    """The words to read out to the person, in ``language``: what they agree to, with whom, and
    each kind of information explained. Returned as plain strings (made inside the override)."""
    with translation.override(language):
        if recipient:
            text = _(
                "I agree that %(sender)s shares the information about me ticked on this form with "
                "%(recipient)s, for this referral to %(service)s only."
            ) % {"sender": sender, "recipient": recipient, "service": service}
        else:
            text = _(
                "I agree that %(sender)s shares the information about me ticked on this form with "
                "the organisation of the service chosen, for this referral only."
            ) % {"sender": sender}
        return {
            "language": language,
            "dir": "rtl" if translation.get_language_bidi() else "ltr",
            "text": text,
            "after": _(
                "They see nothing else about me. I can change my mind at any time, and then they stop seeing it."
            ),
            "heading": _("What I may agree to share"),
            "kinds": [(str(kind.label), str(PERSON_EXPLANATIONS[kind])) for kind in InformationKind],
        }


def _suggestions_url(person, need):
    try:
        url = reverse("referrals:suggestions")
    except NoReverseMatch:
        return None
    query = {"person": str(person.uuid)}
    if need is not None:
        query["need"] = str(need.id)
    return f"{url}?{urlencode(query)}"


def _open_concerns(membership, person):
    """The person's open safeguarding concerns this member may see (leads: all of them; others:
    those they raised)."""
    return list(
        concerns_for_membership(membership)
        .filter(person=person)
        .exclude(status=SafeguardingConcern.Status.CLOSED)
        .order_by("-raised_at", "-id")
    )


def _concern_choices(concerns):
    return [
        (
            str(concern.uuid),
            _("%(kind)s, raised %(date)s")
            % {"kind": concern.get_category_display(), "date": f"{concern.raised_at:%Y-%m-%d}"},
        )
        for concern in concerns
    ]


def _add_errors(form, error):
    """Put a flow's ValidationError on the form's field it names (or the whole form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _codes(error):
    if hasattr(error, "error_dict"):
        return {item.code for items in error.error_dict.values() for item in items}
    return {item.code for item in error.error_list}


def _status_for(error):
    """409 for a move this state (or side) does not allow; 400 for a rule or form refusal."""
    return 409 if "illegal_transition" in _codes(error) else 400


# --- Making a referral ------------------------------------------------------------------------


def _from_address(request, person):
    """The case, visit and immigration matter the address names, each through its access
    function and checked to be this person's (404 otherwise)."""
    found = {"case": None, "visit": None, "immigration_matter": None}
    if request.GET.get("case"):
        case = get_case_for_user(request, _uuid_or_404(request.GET["case"]), what="referral")
        if case.person_id != person.pk:
            raise Http404
        found["case"] = case
    if request.GET.get("visit"):
        visit = get_visit_for_user(request, _uuid_or_404(request.GET["visit"]))
        if visit.person_id != person.pk:
            raise Http404
        found["visit"] = visit
    if request.GET.get("matter"):
        matters = ImmigrationMatter.objects.filter(
            case__in=cases_for_membership(request.membership), case__person=person
        ).select_related("case")
        try:
            found["immigration_matter"] = matters.get(uuid=_uuid_or_404(request.GET["matter"]))
        except ImmigrationMatter.DoesNotExist:
            raise Http404 from None
    return found


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request):
    """Make a referral of ``?person=`` (with ``case``, ``visit``, ``need``, ``service``,
    ``matter`` if it starts from one): a draft, with the person's consent, opened on its page."""
    person = get_person_for_user(
        request, None, _uuid_or_404(request.GET.get("person")), roles=REFERRAL_ROLES, what="referral"
    )
    membership = request.membership
    origin = _from_address(request, person)
    need = _need_term(request.GET.get("need"))
    language = translation.get_language()

    search_form = ServiceSearchForm(request.GET)
    query = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    named = _services_named([request.GET.get("service")])
    found = []
    if query or (need is not None and not named):
        results = search_services(
            SearchQuery(q=query, need=need.slug if need is not None and not query else ""),
            language=language,
            page_size=SEARCH_RESULTS,
        )
        found = [service for service in results.services if service.status in SIGNPOSTABLE]
        prefetch_related_objects(found, "organization")
    posted = _services_named([request.POST.get("service")]) if request.method == "POST" else []
    # The service named in the address first, then the one posted (whatever the search shows
    # now), then what the search found.
    services = {service.id: service for service in [*named, *posted, *found]}
    choices = [(str(service.id), _service_label(service)) for service in services.values()]

    concerns = _open_concerns(membership, person)
    wording_language = _language_for(
        person, request.POST.get("language") if request.method == "POST" else request.GET.get("language")
    )
    initial = {"language": wording_language, "need": need.slug if need is not None else ""}
    if len(choices) == 1:
        initial["service"] = choices[0][0]
    form = MakeReferralForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        services=choices,
        needs=needs_in_order(language),
        concerns=_concern_choices(concerns),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                referral = flow.do_create_referral(
                    organisation=membership.organisation,
                    person=person,
                    service=services[uuid.UUID(data["service"])],
                    acting_user=request.user,
                    need=_need_term(data["need"]),
                    notes_excerpt=data["notes_excerpt"],
                    urgent=data["urgent"],
                    **origin,
                )
                if data["basis"] == MakeReferralForm.CONSENT:
                    flow.do_record_consent(
                        referral,
                        scope=data["scope"],
                        how=data["how"],
                        language=data["language"],
                        acting_user=request.user,
                        organisation=membership.organisation,
                    )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            detail = reverse("referrals:detail", args=[referral.uuid])
            if data["basis"] == MakeReferralForm.SAFEGUARDING:
                messages.success(request, _("The draft is saved. Give the lawful reason and send it."))
                return redirect(f"{detail}?{urlencode({'concern': data['concern']})}")
            messages.success(request, _("The draft and their consent are saved. Check it and send it."))
            return redirect(detail)

    # The service the wording names: the one chosen (or the only one offered).
    chosen = services.get(_uuid(form["service"].value()))
    # The address's own parameters, carried by the search and language forms.
    names = ("person", "case", "visit", "need", "matter", "service")
    keep = {key: request.GET[key] for key in names if request.GET.get(key)}
    return render(
        request,
        "referrals/referral_new.html",
        {
            "person": person,
            "case": origin["case"],
            "form": form,
            "search_form": search_form,
            "searched": bool(query),
            "keep": keep.items(),
            "keep_without_service": [(key, value) for key, value in keep.items() if key != "service"],
            "suggestions_url": _suggestions_url(person, need),
            "wording": consent_wording(
                sender=membership.organisation.name,
                recipient=chosen.organization.name if chosen else "",
                service=chosen.name if chosen else "",
                language=wording_language,
            ),
            "languages": form.fields["language"].choices,
            "wording_language": wording_language,
        },
        status=400 if form.errors else 200,
    )


# --- The referral's page ----------------------------------------------------------------------


def answers_here(referral, side):
    """Does this side record the answer? The receiver for the inbox, the sender for a letter."""
    if referral.delivery == Referral.Delivery.LETTER:
        return side == SENDER
    return side == RECEIVER


def _event_rows(referral, side):
    """The history, oldest first, each with who, for which organisation, and what it means.

    The receiver reads only the notes its own organisation wrote: the sender's (why it
    overrode eligibility, why it withdrew) may say more about the person than was consented,
    as in the API."""
    rows = []
    events = referral.events.select_related("by", "by_organisation", "from_service")
    for event in events:
        detail = ""
        if event.to_state == State.DECLINED and event.reason in DeclineReason.values:
            detail = DeclineReason(event.reason).label
        elif event.to_state in (State.COMPLETED, State.NOT_COMPLETED) and event.reason in Outcome.values:
            detail = Outcome(event.reason).label
        elif event.to_state == State.SENT and event.reason == "override":
            detail = _("Sent although they do not meet the service's eligibility")
        elif event.to_state == State.REDIRECTED and event.from_service is not None:
            detail = _("Moved from %(service)s") % {"service": event.from_service.name}
        elif event.to_state == State.NO_RESPONSE:
            detail = _("The deadline for an answer passed")
        if event.by is not None:
            who = event.by.name or event.by.email
            if event.by_organisation is not None:
                who = f"{who}, {event.by_organisation.name}"
        elif event.to_state == State.RECEIVED:
            who = _("The service, by the letter's link")
        else:
            who = _("Waymark")
        own_note = side == SENDER or event.by_organisation_id == referral.receiving_organisation_id
        text = event.text if own_note else ""
        rows.append({"event": event, "state": event.get_to_state_display(), "detail": detail, "who": who, "text": text})
    return rows


def _person_label(referral, side, shared):
    """What the page calls the person: their name for the sender; for the receiver the name
    only if it was shared, and only while they may see it."""
    if side == SENDER:
        return referral.person.display_name
    if shared is None:
        return _("No longer available")
    contact = (shared or {}).get(InformationKind.CONTACT_DETAILS)
    if contact and contact.get("display_name"):
        return contact["display_name"]
    return _("The person (their name was not shared)")


def _review(referral):
    """The draft's eligibility review: each check of the service's rules, and the advice check
    for an immigration-advice need."""
    result = eligibility.check_eligibility(eligibility.person_facts(referral.person), referral.service)
    advice = None
    if eligibility.is_advice_need(referral.need):
        advice = eligibility.advice_check(
            referral.service, eligibility.required_advice_level(referral.immigration_matter)
        )
    return result, advice


def _redirect_services(referral):
    return [
        (str(service.id), service.name)
        for service in Service.objects.filter(
            organization_id=referral.service.organization_id, status=Service.Status.ACTIVE
        )
        .exclude(pk=referral.service_id)
        .order_by("name")
    ]


def _consent_active(referral):
    return referral.consent is not None and referral.consent.is_active()


def _forms_for(request, referral, side, bound):
    """The forms this side may use now, each bound (after a refusal) or fresh."""
    forms = {}
    is_sender = side == SENDER
    if referral.state == State.DRAFT and is_sender:
        concerns = None
        if not _consent_active(referral):
            language = _language_for(referral.person, request.GET.get("language"))
            forms["consent_form"] = ConsentForm(initial={"language": language})
            concerns = _concern_choices(_open_concerns(request.membership, referral.person)) or None
        forms["send_form"] = SendForm(
            ask_override=True,
            concerns=concerns,
            initial={"safeguarding_concern": request.GET.get("concern", "")},
        )
        forms["withdraw_form"] = WithdrawForm()
    elif referral.state in Referral.AWAITING_ANSWER:
        if answers_here(referral, side):
            forms["accept_form"] = AcceptForm()
            forms["decline_form"] = DeclineForm()
            if referral.delivery == Referral.Delivery.INBOX:
                forms["redirect_form"] = RedirectForm(services=_redirect_services(referral))
        if is_sender:
            forms["withdraw_form"] = WithdrawForm()
    elif referral.state == State.ACCEPTED and answers_here(referral, side):
        forms["complete_form"] = CompleteForm()
    # A form posted and refused is shown again, with what was typed, where the page offers it;
    # its errors are also summed up at the top of the page (a refusal of a move the page does
    # not offer, like a second answer, shows only there).
    for name, form in bound.items():
        if name in forms:
            forms[name] = form
    return forms


def _render_detail(request, referral, side, *, bound=None, status=200):
    shared = shared_details_for(referral, side)
    context = {
        "referral": referral,
        "side": side,
        "is_sender": side == SENDER,
        "answers_here": answers_here(referral, side),
        "person_label": _person_label(referral, side, shared),
        "events": _event_rows(referral, side),
        "overdue": referral.is_overdue(),
        "access_ends_at": access_ends_at(referral) if side == RECEIVER else None,
        "shared_sections": describe(shared) if shared else None,
        "details_gone": side == RECEIVER and shared is None,
        "letter_url": None,
        "refused_form": next(iter((bound or {}).values()), None),
        **_forms_for(request, referral, side, bound or {}),
    }
    if referral.delivery == Referral.Delivery.LETTER and side == SENDER:
        # The letter page is another part's; without it the page still works.
        with suppress(NoReverseMatch):
            context["letter_url"] = reverse("referrals:letter", args=[referral.uuid])
    if referral.state == State.DRAFT and side == SENDER:
        context["review"], context["advice"] = _review(referral)
        context["consent_active"] = _consent_active(referral)
        if "consent_form" in context:
            service = referral.service
            context["languages"] = context["consent_form"].fields["language"].choices
            context["wording"] = consent_wording(
                sender=referral.organisation.name,
                recipient=service.organization.name,
                service=service.name,
                language=_language_for(referral.person, context["consent_form"]["language"].value()),
            )
    return render(request, "referrals/referral_detail.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET"])
def referral_detail(request, referral_uuid):
    """The referral's page, for the sender and the receiver."""
    referral, side = get_referral_for_user(request, referral_uuid)
    return _render_detail(request, referral, side)


def _act(request, referral_uuid, name, form_class, act, done, form_kwargs=None):
    """Run one flow action from a posted form; on a refusal show the page again with it.

    ``act(referral, data)`` calls the flow; ``done`` is the message after it worked;
    ``form_kwargs(referral, side)`` gives the form's choices, if it has any."""
    referral, side = get_referral_for_user(request, referral_uuid)
    form = form_class(request.POST, **(form_kwargs(referral, side) if form_kwargs else {}))
    status = 400
    if form.is_valid():
        try:
            act(referral, form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
            status = _status_for(error)
        else:
            messages.success(request, done)
            return redirect("referrals:detail", referral_uuid=referral.uuid)
    return _render_detail(request, referral, side, bound={name: form}, status=status)


def _organisation(request):
    return request.membership.organisation


@never_cache
@login_required
@require_POST
def referral_consent(request, referral_uuid):
    """Record the person's consent to a draft made without it."""

    def act(referral, data):
        flow.do_record_consent(
            referral,
            scope=data["scope"],
            how=data["how"],
            language=data["language"],
            acting_user=request.user,
            organisation=_organisation(request),
        )

    return _act(request, referral_uuid, "consent_form", ConsentForm, act, _("Their consent is recorded."))


@never_cache
@login_required
@require_POST
def referral_send(request, referral_uuid):
    """Send a draft (the eligibility review's override reason, or the safeguarding fields)."""
    concerns = {}

    def form_kwargs(referral, side):
        if side != SENDER or referral.state != State.DRAFT or _consent_active(referral):
            return {"ask_override": True}
        found = _open_concerns(request.membership, referral.person)
        concerns.update({str(concern.uuid): concern for concern in found})
        return {"ask_override": True, "concerns": _concern_choices(found) or None}

    def act(referral, data):
        flow.do_send_referral(
            referral,
            acting_user=request.user,
            organisation=_organisation(request),
            override_reason=data.get("override_reason", ""),
            safeguarding_concern=concerns.get(data.get("safeguarding_concern") or ""),
            no_consent_reason=data.get("no_consent_reason", ""),
            no_consent_scope=data.get("no_consent_scope") or (),
        )

    return _act(request, referral_uuid, "send_form", SendForm, act, _("The referral is sent."), form_kwargs)


@never_cache
@login_required
@require_POST
def referral_accept(request, referral_uuid):
    def act(referral, data):
        flow.do_accept(referral, acting_user=request.user, organisation=_organisation(request))

    return _act(request, referral_uuid, "accept_form", AcceptForm, act, _("The referral is accepted."))


@never_cache
@login_required
@require_POST
def referral_decline(request, referral_uuid):
    def act(referral, data):
        flow.do_decline(
            referral,
            reason=data["reason"],
            text=data["text"],
            acting_user=request.user,
            organisation=_organisation(request),
        )

    return _act(request, referral_uuid, "decline_form", DeclineForm, act, _("The referral is declined."))


@never_cache
@login_required
@require_POST
def referral_redirect(request, referral_uuid):
    targets = {}

    def form_kwargs(referral, side):
        # Any service of the same directory organisation may be chosen here; the flow refuses
        # the wrong ones by name (closed, the same service).
        services = Service.objects.filter(organization_id=referral.service.organization_id).select_related(
            "organization"
        )
        targets.update({str(service.id): service for service in services})
        return {"services": [(key, service.name) for key, service in targets.items()]}

    def act(referral, data):
        flow.do_redirect(
            referral,
            to_service=targets[data["to_service"]],
            text=data["text"],
            acting_user=request.user,
            organisation=_organisation(request),
        )

    return _act(request, referral_uuid, "redirect_form", RedirectForm, act, _("The referral is moved."), form_kwargs)


@never_cache
@login_required
@require_POST
def referral_complete(request, referral_uuid):
    def act(referral, data):
        flow.do_complete(
            referral,
            completed=data["completed"],
            outcome=data["outcome"],
            text=data["text"],
            acting_user=request.user,
            organisation=_organisation(request),
        )

    return _act(request, referral_uuid, "complete_form", CompleteForm, act, _("The outcome is recorded."))


@never_cache
@login_required
@require_POST
def referral_withdraw(request, referral_uuid):
    def act(referral, data):
        flow.do_withdraw(referral, text=data["text"], acting_user=request.user, organisation=_organisation(request))

    return _act(request, referral_uuid, "withdraw_form", WithdrawForm, act, _("The referral is withdrawn."))
