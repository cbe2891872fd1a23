"""People's rights: subject access, erasure (anonymisation), legal holds and retention.

Decisions, so that whoever reads a request later knows what was promised:

- **Who.** Subject access is produced by an organisation admin or a coordinator
  (``SUBJECT_ACCESS_ROLES``): the people who answer data protection requests. Caseworkers do
  not: a copy of everything includes what their roles do not show them (other caseworkers'
  notes, safeguarding concerns). Erasure, legal holds and the rights page are for organisation
  admins only (``RIGHTS_ROLES``).
- **Safeguarding concerns in a subject access copy.** UK GDPR lets an organisation withhold
  what would put someone at risk if disclosed (the person, whoever raised the concern, a third
  party). The copy includes the concerns, marked ``review_required``: the safeguarding lead
  reviews (and may redact) that part before the copy is handed over; the page says so on
  screen, not in print. A coordinator who is neither a safeguarding lead nor an organisation
  admin does not see concerns anywhere else, so their copy says only how many there are and
  leaves them to the lead.
- **The language.** The readable page is in the person's language: their contact language,
  else the first language they speak, when it is one of the interface languages; otherwise
  English. Staff may choose another interface language for it.
- **What anonymisation removes** (``anonymise_person``): the display name (replaced by
  "Anonymised" and a short id), full name, date of birth, phone and their blind indexes,
  gender, the contact language and permissions (and "do not contact" set), the card reference
  (a new one, so an old card leads nowhere), the words search finds them by, household names
  and years of birth, the accommodation site of their journey, and every encrypted free text of
  their visits, signposting, assessments, cases (with notes, goals, actions, outcomes and
  immigration matters), safeguarding concerns (with escalations) and lifted legal holds; case
  attachments are deleted. What stays, without identity, for the counts: the rows of visits,
  needs and what was given, cases and their statuses and outcomes, assessments with their
  needs, indicators, scores and risk level, concerns with category and outcome, consents as
  the record that consent was given, the languages they speak and whether they need an
  interpreter, the broad area they live in. The audit trail keeps ids only.
- **Refusals.** Nothing is anonymised, by hand or by retention, while the person has an active
  legal hold or an open safeguarding concern.
- **Retention**: see ``waymark.casework.rights_retention``.
"""

import base64
import contextvars
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from waymark.accounts.models import Role
from waymark.audit.events import record_event
from waymark.audit.models import Event, RecordAccess
from waymark.casework.models import (
    Assessment,
    Attachment,
    Case,
    CaseAction,
    CaseNote,
    Escalation,
    ImmigrationMatter,
    NeedOutcome,
    PlanGoal,
    SafeguardingConcern,
)
from waymark.directory.models import TaxonomyTerm
from waymark.hubs.models import Visit
from waymark.lib.crypto import decrypt_bytes
from waymark.people.identifiers import new_reference
from waymark.people.models import (
    Consent,
    HouseholdMember,
    JourneyRecord,
    LegalHold,
    Person,
    PersonNameWord,
)
from waymark.referrals.models import Referral, ReferralEvent, Signposting

SUBJECT_ACCESS_ROLES = (Role.ORGANISATION_ADMIN, Role.COORDINATOR)
RIGHTS_ROLES = (Role.ORGANISATION_ADMIN,)
# Who sees the safeguarding concerns in a subject access copy (the others get a count).
CONCERN_DISCLOSURE_ROLES = (Role.ORGANISATION_ADMIN, Role.SAFEGUARDING_LEAD)

# Kept in English on purpose: it is stored data, not interface text.
ANONYMISED_NAME = "Anonymised"
ANONYMISED_CASE_TITLE = "Anonymised"

# The encrypted free texts of each model that anonymisation and retention clear.
TEXTS = {
    Visit: ("notes",),
    Signposting: ("note",),
    Assessment: ("notes", "override_reason"),
    Case: ("closing_note", "reopen_reason"),
    CaseNote: ("text",),
    PlanGoal: ("description",),
    CaseAction: ("description",),
    NeedOutcome: ("note",),
    ImmigrationMatter: ("level_change_reason",),
    SafeguardingConcern: ("about", "what_happened", "decision_reason", "outcome_note"),
    Escalation: ("no_consent_reason", "note"),
    LegalHold: ("reason", "lift_reason"),
    Referral: ("notes_excerpt", "no_consent_reason", "override_reason", "decline_text", "outcome_text"),
    ReferralEvent: ("text",),
}
# Clear-text fields that may carry a name or a reference.
CLEAR_TEXTS = {Escalation: ("to_detail", "their_reference")}


# ---------------------------------------------------------------------------------------------
# Subject access


def subject_access_language(person):
    """The interface language to give the person their copy in (see the module docstring)."""
    codes = {code for code, _name in settings.LANGUAGES}
    for code in [person.contact_language, *(person.languages or [])[:1]]:
        if code in codes:
            return code
    return settings.LANGUAGE_CODE


def may_see_concerns(membership):
    return membership.has_role(*CONCERN_DISCLOSURE_ROLES)


def _who(user):
    if user is None:
        return ""
    return user.name or user.email


# How subject_access_data writes dates: ISO 8601 for the JSON file, words of the active
# language for the page (set for the duration of one call).
_READABLE_DATES = contextvars.ContextVar("readable_dates", default=False)


def _iso(value):
    if value is None:
        return None
    if not _READABLE_DATES.get():
        return value.isoformat()
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "j F Y, H:i")
    return formats.date_format(value, "j F Y")


def _label(choices, value):
    """The label of ``value`` in a TextChoices class, or the value itself if it is not one."""
    return str(choices(value).label) if value in choices.values else value


def _need_names(slugs):
    return dict(TaxonomyTerm.objects.filter(slug__in=set(slugs)).values_list("slug", "name"))


def subject_access_data(person, *, include_concerns=True, include_files=False, readable_dates=False):
    """Everything the person's organisation holds about ``person``, as JSON-ready data.

    Labels are in the active language (call it inside ``translation.override``); dates are ISO
    8601, or words of that language with ``readable_dates`` (for the page). Encrypted fields
    are given decrypted: this is the person's own copy.
    """
    token = _READABLE_DATES.set(readable_dates)
    try:
        return _gather(person, include_concerns=include_concerns, include_files=include_files)
    finally:
        _READABLE_DATES.reset(token)


def _gather(person, *, include_concerns, include_files):
    from waymark.people.models import AccommodationType, Gender, JourneyStage, SupportType

    organisation = person.organisation
    data = {
        "generated_at": _iso(timezone.now()),
        "organisation": organisation.name,
        "language": translation.get_language(),
        "person": {
            "id": str(person.uuid),
            "card_reference": person.printed_reference,
            "display_name": person.display_name,
            "full_name": person.full_name,
            "date_of_birth": _iso(person.date_of_birth),
            "date_of_birth_estimated": person.dob_estimated,
            "phone": person.phone,
            "gender": _label(Gender, person.gender) if person.gender else "",
            "home_area": person.home_area.name if person.home_area_id else "",
            "languages": person.language_names(),
            "interpreter_needed": person.interpreter_needed,
            "may_call": person.may_call,
            "may_text": person.may_text,
            "contact_language": person.contact_language,
            "do_not_contact": person.do_not_contact,
            "age_disputed": person.age_disputed,
            "age_disputed_since": _iso(person.age_disputed_since),
            "registered_at": _iso(person.registered_at),
            "registered_by": _who(person.registered_by),
            "anonymised_at": _iso(person.anonymised_at),
        },
        "household": [
            {
                "relationship": member.get_relationship_display(),
                "name": member.name,
                "year_of_birth": member.year_of_birth,
                "under_18": member.is_child,
            }
            for member in HouseholdMember.objects.filter(person=person)
        ],
        "journey": [
            {
                "since": _iso(record.since),
                "stage": _label(JourneyStage, record.stage),
                "asylum_support": _label(SupportType, record.support_type),
                "accommodation": _label(AccommodationType, record.accommodation_type),
                "accommodation_site": record.accommodation_site.name if record.accommodation_site_id else "",
                "recorded_at": _iso(record.recorded_at),
                "recorded_by": _who(record.recorded_by),
            }
            for record in JourneyRecord.objects.filter(person=person).select_related(
                "accommodation_site", "recorded_by"
            )
        ],
        "consents": [
            {
                "purpose": consent.get_purpose_display(),
                "shared_with": consent.recipient_organisation.name if consent.recipient_organisation_id else "",
                "information_covered": consent.scope_labels(),
                "given_at": _iso(consent.given_at),
                "how": consent.get_how_display(),
                "privacy_notice_language": consent.privacy_notice_language,
                "recorded_by": _who(consent.recorded_by),
                "expires_at": _iso(consent.expires_at),
                "withdrawn_at": _iso(consent.withdrawn_at),
                "withdrawn_by": _who(consent.withdrawn_by),
            }
            for consent in Consent.objects.filter(person=person).select_related(
                "recipient_organisation", "recorded_by", "withdrawn_by"
            )
        ],
        "visits": _visits(person),
        "signposting_outside_visits": [
            _signposting(signposting)
            for signposting in Signposting.objects.filter(person=person, visit__isnull=True).select_related(
                "service", "organisation", "recorded_by"
            )
        ],
        "assessments": _assessments(person),
        "cases": _cases(person, include_files=include_files),
        "safeguarding_concerns": _concerns(person, include_concerns),
        "referrals": _referrals(person),
        "legal_holds": [
            {
                "reason": hold.reason,
                "review_on": _iso(hold.review_on),
                "placed_at": _iso(hold.placed_at),
                "placed_by": _who(hold.placed_by),
                "lifted_at": _iso(hold.lifted_at),
                "lifted_by": _who(hold.lifted_by),
                "lift_reason": hold.lift_reason,
            }
            for hold in LegalHold.objects.filter(person=person).select_related("placed_by", "lifted_by")
        ],
        "record_access_log": [
            {"at": _iso(entry.at), "who": _who(entry.user), "what": entry.what}
            for entry in RecordAccess.objects.filter(person_uuid=person.uuid, organisation=organisation)
            .select_related("user")
            .order_by("at", "id")
        ],
        "changes_log": [
            {"at": _iso(event.at), "who": _who(event.actor), "action": event.action}
            for event in Event.objects.filter(object_id=str(person.uuid), organisation=organisation)
            .select_related("actor")
            .order_by("at", "id")
        ],
    }
    return data


def _referrals(person):
    """The person's referrals made by their organisation, with what was shared and the history."""
    from waymark.people.models import InformationKind

    referrals = (
        Referral.objects.filter(person=person, organisation=person.organisation)
        .select_related("service", "receiving_organisation", "created_by", "need")
        .prefetch_related(models.Prefetch("events", queryset=ReferralEvent.objects.select_related("by")))
        .order_by("created_at", "id")
    )
    return [
        {
            "service": referral.service.name,
            "referred_to": referral.receiving_organisation.name if referral.receiving_organisation_id else "",
            "need": referral.need.name if referral.need_id else "",
            "state": referral.get_state_display(),
            "made_at": _iso(referral.created_at),
            "made_by": _who(referral.created_by),
            "sent_at": _iso(referral.sent_at),
            "information_shared": [_label(InformationKind, kind) for kind in (referral.shared or {}).get("scope", [])],
            "what_the_service_should_know": referral.notes_excerpt,
            "shared_without_consent_because": referral.no_consent_reason,
            "eligibility_overridden_because": referral.override_reason,
            "decline_reason": referral.get_decline_reason_display() if referral.decline_reason else "",
            "decline_text": referral.decline_text,
            "outcome": referral.get_outcome_display() if referral.outcome else "",
            "outcome_text": referral.outcome_text,
            "history": [
                {"at": _iso(event.at), "state": _label(Referral.State, event.to_state), "who": _who(event.by)}
                for event in referral.events.all()
            ],
        }
        for referral in referrals
    ]


def _signposting(signposting):
    return {
        "service": signposting.service.name,
        "signposted_by": signposting.organisation.name,
        "recorded_at": _iso(signposting.recorded_at),
        "recorded_by": _who(signposting.recorded_by),
        "note": signposting.note,
    }


def _visits(person):
    visits = (
        Visit.objects.filter(person=person)
        .select_related("session__hub", "session__site", "checked_in_by")
        .prefetch_related(
            "needs",
            models.Prefetch(
                "signpostings", queryset=Signposting.objects.select_related("service", "organisation", "recorded_by")
            ),
        )
        .order_by("session__date", "checked_in_at")
    )
    return [
        {
            "date": _iso(visit.session.date),
            "hub": visit.session.hub.name,
            "place": visit.session.site.name if visit.session.site_id else "",
            "checked_in_at": _iso(visit.checked_in_at),
            "checked_in_by": _who(visit.checked_in_by),
            "first_visit": visit.first_visit,
            "needs": [term.name for term in visit.needs.all()],
            "given": visit.given_labels(),
            "notes": visit.notes,
            "signposting": [_signposting(signposting) for signposting in visit.signpostings.all()],
        }
        for visit in visits
    ]


def _assessments(person):
    from waymark.casework.models import Loneliness, RiskLevel, VulnerabilityIndicator

    assessments = list(
        Assessment.objects.filter(person=person)
        .select_related("assessed_by", "overridden_by")
        .prefetch_related("needs")
        .order_by("assessed_at", "id")
    )
    names = _need_names(need.need for assessment in assessments for need in assessment.needs.all())
    return [
        {
            "assessed_at": _iso(assessment.assessed_at),
            "assessed_by": _who(assessment.assessed_by),
            "needs": [
                {"need": names.get(need.need, need.need), "urgency": need.get_urgency_display()}
                for need in assessment.needs.all()
            ],
            "vulnerability_indicators": [
                _label(VulnerabilityIndicator, indicator) for indicator in assessment.indicators or []
            ],
            "loneliness": _label(Loneliness, assessment.loneliness) if assessment.loneliness else "",
            "life_satisfaction": assessment.life_satisfaction,
            "worthwhile": assessment.worthwhile,
            "happiness": assessment.happiness,
            "anxiety": assessment.anxiety,
            "notes": assessment.notes,
            "risk_level_from_answers": _label(RiskLevel, assessment.derived_risk_level),
            "risk_level_set_by_caseworker": (
                _label(RiskLevel, assessment.risk_level_override) if assessment.risk_level_override else ""
            ),
            "reason_for_changing_risk_level": assessment.override_reason,
            "risk_level_changed_by": _who(assessment.overridden_by),
        }
        for assessment in assessments
    ]


def _cases(person, *, include_files):
    cases = list(
        Case.objects.filter(person=person)
        .select_related("owner", "opened_by", "closed_by")
        .prefetch_related(
            models.Prefetch("notes", queryset=CaseNote.objects.select_related("written_by").order_by("happened_on")),
            models.Prefetch("actions", queryset=CaseAction.objects.select_related("owner", "goal")),
            "goals",
            models.Prefetch("need_outcomes", queryset=NeedOutcome.objects.select_related("recorded_by")),
            models.Prefetch("immigration_matters", queryset=ImmigrationMatter.objects.select_related("created_by")),
            models.Prefetch(
                "attachments",
                queryset=Attachment.objects.select_related("uploaded_by")
                if include_files
                else Attachment.objects.select_related("uploaded_by").defer("data"),
            ),
        )
        .order_by("opened_at", "id")
    )
    names = _need_names(
        [goal.need for case in cases for goal in case.goals.all() if goal.need]
        + [outcome.need for case in cases for outcome in case.need_outcomes.all()]
    )
    result = []
    for case in cases:
        result.append(
            {
                "title": case.title,
                "caseworker": _who(case.owner),
                "status": case.get_status_display(),
                "outcome": case.get_outcome_display() if case.outcome else "",
                "opened_at": _iso(case.opened_at),
                "closed_at": _iso(case.closed_at),
                "closing_note": case.closing_note,
                "reopened_at": _iso(case.reopened_at),
                "reopen_reason": case.reopen_reason,
                "notes": [
                    {
                        "date": _iso(note.happened_on),
                        "kind": note.get_kind_display(),
                        "text": note.text,
                        "written_by": _who(note.written_by),
                    }
                    for note in case.notes.all()
                ],
                "support_plan": [
                    {
                        "goal": goal.description,
                        "need": names.get(goal.need, goal.need),
                        "status": goal.get_status_display(),
                    }
                    for goal in case.goals.all()
                ],
                "actions": [
                    {
                        "what": action.description,
                        "who": _who(action.owner),
                        "due_on": _iso(action.due_on),
                        "done_at": _iso(action.done_at),
                        "goal": action.goal.description if action.goal_id else "",
                    }
                    for action in case.actions.all()
                ],
                "outcomes": [
                    {
                        "need": names.get(outcome.need, outcome.need),
                        "outcome": outcome.get_outcome_display(),
                        "note": outcome.note,
                        "recorded_at": _iso(outcome.recorded_at),
                    }
                    for outcome in case.need_outcomes.all()
                ],
                "immigration_matters": [
                    {
                        "kind": matter.get_kind_display(),
                        "oisc_level_needed": matter.required_level,
                        "why_the_level_was_changed": matter.level_change_reason,
                        "outcome": matter.get_outcome_display() if matter.outcome else "",
                        "outcome_recorded_at": _iso(matter.outcome_recorded_at),
                    }
                    for matter in case.immigration_matters.all()
                ],
                "attachments": [_attachment(attachment, include_files) for attachment in case.attachments.all()],
            }
        )
    return result


def _attachment(attachment, include_file):
    item = {
        "title": attachment.title,
        "file_name": attachment.filename,
        "type": attachment.content_type,
        "size_bytes": attachment.size,
        "uploaded_at": _iso(attachment.uploaded_at),
        "uploaded_by": _who(attachment.uploaded_by),
    }
    if include_file:
        item["content_base64"] = base64.b64encode(_attachment_bytes(attachment)).decode("ascii")
    return item


def _attachment_bytes(attachment):
    if attachment.storage_key:
        with storages[settings.CASEWORK_ATTACHMENT_STORAGE].open(attachment.storage_key, "rb") as stored:
            encrypted = stored.read()
    else:
        encrypted = bytes(attachment.data)
    return decrypt_bytes(encrypted)


def _concerns(person, include):
    concerns = SafeguardingConcern.objects.filter(person=person)
    if not include:
        return {"review_required": True, "withheld_for_the_safeguarding_lead": concerns.count(), "items": []}
    items = [
        {
            "category": concern.get_category_display(),
            "urgency": concern.get_urgency_display(),
            "what_was_seen_or_said": concern.what_happened,
            "raised_at": _iso(concern.raised_at),
            "raised_by": _who(concern.raised_by),
            "status": concern.get_status_display(),
            "decision": concern.get_decision_display() if concern.decision else "",
            "reason_for_the_decision": concern.decision_reason,
            "triaged_at": _iso(concern.triaged_at),
            "closed_at": _iso(concern.closed_at),
            "outcome": concern.get_outcome_display() if concern.outcome else "",
            "about_the_outcome": concern.outcome_note,
            "escalations": [
                {
                    "to": escalation.get_to_display(),
                    "body": escalation.national_body.name if escalation.national_body_id else "",
                    "team_or_person": escalation.to_detail,
                    "their_reference": escalation.their_reference,
                    "with_consent": escalation.with_consent,
                    "lawful_reason_without_consent": escalation.no_consent_reason,
                    "note": escalation.note,
                    "when": _iso(escalation.made_at),
                }
                for escalation in concern.escalations.all()
            ],
        }
        for concern in concerns.select_related("raised_by").prefetch_related(
            models.Prefetch("escalations", queryset=Escalation.objects.select_related("national_body"))
        )
    ]
    return {"review_required": True, "withheld_for_the_safeguarding_lead": 0, "items": items}


def do_record_subject_access(person, *, acting_user, organisation, form):
    """Audit that a subject access copy of ``person`` was produced (``form``: "page" or "json")."""
    return record_event(
        "people.subject_access",
        actor=acting_user,
        organisation=organisation,
        obj=person,
        details={"form": form},
    )


# ---------------------------------------------------------------------------------------------
# Legal holds


@transaction.atomic
def do_place_legal_hold(person, *, acting_user, reason, review_on):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the records are held.")}, code="required")
    if review_on is None or review_on <= timezone.localdate():
        raise ValidationError({"review_on": _("Give a review date in the future.")}, code="review_in_past")
    hold = LegalHold.objects.create(person=person, reason=reason, review_on=review_on, placed_by=acting_user)
    record_event(
        "people.legal_hold_placed",
        actor=acting_user,
        organisation=person.organisation,
        obj=hold,
        details={"person": str(person.uuid), "review_on": review_on.isoformat()},
    )
    return hold


@transaction.atomic
def do_lift_legal_hold(hold, *, acting_user, reason):
    reason = (reason or "").strip()
    hold = LegalHold.objects.select_for_update().select_related("person__organisation").get(pk=hold.pk)
    if not hold.is_active:
        raise ValidationError(_("This hold has already been lifted."), code="already_lifted")
    if not reason:
        raise ValidationError({"reason": _("Say why the hold is lifted.")}, code="required")
    hold.lifted_at = timezone.now()
    hold.lifted_by = acting_user
    hold.lift_reason = reason
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    record_event(
        "people.legal_hold_lifted",
        actor=acting_user,
        organisation=hold.person.organisation,
        obj=hold,
        details={"person": str(hold.person.uuid)},
    )
    return hold


def holds_due_for_review(organisation, today=None):
    """The organisation's active holds whose review date has come, the most overdue first."""
    today = today or timezone.localdate()
    return (
        LegalHold.objects.filter(person__organisation=organisation, lifted_at__isnull=True, review_on__lte=today)
        .select_related("person", "placed_by")
        .order_by("review_on", "id")
    )


# ---------------------------------------------------------------------------------------------
# Erasure and anonymisation


def _open_concerns():
    return SafeguardingConcern.objects.exclude(status=SafeguardingConcern.Status.CLOSED)


def protected_people():
    """People nothing may be anonymised of: an active legal hold or an open concern about them."""
    return Person.objects.filter(
        Exists(LegalHold.objects.filter(person=OuterRef("pk"), lifted_at__isnull=True))
        | Exists(_open_concerns().filter(person=OuterRef("pk")))
    )


def erasure_blockers(person):
    """Why ``person`` cannot be erased now, as sentences for the page (empty: nothing stops it)."""
    reasons = []
    if person.anonymised_at is not None:
        reasons.append(_("This record has already been anonymised."))
    if person.is_merged:
        reasons.append(_("This record was merged into another one: erase that one instead."))
    open_concerns = _open_concerns().filter(person=person).count()
    if open_concerns:
        reasons.append(
            _("There is an open safeguarding concern about them. It must be closed first.")
            if open_concerns == 1
            else _("There are %(count)d open safeguarding concerns about them. They must be closed first.")
            % {"count": open_concerns}
        )
    holds = LegalHold.objects.filter(person=person, lifted_at__isnull=True).order_by("review_on")
    for hold in holds:
        reasons.append(
            _("A legal hold placed on %(placed)s (review by %(review)s) keeps their records. It must be lifted first.")
            % {"placed": timezone.localdate(hold.placed_at).isoformat(), "review": hold.review_on.isoformat()}
        )
    return reasons


def with_texts_left(model, queryset):
    fields = (*TEXTS.get(model, ()), *CLEAR_TEXTS.get(model, ()))
    lengths = {f"_length_{name}": Length(name) for name in fields}
    left = Q()
    for name in lengths:
        left |= Q(**{f"{name}__gt": 0})
    return queryset.annotate(**lengths).filter(left)


def clear_texts(model, queryset):
    """Clear the free texts of the rows of ``queryset`` that still hold any; return how many
    rows were changed."""
    pks = list(with_texts_left(model, queryset).values_list("pk", flat=True))
    if pks:
        fields = (*TEXTS.get(model, ()), *CLEAR_TEXTS.get(model, ()))
        model.objects.filter(pk__in=pks).update(**dict.fromkeys(fields, ""))
    return len(pks)


def _delete_attachments(queryset):
    """Delete the attachments: bytes kept in the database go with their rows; objects in
    storage are deleted once the deletion is committed."""
    attachments = Attachment.objects.filter(pk__in=queryset.values("pk"))
    keys = [key for key in attachments.values_list("storage_key", flat=True) if key]
    count, _by_model = attachments.delete()
    if keys:
        storage = storages[settings.CASEWORK_ATTACHMENT_STORAGE]
        transaction.on_commit(lambda: [storage.delete(key) for key in keys])
    return count


def clear_case_texts(cases):
    """Clear the texts of ``cases`` (a queryset) and everything on them; delete attachments."""
    changed = clear_texts(Case, cases)
    changed += (
        Case.objects.filter(pk__in=cases.values("pk"))
        .exclude(title=ANONYMISED_CASE_TITLE)
        .update(title=ANONYMISED_CASE_TITLE)
    )
    for model in (CaseNote, PlanGoal, CaseAction, NeedOutcome, ImmigrationMatter):
        changed += clear_texts(model, model.objects.filter(case__in=cases.values("pk")))
    changed += _delete_attachments(Attachment.objects.filter(case__in=cases.values("pk")))
    return changed


def clear_concern_texts(concerns):
    changed = clear_texts(SafeguardingConcern, concerns)
    changed += clear_texts(Escalation, Escalation.objects.filter(concern__in=concerns.values("pk")))
    return changed


def clear_visit_texts(visits):
    changed = clear_texts(Visit, visits)
    changed += clear_texts(Signposting, Signposting.objects.filter(visit__in=visits.values("pk")))
    return changed


def clear_referral_texts(referrals):
    """Clear the texts of ``referrals`` (a queryset) and their history, and the copy of the
    person's details they carry (so a receiver is left with nothing about them)."""
    pks = list(referrals.filter(details_cleared_at__isnull=True).values_list("pk", flat=True))
    clear_texts(ReferralEvent, ReferralEvent.objects.filter(referral__in=pks))
    Referral.objects.filter(pk__in=pks).update(
        **dict.fromkeys(TEXTS[Referral], ""), shared={}, no_consent_scope=[], details_cleared_at=timezone.now()
    )
    return len(pks)


def _unused_reference():
    while True:
        reference = new_reference()
        if not Person.objects.filter(reference=reference).exists():
            return reference


def anonymise_person(person, *, now=None):
    """Remove ``person``'s identity and every free text about them (see the module docstring);
    keep the rows the counts are made of. Returns {part: rows changed}. Call it in a
    transaction, after checking ``erasure_blockers``."""
    now = now or timezone.now()
    person.display_name = f"{ANONYMISED_NAME} {person.uuid.hex[:6].upper()}"
    person.full_name = ""
    person.date_of_birth = None
    person.dob_estimated = False
    person.dob_index = ""
    person.phone = ""
    person.phone_index = ""
    person.gender = ""
    person.contact_language = ""
    person.may_call = False
    person.may_text = False
    person.do_not_contact = True
    person.age_disputed_since = None
    person.reference = _unused_reference()
    person.anonymised_at = now
    person.save()
    changed = {}
    changed["name_words"], _by_model = PersonNameWord.objects.filter(person=person).delete()
    changed["household"] = HouseholdMember.objects.filter(person=person).update(name="", year_of_birth=None)
    changed["journey"] = JourneyRecord.objects.filter(person=person, accommodation_site__isnull=False).update(
        accommodation_site=None
    )
    visits = Visit.objects.filter(person=person)
    changed["visits"] = clear_visit_texts(visits) + clear_texts(Signposting, Signposting.objects.filter(person=person))
    changed["assessments"] = clear_texts(Assessment, Assessment.objects.filter(person=person))
    changed["referrals"] = clear_referral_texts(Referral.objects.filter(person=person))
    changed["cases"] = clear_case_texts(Case.objects.filter(person=person))
    changed["safeguarding_concerns"] = clear_concern_texts(SafeguardingConcern.objects.filter(person=person))
    changed["legal_holds"] = clear_texts(LegalHold, LegalHold.objects.filter(person=person, lifted_at__isnull=False))
    return {part: count for part, count in changed.items() if count}


@transaction.atomic
def do_erase_person(person, *, acting_user):
    """Erase ``person``'s identity at their request (anonymise; the counts stay). Refused with
    the reasons while they have an active legal hold or an open safeguarding concern."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    blockers = erasure_blockers(person)
    if blockers:
        raise ValidationError(blockers, code="erasure_refused")
    changed = anonymise_person(person)
    record_event(
        "people.erased",
        actor=acting_user,
        organisation=person.organisation,
        obj=person,
        details={"changed": changed},
    )
    return person
