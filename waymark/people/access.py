"""Who may see and change which person: the one door to people's records.

A person belongs to the organisation that registered them; nobody outside it sees anything
(a later issue's consented sharing will add the one exception). Inside it, what a member sees
depends on the roles of the membership they act with:

- every role (volunteers too) finds people, registers them, and sees their display name,
  languages, interpreter need, contact preferences and visit history;
- caseworkers, coordinators, safeguarding leads and organisation admins also see and change
  the details: full name, date of birth, phone, household, journey and consents;
- coordinators and organisation admins merge two records of the same person.

Anything not allowed is 404, the same as something that does not exist. Every opening of a
person's record is written to ``audit.RecordAccess``.
"""

from django.http import Http404

from waymark.accounts.models import Membership, Role
from waymark.audit.events import record_access
from waymark.people.models import Person

# Any role at all: a member with no roles (a council officer's placeholder membership) sees nobody.
FIND_ROLES = tuple(Role.values)
DETAIL_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.ORGANISATION_ADMIN)
MERGE_ROLES = (Role.COORDINATOR, Role.ORGANISATION_ADMIN)


def _is_request(who):
    return hasattr(who, "user") and hasattr(who, "method")


def membership_of(who, organisation=None):
    """The membership to judge by: for a request, the one it acts with (``organisation``, if
    given, must be its organisation); for a user, their membership of ``organisation``.
    None when there is none."""
    if _is_request(who):
        membership = getattr(who, "membership", None)
        if membership is None or (organisation is not None and membership.organisation_id != organisation.pk):
            return None
        return membership
    if organisation is None or not who.is_authenticated:
        return None
    return Membership.objects.filter(user=who, organisation=organisation).select_related("organisation").first()


def can_find_people(membership):
    return membership is not None and membership.has_role(*FIND_ROLES)


def can_see_details(membership):
    """True if the membership sees a person's full name, date of birth, phone, household,
    journey and consents (and changes them)."""
    return membership is not None and membership.has_role(*DETAIL_ROLES)


def can_merge(membership):
    return membership is not None and membership.has_role(*MERGE_ROLES)


def people_for_membership(membership):
    """The people the membership may find: its organisation's, not merged into another record."""
    if not can_find_people(membership):
        return Person.objects.none()
    # An anonymised record (erasure, retention) stays for the counts but is no longer anyone to find.
    return Person.objects.current().filter(organisation_id=membership.organisation_id, anonymised_at__isnull=True)


def people_for_user(who, organisation=None):
    """The people a request (or a user, for ``organisation``) may find."""
    return people_for_membership(membership_of(who, organisation))


def require_membership(who, organisation=None, *, roles=FIND_ROLES):
    """The membership if it holds one of ``roles``; otherwise 404."""
    membership = membership_of(who, organisation)
    if membership is None or not membership.has_role(*roles):
        raise Http404
    return membership


def get_person_for_user(who, organisation, person_uuid, *, roles=FIND_ROLES, what="person", include_merged=False):
    """The person with ``person_uuid`` if the request (or user, for ``organisation``) may open
    them with ``roles``; otherwise 404. The opening is written to ``audit.RecordAccess``
    (``what`` says which part of the record: "person", "card", "consents" …).

    A merged record is "not there" unless ``include_merged`` (the person page follows it to
    the record it was merged into).
    """
    membership = require_membership(who, organisation, roles=roles)
    people = Person.objects.filter(organisation_id=membership.organisation_id).select_related(
        "organisation", "home_area", "merged_into"
    )
    if not include_merged:
        people = people.current()
    try:
        person = people.get(uuid=person_uuid)
    except (Person.DoesNotExist, ValueError):
        raise Http404 from None
    user = who.user if _is_request(who) else who
    record_access(user=user, organisation=membership.organisation, person_uuid=person.uuid, what=what)
    return person


def get_person_by_reference(who, reference, organisation=None):
    """The current person whose card carries ``reference`` (normalised), if the request may
    find them; otherwise 404. Does not write RecordAccess: the page it leads to does."""
    membership = require_membership(who, organisation)
    try:
        return people_for_membership(membership).get(reference=reference)
    except Person.DoesNotExist:
        raise Http404 from None
