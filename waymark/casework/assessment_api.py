"""The assessment endpoints of the internal API: record an assessment of a person, list theirs.

The same doors as the pages: the person is fetched with ``people.access.get_person_for_user``
and the assessment roles (caseworkers, coordinators, safeguarding leads, organisation admins);
anyone else, a volunteer of the same organisation included, gets 404, as does a person of
another organisation. Every read is logged.
"""

import datetime as dt
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from waymark.api import ApiError, with_errors
from waymark.casework import access
from waymark.casework.assessments import do_record_assessment, prompts_for
from waymark.casework.models import Loneliness, RiskLevel, Urgency, VulnerabilityIndicator
from waymark.people.access import get_person_for_user

router = Router(tags=["assessments"])


class NeedIn(Schema):
    need: str = Field(max_length=100, description="A slug of the needs taxonomy, e.g. “housing”.")
    urgency: Urgency = Urgency.ROUTINE


class AssessmentIn(Schema):
    needs: list[NeedIn] = []
    indicators: list[VulnerabilityIndicator] = Field([], description="The vulnerability indicators that apply.")
    loneliness: Loneliness | None = Field(None, description="The ONS question “How often do you feel lonely?”.")
    life_satisfaction: int | None = Field(None, ge=0, le=10)
    worthwhile: int | None = Field(None, ge=0, le=10)
    happiness: int | None = Field(None, ge=0, le=10)
    anxiety: int | None = Field(None, ge=0, le=10)
    notes: str = Field("", max_length=10000)


class NeedOut(Schema):
    need: str
    urgency: str


class ConcernRaisedOut(Schema):
    id: UUID
    category: str
    urgency: str


class PromptsOut(Schema):
    concerns: list[ConcernRaisedOut] = Field(description="Safeguarding concerns the answers raised at once.")
    age_disputed: bool = Field(description="Flagged “age disputed”: under 18 in adult accommodation.")
    nrm_first_responder: bool | None = Field(
        description="For signs of trafficking: whether the organisation refers to the NRM itself (null: no such signs)."
    )


class AssessmentOut(Schema):
    id: UUID
    person_id: UUID
    assessed_at: dt.datetime
    assessed_by: str
    needs: list[NeedOut]
    indicators: list[str]
    loneliness: str
    life_satisfaction: int | None
    worthwhile: int | None
    happiness: int | None
    anxiety: int | None
    notes: str
    derived_risk_level: RiskLevel
    risk_level: RiskLevel = Field(description="The caseworker's level if they changed it, else the derived one.")
    prompts: PromptsOut


def _out(assessment):
    prompts = prompts_for(assessment)
    return {
        "id": assessment.uuid,
        "person_id": assessment.person.uuid,
        "assessed_at": assessment.assessed_at,
        "assessed_by": str(assessment.assessed_by),
        "needs": [{"need": need.need, "urgency": need.urgency} for need in assessment.needs.all()],
        "indicators": assessment.indicators,
        "loneliness": assessment.loneliness,
        "life_satisfaction": assessment.life_satisfaction,
        "worthwhile": assessment.worthwhile,
        "happiness": assessment.happiness,
        "anxiety": assessment.anxiety,
        "notes": assessment.notes,
        "derived_risk_level": assessment.derived_risk_level,
        "risk_level": assessment.risk_level,
        "prompts": {
            "concerns": [
                {"id": concern.uuid, "category": concern.category, "urgency": concern.urgency}
                for concern in prompts.concerns
            ],
            "age_disputed": prompts.age_disputed,
            "nrm_first_responder": prompts.nrm.first_responder if prompts.nrm else None,
        },
    }


@router.get(
    "/people/{person_id}/assessments",
    response=with_errors(list[AssessmentOut], 401, 404),
    summary="A person's assessments",
)
def list_assessments(request, person_id: UUID):
    """The person's assessments, latest first, with notes."""
    person = get_person_for_user(request, None, person_id, roles=access.ASSESSMENT_ROLES, what="api_assessments")
    assessments = (
        access.assessments_for_membership(request.membership)
        .filter(person=person)
        .select_related("person", "assessed_by", "organisation")
        .prefetch_related("needs", "concerns")
    )
    return [_out(assessment) for assessment in assessments]


@router.post(
    "/people/{person_id}/assessments",
    response=with_errors(AssessmentOut, 401, 403, 404, 422, ok=201),
    summary="Record an assessment",
)
def record_assessment(request, person_id: UUID, payload: AssessmentIn):
    """Record a needs and vulnerability assessment (a reassessment is a new one). Answers that
    demand it act at once: ``prompts`` lists the safeguarding concerns raised."""
    person = get_person_for_user(request, None, person_id, roles=access.ASSESSMENT_ROLES, what="api_assessment_new")
    data = payload.dict()
    needs = [(need["need"], need["urgency"]) for need in data.pop("needs")]
    data["loneliness"] = data["loneliness"] or ""
    try:
        assessment = do_record_assessment(person, acting_user=request.user, needs=needs, **data)
    except ValidationError as error:
        errors = [
            {"loc": ["body", "payload", name], "msg": str(message), "type": "value_error"}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
        raise ApiError(422, "invalid", _("The request is not valid."), errors=errors) from None
    return Status(201, _out(assessment))
