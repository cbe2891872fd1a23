"""Forms an organisation keeps its listings with, and an editor decides with.

Each listing form reads and gives the ``listing_data`` shape (``initial_from`` / ``data``) and
validates with ``listing_data``'s own rules, so a form and an approval can never disagree.
Everything works without JavaScript: opening times are seven weekday rows of two sessions.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from waymark.accounts.forms import CheckboxGroup
from waymark.directory.listing_data import (
    LABELS,
    LOCATION_KEYS,
    ORGANIZATION_KEYS,
    SERVICE_KEYS,
    SPOKEN_LANGUAGES,
    clean_location_data,
    clean_organization_data,
    clean_service_data,
)
from waymark.directory.models import (
    NEEDS_TAXONOMY_NAME,
    TRANSLATION_LANGUAGES,
    Organization,
    Service,
    TaxonomyTerm,
    Unit,
)
from waymark.directory.opening import WEEKDAY_CODES, WEEKDAY_NAMES
from waymark.places.models import Area

SESSIONS = 2  # opening sessions a day the form offers (morning and evening, say)


def _label(key):
    return LABELS[key]


class ListingForm(forms.Form):
    """A form over one shape: ``keys`` are its fields; ``clean_data`` validates the shape."""

    keys = ()

    def add_shape_errors(self, error):
        """Put a ValidationError from listing_data on the fields it names."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            field = key if key in self.fields else None
            for message in messages:
                if field is None:
                    self.add_error(None, f"{LABELS.get(key, key)}: {message}")
                else:
                    self.add_error(field, message)

    def data_from_fields(self):
        return {key: self.cleaned_data.get(key) for key in self.keys}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.shape = self.validate(self.data_from_fields())
        except ValidationError as error:
            self.add_shape_errors(error)
        return cleaned


# --- services -------------------------------------------------------------------------------


def need_choices():
    terms = (
        TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME).exclude(slug="").order_by("position", "name")
    )
    return [(term.slug, term.name) for term in terms]


class ServiceForm(ListingForm):
    keys = SERVICE_KEYS

    def __init__(self, *args, organization, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        text = {"required": False}
        self.fields["name"] = forms.CharField(label=_label("name"), max_length=255)
        self.fields["alternate_name"] = forms.CharField(label=_label("alternate_name"), max_length=255, **text)
        self.fields["description"] = forms.CharField(
            label=_label("description"), widget=forms.Textarea(attrs={"rows": 4}), **text
        )
        self.fields["url"] = forms.URLField(label=_label("url"), max_length=500, assume_scheme="https", **text)
        self.fields["email"] = forms.EmailField(label=_label("email"), **text)
        self.fields["phone"] = forms.CharField(
            label=_label("phone"), max_length=50, widget=forms.TextInput(attrs={"type": "tel"}), **text
        )
        self.fields["application_process"] = forms.CharField(
            label=_label("application_process"),
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("For example: just come along, or phone first to book."),
            **text,
        )
        self.fields["free"] = forms.BooleanField(label=_("It is free"), **text)
        self.fields["fees_description"] = forms.CharField(
            label=_label("fees_description"),
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text=_("If it is not free: what it costs, and for whom."),
            **text,
        )
        self.fields["eligibility_description"] = forms.CharField(
            label=_label("eligibility_description"), widget=forms.Textarea(attrs={"rows": 3}), **text
        )
        self.fields["minimum_age"] = forms.IntegerField(label=_label("minimum_age"), min_value=0, max_value=120, **text)
        self.fields["maximum_age"] = forms.IntegerField(label=_label("maximum_age"), min_value=0, max_value=120, **text)
        self.fields["for"] = forms.MultipleChoiceField(
            label=_label("for"), choices=Service.ImmigrationSituation.choices, widget=CheckboxGroup, **text
        )
        self.fields["gender"] = forms.ChoiceField(label=_label("gender"), choices=Service.Gender.choices)
        self.fields["for_families"] = forms.BooleanField(label=_label("for_families"), **text)
        self.fields["for_lgbt"] = forms.BooleanField(label=_label("for_lgbt"), **text)
        self.fields["access"] = forms.MultipleChoiceField(
            label=_label("access"), choices=Service.AccessMethod.choices, widget=CheckboxGroup, **text
        )
        self.fields["accepts_waymark_referrals"] = forms.BooleanField(label=_label("accepts_waymark_referrals"), **text)
        self.fields["interpreters_available"] = forms.BooleanField(label=_label("interpreters_available"), **text)
        self.fields["languages"] = forms.MultipleChoiceField(
            label=_label("languages"), choices=SPOKEN_LANGUAGES, widget=CheckboxGroup, **text
        )
        self.fields["needs"] = forms.MultipleChoiceField(
            label=_label("needs"), choices=need_choices(), widget=CheckboxGroup, **text
        )
        self.fields["advice_regulator"] = forms.ChoiceField(
            label=_label("advice_regulator"),
            choices=[("", _("Not immigration advice"))] + list(Service.Regulator.choices),
            help_text=_("Immigration advice must be given by a regulated adviser."),
            **text,
        )
        self.fields["advice_registration_number"] = forms.CharField(
            label=_label("advice_registration_number"), max_length=50, **text
        )
        self.fields["advice_oisc_level"] = forms.TypedChoiceField(
            label=_label("advice_oisc_level"),
            choices=[("", _("None")), ("1", "1"), ("2", "2"), ("3", "3")],
            coerce=int,
            empty_value=None,
            **text,
        )
        self.fields["documents"] = forms.CharField(
            label=_label("documents"),
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("One a line. Leave empty if no documents are needed."),
            **text,
        )
        self.fields["location"] = forms.ChoiceField(
            label=_label("location"),
            choices=[("", _("No fixed place"))] + [(str(location.id), str(location)) for location in locations],
            **text,
        )
        for code, name in zip(WEEKDAY_CODES, WEEKDAY_NAMES, strict=True):
            for session in range(1, SESSIONS + 1):
                self.fields[f"{code}_opens_{session}"] = forms.TimeField(
                    label=_("%(day)s, opening %(session)s: opens at") % {"day": name, "session": session},
                    widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    input_formats=["%H:%M"],
                    **text,
                )
                self.fields[f"{code}_closes_{session}"] = forms.TimeField(
                    label=_("%(day)s, opening %(session)s: closes at") % {"day": name, "session": session},
                    widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    input_formats=["%H:%M"],
                    **text,
                )
        self.fields["opening_times_note"] = forms.CharField(
            label=_label("opening_times_note"),
            max_length=255,
            help_text=_("For example: except bank holidays."),
            **text,
        )

    @classmethod
    def initial_from(cls, data):
        """The form's initial values from a service's data."""
        initial = {key: value for key, value in data.items() if key not in ("documents", "opening_times")}
        initial["documents"] = "\n".join(data["documents"])
        initial["advice_oisc_level"] = str(data["advice_oisc_level"] or "")
        sessions = {}
        for entry in data["opening_times"]:
            for day in entry["days"]:
                sessions.setdefault(day, []).append((entry["opens_at"], entry["closes_at"]))
        for day, times in sessions.items():
            for session, (opens, closes) in enumerate(sorted(times)[:SESSIONS], start=1):
                initial[f"{day}_opens_{session}"] = opens
                initial[f"{day}_closes_{session}"] = closes
        return initial

    def main_fields(self):
        return [field for field in self if "_opens_" not in field.name and "_closes_" not in field.name]

    def opening_rows(self):
        """(day name, [(opens, closes) bound fields per session]) for the weekday table."""
        return [
            (name, [(self[f"{code}_opens_{n}"], self[f"{code}_closes_{n}"]) for n in range(1, SESSIONS + 1)])
            for code, name in zip(WEEKDAY_CODES, WEEKDAY_NAMES, strict=True)
        ]

    def data_from_fields(self):
        data = {key: self.cleaned_data.get(key) for key in self.keys if key in self.fields}
        for key in ("for", "access", "languages", "needs"):
            data[key] = list(data[key] or [])
        data["documents"] = [line.strip() for line in (data["documents"] or "").splitlines() if line.strip()]
        data["free"] = bool(data["free"])
        openings = []
        for code in WEEKDAY_CODES:
            for session in range(1, SESSIONS + 1):
                opens = self.cleaned_data.get(f"{code}_opens_{session}")
                closes = self.cleaned_data.get(f"{code}_closes_{session}")
                if opens is None and closes is None:
                    continue
                if opens is None or closes is None:
                    missing = f"{code}_opens_{session}" if opens is None else f"{code}_closes_{session}"
                    self.add_error(missing, _("Give both the opening and the closing time."))
                    continue
                openings.append({"days": [code], "opens_at": f"{opens:%H:%M}", "closes_at": f"{closes:%H:%M}"})
        data["opening_times"] = openings
        return data

    def clean(self):
        cleaned = forms.Form.clean(self)
        if self.errors:
            return cleaned
        data = self.data_from_fields()
        if self.errors:
            return cleaned
        try:
            self.shape, _terms = clean_service_data(data, organization=self.organization)
        except ValidationError as error:
            self.add_shape_errors(error)
        return cleaned


# --- organisations and locations -------------------------------------------------------------


class OrganizationForm(ListingForm):
    keys = ORGANIZATION_KEYS

    name = forms.CharField(label=_label("name"), max_length=255)
    alternate_name = forms.CharField(label=_label("alternate_name"), max_length=255, required=False)
    description = forms.CharField(label=_label("description"), widget=forms.Textarea(attrs={"rows": 4}))
    email = forms.EmailField(label=_label("email"), required=False)
    website = forms.URLField(label=_label("website"), max_length=500, required=False, assume_scheme="https")
    phone = forms.CharField(
        label=_label("phone"), max_length=50, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    data_sharing_with_authorities = forms.ChoiceField(
        label=_label("data_sharing_with_authorities"),
        choices=Organization.DataSharing.choices,
        widget=forms.RadioSelect,
        help_text=_("People ask this first: does what they tell you reach the Home Office?"),
    )

    def validate(self, data):
        return clean_organization_data(data, current=data, strict=True)


class LocationForm(ListingForm):
    keys = LOCATION_KEYS

    name = forms.CharField(label=_label("name"), max_length=255, help_text=_("For example: St Peter's church hall."))
    description = forms.CharField(label=_label("description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    transportation = forms.CharField(
        label=_label("transportation"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    address_1 = forms.CharField(label=_label("address_1"), max_length=255)
    address_2 = forms.CharField(label=_label("address_2"), max_length=255, required=False)
    city = forms.CharField(label=_label("city"), max_length=255)
    county = forms.CharField(label=_label("county"), max_length=255, required=False)
    postal_code = forms.CharField(label=_label("postal_code"), max_length=20)
    address_hidden = forms.BooleanField(
        label=_("Hide the street address"),
        required=False,
        help_text=_("For safe houses and refuges: the map shows only the area, never the street."),
    )
    area = forms.ChoiceField(label=_label("area"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Choose an area"))] + [
            (area.slug, area.name) for area in Area.objects.order_by("name")
        ]

    def data_from_fields(self):
        data = super().data_from_fields()
        data["address_hidden"] = bool(data["address_hidden"])
        return data

    def validate(self, data):
        return clean_location_data(data, current=data, strict=True)


# --- live changes ---------------------------------------------------------------------------


class CapacityForm(forms.Form):
    capacity_status = forms.ChoiceField(
        label=_("Can you take new people?"),
        choices=[("", _("Not known"))] + list(Service.CapacityStatus.choices),
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Shown on the map at once, with the time you changed it."),
    )
    unit = forms.ModelChoiceField(
        label=_("What you count (optional)"),
        queryset=Unit.objects.order_by("name"),
        required=False,
        empty_label=_("Nothing counted"),
        help_text=_("For example beds or appointments, if you want to say how many are free."),
    )
    available = forms.DecimalField(
        label=_("How many are free"), min_value=0, max_digits=10, decimal_places=0, required=False
    )
    maximum = forms.DecimalField(
        label=_("How many there are"), min_value=0, max_digits=10, decimal_places=0, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not Unit.objects.exists():
            # Nothing to count with until an administrator adds units (HSDS 3.1).
            for name in ("unit", "available", "maximum"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        unit, available, maximum = (cleaned.get(name) for name in ("unit", "available", "maximum"))
        if unit is not None and available is None:
            self.add_error("available", _("Say how many are free."))
        if unit is None and available is not None:
            self.add_error("unit", _("Say what you count."))
        if available is not None and maximum is not None and available > maximum:
            self.add_error("available", _("More cannot be free than there are."))
        return cleaned


class NoticeForm(forms.Form):
    alert = forms.CharField(
        label=_("Temporary notice"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            'For example: "Closed for Eid 10–12 April". Shown at the top of the listing at once. '
            "Leave empty to take the notice down."
        ),
    )
    alert_ends_on = forms.DateField(
        label=_("Show it until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The last day it is shown. Leave empty to show it until you take it down."),
    )


# --- translations ---------------------------------------------------------------------------


class TranslationLanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=TRANSLATION_LANGUAGES)


class TranslationForm(forms.Form):
    """One text box per translatable field that has English text, for one language."""

    def __init__(self, *args, obj, english, **kwargs):
        super().__init__(*args, **kwargs)
        for field in obj.translatable_fields:
            if not english.get(field):
                continue
            model_field = obj._meta.get_field(field)
            self.fields[field] = forms.CharField(
                label=model_field.verbose_name.capitalize(),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("In English: %(text)s") % {"text": english[field]},
            )


# --- editors --------------------------------------------------------------------------------


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it rejected?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organisation is told this by e-mail."),
        error_messages={"required": _("Say why the change is rejected: the organisation is told.")},
    )


class ApproveForm(forms.Form):
    mark_reviewed = forms.BooleanField(
        label=_("I have checked this translation: mark it reviewed"),
        required=False,
        help_text=_("Only reviewed translations are shown to the public."),
    )
