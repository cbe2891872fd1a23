"""Changes to who belongs to an organisation: invitations, roles, adviser registration, removal.

Every function here is the one way to make its change, whether from a page, the API or a
command: it runs in one transaction, writes one audit event (ids and role slugs only, never
an e-mail address or a name), and sends e-mail only after the transaction commits.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from waymark.accounts.models import Invitation, Membership, Organisation, Role, User, ordered_roles
from waymark.audit.events import record_event
from waymark.notify.actions import do_notify


def _lock_organisation(organisation):
    """Hold the organisation's row until commit, so two admins changing members at once take
    turns and cannot, between them, leave the organisation without an admin.

    (SQLite takes the write lock when the transaction begins; PostgreSQL needs the row lock.)
    """
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _refuse_losing_last_admin(membership):
    """Refuse a change that would leave the membership's organisation with no organisation admin.

    Call it while holding the organisation lock, with ``membership`` as it will be after the
    change (or about to be removed).
    """
    admins = [
        m
        for m in Membership.objects.filter(organisation_id=membership.organisation_id).exclude(pk=membership.pk)
        if Role.ORGANISATION_ADMIN in m.roles
    ]
    if not admins:
        raise ValidationError(
            _("An organisation needs at least one organisation admin. Make someone else an admin first."),
            code="last_organisation_admin",
        )


def _clean_roles(roles):
    roles = ordered_roles(roles)
    if not roles:
        raise ValidationError(_("Choose at least one role."), code="no_roles")
    return roles


@transaction.atomic
def do_invite_member(organisation, email, roles, *, acting_user, language=None):
    """Invite ``email`` to join ``organisation`` with ``roles`` and e-mail them a link.

    The e-mail and the page it links to are in ``language`` (default: Waymark's default
    language). Refuses an address that already belongs to a member, or that has an
    invitation whose link still works.
    """
    _lock_organisation(organisation)
    email = email.strip().lower()
    roles = _clean_roles(roles)
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(_("This person is already a member of the organisation."), code="already_member")
    pending = [
        invitation
        for invitation in Invitation.objects.filter(organisation=organisation, email__iexact=email)
        if invitation.is_pending
    ]
    if pending:
        raise ValidationError(
            _("This address has already been invited. Cancel that invitation to send a new one."),
            code="already_invited",
        )
    invitation = Invitation.objects.create(organisation=organisation, email=email, roles=roles, invited_by=acting_user)
    record_event(
        "invitation.sent",
        actor=acting_user,
        organisation=organisation,
        obj=invitation,
        details={"roles": roles},
    )
    language = language or settings.LANGUAGE_CODE
    do_notify(
        template="invitation",
        language=language,
        to_address=invitation.email,
        context={
            "organisation_name": organisation.name,
            "invited_by_name": acting_user.get_full_name(),
            "accept_url": invitation_url(invitation, language),
            # Lazy labels: the notification translates them into the e-mail's language.
            "roles": invitation.role_labels(),
        },
        dedupe_key=f"invitation:{invitation.uuid}",
    )
    return invitation


def invitation_url(invitation, language=None):
    """The absolute link for the invitation e-mail, opening the page in ``language``."""
    with override(language or settings.LANGUAGE_CODE):
        path = reverse("accounts:accept_invitation", args=[invitation.link_token()])
    return settings.SITE_URL + path


@transaction.atomic
def do_cancel_invitation(invitation, *, acting_user):
    """Cancel an invitation that has not been used yet, so that its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation has already been used or cancelled."), code="invitation_closed")
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])
    record_event("invitation.cancelled", actor=acting_user, organisation=invitation.organisation, obj=invitation)
    return invitation


@transaction.atomic
def do_accept_invitation(invitation, *, acting_user=None, name="", password=None):
    """Join the invitation's organisation with its roles, and close the invitation.

    ``acting_user`` is the signed-in user accepting (their e-mail address must be the one
    invited). Without one, a new user is created for the invited address with ``name`` and
    ``password``. Returns the membership.
    """
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    organisation = _lock_organisation(invitation.organisation)
    if not invitation.is_open:
        raise ValidationError(_("This invitation has already been used or cancelled."), code="invitation_closed")
    if invitation.is_expired:
        raise ValidationError(_("This invitation has expired."), code="invitation_expired")
    if not invitation.inviter_is_still_admin():
        raise ValidationError(_("This invitation has been cancelled."), code="invitation_cancelled")

    new_user = acting_user is None
    if new_user:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _("An account with this e-mail address already exists. Sign in to accept the invitation."),
                code="user_exists",
            )
        acting_user = User.objects.create_user(email=invitation.email, password=password, name=name.strip())
    elif acting_user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to a different e-mail address."), code="wrong_user")

    membership, created = Membership.objects.get_or_create(
        user=acting_user, organisation=organisation, defaults={"roles": invitation.roles}
    )
    if not created:
        # Invited again while already a member (say, after an earlier invitation was
        # accepted): the new roles are added to the ones they hold.
        membership.roles = ordered_roles([*membership.roles, *invitation.roles])
        membership.save(update_fields=["roles", "updated_at"])

    invitation.accepted_at = timezone.now()
    invitation.accepted_by = acting_user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_event(
        "invitation.accepted",
        actor=acting_user,
        organisation=organisation,
        obj=invitation,
        details={"membership": str(membership.uuid), "roles": membership.roles, "new_user": new_user},
    )
    return membership


@transaction.atomic
def do_change_member_roles(membership, roles, *, acting_user):
    """Give the member exactly ``roles``; keeps at least one organisation admin."""
    _lock_organisation(membership.organisation)
    membership = Membership.objects.get(pk=membership.pk)
    before = list(membership.roles)
    roles = _clean_roles(roles)
    if Role.ORGANISATION_ADMIN in before and Role.ORGANISATION_ADMIN not in roles:
        _refuse_losing_last_admin(membership)
    membership.roles = roles
    membership.full_clean(exclude=["user", "organisation"])
    membership.save(update_fields=["roles", "updated_at"])
    record_event(
        "membership.roles_changed",
        actor=acting_user,
        organisation=membership.organisation,
        obj=membership,
        details={"before": before, "after": roles},
    )
    return membership


@transaction.atomic
def do_set_adviser_registration(membership, regulator, oisc_level, *, acting_user):
    """Record whether the member is a regulated immigration adviser, with whom, and at which
    OISC level (levels only with the OISC as regulator)."""
    membership = Membership.objects.select_for_update().select_related("organisation").get(pk=membership.pk)
    before = {"regulator": membership.adviser_regulator, "oisc_level": membership.adviser_oisc_level}
    membership.adviser_regulator = regulator or ""
    membership.adviser_oisc_level = oisc_level if regulator == Membership.Regulator.OISC else None
    if membership.adviser_regulator == Membership.Regulator.OISC and membership.adviser_oisc_level is None:
        raise ValidationError(_("Choose the adviser's OISC level."), code="oisc_level_missing")
    membership.full_clean(exclude=["user", "organisation"])
    membership.save(update_fields=["adviser_regulator", "adviser_oisc_level", "updated_at"])
    record_event(
        "membership.adviser_changed",
        actor=acting_user,
        organisation=membership.organisation,
        obj=membership,
        details={
            "before": before,
            "after": {"regulator": membership.adviser_regulator, "oisc_level": membership.adviser_oisc_level},
        },
    )
    return membership


@transaction.atomic
def do_remove_member(membership, *, acting_user):
    """Take the member out of the organisation (their user account stays); keeps at least one
    organisation admin. Their API tokens for this organisation go with the membership."""
    organisation = _lock_organisation(membership.organisation)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if Role.ORGANISATION_ADMIN in membership.roles:
        _refuse_losing_last_admin(membership)
    details = {"user": str(membership.user.uuid), "roles": membership.roles}
    record_event("membership.removed", actor=acting_user, organisation=organisation, obj=membership, details=details)
    membership.delete()
