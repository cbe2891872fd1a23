"""The referral state machine: one action per transition, each the only way to make its move.

    draft ──send──▶ sent ──(receiver opens it)──▶ received
    sent / received / redirected ──accept──▶ accepted ──complete──▶ completed | not_completed
    sent / received / redirected ──decline (reason)──▶ declined
    sent / received / redirected ──redirect (to another service of the receiver)──▶ redirected
    draft / sent / received / redirected ──withdraw (sender)──▶ withdrawn
    sent / received / redirected ──deadline passes (expire_referrals)──▶ no_response

Each action is one transaction: it re-reads the referral under a row lock, checks its guard,
moves the state with a conditional UPDATE (so two people acting at once cannot both win),
writes a ``ReferralEvent`` for the history and one audit event (ids and codes only), and
queues its notifications for after the commit.

A guard that refuses raises ValidationError with a code the pages and the API turn into
answers: ``illegal_transition`` (409), and the business rules (400): ``no_consent``,
``not_eligible``, ``not_regulated``, ``service_closed``, ``person_gone``.

Who acts: for a referral to an organisation's Waymark inbox, the receiver answers (accept,
decline, redirect, complete); for a referral letter, the sender records what the service said.
The sender alone withdraws.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waymark.accounts.models import Membership
from waymark.audit.events import record_event
from waymark.people.models import Consent, InformationKind
from waymark.referrals import eligibility
from waymark.referrals.access import REFERRAL_ROLES, letter_token
from waymark.referrals.actions import SIGNPOSTABLE
from waymark.referrals.models import DeclineReason, Outcome, Referral, ReferralEvent
from waymark.referrals.policy import policy_on, reminder_time, response_deadline
from waymark.referrals.sharing import build_shared

State = Referral.State

# Which states each transition may start from.
TRANSITIONS = {
    "send": (State.DRAFT,),
    "receive": (State.SENT,),
    "accept": Referral.AWAITING_ANSWER,
    "decline": Referral.AWAITING_ANSWER,
    "redirect": Referral.AWAITING_ANSWER,
    "complete": (State.ACCEPTED,),
    "withdraw": (State.DRAFT, *Referral.AWAITING_ANSWER),
    "expire": Referral.AWAITING_ANSWER,
}

# Outcomes that mean it was completed, and those that mean it was not.
COMPLETED_OUTCOMES = (Outcome.SUPPORT_GIVEN, Outcome.ONGOING, Outcome.OTHER)
NOT_COMPLETED_OUTCOMES = (Outcome.DID_NOT_ATTEND, Outcome.PERSON_DECLINED, Outcome.COULD_NOT_HELP, Outcome.OTHER)

TEXT_MAX = 5_000

# The state's name in messages, for the notification templates (translated when rendered).
STATE_WORDS = {
    State.ACCEPTED: gettext_lazy("accepted"),
    State.DECLINED: gettext_lazy("declined"),
    State.COMPLETED: gettext_lazy("completed"),
    State.NOT_COMPLETED: gettext_lazy("not completed"),
    State.REDIRECTED: gettext_lazy("redirected"),
    State.NO_RESPONSE: gettext_lazy("not answered in time"),
    State.RECEIVED: gettext_lazy("received"),
}


def _refuse(message, code, field=None):
    if field:
        return ValidationError({field: ValidationError(message, code=code)})
    return ValidationError(message, code=code)


def _clean_text(text, field, *, required_message=None):
    text = (text or "").strip()
    if required_message and not text:
        raise _refuse(required_message, "required", field)
    if len(text) > TEXT_MAX:
        raise _refuse(_("Keep it to %(most)d characters or fewer.") % {"most": TEXT_MAX}, "too_long", field)
    return text


def _locked(referral):
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("person", "organisation", "receiving_organisation", "service__organization", "need", "consent")
        .get(pk=referral.pk)
    )


def _check_state(referral, transition):
    if referral.state not in TRANSITIONS[transition]:
        messages = {
            "send": _("Only a draft can be sent. This referral is %(state)s."),
            "receive": _("This referral is %(state)s."),
            "accept": _("Only a referral waiting for an answer can be accepted. This referral is %(state)s."),
            "decline": _("Only a referral waiting for an answer can be declined. This referral is %(state)s."),
            "redirect": _("Only a referral waiting for an answer can be redirected. This referral is %(state)s."),
            "complete": _("Only an accepted referral can be completed. This referral is %(state)s."),
            "withdraw": _("A referral can be withdrawn only before it is accepted. This referral is %(state)s."),
            "expire": _("This referral is %(state)s."),
        }
        raise _refuse(messages[transition] % {"state": referral.get_state_display().lower()}, "illegal_transition")


def _check_answerer(referral, organisation):
    """The organisation that answers: the receiver for the inbox, the sender for a letter."""
    answerer = (
        referral.receiving_organisation_id if referral.delivery == Referral.Delivery.INBOX else referral.organisation_id
    )
    if organisation is None or organisation.pk != answerer:
        if referral.delivery == Referral.Delivery.INBOX:
            message = _("Only the organisation it was sent to can answer this referral.")
        else:
            message = _("Only the organisation that made this referral records the answer to its letter.")
        raise _refuse(message, "illegal_transition")


def _move(
    referral, transition, to_state, *, acting_user, organisation, reason="", text="", from_service=None, **fields
):
    """Make the move with a conditional UPDATE and write the history; returns the fresh row."""
    now = timezone.now()
    values = {"state": to_state, "updated_at": now, **fields}
    if to_state in Referral.CLOSED_STATES:
        values["closed_at"] = now
    moved = Referral.objects.filter(pk=referral.pk, state__in=TRANSITIONS[transition]).update(**values)
    if not moved:  # Someone else moved it first (only possible where row locks are not held).
        raise _refuse(_("Someone else changed this referral at the same moment. Look again."), "illegal_transition")
    from_state = referral.state
    for name, value in values.items():
        setattr(referral, name, value)
    ReferralEvent.objects.create(
        referral=referral,
        from_state=from_state,
        to_state=to_state,
        at=now,
        by=acting_user,
        by_organisation=organisation,
        reason=reason,
        text=text,
        from_service=from_service,
    )
    record_event(
        f"referral.{transition}",
        actor=acting_user,
        organisation=organisation,
        obj=referral,
        details={"from": from_state, "to": to_state, "reason": reason, "service": str(referral.service_id)},
    )
    return referral


# Making a draft, and its consent


def receiving_organisation_of(service):
    """The Waymark organisation whose inbox a referral to ``service`` goes to, or None (a letter)."""
    organisation = service.organization.waymark_organisation
    if organisation is not None and service.accepts_waymark_referrals:
        return organisation
    return None


@transaction.atomic
def do_create_referral(
    *,
    organisation,
    person,
    service,
    acting_user,
    need=None,
    case=None,
    visit=None,
    immigration_matter=None,
    notes_excerpt="",
    urgent=False,
    public_id=None,
):
    """A draft referral of ``person`` (one of ``organisation``'s people) to ``service``.
    ``public_id`` fixes its UUID (the demo data, so that seeding twice finds the same rows)."""
    if person.organisation_id != organisation.pk:
        raise _refuse(_("This person is not one of your organisation's."), "other_organisation", "person")
    if person.anonymised_at is not None or person.merged_into_id is not None:
        raise _refuse(_("This person's record is no longer in use."), "person_gone", "person")
    if service.status not in SIGNPOSTABLE:
        raise _refuse(_("This service is no longer running: choose another."), "service_closed", "service")
    if case is not None and (case.person_id != person.pk or case.organisation_id != organisation.pk):
        raise _refuse(_("This case is someone else's."), "other_person", "case")
    if visit is not None and visit.person_id != person.pk:
        raise _refuse(_("This visit is someone else's."), "other_person", "visit")
    if immigration_matter is not None and immigration_matter.case.person_id != person.pk:
        raise _refuse(_("This immigration matter is someone else's."), "other_person", "immigration_matter")
    referral = Referral.objects.create(
        **({"uuid": public_id} if public_id is not None else {}),
        person=person,
        organisation=organisation,
        created_by=acting_user,
        service=service,
        receiving_organisation=receiving_organisation_of(service),
        need=need,
        case=case,
        visit=visit,
        immigration_matter=immigration_matter,
        notes_excerpt=_clean_text(notes_excerpt, "notes_excerpt"),
        urgent=bool(urgent),
    )
    ReferralEvent.objects.create(referral=referral, to_state=State.DRAFT, by=acting_user, by_organisation=organisation)
    record_event(
        "referral.create",
        actor=acting_user,
        organisation=organisation,
        obj=referral,
        details={"person": str(person.uuid), "service": str(service.id), "need": need.slug if need else None},
    )
    return referral


@transaction.atomic
def do_record_consent(referral, *, scope, how, language, acting_user, organisation):
    """Record the person's consent to this referral (``people.Consent``, purpose "share
    my details for a referral", naming the receiving organisation when it uses Waymark),
    covering ``scope`` (InformationKind values), given ``how``, in ``language``."""
    referral = _locked(referral)
    if organisation.pk != referral.organisation_id:
        raise _refuse(_("Only the organisation making the referral records its consent."), "illegal_transition")
    _check_state(referral, "send")
    scope = [kind for kind in InformationKind.values if kind in (scope or [])]
    if not scope:
        raise _refuse(_("Choose what they agree to share."), "required", "scope")
    if how not in Consent.How.values:
        raise _refuse(_("Choose how they gave their consent."), "invalid", "how")
    consent = Consent.objects.create(
        person=referral.person,
        purpose=Consent.Purpose.SHARE_REFERRAL,
        recipient_organisation=referral.receiving_organisation,
        scope=scope,
        recorded_by=acting_user,
        how=how,
        privacy_notice_language=(language or "")[:10],
    )
    Referral.objects.filter(pk=referral.pk).update(consent=consent, updated_at=timezone.now())
    referral.consent = consent
    record_event(
        "referral.consent",
        actor=acting_user,
        organisation=organisation,
        obj=referral,
        details={"consent": str(consent.uuid), "scope": scope, "how": how},
    )
    return consent


def check_suitability(referral, *, override_reason=""):
    """Refuse an unsuitable referral: immigration advice to an unregulated service or one of
    too low a level (never overridable); a service whose eligibility the person does not meet
    (unless ``override_reason``). Returns the eligibility, for the record."""
    if eligibility.is_advice_need(referral.need):
        check = eligibility.advice_check(
            referral.service, eligibility.required_advice_level(referral.immigration_matter)
        )
        if check.result == eligibility.NOT_MET:
            raise _refuse(check.reason, "not_regulated", "service")
    result = eligibility.check_eligibility(eligibility.person_facts(referral.person), referral.service)
    if result.unmet and not override_reason:
        reasons = " ".join(check.reason for check in result.unmet)
        raise _refuse(
            _("They do not meet this service's eligibility: %(reasons)s Give a reason to send it anyway.")
            % {"reasons": reasons},
            "not_eligible",
            "override_reason",
        )
    return result


@transaction.atomic
def do_send_referral(
    referral,
    *,
    acting_user,
    organisation,
    override_reason="",
    safeguarding_concern=None,
    no_consent_reason="",
    no_consent_scope=(),
):
    """Send a draft: to the receiver's inbox, or as a letter (printable, and e-mailed to the
    service with a signed link when it lists an address).

    Needs the person's active consent for this referral; a safeguarding referral (one made
    about a safeguarding concern of the sender's) may go without, with the lawful reason.
    """
    referral = _locked(referral)
    if organisation.pk != referral.organisation_id:
        raise _refuse(_("Only the organisation making the referral can send it."), "illegal_transition")
    _check_state(referral, "send")
    person = referral.person
    if person.anonymised_at is not None or person.merged_into_id is not None:
        raise _refuse(_("This person's record is no longer in use."), "person_gone")
    if referral.service.status not in SIGNPOSTABLE:
        raise _refuse(_("This service is no longer running: choose another."), "service_closed", "service")

    now = timezone.now()
    override_reason = _clean_text(override_reason, "override_reason")
    no_consent_reason = _clean_text(no_consent_reason, "no_consent_reason")
    has_consent = referral.consent is not None and referral.consent.is_active(now)
    if has_consent:
        scope = list(referral.consent.scope)
        no_consent_reason, no_consent_scope = "", []
    else:
        if safeguarding_concern is None:
            raise _refuse(_("Record the person's consent to this referral before sending it."), "no_consent", "consent")
        if safeguarding_concern.organisation_id != organisation.pk or safeguarding_concern.person_id != person.pk:
            raise _refuse(
                _("This safeguarding concern is not about this person."), "other_person", "safeguarding_concern"
            )
        if not no_consent_reason:
            raise _refuse(
                _("Without consent, record the lawful reason for making this safeguarding referral."),
                "no_consent",
                "no_consent_reason",
            )
        scope = [kind for kind in InformationKind.values if kind in (no_consent_scope or [])]
        if not scope:
            raise _refuse(_("Choose what to share with the service."), "required", "no_consent_scope")

    check_suitability(referral, override_reason=override_reason)
    overridden = bool(override_reason)
    receiver = receiving_organisation_of(referral.service)
    delivery = Referral.Delivery.INBOX if receiver is not None else Referral.Delivery.LETTER
    policy = policy_on(timezone.localdate())
    respond_by = response_deadline(now, policy)
    referral.receiving_organisation = receiver
    referral.no_consent_reason = no_consent_reason
    shared = build_shared(referral, scope)
    referral = _move(
        referral,
        "send",
        State.SENT,
        acting_user=acting_user,
        organisation=organisation,
        reason="override" if overridden else "",
        text=override_reason,
        sent_at=now,
        respond_by=respond_by,
        delivery=delivery,
        receiving_organisation=receiver,
        shared=shared,
        eligibility_overridden=overridden,
        override_reason=override_reason,
        safeguarding_concern=safeguarding_concern if not has_consent else None,
        no_consent_reason=no_consent_reason,
        no_consent_scope=list(scope) if not has_consent else [],
    )
    if delivery == Referral.Delivery.INBOX:
        _notify_receiver(referral, "referral_new", f"referral-sent:{referral.uuid}")
    elif referral.service.email:
        _notify_letter(referral)
    return referral


# The receiver's answers


@transaction.atomic
def do_receive(referral, *, acting_user, organisation):
    """The receiver opened it for the first time (its member, or the letter's link)."""
    referral = _locked(referral)
    if referral.state != State.SENT:
        return referral  # Already received (two openings at once): nothing to do.
    referral = _move(
        referral,
        "receive",
        State.RECEIVED,
        acting_user=acting_user,
        organisation=organisation,
        received_at=timezone.now(),
    )
    _notify_sender(referral, f"referral-received:{referral.uuid}")
    return referral


@transaction.atomic
def do_accept(referral, *, acting_user, organisation):
    referral = _locked(referral)
    _check_state(referral, "accept")
    _check_answerer(referral, organisation)
    now = timezone.now()
    referral = _move(
        referral,
        "accept",
        State.ACCEPTED,
        acting_user=acting_user,
        organisation=organisation,
        responded_at=now,
        received_at=referral.received_at or now,
    )
    _notify_sender(referral, f"referral-accepted:{referral.uuid}")
    _text_person(referral)
    return referral


@transaction.atomic
def do_decline(referral, *, reason, text="", acting_user, organisation):
    """Decline with a reason from the list (and text; required for "another reason"). To send
    the person to another organisation, decline with "better elsewhere": the sender refers
    again, with fresh consent."""
    referral = _locked(referral)
    _check_state(referral, "decline")
    _check_answerer(referral, organisation)
    if reason not in DeclineReason.values:
        raise _refuse(_("Choose a reason from the list."), "invalid", "reason")
    text = _clean_text(text, "text", required_message=_("Say why.") if reason == DeclineReason.OTHER else None)
    now = timezone.now()
    referral = _move(
        referral,
        "decline",
        State.DECLINED,
        acting_user=acting_user,
        organisation=organisation,
        reason=reason,
        text=text,
        responded_at=now,
        received_at=referral.received_at or now,
        decline_reason=reason,
        decline_text=text,
    )
    _notify_sender(referral, f"referral-declined:{referral.uuid}")
    return referral


@transaction.atomic
def do_redirect(referral, *, to_service, text="", acting_user, organisation):
    """Move the referral to another service of the receiver's own organisation; the sender is
    told. The answer is then due afresh. (To another organisation: decline, "better elsewhere".)"""
    referral = _locked(referral)
    _check_state(referral, "redirect")
    if referral.delivery != Referral.Delivery.INBOX:
        raise _refuse(
            _("A referral letter cannot be redirected: record that it was declined instead."), "illegal_transition"
        )
    _check_answerer(referral, organisation)
    if to_service.organization_id != referral.service.organization_id:
        raise _refuse(
            _(
                "Redirect only to another service of your own organisation. "
                "For another organisation, decline it as better elsewhere."
            ),
            "other_organisation",
            "to_service",
        )
    if to_service.pk == referral.service_id:
        raise _refuse(_("Choose a different service."), "same_service", "to_service")
    if to_service.status not in SIGNPOSTABLE:
        raise _refuse(_("This service is no longer running: choose another."), "service_closed", "to_service")
    if eligibility.is_advice_need(referral.need):
        check = eligibility.advice_check(to_service, eligibility.required_advice_level(referral.immigration_matter))
        if check.result == eligibility.NOT_MET:
            raise _refuse(check.reason, "not_regulated", "to_service")
    text = _clean_text(text, "text")
    now = timezone.now()
    from_service = referral.service
    referral = _move(
        referral,
        "redirect",
        State.REDIRECTED,
        acting_user=acting_user,
        organisation=organisation,
        text=text,
        from_service=from_service,
        service=to_service,
        received_at=referral.received_at or now,
        respond_by=response_deadline(now),
        reminded_at=None,
    )
    _notify_sender(referral, f"referral-redirected:{referral.uuid}:{to_service.pk}")
    return referral


@transaction.atomic
def do_complete(referral, *, completed, outcome, text="", acting_user, organisation):
    """Close an accepted referral: ``completed`` True (it happened) or False, with an outcome."""
    referral = _locked(referral)
    _check_state(referral, "complete")
    _check_answerer(referral, organisation)
    allowed = COMPLETED_OUTCOMES if completed else NOT_COMPLETED_OUTCOMES
    if outcome not in allowed:
        raise _refuse(_("Choose an outcome from the list."), "invalid", "outcome")
    text = _clean_text(text, "text", required_message=_("Say what happened.") if outcome == Outcome.OTHER else None)
    to_state = State.COMPLETED if completed else State.NOT_COMPLETED
    referral = _move(
        referral,
        "complete",
        to_state,
        acting_user=acting_user,
        organisation=organisation,
        reason=outcome,
        text=text,
        outcome=outcome,
        outcome_text=text,
    )
    _notify_sender(referral, f"referral-finished:{referral.uuid}")
    return referral


# The sender withdraws; the deadline expires


@transaction.atomic
def do_withdraw(referral, *, text="", acting_user, organisation):
    referral = _locked(referral)
    if organisation is None or organisation.pk != referral.organisation_id:
        raise _refuse(_("Only the organisation that made this referral can withdraw it."), "illegal_transition")
    _check_state(referral, "withdraw")
    was_sent = referral.state != State.DRAFT
    referral = _move(
        referral,
        "withdraw",
        State.WITHDRAWN,
        acting_user=acting_user,
        organisation=organisation,
        text=_clean_text(text, "text"),
    )
    if was_sent and referral.delivery == Referral.Delivery.INBOX:
        _notify_receiver(referral, "referral_withdrawn", f"referral-withdrawn:{referral.uuid}")
    elif was_sent and referral.service.email:
        # The service had the letter: tell it not to act on it (its link stops working too).
        from waymark.notify.actions import do_notify

        do_notify(
            template="referral_withdrawn",
            language=settings.LANGUAGE_CODE,
            context={**_base_context(referral), "url": ""},
            to_address=referral.service.email,
            dedupe_key=f"referral-withdrawn:{referral.uuid}",
        )
    return referral


@transaction.atomic
def do_expire(referral, *, at=None):
    """The deadline passed without an answer: back to the sender as "no response"."""
    referral = _locked(referral)
    at = at or timezone.now()
    if referral.state not in TRANSITIONS["expire"] or referral.respond_by is None or referral.respond_by > at:
        return None
    referral = _move(referral, "expire", State.NO_RESPONSE, acting_user=None, organisation=None)
    _notify_sender(referral, f"referral-expired:{referral.uuid}")
    return referral


@transaction.atomic
def do_remind(referral, *, at=None):
    """Remind the receiver that an answer is due soon (once per deadline)."""
    referral = _locked(referral)
    at = at or timezone.now()
    if (
        referral.state not in Referral.AWAITING_ANSWER
        or referral.respond_by is None
        or referral.reminded_at is not None
        or referral.respond_by <= at
        or reminder_time(referral.respond_by) > at
    ):
        return None
    Referral.objects.filter(pk=referral.pk).update(reminded_at=at)
    referral.reminded_at = at
    if referral.delivery == Referral.Delivery.INBOX:
        _notify_receiver(
            referral, "referral_reminder", f"referral-reminder:{referral.uuid}:{referral.respond_by:%Y%m%d}"
        )
    else:
        _notify_sender(
            referral,
            f"referral-reminder:{referral.uuid}:{referral.respond_by:%Y%m%d}",
            template="referral_letter_reminder",
        )
    return referral


def expire_and_remind(at=None):
    """The periodic job: expire every referral past its deadline, remind those due soon.
    Returns (expired, reminded) counts."""
    at = at or timezone.now()
    expired = reminded = 0
    due = Referral.objects.filter(state__in=Referral.AWAITING_ANSWER, respond_by__lte=at).values_list("pk", flat=True)
    for pk in list(due):
        if do_expire(Referral(pk=pk), at=at) is not None:
            expired += 1
    # Only deadlines near enough for a reminder to be due: N working days are never more than
    # 2N + 14 calendar days (weekends, and Christmas to New Year).
    horizon = at + dt.timedelta(days=policy_on(timezone.localdate(at)).reminder_working_days * 2 + 14)
    waiting = Referral.objects.filter(
        state__in=Referral.AWAITING_ANSWER, respond_by__gt=at, respond_by__lte=horizon, reminded_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(waiting):
        if do_remind(Referral(pk=pk), at=at) is not None:
            reminded += 1
    return expired, reminded


# Notifications: no personal detail in any of them, only the service and the organisations.


def _referral_url(referral):
    return settings.SITE_URL + reverse("referrals:detail", args=[referral.uuid])


def _members_who_answer(organisation):
    memberships = Membership.objects.filter(organisation=organisation, user__is_active=True).select_related("user")
    return [membership.user for membership in memberships if membership.has_role(*REFERRAL_ROLES)]


def _base_context(referral):
    return {
        "service_name": referral.service.name,
        "sender_name": referral.organisation.name,
        "respond_by": referral.respond_by.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M")
        if referral.respond_by
        else "",
        "urgent": referral.urgent,
        "url": _referral_url(referral),
    }


def _notify_receiver(referral, template, key):
    from waymark.notify.actions import do_notify

    for user in _members_who_answer(referral.receiving_organisation):
        do_notify(
            template=template,
            language=None,
            context=_base_context(referral),
            to_user=user,
            dedupe_key=f"{key}:{user.uuid}",
        )


def _notify_sender(referral, key, template="referral_update"):
    from waymark.notify.actions import do_notify

    user = referral.created_by
    if not user.is_active:
        return
    do_notify(
        template=template,
        language=None,
        context={**_base_context(referral), "state": STATE_WORDS.get(referral.state, referral.state)},
        to_user=user,
        dedupe_key=key,
    )


def _notify_letter(referral):
    from waymark.notify.actions import do_notify

    link = settings.SITE_URL + reverse("referrals:letter_link", args=[letter_token(referral)])
    do_notify(
        template="referral_letter",
        language=settings.LANGUAGE_CODE,
        context={**_base_context(referral), "link": link, "link_days": policy_on().letter_link_days},
        to_address=referral.service.email,
        dedupe_key=f"referral-letter:{referral.uuid}",
    )


def _text_person(referral):
    """Tell the person by text that the service took the referral, if they may be texted."""
    try:
        from waymark.notify.actions import notify_person
    except ImportError:  # pragma: no cover - the SMS layer is not there
        return
    notify_person(
        referral.person,
        template="referral_accepted",
        context={"service_name": referral.service.name, "organisation_name": referral.service.organization.name},
        dedupe_key=f"referral-accepted-sms:{referral.uuid}",
    )
