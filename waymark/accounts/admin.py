"""The admin site, for administrators: users, organisations and their members, networks,
platform roles and the national bodies people are referred to.

Organisation admins work in Waymark's own pages; administrators use these to set up a new
organisation (and its first admin) and to put things right. Every change made here is also
written to the audit trail, with field names only.
"""

from copy import deepcopy

# Imported for its side effect (registering allauth's admin), so that it can be undone below.
from allauth.account import admin as allauth_account_admin  # noqa: F401
from allauth.account.models import EmailAddress
from allauth.mfa import admin as allauth_mfa_admin
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm as DjangoAdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from waymark.accounts.forms import role_choices
from waymark.accounts.models import Invitation, Membership, NationalBody, Network, Organisation, PlatformRole, User
from waymark.audit.events import record_event


def _without_object_names(message):
    """The admin's change message with the names of related objects taken out.

    Django's message says which fields changed, and names each inline row by its ``str()``
    (for a membership: the member's e-mail address), which must not reach the audit trail.
    """
    if not isinstance(message, list):
        return []
    cleaned = deepcopy(message)
    for entry in cleaned:
        for change in entry.values():
            if isinstance(change, dict):
                change.pop("object", None)
    return cleaned


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin that writes an audit event for every addition, change and deletion."""

    def _organisation_of(self, obj):
        if isinstance(obj, Organisation):
            return obj
        return getattr(obj, "organisation", None)

    def _record(self, request, action, obj, message=None):
        record_event(
            f"admin.{action}",
            actor=request.user,
            organisation=self._organisation_of(obj),
            obj=obj,
            details={"changes": _without_object_names(message)} if message else {},
        )

    def log_addition(self, request, obj, message):
        self._record(request, "added", obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._record(request, "changed", obj, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._record(request, "deleted", obj)
        return super().log_deletions(request, queryset)


class UserCreationForm(DjangoAdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("A user with this e-mail address already exists."), code="unique")
        return email


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "name"]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = []
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["name", "language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "usable_password", "password1", "password2"]}),
    ]

    # Staff who are not administrators may be allowed to look after users; that must not let
    # them make anyone (themselves included) an administrator or staff, nor take over an
    # administrator's account by changing its e-mail address or password.
    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_staff", "is_superuser"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


class MembershipForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=role_choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Membership
        fields = ["user", "organisation", "roles", "adviser_regulator", "adviser_oisc_level"]


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "require_mfa_for_volunteers", "is_nrm_first_responder"]
    list_filter = ["kind", "networks"]
    search_fields = ["name", "slug", "charity_number", "company_number"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["areas", "networks"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    form = MembershipForm
    list_display = ["user", "organisation", "roles", "adviser_regulator", "adviser_oisc_level"]
    list_filter = ["organisation", "adviser_regulator"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "user__name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Network)
class NetworkAdmin(AuditedAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["areas"]


@admin.register(PlatformRole)
class PlatformRoleAdmin(AuditedAdmin):
    list_display = ["user", "kind", "network", "area"]
    list_filter = ["kind", "network", "area"]
    list_select_related = ["user", "network", "area"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(AuditedAdmin):
    """Invitations are made and cancelled by organisation admins in Waymark's pages."""

    list_display = ["email", "organisation", "created_at", "accepted_at", "cancelled_at"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    search_fields = ["email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NationalBody)
class NationalBodyAdmin(AuditedAdmin):
    list_display = ["name", "kind", "is_nrm_first_responder", "checked_on"]
    list_filter = ["kind", "is_nrm_first_responder"]
    search_fields = ["name", "regions"]
    prepopulated_fields = {"slug": ["name"]}


# Users sign in with User.email alone. An EmailAddress row would be a second, unaudited
# address to sign in with and to reset the password through, so the admin offers none.
admin.site.unregister(EmailAddress)


# allauth's own admin for authenticators would let an administrator edit or plant one, and
# record nothing. Here they can only be deleted, which resets someone's two-factor
# authentication (a lost phone) and is written to the audit trail.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AuditedAdmin, allauth_mfa_admin.AuthenticatorAdmin):
    """A user's authenticator app or recovery codes, without their (encrypted) secrets."""

    exclude = ["data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _record(self, request, action, obj, message=None):
        # Whose two-factor authentication it was: the row itself is gone after a deletion.
        record_event(
            f"admin.{action}",
            actor=request.user,
            obj=obj,
            details={"user": str(obj.user.uuid), "type": obj.type},
        )
