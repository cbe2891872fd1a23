"""Who may see and change assessments, cases and safeguarding concerns: the one door to them.

Everything here belongs to one organisation (the person's) and nobody outside it sees any of
it. Inside it, by the roles of the membership a request acts with:

- assessments and cases (with their notes, actions, plans, outcomes, immigration matters and
  attachments): caseworkers, coordinators, safeguarding leads and organisation admins.
  Volunteers see none of it;
- the team caseload (every caseworker's cases and overdue actions): coordinators and
  organisation admins; everyone else with case access sees their own caseload;
- safeguarding concerns: anyone in the organisation may raise one; a concern is seen only by
  the organisation's safeguarding leads and by the member who raised it.

Anything not allowed is 404, the same as something that does not exist. Every opening of a
record about a person is written to ``audit.RecordAccess`` (``what`` names the part).
"""

from django.http import Http404

from waymark.accounts.models import Role
from waymark.audit.events import record_access
from waymark.casework.models import Assessment, Attachment, Case, SafeguardingConcern
from waymark.people.access import _is_request, membership_of, require_membership

CASE_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.ORGANISATION_ADMIN)
ASSESSMENT_ROLES = CASE_ROLES
TEAM_ROLES = (Role.COORDINATOR, Role.ORGANISATION_ADMIN)
LEAD_ROLES = (Role.SAFEGUARDING_LEAD,)
RAISE_ROLES = tuple(Role.values)


def _user(who):
    return who.user if _is_request(who) else who


def can_assess(membership):
    return membership is not None and membership.has_role(*ASSESSMENT_ROLES)


def can_do_casework(membership):
    return membership is not None and membership.has_role(*CASE_ROLES)


def can_see_team_caseload(membership):
    return membership is not None and membership.has_role(*TEAM_ROLES)


def is_safeguarding_lead(membership):
    return membership is not None and membership.has_role(*LEAD_ROLES)


def can_raise_concern(membership):
    return membership is not None and membership.has_role(*RAISE_ROLES)


def _log(who, membership, person_uuid, what, object_id):
    if person_uuid is not None:
        record_access(
            user=_user(who),
            organisation=membership.organisation,
            person_uuid=person_uuid,
            what=what,
            object_id=object_id,
        )


# Assessments


def assessments_for_membership(membership):
    if not can_assess(membership):
        return Assessment.objects.none()
    return Assessment.objects.filter(organisation_id=membership.organisation_id, person__merged_into__isnull=True)


def get_assessment_for_user(who, assessment_uuid, organisation=None, *, what="assessment"):
    """The assessment if the request (or user, for ``organisation``) may open it; else 404. Logged."""
    membership = require_membership(who, organisation, roles=ASSESSMENT_ROLES)
    try:
        assessment = (
            assessments_for_membership(membership).select_related("person", "assessed_by").get(uuid=assessment_uuid)
        )
    except (Assessment.DoesNotExist, ValueError):
        raise Http404 from None
    _log(who, membership, assessment.person.uuid, what, assessment.uuid)
    return assessment


# Cases and what hangs off them


def cases_for_membership(membership):
    if not can_do_casework(membership):
        return Case.objects.none()
    return Case.objects.filter(organisation_id=membership.organisation_id, person__merged_into__isnull=True)


def get_case_for_user(who, case_uuid, organisation=None, *, roles=CASE_ROLES, what="case"):
    """The case if the request (or user) may open it with ``roles``; else 404. Logged."""
    membership = require_membership(who, organisation, roles=roles)
    try:
        case = cases_for_membership(membership).select_related("person", "owner").get(uuid=case_uuid)
    except (Case.DoesNotExist, ValueError):
        raise Http404 from None
    _log(who, membership, case.person.uuid, what, case.uuid)
    return case


def get_attachment_for_user(who, attachment_uuid, organisation=None):
    """The attachment if the request may open its case; else 404. Logged as "attachment"."""
    membership = require_membership(who, organisation, roles=CASE_ROLES)
    try:
        attachment = Attachment.objects.select_related("case__person").get(
            uuid=attachment_uuid, case__in=cases_for_membership(membership)
        )
    except (Attachment.DoesNotExist, ValueError):
        raise Http404 from None
    _log(who, membership, attachment.case.person.uuid, "attachment", attachment.uuid)
    return attachment


# Safeguarding concerns


def concerns_for_membership(membership):
    """The organisation's concerns for a safeguarding lead; for anyone else, those they raised."""
    if membership is None or not membership.roles:
        return SafeguardingConcern.objects.none()
    concerns = SafeguardingConcern.objects.filter(organisation_id=membership.organisation_id)
    if is_safeguarding_lead(membership):
        return concerns
    return concerns.filter(raised_by_id=membership.user_id)


def get_concern_for_user(who, concern_uuid, organisation=None, *, leads_only=False, what="safeguarding_concern"):
    """The concern if the request may see it (``leads_only``: and is a safeguarding lead, for
    triage, escalation and closing); else 404. Logged when it is about a registered person."""
    membership = membership_of(who, organisation)
    if membership is None or (leads_only and not is_safeguarding_lead(membership)):
        raise Http404
    try:
        concern = concerns_for_membership(membership).select_related("person", "raised_by").get(uuid=concern_uuid)
    except (SafeguardingConcern.DoesNotExist, ValueError):
        raise Http404 from None
    _log(who, membership, concern.person.uuid if concern.person_id else None, what, concern.uuid)
    return concern
