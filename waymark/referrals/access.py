"""Who may see and act on referrals: the one door to them.

- The **sender** is the organisation that made the referral (it owns the person). Its members
  with a case role (caseworker, coordinator, safeguarding lead, organisation admin) make,
  send, withdraw and follow referrals, and always see the state and history.
- The **receiver** is the organisation of the service, when it uses Waymark. Its members with
  a case role see the referrals sent to it (never drafts) and answer them. They see the
  person only through the copy made at sending (``sharing``), only while the consent stands
  (or the referral was a safeguarding one) and until ``access_days_after_close`` days after
  the referral closed; after that they see the referral without anything about the person.
- Volunteers, members without a role, and everyone else get 404, as if it did not exist.

Every opening of a referral by a signed-in user is written to ``audit.RecordAccess`` (what
"referral"); openings of a letter's signed link to ``ReferralLinkOpening``. The first opening
by the receiver marks the referral received.
"""

import datetime as dt

from django.core import signing
from django.http import Http404
from django.utils import timezone

from waymark.accounts.models import Role
from waymark.audit.events import record_access
from waymark.people.access import _is_request, membership_of
from waymark.referrals.models import Referral, ReferralLinkOpening
from waymark.referrals.policy import NoPolicy, policy_on

REFERRAL_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.ORGANISATION_ADMIN)

SENDER = "sender"
RECEIVER = "receiver"

LINK_SALT = "waymark.referrals.letter"


def _user(who):
    return who.user if _is_request(who) else who


def can_refer(membership):
    """May make, send and follow referrals (and answer those sent to the organisation)."""
    return membership is not None and membership.has_role(*REFERRAL_ROLES)


def _referrals():
    return Referral.objects.select_related(
        "person", "organisation", "receiving_organisation", "service__organization", "need", "created_by"
    )


def outgoing_for_membership(membership):
    if not can_refer(membership):
        return Referral.objects.none()
    return _referrals().filter(organisation_id=membership.organisation_id)


def incoming_for_membership(membership):
    if not can_refer(membership):
        return Referral.objects.none()
    # Only referrals that were sent: a draft withdrawn before sending never reached them.
    return _referrals().filter(receiving_organisation_id=membership.organisation_id, sent_at__isnull=False)


def referrals_for_user(who, direction, organisation=None):
    """The referrals a request (or user, for ``organisation``) may list: "outgoing" or "incoming"."""
    membership = membership_of(who, organisation)
    if direction == "incoming":
        return incoming_for_membership(membership)
    return outgoing_for_membership(membership)


def side_of(membership, referral):
    """SENDER, RECEIVER or None: how the membership stands to the referral."""
    if not can_refer(membership):
        return None
    if referral.organisation_id == membership.organisation_id:
        return SENDER
    if referral.receiving_organisation_id == membership.organisation_id and referral.sent_at is not None:
        return RECEIVER
    return None


def get_referral_for_user(who, referral_uuid, organisation=None, *, lock=False):
    """(referral, side) if the request (or user, for ``organisation``) may open it; else 404.

    Logged to RecordAccess. The receiver's first opening marks it received. ``lock`` reads it
    under a row lock (for the actions; call it inside a transaction).
    """
    membership = membership_of(who, organisation)
    if not can_refer(membership):
        raise Http404
    queryset = _referrals()
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        referral = queryset.get(uuid=referral_uuid)
    except (Referral.DoesNotExist, ValueError, signing.BadSignature):
        raise Http404 from None
    side = side_of(membership, referral)
    if side is None:
        raise Http404
    record_access(
        user=_user(who),
        organisation=membership.organisation,
        person_uuid=referral.person.uuid,
        what="referral",
        object_id=referral.uuid,
    )
    if side == RECEIVER and referral.state == Referral.State.SENT:
        from waymark.referrals.flow import do_receive

        referral = do_receive(referral, acting_user=_user(who), organisation=membership.organisation)
    return referral, side


def access_ends_at(referral, *, policies=None):
    """When the receiver stops seeing the shared details: ``access_days_after_close`` days after
    it closed; None while it is open. ``policies``: every ReferralPolicy, newest first, for a
    list page that judges many referrals with one query."""
    if referral.closed_at is None:
        return None
    # The policy of the day it closed in London (policy rows are dated by London's calendar).
    day = timezone.localdate(referral.closed_at)
    if policies is None:
        policy = policy_on(day)
    else:
        policy = next((row for row in policies if row.valid_from <= day), None)
        if policy is None:
            raise NoPolicy(f"No referral policy is in force on {day}.")
    return referral.closed_at + dt.timedelta(days=policy.access_days_after_close)


def receiver_may_see_details(referral, at=None, *, policies=None):
    """May the receiving organisation see what was shared, at ``at`` (default now)?"""
    at = at or timezone.now()
    if referral.state in (Referral.State.DRAFT, Referral.State.WITHDRAWN):
        return False
    if referral.consent_id is None and not referral.no_consent_reason:
        return False
    if referral.consent_id is not None and not referral.consent.is_active(at):
        # The person withdrew consent: sharing stops.
        return False
    ends = access_ends_at(referral, policies=policies)
    return ends is None or at <= ends


def shared_details_for(referral, side, at=None, *, policies=None):
    """The shared copy the side may see, or None. The sender sees what it shared."""
    if side == SENDER:
        return referral.shared
    if side == RECEIVER and receiver_may_see_details(referral, at, policies=policies):
        return referral.shared
    return None


# The letter's signed link: for a service whose organisation does not use Waymark.


def letter_token(referral):
    return signing.dumps(str(referral.uuid), salt=LINK_SALT)


def referral_from_letter_token(token, at=None):
    """The referral a letter's signed link names, if the link is genuine, made and sent less
    than ``letter_link_days`` ago, and the referral still open to its reader; else 404. The
    opening is logged, and the first one marks the referral received."""
    policy = policy_on()
    try:
        referral_uuid = signing.loads(token, salt=LINK_SALT, max_age=dt.timedelta(days=policy.letter_link_days))
        referral = _referrals().get(uuid=referral_uuid, delivery=Referral.Delivery.LETTER)
    except (signing.BadSignature, Referral.DoesNotExist, ValueError):
        raise Http404 from None
    if not receiver_may_see_details(referral, at):
        raise Http404
    # The link's life counts from the sending, however recently the letter was printed.
    if referral.sent_at + dt.timedelta(days=policy.letter_link_days) < (at or timezone.now()):
        raise Http404
    ReferralLinkOpening.objects.create(referral=referral)
    if referral.state == Referral.State.SENT:
        from waymark.referrals.flow import do_receive

        referral = do_receive(referral, acting_user=None, organisation=None)
    return referral
