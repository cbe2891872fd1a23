"""The forms of check-in: finding a person at the desk, checking in, registering someone new
from the desk, and what happened at a visit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from waymark.accounts.forms import CheckboxGroup
from waymark.directory.forms.public_input import RadioGroup
from waymark.hubs.models import MOST_GIVEN, Given
from waymark.people.forms import interface_language_choices
from waymark.people.models import Consent


class DeskSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a person"),
        max_length=100,
        required=False,
        help_text=_("A few letters of their name, their full phone number or their card reference."),
    )


class CheckInForm(forms.Form):
    """One check-in button: a found person, or an anonymous headcount. ``client_id`` is made
    when the page is shown, so sending the same form twice checks in once."""

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)
    anonymous = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if bool(data.get("person")) == bool(data.get("anonymous")):
            raise forms.ValidationError(_("Choose a person to check in, or count someone anonymously."))
        return data


class DeskRegisterForm(forms.Form):
    """Register someone new and check them in, with the minimum: a name to call them by and
    their consent that we keep it."""

    display_name = forms.CharField(
        label=_("Name to call them by"),
        max_length=100,
        help_text=_("A first name or a nickname is enough."),
        error_messages={"required": _("Enter a name to call them by")},
    )
    keep_details = forms.BooleanField(
        label=_("They agree that we keep their name and visits"),
        help_text=_("If they do not agree, count them anonymously instead."),
        error_messages={"required": _("Ask whether they agree that we keep their details")},
    )
    consent_how = forms.ChoiceField(
        label=_("How they agreed"),
        choices=Consent.How.choices,
        widget=RadioGroup,
        error_messages={"required": _("Choose how they agreed")},
    )
    privacy_notice_language = forms.ChoiceField(
        label=_("Language of the privacy notice they were shown"), choices=interface_language_choices
    )
    client_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter a name to call them by"))
        return name


class VisitDetailsForm(forms.Form):
    """What happened at a visit: needs raised, what was given, notes, signposting."""

    needs = forms.MultipleChoiceField(
        label=_("Needs raised"),
        required=False,
        widget=CheckboxGroup,
        error_messages={"invalid_choice": _("Choose needs from the list.")},
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only what the team needs to know next time. Kept encrypted."),
    )
    signpost = forms.MultipleChoiceField(
        label=_("Told them about these services"),
        required=False,
        widget=CheckboxGroup,
        error_messages={"invalid_choice": _("Choose services from the list.")},
    )
    signpost_note = forms.CharField(
        label=_("About the signposting (optional)"), required=False, max_length=500, help_text=_("Kept encrypted.")
    )

    def __init__(self, *args, needs=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = list(needs)
        self.fields["signpost"].choices = list(services)
        for name, label in Given.choices:
            self.fields[f"given_{name}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=MOST_GIVEN,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input--short"}),
                error_messages={
                    "invalid": _("Enter a number"),
                    "min_value": _("Enter a number from 0 to %(most)d") % {"most": MOST_GIVEN},
                    "max_value": _("Enter a number from 0 to %(most)d") % {"most": MOST_GIVEN},
                },
            )

    def given_fields(self):
        return [self[f"given_{name}"] for name in Given.values]

    def given(self):
        return {name: self.cleaned_data.get(f"given_{name}") or 0 for name in Given.values}


class ServiceSearchForm(forms.Form):
    service_q = forms.CharField(
        label=_("Find a service on the map"),
        max_length=100,
        required=False,
        help_text=_("What they need, in a few words: “dentist”, “legal advice”, “English class”."),
    )
