"""Forms for registering and keeping a person's record. Only the name to call someone by is
required; every other field says what it is for, so that the person (and the volunteer asking)
can decide whether to give it. The actions check again whatever must hold."""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from waymark.accounts.forms import CheckboxGroup
from waymark.accounts.models import Organisation
from waymark.directory.forms.public_input import RadioGroup
from waymark.directory.listing_data import SPOKEN_LANGUAGES
from waymark.people.identifiers import normalise_phone, normalise_reference
from waymark.people.models import (
    AccommodationType,
    Consent,
    Gender,
    HouseholdMember,
    InformationKind,
    JourneyStage,
    SupportType,
)
from waymark.places.models import AccommodationSite, Area

_DATE = {
    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "input_formats": ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"],
}


def interface_language_choices():
    """The languages a privacy notice can be shown in, each named in itself."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class PersonForm(forms.Form):
    """Who the person is and how they want to be contacted (registering and editing)."""

    display_name = forms.CharField(
        label=_("Name to call them by"),
        max_length=100,
        help_text=_("A first name or a nickname is enough. It is shown to everyone at your organisation."),
        error_messages={"required": _("Enter a name to call them by")},
    )
    full_name = forms.CharField(
        label=_("Full name (optional)"),
        max_length=300,
        required=False,
        help_text=_("Only if they need it on letters or referrals. Kept encrypted; volunteers do not see it."),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth (optional)"),
        required=False,
        help_text=_("For example 17/04/1990. Helps tell people apart and know who is under 18. Kept encrypted."),
        error_messages={"invalid": _("Enter a date of birth like 17/04/1990")},
        **_DATE,
    )
    dob_estimated = forms.BooleanField(label=_("The date of birth is estimated"), required=False)
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=40,
        required=False,
        help_text=_("So that we can find them quickly, and call or text them if they agree below. Kept encrypted."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        choices=[("", _("Not recorded")), *Gender.choices],
        required=False,
        help_text=_("Only if it helps to support them, for example to offer a women-only space."),
    )
    home_area = forms.ModelChoiceField(
        label=_("Where they live (optional)"),
        queryset=Area.objects.all(),
        required=False,
        empty_label=_("Not recorded"),
        help_text=_("The borough, so that we can point them to services nearby."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages they speak (optional)"),
        choices=SPOKEN_LANGUAGES,
        widget=CheckboxGroup,
        required=False,
        help_text=_("So that we can find someone who speaks with them."),
        error_messages={"invalid_choice": _("Choose languages from the list")},
    )
    interpreter_needed = forms.BooleanField(label=_("They need an interpreter"), required=False)
    may_call = forms.BooleanField(label=_("We may call them"), required=False)
    may_text = forms.BooleanField(label=_("We may send them text messages"), required=False)
    contact_language = forms.ChoiceField(
        label=_("Language to contact them in (optional)"),
        choices=[("", _("Not recorded")), *SPOKEN_LANGUAGES],
        required=False,
    )
    do_not_contact = forms.BooleanField(
        label=_("Do not contact them"),
        required=False,
        help_text=_("Overrides everything else: nobody will call, text or write to them."),
    )

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter a name to call them by"))
        return name

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("A date of birth cannot be in the future"))
        if value and value.year < 1900:
            raise forms.ValidationError(_("Enter a date of birth after 1900"))
        return value

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value and normalise_phone(value) is None:
            raise forms.ValidationError(_("Enter a phone number like 07700 900123 or +44 7700 900123"))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("dob_estimated") and not cleaned.get("date_of_birth"):
            self.add_error("dob_estimated", _("Enter the estimated date of birth, or untick this box"))
        return cleaned

    def details(self):
        """The cleaned details as ``actions.DETAIL_FIELDS`` keywords."""
        return {name: self.cleaned_data[name] for name in self.fields if name != "display_name"}


class AccommodationSiteField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}, {obj.area.name} ({obj.get_kind_display()})"


class JourneyForm(forms.Form):
    """Where someone is in the asylum process now, with the date it started."""

    stage = forms.ChoiceField(
        label=_("Stage of their asylum claim"),
        choices=JourneyStage.choices,
        widget=RadioGroup,
        error_messages={"required": _("Choose the stage of their claim, or “Not known”")},
    )
    support_type = forms.ChoiceField(
        label=_("Asylum support"), choices=SupportType.choices, initial=SupportType.NOT_KNOWN, widget=RadioGroup
    )
    accommodation_type = forms.ChoiceField(
        label=_("Accommodation"), choices=AccommodationType.choices, initial=AccommodationType.NOT_KNOWN
    )
    accommodation_site = AccommodationSiteField(
        label=_("Accommodation site (optional)"),
        queryset=AccommodationSite.objects.none(),
        required=False,
        empty_label=_("Not recorded"),
        help_text=_("The hotel or site they live at, if it is on the register."),
    )
    since = forms.DateField(
        label=_("Since"),
        help_text=_("When this stage began, as near as they know."),
        error_messages={"required": _("Enter when this began"), "invalid": _("Enter a date like 17/04/2025")},
        **_DATE,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["since"].initial = today
        sites = AccommodationSite.objects.select_related("area").exclude(closed_on__lt=today - dt.timedelta(days=366))
        self.fields["accommodation_site"].queryset = sites

    def clean_since(self):
        value = self.cleaned_data["since"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future"))
        return value

    def clean(self):
        cleaned = super().clean()
        site = cleaned.get("accommodation_site")
        kind = cleaned.get("accommodation_type")
        if site is not None and site.kind in AccommodationType.values and kind and kind != site.kind:
            self.add_error(
                "accommodation_site",
                _("This site is %(kind)s: choose that type of accommodation, or another site")
                % {"kind": site.get_kind_display()},
            )
        return cleaned


class OptionalJourneyForm(JourneyForm):
    """The journey at registration: all of it may be left out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].required = False
        self.fields["stage"].choices = [("", _("Not asked")), *JourneyStage.choices]
        self.fields["stage"].initial = ""
        for name in ("since", "support_type", "accommodation_type"):
            self.fields[name].required = False

    def journey(self):
        """The journey keywords for ``do_register_person``, or None when the stage was not given."""
        if not self.cleaned_data.get("stage"):
            return None
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class RegistrationConsentForm(forms.Form):
    """The consents asked for at registration, after showing the privacy notice."""

    keep_details = forms.BooleanField(
        label=_("They agree that we keep these details"),
        help_text=_("Required to register someone. If they do not agree, count them without registering."),
        error_messages={"required": _("Ask whether they agree that we keep their details")},
    )
    consent_how = forms.ChoiceField(
        label=_("How they agreed"),
        choices=Consent.How.choices,
        widget=RadioGroup,
        error_messages={"required": _("Choose how they agreed")},
    )
    privacy_notice_language = forms.ChoiceField(
        label=_("Language of the privacy notice they were shown"),
        choices=interface_language_choices,
        help_text=_("You can print the privacy notice in their language from the link above."),
    )
    contact_consent = forms.BooleanField(
        label=_("They agree that we contact them (welfare calls and messages)"),
        required=False,
        help_text=_("They can withdraw this at any time, and we then stop at once."),
    )
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)


class HouseholdMemberForm(forms.Form):
    relationship = forms.ChoiceField(
        label=_("Relationship"),
        choices=HouseholdMember.Relationship.choices,
        error_messages={"required": _("Choose how they are related")},
    )
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False, help_text=_("Kept encrypted."))
    year_of_birth = forms.IntegerField(
        label=_("Year of birth (optional)"),
        required=False,
        min_value=1900,
        error_messages={"invalid": _("Enter a year like 2015"), "min_value": _("Enter a year like 2015")},
    )
    is_child = forms.BooleanField(label=_("Under 18"), required=False)

    def clean_year_of_birth(self):
        value = self.cleaned_data["year_of_birth"]
        if value is not None and value > timezone.localdate().year:
            raise forms.ValidationError(_("The year of birth cannot be in the future"))
        return value


class ConsentForm(forms.Form):
    """A consent the person gives now."""

    purpose = forms.ChoiceField(
        label=_("What they agree to"),
        choices=Consent.Purpose.choices,
        widget=RadioGroup,
        error_messages={"required": _("Choose what they agree to")},
    )
    recipient_organisation = forms.ModelChoiceField(
        label=_("Organisation their details are shared with"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("Only for sharing with an organisation for a referral."),
    )
    scope = forms.MultipleChoiceField(
        label=_("Information it covers"),
        choices=InformationKind.choices,
        widget=CheckboxGroup,
        required=False,
        help_text=_("Tick only what they agreed to."),
    )
    how = forms.ChoiceField(
        label=_("How they agreed"),
        choices=Consent.How.choices,
        widget=RadioGroup,
        error_messages={"required": _("Choose how they agreed")},
    )
    privacy_notice_language = forms.ChoiceField(
        label=_("Language of the privacy notice they were shown"), choices=interface_language_choices
    )
    expires_on = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        help_text=_("Leave empty if they did not set an end."),
        error_messages={"invalid": _("Enter a date like 17/04/2027")},
        **_DATE,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_organisation"].queryset = Organisation.objects.exclude(pk=organisation.pk)

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        if value and value <= timezone.localdate():
            raise forms.ValidationError(_("The end date must be in the future"))
        return value

    def clean(self):
        cleaned = super().clean()
        purpose = cleaned.get("purpose")
        recipient = cleaned.get("recipient_organisation")
        if purpose == Consent.Purpose.SHARE_REFERRAL and recipient is None:
            self.add_error("recipient_organisation", _("Choose the organisation their details will be shared with"))
        elif purpose and purpose != Consent.Purpose.SHARE_REFERRAL and recipient is not None:
            self.add_error("recipient_organisation", _("Leave this empty: this consent is not for sharing"))
        return cleaned


class MergeForm(forms.Form):
    """The other record of the same person, by its card reference."""

    reference = forms.CharField(
        label=_("Card reference of the other record"),
        max_length=20,
        help_text=_("The 8 letters and digits on their card or record page, for example K7MX 3TAC."),
        error_messages={"required": _("Enter the card reference of the other record")},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_reference(self):
        reference = normalise_reference(self.cleaned_data["reference"])
        if reference is None:
            raise forms.ValidationError(_("Enter a card reference of 8 letters and digits, like K7MX 3TAC"))
        return reference


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a person"),
        max_length=100,
        required=False,
        help_text=_("A few letters of their name, their card reference, phone number or date of birth."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
