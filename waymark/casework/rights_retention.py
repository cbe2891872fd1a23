"""Retention: anonymising what has passed its period (the ``apply_retention`` job).

The ``people.RetentionPeriod`` row in force on the day the job runs gives each kind its
months. Anyone with an active legal hold or an open safeguarding concern is skipped (and
counted); so is everything of theirs.

* person: anonymised when nothing has happened for the period — no registration, visit,
  case opened, closed or noted, assessment or concern since — and no case is open;
* case: a closed case past the period from its closing has its texts cleared and its
  attachments deleted;
* safeguarding concern: a closed concern past the period from its closing, texts cleared;
* assessment: past the period from the assessment, its free text cleared (indicators and
  scores stay until the person is anonymised);
* visit: past the period from the visit, its notes and its signposting notes cleared;
* referral: a closed referral past the period from its closing has its texts and the copy of
  the person's details it carried cleared;
* consent withdrawn: the consent that lets us keep someone's details is "keep my details"
  (``Consent.Purpose.KEEP_DETAILS``, no recipient). Someone who withdrew it, has no active
  one, and withdrew it longer ago than the period is anonymised. Withdrawing consent to be
  contacted stops contact (people.actions) and is no reason to remove a record; a sharing
  consent governs what a recipient may have, not what we keep.

Each step only touches what still has something to clear, so the job is safe to run twice.

What anonymising a person removes and keeps, and who is never touched, is in
``waymark.casework.rights``.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from waymark.audit.events import record_event
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
from waymark.casework.rights import (
    ANONYMISED_CASE_TITLE,
    anonymise_person,
    clear_case_texts,
    clear_concern_texts,
    clear_referral_texts,
    clear_texts,
    clear_visit_texts,
    protected_people,
    with_texts_left,
)
from waymark.hubs.models import Visit
from waymark.people.models import Consent, Person, RetentionPeriod
from waymark.referrals.models import Referral, Signposting


def months_before(moment, months):
    """``moment`` moved back by whole calendar months (the 31st becomes the month's last day)."""
    year, month = divmod(moment.month - 1 - months, 12)
    year += moment.year
    month += 1
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def period_in_force(record_type, on):
    """The months the RetentionPeriod row in force on ``on`` (a date) gives, or None."""
    row = RetentionPeriod.objects.filter(record_type=record_type, valid_from__lte=on).order_by("-valid_from").first()
    return row.months if row is not None else None


def _cutoffs(now):
    today = timezone.localdate(now)
    cutoffs = {}
    for record_type in RetentionPeriod.RecordType.values:
        months = period_in_force(record_type, today)
        if months is not None:
            cutoffs[record_type] = months_before(now, months)
    return cutoffs


def _cases_left(cases):
    """The cases of ``cases`` with anything retention still has to clear."""
    case = OuterRef("pk")
    texts_left = Q(pk__in=with_texts_left(Case, Case.objects.all()).values("pk")) | ~Q(title=ANONYMISED_CASE_TITLE)
    for model in (CaseNote, PlanGoal, CaseAction, NeedOutcome, ImmigrationMatter):
        texts_left |= Exists(with_texts_left(model, model.objects.filter(case=case)))
    texts_left |= Exists(Attachment.objects.filter(case=case))
    return cases.filter(texts_left)


def _concerns_left(concerns):
    escalations = with_texts_left(Escalation, Escalation.objects.filter(concern=OuterRef("pk")))
    return concerns.filter(
        Q(pk__in=with_texts_left(SafeguardingConcern, SafeguardingConcern.objects.all()).values("pk"))
        | Exists(escalations)
    )


def _visits_left(visits):
    signposting = with_texts_left(Signposting, Signposting.objects.filter(visit=OuterRef("pk")))
    return visits.filter(Q(pk__in=with_texts_left(Visit, Visit.objects.all()).values("pk")) | Exists(signposting))


def _inactive_people(since):
    """People with no activity since ``since`` and no case still open."""
    person = OuterRef("pk")
    active = (
        Exists(Visit.objects.filter(person=person, checked_in_at__gt=since))
        | Exists(Case.objects.filter(person=person).exclude(status=Case.Status.CLOSED))
        | Exists(Case.objects.filter(person=person).filter(Q(opened_at__gt=since) | Q(closed_at__gt=since)))
        | Exists(CaseNote.objects.filter(case__person=person, written_at__gt=since))
        | Exists(Assessment.objects.filter(person=person, assessed_at__gt=since))
        | Exists(
            SafeguardingConcern.objects.filter(person=person).filter(Q(raised_at__gt=since) | Q(closed_at__gt=since))
        )
    )
    return Person.objects.filter(anonymised_at__isnull=True, registered_at__lte=since).exclude(active)


def _consent_withdrawn_people(since):
    """People whose consent to keep their details was withdrawn before ``since`` and who have
    no such consent active now."""
    keep = Consent.objects.filter(
        person=OuterRef("pk"), purpose=Consent.Purpose.KEEP_DETAILS, recipient_organisation__isnull=True
    )
    return Person.objects.filter(Exists(keep.filter(withdrawn_at__lte=since)), anonymised_at__isnull=True).exclude(
        Exists(keep.filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=since)))
    )


def apply_retention(*, now=None, dry_run=False, acting_user=None):
    """Anonymise what has passed its retention period (see the module docstring).

    Returns {"done": {kind: count}, "skipped_held": {kind: count}}: what was (or, on a dry
    run, would be) anonymised or cleared, and what was due but kept for a legal hold or an
    open concern. A dry run changes nothing and writes no audit event.
    """
    now = now or timezone.now()
    cutoffs = _cutoffs(now)
    protected = protected_people().values("pk")
    Types = RetentionPeriod.RecordType
    done, skipped = {}, {}
    with transaction.atomic():
        # People first: anonymising someone clears everything of theirs, which the per-record
        # steps below then find nothing left in.
        people_due = {}
        if Types.CONSENT_WITHDRAWN in cutoffs:
            people_due["consent_withdrawn"] = _consent_withdrawn_people(cutoffs[Types.CONSENT_WITHDRAWN])
        if Types.PERSON in cutoffs:
            people_due["person"] = _inactive_people(cutoffs[Types.PERSON])
        seen = set()
        for kind, due in people_due.items():
            skipped[kind] = due.filter(pk__in=protected).exclude(pk__in=seen).count()
            people = list(due.exclude(pk__in=protected).exclude(pk__in=seen).select_for_update())
            seen.update(person.pk for person in people)
            done[kind] = len(people)
            if not dry_run:
                for person in people:
                    anonymise_person(person, now=now)

        steps = []
        if Types.CASE in cutoffs:
            due = Case.objects.filter(status=Case.Status.CLOSED, closed_at__lte=cutoffs[Types.CASE])
            steps.append(("case", _cases_left(due), clear_case_texts))
        if Types.SAFEGUARDING_CONCERN in cutoffs:
            due = SafeguardingConcern.objects.filter(
                status=SafeguardingConcern.Status.CLOSED, closed_at__lte=cutoffs[Types.SAFEGUARDING_CONCERN]
            )
            steps.append(("safeguarding_concern", _concerns_left(due), clear_concern_texts))
        if Types.ASSESSMENT in cutoffs:
            due = Assessment.objects.filter(assessed_at__lte=cutoffs[Types.ASSESSMENT])
            steps.append(("assessment", with_texts_left(Assessment, due), lambda qs: clear_texts(Assessment, qs)))
        if Types.VISIT in cutoffs:
            due = Visit.objects.filter(checked_in_at__lte=cutoffs[Types.VISIT])
            steps.append(("visit", _visits_left(due), clear_visit_texts))
        if Types.REFERRAL in cutoffs:
            due = Referral.objects.filter(closed_at__lte=cutoffs[Types.REFERRAL], details_cleared_at__isnull=True)
            steps.append(("referral", due, clear_referral_texts))
        for kind, due, clear in steps:
            # A concern about someone not registered has nobody to hold it for.
            # The records of the people just anonymised are already cleared (on a dry run:
            # would be), so they are not counted twice.
            due = due.exclude(person__in=seen)
            skipped[kind] = due.filter(person__in=protected).count()
            pks = list(due.exclude(person__in=protected).values_list("pk", flat=True))
            done[kind] = len(pks)
            if not dry_run and pks:
                clear(due.model.objects.filter(pk__in=pks))
        if Types.VISIT in cutoffs:
            # Signposting given outside a visit keeps the visit period.
            signpostings = with_texts_left(
                Signposting,
                Signposting.objects.filter(visit__isnull=True, recorded_at__lte=cutoffs[Types.VISIT]),
            )
            signpostings = signpostings.exclude(person__in=seen)
            skipped["visit"] += signpostings.filter(person__in=protected).count()
            pks = list(signpostings.exclude(person__in=protected).values_list("pk", flat=True))
            done["visit"] += len(pks)
            if not dry_run and pks:
                Signposting.objects.filter(pk__in=pks).update(note="")

        if not dry_run:
            record_event(
                "people.retention_applied",
                actor=acting_user,
                details={
                    "done": done,
                    "skipped_held": skipped,
                    "periods": sorted(cutoffs),
                    "at": now.isoformat(),
                },
            )
    return {"done": done, "skipped_held": skipped, "periods": sorted(cutoffs)}
