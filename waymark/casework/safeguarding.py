"""Safeguarding concerns: raising, notifying the leads, triage, escalation and closing.

Every change is an action here: ``@transaction.atomic``, ``acting_user`` keyword-only, one
audit event, notifications sent after commit (``notify.do_notify``). The e-mails never carry
what was seen or said: only the kind of concern, its urgency and a link that opens it for a
safeguarding lead.

The states: raised → triaged → closed (with an outcome). Escalations outward (to the council,
the police, a First Responder …) are recorded one by one while the concern is open, before
triage too (a lead who calls the police at once records it then). Closing needs triage first
and an outcome.

Who is told, and when:

- when a concern is raised, every safeguarding lead of the organisation is e-mailed; the first
  lead (in the order they became members) becomes its ``current_lead``;
- an organisation with no safeguarding lead: its organisation admins are e-mailed that a
  concern waits and nobody can open it until someone is given the role (they cannot open it
  themselves unless they are leads);
- a concern still untriaged ``EscalationRule.minutes`` after its current lead was told passes
  to the next lead in the same order (``escalate_due_concerns``, the periodic job
  ``escalate_safeguarding_concerns``). After the last lead it wraps to the first, and each time
  it wraps the organisation admins are told too that no lead has triaged it. With one lead,
  that lead is reminded each time and the admins are told.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from waymark.accounts.models import Membership, NationalBody, Role
from waymark.audit.events import record_event
from waymark.casework.models import ConcernCategory, Escalation, EscalationRule, SafeguardingConcern, Urgency
from waymark.notify.actions import do_notify

# A triaged concern still open this long after triage is shown as overdue, and is in the daily
# check's digest: "never lost" means someone looks at it again.
TRIAGED_OPEN_DAYS = 14

# The escalations that name a national body, and which kind it must be.
BODY_KINDS = {
    Escalation.To.FIRST_RESPONDER: None,  # any body that is an NRM First Responder
    Escalation.To.ACCOMMODATION_PROVIDER: NationalBody.Kind.ACCOMMODATION_PROVIDER,
    Escalation.To.MIGRANT_HELP: NationalBody.Kind.ASYLUM_HELPLINE,
}


class IllegalTransition(Exception):
    """The concern's status does not allow this step (409 in the API)."""

    def __init__(self, message=None):
        self.message = message or _("This concern has already moved on. Reload the page.")
        super().__init__(str(self.message))


# Who is told


def safeguarding_leads(organisation):
    """The organisation's active safeguarding leads, in a stable order (when they joined)."""
    memberships = (
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .select_related("user")
        .order_by("created_at", "id")
    )
    return [membership.user for membership in memberships if membership.has_role(Role.SAFEGUARDING_LEAD)]


def organisation_admins(organisation):
    memberships = (
        Membership.objects.filter(organisation=organisation, user__is_active=True)
        .select_related("user")
        .order_by("created_at", "id")
    )
    return [membership.user for membership in memberships if membership.has_role(Role.ORGANISATION_ADMIN)]


def concern_url(concern, language=None):
    with translation.override(language or settings.LANGUAGE_CODE):
        path = reverse("casework:concern", kwargs={"concern_uuid": concern.uuid})
    return settings.SITE_URL + path


def _language(user):
    return user.language or settings.LANGUAGE_CODE


def _concern_context(concern, language):
    # Labels stay lazy: the notification translates them into the recipient's language.
    # Nothing from the encrypted fields goes in: the e-mail says that, not what.
    return {
        "organisation_name": concern.organisation.name,
        "category": ConcernCategory(concern.category).label,
        "urgency": Urgency(concern.urgency).label,
        "raised_at": timezone.localtime(concern.raised_at).strftime("%Y-%m-%d %H:%M"),
        "concern_url": concern_url(concern, language),
    }


def _tell_leads(concern, leads, template, key):
    for lead in leads:
        language = _language(lead)
        do_notify(
            template=template,
            language=language,
            to_user=lead,
            context=_concern_context(concern, language),
            dedupe_key=f"safeguarding:{concern.uuid}:{key}:{lead.pk}",
        )


def _tell_admins(concern, template, key, exclude=()):
    admins = [admin for admin in organisation_admins(concern.organisation) if admin not in exclude]
    for admin in admins:
        language = _language(admin)
        context = _concern_context(concern, language)
        # An admin who is not a lead cannot open the concern: no link for them.
        del context["concern_url"]
        context["dashboard_url"] = settings.SITE_URL + reverse("casework:safeguarding_dashboard")
        do_notify(
            template=template,
            language=language,
            to_user=admin,
            context=context,
            dedupe_key=f"safeguarding:{concern.uuid}:{key}:{admin.pk}",
        )
    return admins


# Raising


@transaction.atomic
def do_raise_concern(
    organisation,
    *,
    acting_user,
    category,
    what_happened,
    urgency,
    person=None,
    about="",
    source=SafeguardingConcern.Source.RAISED,
    assessment=None,
    public_id=None,
):
    """Raise a concern about ``person`` (or, unregistered, someone described by ``about``), and
    tell the organisation's safeguarding leads (or, with none, its admins) after commit.
    ``public_id``: a fixed uuid (the demo's, so re-seeding finds it); normally left out."""
    if person is not None and person.organisation_id != organisation.pk:
        raise ValidationError({"person": _("This person is not one of the organisation's.")})
    if person is None and not (about or "").strip():
        raise ValidationError({"about": _("Say who the concern is about.")})
    if not (what_happened or "").strip():
        raise ValidationError({"what_happened": _("Say what was seen or said.")})
    if category not in ConcernCategory.values:
        raise ValidationError({"category": _("Choose the kind of concern.")})
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose how urgent it is.")})
    now = timezone.now()
    leads = safeguarding_leads(organisation)
    concern = SafeguardingConcern.objects.create(
        **({"uuid": public_id} if public_id else {}),
        organisation=organisation,
        person=person,
        about="" if person is not None else about.strip(),
        category=category,
        what_happened=what_happened.strip(),
        urgency=urgency,
        source=source,
        assessment=assessment,
        raised_by=acting_user,
        raised_at=now,
        current_lead=leads[0] if leads else None,
        lead_notified_at=now if leads else None,
    )
    told_admins = []
    if leads:
        _tell_leads(concern, leads, "safeguarding_concern_raised", "raised")
    else:
        told_admins = _tell_admins(concern, "safeguarding_concern_no_lead", "no-lead")
    record_event(
        "safeguarding.concern_raised",
        actor=acting_user,
        organisation=organisation,
        obj=concern,
        details={
            "category": category,
            "urgency": urgency,
            "source": source,
            "person": str(person.uuid) if person is not None else "",
            "leads_told": len(leads),
            "admins_told": len(told_admins),
        },
    )
    return concern


# Passing an untriaged concern to the next lead


def rules_in_force(today=None):
    """{urgency: minutes} from the EscalationRule rows in force on ``today`` (the latest
    ``valid_from`` on or before it, per urgency). One query."""
    today = today or timezone.localdate()
    minutes = {}
    for rule in EscalationRule.objects.filter(valid_from__lte=today).order_by("urgency", "-valid_from"):
        minutes.setdefault(rule.urgency, rule.minutes)
    return minutes


def next_lead(leads, current):
    """The lead after ``current`` in ``leads`` (wrapping), and whether it wrapped round."""
    if not leads:
        return None, False
    if current not in leads:
        return leads[0], False
    position = leads.index(current) + 1
    return leads[position % len(leads)], position >= len(leads)


@transaction.atomic
def do_pass_to_next_lead(concern, *, acting_user=None, now=None):
    """Pass an untriaged concern to the next safeguarding lead and tell them; with no lead yet,
    to the first lead there is now. ``acting_user`` None: the periodic job.

    Refused if the concern moved on since ``concern`` was read (triaged, or passed on by a
    run of the job at the same moment), so that two runs never pass it twice."""
    now = now or timezone.now()
    seen = (concern.status, concern.current_lead_id, concern.lead_notified_at)
    concern = SafeguardingConcern.objects.select_for_update().select_related("organisation").get(pk=concern.pk)
    if concern.status != SafeguardingConcern.Status.RAISED:
        raise IllegalTransition(_("This concern has been triaged: it no longer passes between leads."))
    if (concern.status, concern.current_lead_id, concern.lead_notified_at) != seen:
        raise IllegalTransition(_("This concern has just been passed on."))
    leads = safeguarding_leads(concern.organisation)
    if not leads:
        raise IllegalTransition(_("The organisation has no safeguarding lead to pass it to."))
    had_lead = concern.current_lead_id is not None
    lead, wrapped = next_lead(leads, concern.current_lead if had_lead else None)
    concern.current_lead = lead
    concern.lead_notified_at = now
    if had_lead:
        concern.times_passed_on += 1
    concern.save(update_fields=["current_lead", "lead_notified_at", "times_passed_on", "updated_at"])
    _tell_leads(concern, [lead], "safeguarding_concern_passed_on", f"passed-{concern.times_passed_on}")
    told_admins = []
    if wrapped:
        told_admins = _tell_admins(
            concern, "safeguarding_concern_not_triaged", f"not-triaged-{concern.times_passed_on}", exclude=[lead]
        )
    record_event(
        "safeguarding.concern_passed_on",
        actor=acting_user,
        organisation=concern.organisation,
        obj=concern,
        details={
            "to_user": lead.pk,
            "times_passed_on": concern.times_passed_on,
            "wrapped": wrapped,
            "admins_told": len(told_admins),
        },
    )
    return concern


def is_due_to_pass_on(concern, rules, now):
    """True if the untriaged concern has waited with its lead longer than its rule allows
    (or has no lead yet: a lead may have been appointed since)."""
    if concern.status != SafeguardingConcern.Status.RAISED:
        return False
    minutes = rules.get(concern.urgency)
    if minutes is None:
        return False  # No rule in force: nothing says when, so it stays with its lead.
    if concern.current_lead_id is None or concern.lead_notified_at is None:
        return True
    return now >= concern.lead_notified_at + dt.timedelta(minutes=minutes)


def escalate_due_concerns(now=None):
    """Pass every untriaged concern whose time with its lead is up to the next lead.
    Returns the concerns passed on."""
    now = now or timezone.now()
    rules = rules_in_force(timezone.localdate(now))
    passed = []
    raised = SafeguardingConcern.objects.filter(status=SafeguardingConcern.Status.RAISED).order_by("raised_at", "id")
    for concern in raised:
        if not is_due_to_pass_on(concern, rules, now):
            continue
        if concern.current_lead_id is None and not safeguarding_leads(concern.organisation):
            continue  # Still no lead: the admins were told when it was raised.
        try:
            passed.append(do_pass_to_next_lead(concern, now=now))
        except IllegalTransition:
            continue  # Triaged, or passed on by another run, in the meantime.
    return passed


# Overdue


@dataclass(frozen=True)
class Overdue:
    concern: SafeguardingConcern
    reason: str


def overdue_reason(concern, rules, now):
    """Why an open concern is overdue, or "" if it is not:

    - untriaged for longer than its rule allows since it was raised (``untriaged``);
    - triaged and still open ``TRIAGED_OPEN_DAYS`` days after triage (``open_after_triage``).
    """
    if concern.status == SafeguardingConcern.Status.RAISED:
        minutes = rules.get(concern.urgency)
        if minutes is not None and now >= concern.raised_at + dt.timedelta(minutes=minutes):
            return "untriaged"
    elif (
        concern.status == SafeguardingConcern.Status.TRIAGED
        and concern.triaged_at
        and now >= concern.triaged_at + dt.timedelta(days=TRIAGED_OPEN_DAYS)
    ):
        return "open_after_triage"
    return ""


OVERDUE_LABELS = {
    "untriaged": _("Not triaged in the time its urgency allows"),
    # Two weeks: TRIAGED_OPEN_DAYS.
    "open_after_triage": _("Still open two weeks or more after triage"),
}


def open_concerns():
    return SafeguardingConcern.objects.exclude(status=SafeguardingConcern.Status.CLOSED)


def find_overdue(now=None, organisation=None):
    """Every overdue open concern (of ``organisation``, or of all), oldest first."""
    now = now or timezone.now()
    rules = rules_in_force(timezone.localdate(now))
    concerns = open_concerns().select_related("organisation").order_by("organisation_id", "raised_at", "id")
    if organisation is not None:
        concerns = concerns.filter(organisation=organisation)
    found = []
    for concern in concerns:
        reason = overdue_reason(concern, rules, now)
        if reason:
            found.append(Overdue(concern, reason))
    return found


def send_overdue_digests(now=None):
    """One e-mail per lead (or, with no lead, per organisation admin) listing the
    organisation's overdue concerns: kind, urgency, when raised, why overdue, a link. Made once
    a day per person (dedupe key with the date). Returns {organisation: [Overdue, …]}."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    by_organisation = {}
    for item in find_overdue(now):
        by_organisation.setdefault(item.concern.organisation, []).append(item)
    for organisation, items in by_organisation.items():
        _send_digest(organisation, items, today)
    return by_organisation


@transaction.atomic
def _send_digest(organisation, items, today):
    leads = safeguarding_leads(organisation)
    recipients = leads or organisation_admins(organisation)
    for recipient in recipients:
        language = _language(recipient)
        rows = [
            {
                "category": ConcernCategory(item.concern.category).label,
                "urgency": Urgency(item.concern.urgency).label,
                "raised_at": timezone.localtime(item.concern.raised_at).strftime("%Y-%m-%d"),
                "reason": OVERDUE_LABELS[item.reason],
                "url": concern_url(item.concern, language) if leads else "",
            }
            for item in items
        ]
        do_notify(
            template="safeguarding_overdue_digest",
            language=language,
            to_user=recipient,
            context={
                "organisation_name": organisation.name,
                "concerns": rows,
                "count": len(rows),
                "has_leads": bool(leads),
                "dashboard_url": settings.SITE_URL + reverse("casework:safeguarding_dashboard"),
            },
            dedupe_key=f"safeguarding-digest:{organisation.pk}:{today.isoformat()}:{recipient.pk}",
        )
    record_event(
        "safeguarding.overdue_digest_sent",
        actor=None,
        organisation=organisation,
        object_type="casework.safeguardingconcern",
        details={
            "concerns": [str(item.concern.uuid) for item in items],
            "recipients": [recipient.pk for recipient in recipients],
            "to_leads": bool(leads),
        },
    )


# Triage, escalation, closing (safeguarding leads only: the pages and API check with
# ``casework.access.get_concern_for_user(..., leads_only=True)``)


def _locked(concern):
    return SafeguardingConcern.objects.select_for_update().select_related("organisation").get(pk=concern.pk)


@transaction.atomic
def do_triage_concern(concern, *, acting_user, decision, reason):
    """raised → triaged, with the lead's decision and the reason for it."""
    concern = _locked(concern)
    if concern.status != SafeguardingConcern.Status.RAISED:
        raise IllegalTransition(_("This concern has already been triaged."))
    if decision not in SafeguardingConcern.Decision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    concern.status = SafeguardingConcern.Status.TRIAGED
    concern.decision = decision
    concern.decision_reason = reason.strip()
    concern.triaged_by = acting_user
    concern.triaged_at = timezone.now()
    concern.save(update_fields=["status", "decision", "decision_reason", "triaged_by", "triaged_at", "updated_at"])
    record_event(
        "safeguarding.concern_triaged",
        actor=acting_user,
        organisation=concern.organisation,
        obj=concern,
        details={"decision": decision},
    )
    return concern


@transaction.atomic
def do_record_escalation(
    concern,
    *,
    acting_user,
    to,
    with_consent,
    no_consent_reason="",
    national_body=None,
    to_detail="",
    their_reference="",
    note="",
    public_id=None,
):
    """Record one escalation of an open concern outward (``public_id``: a fixed uuid, for the demo).

    Refused (ValidationError): an NRM referral by an organisation that is not a First
    Responder (it records passing it to one instead); passing to a First Responder without
    naming one; to the accommodation provider without naming which; without consent and
    without the lawful reason.
    """
    concern = _locked(concern)
    if not concern.is_open:
        raise IllegalTransition(_("This concern is closed: nothing more can be recorded on it."))
    if to not in Escalation.To.values:
        raise ValidationError({"to": _("Choose who it was escalated to.")})
    if to == Escalation.To.NRM_REFERRAL and not concern.organisation.is_nrm_first_responder:
        raise ValidationError(
            {
                "to": _(
                    "Only an NRM First Responder organisation can make an NRM referral, and yours is not one. "
                    "Record that you passed it to a First Responder instead (or call the Modern Slavery "
                    "Helpline, 0800 0121 700)."
                )
            }
        )
    if to in BODY_KINDS:
        kind = BODY_KINDS[to]
        if to == Escalation.To.MIGRANT_HELP and national_body is None:
            national_body = NationalBody.objects.filter(kind=kind).order_by("name").first()
        if national_body is None:
            raise ValidationError({"national_body": _("Choose which body it was passed to.")})
        if to == Escalation.To.FIRST_RESPONDER and not national_body.is_nrm_first_responder:
            raise ValidationError({"national_body": _("Choose an NRM First Responder organisation.")})
        if kind is not None and national_body.kind != kind:
            raise ValidationError({"national_body": _("This body is not of the kind chosen.")})
    else:
        national_body = None
    no_consent_reason = (no_consent_reason or "").strip()
    if not with_consent and not no_consent_reason:
        raise ValidationError(
            {
                "no_consent_reason": _(
                    "Without the person's consent, record the lawful reason for sharing (for example, "
                    "asking would put them at risk, or someone is in immediate danger)."
                )
            }
        )
    escalation = Escalation.objects.create(
        **({"uuid": public_id} if public_id else {}),
        concern=concern,
        to=to,
        national_body=national_body,
        to_detail=(to_detail or "").strip(),
        their_reference=(their_reference or "").strip(),
        with_consent=bool(with_consent),
        no_consent_reason="" if with_consent else no_consent_reason,
        note=(note or "").strip(),
        made_by=acting_user,
        made_at=timezone.now(),
    )
    concern.save(update_fields=["updated_at"])
    record_event(
        "safeguarding.concern_escalated",
        actor=acting_user,
        organisation=concern.organisation,
        obj=concern,
        details={
            "escalation": str(escalation.uuid),
            "to": to,
            "national_body": national_body.slug if national_body else "",
            "with_consent": bool(with_consent),
        },
    )
    return escalation


@transaction.atomic
def do_close_concern(concern, *, acting_user, outcome, outcome_note=""):
    """triaged → closed, only with an outcome."""
    concern = _locked(concern)
    if concern.status == SafeguardingConcern.Status.CLOSED:
        raise IllegalTransition(_("This concern is already closed."))
    if concern.status != SafeguardingConcern.Status.TRIAGED:
        raise IllegalTransition(_("Triage the concern before closing it."))
    if outcome not in SafeguardingConcern.Outcome.values:
        raise ValidationError({"outcome": _("A concern cannot be closed without an outcome. Choose one.")})
    concern.status = SafeguardingConcern.Status.CLOSED
    concern.outcome = outcome
    concern.outcome_note = (outcome_note or "").strip()
    concern.closed_by = acting_user
    concern.closed_at = timezone.now()
    concern.save(update_fields=["status", "outcome", "outcome_note", "closed_by", "closed_at", "updated_at"])
    record_event(
        "safeguarding.concern_closed",
        actor=acting_user,
        organisation=concern.organisation,
        obj=concern,
        details={"outcome": outcome},
    )
    return concern
