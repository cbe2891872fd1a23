from allauth.account.utils import perform_login
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from waymark.accounts import actions
from waymark.accounts.access import (
    ACTING_MEMBERSHIP_SESSION_KEY,
    get_invitation_for_admin,
    get_membership_for_admin,
    members_of,
    require_organisation_admin,
)
from waymark.accounts.forms import AcceptInvitationForm, AdviserRegistrationForm, InviteMemberForm, MemberRolesForm
from waymark.accounts.middleware import mfa_not_required
from waymark.accounts.models import Invitation, User, invitation_uuid_from_token


@login_required
@require_POST
def switch_organisation(request):
    """Act for another organisation the user is a member of (chosen in the header)."""
    wanted = request.POST.get("membership", "")
    chosen = next((m for m in request.memberships if str(m.uuid) == wanted), None)
    if chosen is None:
        messages.error(request, _("Choose one of your organisations."))
    else:
        request.session[ACTING_MEMBERSHIP_SESSION_KEY] = str(chosen.uuid)
        messages.success(request, _("You are now acting for %(organisation)s.") % {"organisation": chosen.organisation})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)


@login_required
def members(request):
    """The organisation's members with their roles, and the invitations not yet accepted."""
    acting = require_organisation_admin(request)
    invitations = Invitation.objects.filter(
        organisation=acting.organisation, accepted_at__isnull=True, cancelled_at__isnull=True
    ).select_related("invited_by")
    return render(
        request,
        "accounts/members.html",
        {"organisation": acting.organisation, "members": members_of(acting.organisation), "invitations": invitations},
    )


@login_required
def invite_member(request):
    """Invite someone by e-mail to join the organisation with a set of roles."""
    acting = require_organisation_admin(request)
    form = InviteMemberForm(request.POST or None, initial={"language": get_language()})
    if request.method == "POST" and form.is_valid():
        try:
            invitation = actions.do_invite_member(
                acting.organisation,
                form.cleaned_data["email"],
                form.cleaned_data["roles"],
                acting_user=request.user,
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            form.add_error("roles" if error.code == "no_roles" else "email", error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:members")
    return render(request, "accounts/invite_member.html", {"form": form, "organisation": acting.organisation})


@login_required
@require_POST
def cancel_invitation(request, invitation_uuid):
    invitation = get_invitation_for_admin(request, invitation_uuid)
    try:
        actions.do_cancel_invitation(invitation, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The invitation to %(email)s is cancelled.") % {"email": invitation.email})
    return redirect("accounts:members")


def _render_member(request, membership, *, roles_form=None, adviser_form=None, status=200):
    roles_form = roles_form or MemberRolesForm(initial={"roles": membership.roles})
    adviser_form = adviser_form or AdviserRegistrationForm(
        initial={
            "adviser_regulator": membership.adviser_regulator,
            "adviser_oisc_level": membership.adviser_oisc_level,
        }
    )
    return render(
        request,
        "accounts/member.html",
        {"member": membership, "roles_form": roles_form, "adviser_form": adviser_form},
        status=status,
    )


@login_required
def member(request, membership_uuid):
    """One member: change their roles or adviser registration, or remove them."""
    membership = get_membership_for_admin(request, membership_uuid)
    return _render_member(request, membership)


@login_required
@require_POST
def change_member_roles(request, membership_uuid):
    membership = get_membership_for_admin(request, membership_uuid)
    form = MemberRolesForm(request.POST)
    if form.is_valid():
        try:
            actions.do_change_member_roles(membership, form.cleaned_data["roles"], acting_user=request.user)
        except ValidationError as error:
            form.add_error("roles", error)
        else:
            messages.success(request, _("The roles of %(member)s are saved.") % {"member": membership.user})
            return redirect("accounts:member", membership_uuid=membership.uuid)
    return _render_member(request, membership, roles_form=form, status=400)


@login_required
@require_POST
def change_member_adviser(request, membership_uuid):
    membership = get_membership_for_admin(request, membership_uuid)
    form = AdviserRegistrationForm(request.POST)
    if form.is_valid():
        try:
            actions.do_set_adviser_registration(
                membership,
                form.cleaned_data["adviser_regulator"],
                form.cleaned_data["adviser_oisc_level"],
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error("adviser_oisc_level", error)
        else:
            messages.success(
                request, _("The adviser registration of %(member)s is saved.") % {"member": membership.user}
            )
            return redirect("accounts:member", membership_uuid=membership.uuid)
    return _render_member(request, membership, adviser_form=form, status=400)


@login_required
def remove_member(request, membership_uuid):
    """Ask, then take the member out of the organisation."""
    membership = get_membership_for_admin(request, membership_uuid)
    if request.method == "POST":
        try:
            actions.do_remove_member(membership, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("accounts:member", membership_uuid=membership.uuid)
        messages.success(
            request,
            _("%(member)s is no longer a member of %(organisation)s.")
            % {"member": membership.user, "organisation": membership.organisation},
        )
        if membership.user_id == request.user.pk:
            return redirect("home")
        return redirect("accounts:members")
    return render(request, "accounts/remove_member.html", {"member": membership})


def email_addresses_not_offered(request):
    """Stands in for allauth's page for adding and changing e-mail addresses: 404.

    A user signs in with the address their organisation invited. allauth would let them add
    others, unchecked and unaudited, each one a way to sign in and to reset the password
    that no organisation admin can see.
    """
    raise Http404


def _invitation_unavailable(request, message):
    # 410 Gone: the link was real, but it cannot be used any more.
    return render(request, "accounts/invitation_unavailable.html", {"message": message}, status=410)


@mfa_not_required
@sensitive_post_parameters("password1", "password2")
def accept_invitation(request, token):
    """The page an invitation e-mail links to.

    Someone new chooses a password and is signed in; someone with an account signs in as the
    invited address and then joins. Expired, cancelled and used links say so.
    """
    try:
        invitation_uuid = invitation_uuid_from_token(token)
    except signing.SignatureExpired:
        return _invitation_unavailable(request, _("This invitation has expired. Ask the organisation for a new one."))
    except signing.BadSignature:
        raise Http404 from None
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation", "invited_by"), uuid=invitation_uuid
    )
    if invitation.cancelled_at:
        return _invitation_unavailable(request, _("This invitation has been cancelled."))
    if invitation.accepted_at:
        return _invitation_unavailable(request, _("This invitation has already been used. Sign in instead."))
    if invitation.is_expired:
        return _invitation_unavailable(request, _("This invitation has expired. Ask the organisation for a new one."))
    if not invitation.inviter_is_still_admin():
        return _invitation_unavailable(request, _("This invitation has been cancelled."))

    context = {"invitation": invitation}
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            return render(request, "accounts/accept_invitation_other_user.html", context, status=403)
        if request.method == "POST":
            try:
                membership = actions.do_accept_invitation(invitation, acting_user=request.user)
            except ValidationError as error:
                return _invitation_unavailable(request, error.messages[0])
            request.session[ACTING_MEMBERSHIP_SESSION_KEY] = str(membership.uuid)
            messages.success(
                request, _("You have joined %(organisation)s.") % {"organisation": invitation.organisation}
            )
            return redirect("home")
        return render(request, "accounts/accept_invitation_join.html", context)

    if User.objects.filter(email__iexact=invitation.email).exists():
        return render(request, "accounts/accept_invitation_sign_in.html", context)

    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = actions.do_accept_invitation(
                invitation, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            # Someone used the link a moment ago (in another tab, say).
            return _invitation_unavailable(request, error.messages[0])
        response = perform_login(request, membership.user)
        request.session[ACTING_MEMBERSHIP_SESSION_KEY] = str(membership.uuid)
        messages.success(
            request,
            _("Welcome to Waymark. You have joined %(organisation)s.") % {"organisation": invitation.organisation},
        )
        return response
    context["form"] = form
    return render(request, "accounts/accept_invitation.html", context)
