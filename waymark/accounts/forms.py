from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.mfa.base.forms import AuthenticateForm as AllauthMfaAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthMfaReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from waymark.accounts.models import Membership, Role, User


class LoginForm(AllauthLoginForm):
    """allauth's login form with Waymark's labels (translated in all ten languages)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail address")
        self.fields["login"].widget = forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
        self.fields["password"].label = _("Password")
        self.fields["password"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
        # allauth puts a "Forgot your password?" link here; the page has its own below the form.
        self.fields["password"].help_text = ""
        self.fields["login"].error_messages.update(
            required=_("Enter your e-mail address"),
            invalid=_("Enter an e-mail address like name@example.org"),
        )
        self.fields["password"].error_messages["required"] = _("Enter your password")


class CheckboxGroup(forms.CheckboxSelectMultiple):
    """Checkboxes whose error-summary link leads to the first box, not to nowhere."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


def language_choices():
    # Each language named in itself, so that people can find their own.
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


def role_choices():
    return [(role.value, role.label) for role in Role]


class InviteMemberForm(forms.Form):
    """An organisation admin invites someone by e-mail, with the roles they will hold."""

    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send the invitation link to this address. It works for 7 days."),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter the e-mail address of the person to invite"),
            "invalid": _("Enter an e-mail address like name@example.org"),
        },
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=role_choices,
        widget=CheckboxGroup,
        help_text=_("Choose every role they need. Caseworkers and admins must use two-factor authentication."),
        error_messages={"required": _("Choose at least one role")},
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=language_choices,
        help_text=_("The e-mail and the page it links to are written in this language."),
    )


class MemberRolesForm(forms.Form):
    """The set of roles a member holds in the organisation."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=role_choices,
        widget=CheckboxGroup,
        error_messages={"required": _("Choose at least one role, or remove the member instead")},
    )


class AdviserRegistrationForm(forms.Form):
    """Whether a member may give regulated immigration advice, and at which level."""

    adviser_regulator = forms.ChoiceField(
        label=_("Immigration adviser regulator"),
        choices=[("", _("Not a regulated adviser")), *Membership.Regulator.choices],
        required=False,
        help_text=_("Only regulated advisers may give immigration advice."),
    )
    adviser_oisc_level = forms.TypedChoiceField(
        label=_("OISC level"),
        choices=[("", _("Not an OISC adviser")), (1, _("Level 1")), (2, _("Level 2")), (3, _("Level 3"))],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Only for advisers regulated by the OISC."),
    )

    def clean(self):
        cleaned = super().clean()
        regulator = cleaned.get("adviser_regulator")
        level = cleaned.get("adviser_oisc_level")
        if regulator == Membership.Regulator.OISC and level is None:
            self.add_error("adviser_oisc_level", _("Choose the adviser's OISC level"))
        elif regulator != Membership.Regulator.OISC and level is not None:
            self.add_error("adviser_oisc_level", _("An OISC level needs the OISC as regulator"))
        return cleaned


def _minimum_password_length():
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length
    return 8


class AcceptInvitationForm(forms.Form):
    """A newly invited person chooses their name and password."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        help_text=_("Optional. Shown to the people you work with."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Choose a password")},
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password again")},
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["password1"].help_text = _(
            "At least %(count)s characters, not only numbers, and not a password you use anywhere else."
        ) % {"count": _minimum_password_length()}

    def clean_password1(self):
        password = self.cleaned_data["password1"]
        # Checked against the would-be user, so a password like their e-mail address is refused.
        password_validation.validate_password(password, User(email=self.email, name=self.data.get("name", "")))
        return password

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", _("The two passwords are not the same"))
        return cleaned


# allauth's sign-in, password and two-factor forms with Waymark's labels, so that every word
# on those pages is in Waymark's catalogue (allauth's lacks several of our ten languages).


def _code_widget():
    return forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false", "autocapitalize": "off"}
    )


class CodeFieldMixin:
    """allauth's two-factor forms with Waymark's words for their one "code" field."""

    code_label = _("Code")
    code_help_text = _("The 6 digits from your authenticator app, or one of your recovery codes.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = self.code_label
        self.fields["code"].help_text = self.code_help_text
        self.fields["code"].widget = _code_widget()
        self.fields["code"].error_messages["required"] = _("Enter the code from your authenticator app")


class MfaAuthenticateForm(CodeFieldMixin, AllauthMfaAuthenticateForm):
    pass


class MfaReauthenticateForm(CodeFieldMixin, AllauthMfaReauthenticateForm):
    pass


class ActivateTotpForm(CodeFieldMixin, AllauthActivateTOTPForm):
    code_label = _("Code from the app")
    code_help_text = _("The 6 digits your authenticator app shows for Waymark.")


class ReauthenticateForm(AllauthReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
        self.fields["password"].help_text = ""
        self.fields["password"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
        self.fields["password"].error_messages["required"] = _("Enter your password")


class ResetPasswordForm(AllauthResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].help_text = _("The address you sign in with.")
        self.fields["email"].widget = forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
        self.fields["email"].error_messages.update(
            required=_("Enter your e-mail address"),
            invalid=_("Enter an e-mail address like name@example.org"),
        )


class NewPasswordFieldsMixin:
    """allauth's forms that choose a new password (password1, typed again as password2), in Waymark's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("New password")
        self.fields["password1"].help_text = _(
            "At least %(count)s characters, not only numbers, and not a password you use anywhere else."
        ) % {"count": _minimum_password_length()}
        self.fields["password1"].widget = forms.PasswordInput(attrs={"autocomplete": "new-password"})
        self.fields["password1"].error_messages["required"] = _("Choose a password")
        self.fields["password2"].label = _("Type the new password again")
        self.fields["password2"].widget = forms.PasswordInput(attrs={"autocomplete": "new-password"})
        self.fields["password2"].error_messages["required"] = _("Type the password again")

    def clean(self):
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        cleaned = super().clean()
        if password1 and password2 and password1 != password2:
            # allauth has said so already, in words that are not in our catalogue.
            del self.errors["password2"]
            self.add_error("password2", _("The two passwords are not the same"))
        return cleaned


class ResetPasswordKeyForm(NewPasswordFieldsMixin, AllauthResetPasswordKeyForm):
    pass


class ChangePasswordForm(NewPasswordFieldsMixin, AllauthChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].label = _("Current password")
        self.fields["oldpassword"].help_text = ""
        self.fields["oldpassword"].widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
        self.fields["oldpassword"].error_messages["required"] = _("Enter your current password")

    def clean_oldpassword(self):
        if not self.user.check_password(self.cleaned_data.get("oldpassword", "")):
            raise forms.ValidationError(
                _("Your current password is not right. Check it and try again."), code="enter_current_password"
            )
        return self.cleaned_data["oldpassword"]
