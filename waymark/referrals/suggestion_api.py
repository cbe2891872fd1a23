"""Suggested services for a need and a person: ``GET /api/v1/services/suggestions``.

The same door as the suggestions page: the person through ``people.access`` with a referral
role (caseworker, coordinator, safeguarding lead, organisation admin); a volunteer, a member
with no role, or anyone asking about a person of another organisation gets 404. An unknown
need is 422. The answer carries the services (each ``id`` is the service's id in the Open
Referral UK API), best first: first those the person is eligible for, then those they are
not (``eligible`` false, with the reasons), so a system can show both as the page does.
"""

from uuid import UUID

from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from waymark.api import ApiError, with_errors
from waymark.people.access import get_person_for_user
from waymark.referrals.access import REFERRAL_ROLES
from waymark.referrals.suggestions import find_need, suggest

router = Router(tags=["referrals"])

MAX_LIMIT = 50


class ReasonOut(Schema):
    kind: str = Field(
        description="What the reason is about: eligibility, advice, language, distance, capacity, statistics, delivery."
    )
    text: str = Field(description="The reason, in the user's language.")


class StatisticsOut(Schema):
    referrals: int = Field(description="Referrals sent to the service through Waymark (not withdrawn).")
    median_days_to_respond: float | None = Field(description="Median days from sending to an answer.")
    share_accepted: float | None = Field(description="Accepted (0 to 1) of the referrals answered or expired.")


class OrganisationRef(Schema):
    id: UUID
    name: str


class SuggestedServiceOut(Schema):
    id: UUID = Field(description="The service's id, the same as in the Open Referral UK API.")
    name: str
    organisation: OrganisationRef
    score: float = Field(description="Higher fits better; only the order is meaningful.")
    eligible: bool = Field(description="False when the person is known not to meet the service's eligibility.")
    reasons: list[ReasonOut]
    warnings: list[str] = Field(description="What could not be checked, or needs asking.")
    statistics: StatisticsOut | None = Field(description="Null when there are too few referrals to show.")
    distance_km: float | None = Field(description="From where the person lives to the nearest place, if known.")


class NeedRef(Schema):
    id: UUID
    slug: str
    name: str


class SuggestionsOut(Schema):
    need: NeedRef
    warnings: list[str] = Field(description="What applies to every suggestion (where they live not recorded …).")
    services: list[SuggestedServiceOut]


def _service_out(suggestion):
    service = suggestion.service
    stats = suggestion.stats
    return {
        "id": service.id,
        "name": service.name,
        "organisation": {"id": service.organization.id, "name": service.organization.name},
        "score": suggestion.score,
        "eligible": suggestion.eligible,
        "reasons": [{"kind": kind, "text": text} for kind, text in suggestion.reasons],
        "warnings": suggestion.warnings,
        "statistics": None
        if stats is None or stats.suppressed
        else {
            "referrals": stats.referrals,
            "median_days_to_respond": stats.median_days_to_respond,
            "share_accepted": stats.share_accepted,
        },
        "distance_km": suggestion.distance_km,
    }


@router.get(
    "/services/suggestions",
    response=with_errors(SuggestionsOut, 401, 403, 404, 422),
    summary="Services to refer a person to for a need",
)
def service_suggestions(
    request,
    person: UUID,
    need: str = Query(..., max_length=80, description="A needs taxonomy term: its id (as in the ORUK API) or slug."),
    limit: int = Query(20, ge=1, le=MAX_LIMIT),
):
    """Services on the map for ``need``, ranked for ``person`` by eligibility, language,
    distance, capacity and how the service answers referrals, each with its reasons."""
    found_person = get_person_for_user(request, None, person, roles=REFERRAL_ROLES, what="suggestions")
    term = find_need(need)
    if term is None:
        raise ApiError(
            422,
            "invalid",
            _("Unknown need: give a needs taxonomy term's id or slug."),
            errors=[{"loc": ["query", "need"], "msg": "unknown need", "type": "value_error"}],
        )
    found = suggest(found_person, term, limit=limit)
    return {
        "need": {"id": term.id, "slug": term.slug, "name": term.name},
        "warnings": found.warnings,
        "services": [_service_out(item) for item in [*found, *found.not_eligible]],
    }
