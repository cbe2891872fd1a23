"""Builders for the rights and retention tests: a person with one of every kind of record,
each free text carrying a marker (``MARK-<part>-<who>``) that a test can look for."""

import datetime as dt
import uuid

from django.utils import timezone

from waymark.casework.models import (
    Assessment,
    AssessmentNeed,
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
from waymark.directory.tests.builders import make_service
from waymark.hubs.models import Visit
from waymark.lib.crypto import encrypt_bytes
from waymark.people.models import HouseholdMember, JourneyRecord, LegalHold
from waymark.people.tests.helpers import make_person
from waymark.referrals.models import Signposting


def mark(part, who):
    return f"MARK-{part}-{who}"


def make_visit(session, person, *, by, notes="", at=None):
    return Visit.objects.create(
        session=session,
        person=person,
        client_id=uuid.uuid4(),
        request_digest="test",
        checked_in_by=by,
        checked_in_at=at or timezone.now(),
        notes=notes,
        food_parcels=1,
    )


def make_case(person, *, by, who, status=Case.Status.OPEN, closed_at=None, opened_at=None):
    fields = {}
    if status == Case.Status.CLOSED:
        fields = {"outcome": Case.Outcome.RESOLVED, "closing_note": mark("closing", who), "closed_by": by}
    case = Case.objects.create(
        organisation=person.organisation,
        person=person,
        title=mark("title", who),
        owner=by,
        opened_by=by,
        opened_at=opened_at or timezone.now(),
        status=status,
        closed_at=closed_at,
        **fields,
    )
    CaseNote.objects.create(
        case=case,
        kind=CaseNote.Kind.PHONE,
        text=mark("note", who),
        written_by=by,
        written_at=opened_at or timezone.now(),
    )
    goal = PlanGoal.objects.create(case=case, need="housing", description=mark("goal", who), created_by=by)
    CaseAction.objects.create(case=case, goal=goal, description=mark("action", who), owner=by, created_by=by)
    NeedOutcome.objects.create(
        case=case, need="housing", outcome=NeedOutcome.Outcome.PARTLY, note=mark("outcome", who), recorded_by=by
    )
    ImmigrationMatter.objects.create(
        case=case, kind="appeal", required_level=2, level_change_reason=mark("matter", who), created_by=by
    )
    Attachment.objects.create(
        case=case,
        title=mark("attachment-title", who),
        filename=f"{mark('letter', who)}.pdf",
        content_type="application/pdf",
        size=17,
        data=encrypt_bytes(b"%PDF-1.4 letter"),
        uploaded_by=by,
    )
    return case


def make_concern(person, *, by, who, closed_at=None, raised_at=None):
    closed = closed_at is not None
    concern = SafeguardingConcern.objects.create(
        organisation=person.organisation,
        person=person,
        category="suicide_self_harm",
        what_happened=mark("concern", who),
        urgency="immediate",
        raised_by=by,
        raised_at=raised_at or timezone.now(),
        status=SafeguardingConcern.Status.CLOSED if closed else SafeguardingConcern.Status.RAISED,
        outcome=SafeguardingConcern.Outcome.PERSON_SAFE if closed else "",
        outcome_note=mark("concern-outcome", who) if closed else "",
        closed_at=closed_at,
        closed_by=by if closed else None,
    )
    Escalation.objects.create(
        concern=concern,
        to=Escalation.To.MIGRANT_HELP,
        to_detail=mark("escalation-team", who),
        with_consent=False,
        no_consent_reason=mark("no-consent", who),
        note=mark("escalation", who),
        made_by=by,
    )
    return concern


def make_assessment(person, *, by, who, at=None):
    assessment = Assessment.objects.create(
        organisation=person.organisation,
        person=person,
        assessed_by=by,
        assessed_at=at or timezone.now(),
        indicators=["isolation"],
        loneliness="often",
        life_satisfaction=3,
        notes=mark("assessment", who),
        derived_risk_level="medium",
        risk_level_override="high",
        override_reason=mark("override", who),
        overridden_by=by,
    )
    AssessmentNeed.objects.create(assessment=assessment, need="housing", urgency="soon")
    return assessment


def make_full_record(organisation, session, *, by, who="amina", **details):
    """A person with one of every kind of record. Returns (person, {part: object})."""
    person = make_person(
        organisation,
        f"Amina {who.title()}",
        by=by,
        full_name=mark("fullname", who),
        phone="07700 900123",
        date_of_birth=dt.date(1990, 4, 17),
        gender="woman",
        languages=["ar"],
        **details,
    )
    household = HouseholdMember.objects.create(
        person=person, relationship="child", name=mark("child", who), is_child=True
    )
    journey = JourneyRecord.objects.create(person=person, stage="awaiting_decision", recorded_by=by)
    visit = make_visit(session, person, by=by, notes=mark("visit", who))
    service = make_service(f"Legal clinic {uuid.uuid4().hex[:6]}")
    signposting = Signposting.objects.create(
        person=person,
        visit=visit,
        service=service,
        organisation=organisation,
        recorded_by=by,
        note=mark("signposting", who),
    )
    assessment = make_assessment(person, by=by, who=who)
    case = make_case(person, by=by, who=who)
    concern = make_concern(person, by=by, who=who, closed_at=timezone.now())
    hold = LegalHold.objects.create(
        person=person,
        reason=mark("hold", who),
        review_on=dt.date(2027, 1, 1),
        placed_by=by,
        lifted_at=timezone.now(),
        lifted_by=by,
        lift_reason=mark("hold-lifted", who),
    )
    return person, {
        "household": household,
        "journey": journey,
        "visit": visit,
        "signposting": signposting,
        "assessment": assessment,
        "case": case,
        "concern": concern,
        "hold": hold,
    }
