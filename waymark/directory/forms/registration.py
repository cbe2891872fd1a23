"""Add your organisation: the public form (the organisation, a contact, its first services) and
the directory editor's decision.

The first services are kept as the shared listing-data dicts (see ``listing_data.py``) with one
extra key, ``where``: the address or area given on the form, turned into a location or a
service area when the registration is approved.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from waymark.accounts.forms import CheckboxGroup
from waymark.accounts.models import Organisation
from waymark.directory.listing_data import SPOKEN_LANGUAGES
from waymark.directory.models import IMMIGRATION_ADVICE_SLUG, NEEDS_TAXONOMY_NAME, Organization, TaxonomyTerm
from waymark.directory.models.locations import Schedule
from waymark.directory.models.services import Service
from waymark.directory.translation import prefetch_translations, translated
from waymark.places.models import Area
from waymark.places.postcodes import locate, normalise_postcode

# Up to this many services on the one page; the first is required.
SERVICE_FORMS = 3
# Rows of "these days, from … to …" per service; anything else goes in the note.
OPENING_ROWS = 2


def _plain_digits(text):
    """``text`` with other scripts' and full-width digits as ASCII (people type ٠١٢ and ۰۱۲)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        str(unicodedata.decimal(char)) if unicodedata.decimal(char, None) is not None else char for char in text
    )


_PHONE_RE = re.compile(r"\+?[0-9 ()\-]+")


def clean_phone(value):
    """A phone number as typed, with plain digits; refuses anything that cannot be dialled."""
    value = " ".join(_plain_digits(value).split())
    if not value:
        return ""
    digits = sum(char.isdigit() for char in value)
    if not _PHONE_RE.fullmatch(value) or not 7 <= digits <= 15:
        raise ValidationError(_("Enter a phone number like 01204 123456 or +44 7700 900123"), code="invalid_phone")
    return value


def clean_registered_number(value):
    """A charity or company number: letters and digits, spaces removed, upper case."""
    value = _plain_digits(value).replace(" ", "").upper()
    if value and not re.fullmatch(r"[A-Z0-9]{4,12}", value):
        raise ValidationError(
            _("Enter the number as it is registered, like 1123456 or 01234567"), code="invalid_registered_number"
        )
    return value


class RadioGroup(forms.RadioSelect):
    """Radio buttons whose error-summary link leads to the first button, not to nowhere."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


def need_choices(language):
    """(choices, immigration advice slugs): the needs as checkboxes, each broader need followed
    by the needs within it, named in ``language``; and the slugs of the immigration-advice
    branch, whose services must name their regulator."""
    terms = list(TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME).exclude(slug=""))
    prefetch_translations(terms, language)
    by_parent = {}
    for term in terms:
        by_parent.setdefault(term.parent_id, []).append(term)
    known = {term.id for term in terms}
    choices, advice = [], set()

    def walk(term, depth, in_advice):
        in_advice = in_advice or term.slug == IMMIGRATION_ADVICE_SLUG
        if in_advice:
            advice.add(term.slug)
        label = translated(term, "name", language)[0]
        choices.append((term.slug, f"{'– ' * depth}{label}"))
        for child in by_parent.get(term.id, []):
            walk(child, depth + 1, in_advice)

    for term in terms:
        if term.parent_id is None or term.parent_id not in known:
            walk(term, 0, False)
    return choices, advice


class RegistrationForm(forms.Form):
    """The organisation and the person to contact about it."""

    name = forms.CharField(
        label=_("Name of the organisation"),
        max_length=255,
        error_messages={"required": _("Enter the name of the organisation")},
    )
    description = forms.CharField(
        label=_("What the organisation does"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences for the map, in plain English."),
        error_messages={"required": _("Say what the organisation does")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=Organisation.Kind.choices,
        initial=Organisation.Kind.CHARITY,
        error_messages={"invalid_choice": _("Choose the kind of organisation from the list")},
    )
    area = forms.ModelChoiceField(
        label=_("Main area it works in"),
        queryset=Area.objects.order_by("name"),
        empty_label=_("Choose an area"),
        help_text=_("The directory editors of this area's network will review your request."),
        error_messages={
            "required": _("Choose the main area the organisation works in"),
            "invalid_choice": _("Choose an area from the list"),
        },
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address like https://example.org")},
    )
    email = forms.EmailField(
        label=_("Public e-mail address"),
        required=False,
        help_text=_("Shown on the map for people to contact."),
        error_messages={"invalid": _("Enter an e-mail address like name@example.org")},
    )
    phone = forms.CharField(label=_("Public phone number"), required=False, max_length=50)
    charity_number = forms.CharField(
        label=_("Charity or company number"),
        required=False,
        max_length=20,
        help_text=_("If it has one."),
        error_messages={"max_length": _("Enter the number as it is registered, like 1123456 or 01234567")},
    )
    data_sharing_with_authorities = forms.ChoiceField(
        label=_("Does the organisation share personal data with the authorities (such as the Home Office)?"),
        choices=Organization.DataSharing.choices,
        widget=RadioGroup,
        help_text=_("People ask this before anything else. It is shown on every service."),
        error_messages={"required": _("Say how the organisation handles personal data")},
    )
    contact_name = forms.CharField(
        label=_("Your name"), max_length=255, error_messages={"required": _("Enter your name")}
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We write to you here about your request. It is not shown on the map."),
        error_messages={
            "required": _("Enter your e-mail address"),
            "invalid": _("Enter an e-mail address like name@example.org"),
        },
    )
    contact_role = forms.CharField(label=_("Your role in the organisation"), max_length=255, required=False)

    # The parts of the page, for the template.
    ORGANISATION_FIELDS = (
        "name",
        "description",
        "kind",
        "area",
        "website",
        "email",
        "phone",
        "charity_number",
        "data_sharing_with_authorities",
    )
    CONTACT_FIELDS = ("contact_name", "contact_email", "contact_role")

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_charity_number(self):
        return clean_registered_number(self.cleaned_data["charity_number"])

    def clean_contact_email(self):
        return self.cleaned_data["contact_email"].strip().lower()

    def organisation_fields(self):
        return [self[name] for name in self.ORGANISATION_FIELDS]

    def contact_fields(self):
        return [self[name] for name in self.CONTACT_FIELDS]

    def registration_details(self):
        """The registration's columns from the cleaned data."""
        return {name: self.cleaned_data[name] for name in (*self.ORGANISATION_FIELDS, *self.CONTACT_FIELDS)}


class RegistrationServiceForm(forms.Form):
    """One of the organisation's first services. The first is required; the others are left out
    when nothing is filled in."""

    name = forms.CharField(
        label=_("Name of the service"),
        max_length=255,
        help_text=_("For example: Tuesday drop-in, Immigration advice clinic, Food parcels."),
        error_messages={"required": _("Enter the name of the service")},
    )
    description = forms.CharField(
        label=_("What the service offers"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what the service offers")},
    )
    needs = forms.MultipleChoiceField(
        label=_("What needs does it meet?"),
        widget=CheckboxGroup,
        help_text=_("Choose every need it helps with: people find services by these."),
        error_messages={
            "required": _("Choose at least one need"),
            "invalid_choice": _("Choose needs from the list"),
        },
    )
    situations = forms.MultipleChoiceField(
        label=_("Who is it for?"),
        choices=Service.ImmigrationSituation.choices,
        widget=CheckboxGroup,
        error_messages={
            "required": _("Choose who the service is for"),
            "invalid_choice": _("Choose from the list who the service is for"),
        },
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=Service.Gender.choices,
        initial=Service.Gender.ANY,
        error_messages={"invalid_choice": _("Choose a gender from the list")},
    )
    eligibility_description = forms.CharField(
        label=_("Anything else about who it is for"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: ages, families only, people living in Bolton."),
    )
    access = forms.MultipleChoiceField(
        label=_("How do people get it?"),
        choices=Service.AccessMethod.choices,
        widget=CheckboxGroup,
        error_messages={
            "required": _("Choose how people get the service"),
            "invalid_choice": _("Choose from the list how people get the service"),
        },
    )
    application_process = forms.CharField(
        label=_("How to get it, in your words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: call to book, or just come in and ask at reception."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        required=False,
        choices=SPOKEN_LANGUAGES,
        widget=CheckboxGroup,
        help_text=_("Languages the staff or volunteers speak, English included."),
        error_messages={"invalid_choice": _("Choose languages from the list")},
    )
    interpreters_available = forms.BooleanField(label=_("Interpreters can be arranged"), required=False)
    free = forms.ChoiceField(
        label=_("Is it free?"),
        choices=[("yes", _("Yes, it is free")), ("no", _("No, there is a cost"))],
        widget=RadioGroup,
        error_messages={"required": _("Say whether the service is free")},
    )
    fees_description = forms.CharField(
        label=_("What does it cost?"),
        required=False,
        max_length=1000,
        help_text=_("Only if there is a cost."),
    )
    phone = forms.CharField(label=_("Phone number of the service"), required=False, max_length=50)
    address_1 = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=255,
        help_text=_("Where people come. Leave the address empty if there is no place to come to."),
    )
    city = forms.CharField(label=_("Town or city"), required=False, max_length=255)
    postal_code = forms.CharField(label=_("Postcode"), required=False, max_length=20)
    address_hidden = forms.BooleanField(
        label=_("Do not show the street: show only the area (for safe houses and refuges)"), required=False
    )
    area = forms.ModelChoiceField(
        label=_("Area"),
        required=False,
        queryset=Area.objects.order_by("name"),
        empty_label=_("The organisation's main area"),
        help_text=_("Where the service is, or the area it covers."),
        error_messages={"invalid_choice": _("Choose an area from the list")},
    )
    opening_times_note = forms.CharField(
        label=_("Anything else about opening times"),
        required=False,
        max_length=1000,
        help_text=_("For example: closed on bank holidays, or first Monday of the month only."),
    )
    advice_regulator = forms.ChoiceField(
        label=_("Regulator of the immigration advice"),
        required=False,
        choices=[("", _("Not immigration advice")), *Service.Regulator.choices],
        help_text=_("Immigration advice may only be given by regulated advisers."),
        error_messages={"invalid_choice": _("Choose a regulator from the list")},
    )
    advice_registration_number = forms.CharField(
        label=_("Registration number with the regulator"), required=False, max_length=50
    )
    advice_oisc_level = forms.TypedChoiceField(
        label=_("OISC level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Not OISC")), ("1", "1"), ("2", "2"), ("3", "3")],
        error_messages={"invalid_choice": _("Choose an OISC level from the list")},
    )

    def __init__(self, *args, need_choices=(), advice_slugs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["needs"].choices = need_choices
        self.advice_slugs = set(advice_slugs)
        for row in range(1, OPENING_ROWS + 1):
            self.fields[f"days_{row}"] = forms.MultipleChoiceField(
                label=_("Days (times %(row)s)") % {"row": row},
                required=False,
                choices=Schedule.Weekday.choices,
                widget=CheckboxGroup,
                error_messages={"invalid_choice": _("Choose days from the list")},
            )
            time_errors = {"invalid": _("Enter a time like 09:30 or 14:00")}
            self.fields[f"opens_at_{row}"] = forms.TimeField(
                label=pgettext_lazy("opening times", "Opens at"),
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                error_messages=time_errors,
            )
            self.fields[f"closes_at_{row}"] = forms.TimeField(
                label=pgettext_lazy("opening times", "Closes at"),
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                error_messages=time_errors,
            )

    # The parts of the fieldset, for the template.
    ABOUT_FIELDS = ("name", "description", "needs")
    WHO_FIELDS = ("situations", "gender", "eligibility_description")
    HOW_FIELDS = ("access", "application_process", "languages", "interpreters_available", "free", "fees_description")
    WHERE_FIELDS = ("phone", "address_1", "city", "postal_code", "address_hidden", "area")
    ADVICE_FIELDS = ("advice_regulator", "advice_registration_number", "advice_oisc_level")

    def field_group(self, names):
        return [self[name] for name in names]

    def about_fields(self):
        return self.field_group(self.ABOUT_FIELDS)

    def who_fields(self):
        return self.field_group(self.WHO_FIELDS)

    def how_fields(self):
        return self.field_group(self.HOW_FIELDS)

    def where_fields(self):
        return self.field_group(self.WHERE_FIELDS)

    def advice_fields(self):
        return self.field_group(self.ADVICE_FIELDS)

    def opening_rows(self):
        return [
            (self[f"days_{row}"], self[f"opens_at_{row}"], self[f"closes_at_{row}"])
            for row in range(1, OPENING_ROWS + 1)
        ]

    @property
    def is_filled_in(self):
        """False for an optional service left empty (it is then left out, unchecked)."""
        return self.is_bound and (not self.empty_permitted or self.has_changed())

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if not value:
            return ""
        postcode = normalise_postcode(value)
        if postcode is None:
            raise ValidationError(_("Enter a full postcode like BL1 1AA"), code="invalid_postcode")
        if not locate(postcode):
            raise ValidationError(_("We don't know this postcode. Check it and try again."), code="unknown_postcode")
        return postcode

    def clean(self):
        data = super().clean()
        self._clean_cost(data)
        self._clean_address(data)
        self._clean_opening_times(data)
        self._clean_immigration_advice(data)
        return data

    def _clean_cost(self, data):
        if data.get("free") == "no" and not data.get("fees_description", "").strip():
            self.add_error("fees_description", _("Say what the service costs"))

    def _clean_address(self, data):
        parts = {name: data.get(name, "") for name in ("address_1", "city", "postal_code")}
        if any(parts.values()) or data.get("address_hidden"):
            if not parts["address_1"]:
                self.add_error("address_1", _("Enter the address, or leave the whole address empty"))
            if not parts["city"]:
                self.add_error("city", _("Enter the town or city"))
            if not parts["postal_code"] and "postal_code" not in self.errors:
                self.add_error("postal_code", _("Enter the postcode"))

    def _clean_opening_times(self, data):
        for row in range(1, OPENING_ROWS + 1):
            days = data.get(f"days_{row}") or []
            opens, closes = data.get(f"opens_at_{row}"), data.get(f"closes_at_{row}")
            if f"opens_at_{row}" in self.errors or f"closes_at_{row}" in self.errors:
                continue
            if not days and (opens or closes):
                self.add_error(f"days_{row}", _("Choose the days it is open at these times"))
            if days and not opens:
                self.add_error(f"opens_at_{row}", _("Enter the time it opens"))
            if days and not closes:
                self.add_error(f"closes_at_{row}", _("Enter the time it closes"))
            if opens and closes and opens >= closes:
                self.add_error(f"closes_at_{row}", _("The closing time must be after the opening time"))

    def _clean_immigration_advice(self, data):
        """The rule of ``Service.clean``: immigration advice names its regulator, and the OISC
        its level; here the registration number is asked for too, so an editor can check it."""
        regulator = data.get("advice_regulator", "")
        level = data.get("advice_oisc_level")
        is_advice = bool(self.advice_slugs & set(data.get("needs") or []))
        if is_advice and not regulator:
            self.add_error("advice_regulator", _("Immigration advice must be regulated: give the adviser's regulator."))
        if regulator and not data.get("advice_registration_number", "").strip():
            self.add_error("advice_registration_number", _("Give the registration number with the regulator."))
        if regulator == Service.Regulator.OISC and level is None and "advice_oisc_level" not in self.errors:
            self.add_error("advice_oisc_level", _("Give the OISC level (1, 2 or 3)."))
        if level is not None and regulator != Service.Regulator.OISC:
            self.add_error("advice_oisc_level", _("An OISC level needs the OISC as regulator."))

    def service_data(self):
        """The service as listing data (``listing_data.py``'s keys), plus ``where``."""
        data = self.cleaned_data
        opening_times = [
            {
                "days": data[f"days_{row}"],
                "opens_at": data[f"opens_at_{row}"].strftime("%H:%M"),
                "closes_at": data[f"closes_at_{row}"].strftime("%H:%M"),
            }
            for row in range(1, OPENING_ROWS + 1)
            if data.get(f"days_{row}")
        ]
        area = data.get("area")
        free = data["free"] == "yes"
        return {
            "name": data["name"].strip(),
            "alternate_name": "",
            "description": data["description"].strip(),
            "url": "",
            "email": "",
            "phone": data["phone"],
            "application_process": data["application_process"].strip(),
            "fees_description": "" if free else data["fees_description"].strip(),
            "free": free,
            "eligibility_description": data["eligibility_description"].strip(),
            "minimum_age": None,
            "maximum_age": None,
            "for": data["situations"],
            "gender": data["gender"],
            "for_families": False,
            "for_lgbt": False,
            "access": data["access"],
            "accepts_waymark_referrals": False,
            "interpreters_available": data["interpreters_available"],
            "languages": data["languages"],
            "needs": data["needs"],
            "advice_regulator": data["advice_regulator"],
            "advice_registration_number": data["advice_registration_number"].strip()
            if data["advice_regulator"]
            else "",
            "advice_oisc_level": data["advice_oisc_level"],
            "documents": [],
            "location": "",
            "opening_times": opening_times,
            "opening_times_note": data["opening_times_note"].strip(),
            "where": {
                "address_1": data["address_1"].strip(),
                "city": data["city"].strip(),
                "postal_code": data["postal_code"],
                "address_hidden": data["address_hidden"] and bool(data["address_1"]),
                "area": area.slug if area else "",
            },
        }


def service_forms(data=None, *, language):
    """The service fieldsets of the page: the first required, the others optional."""
    choices, advice = need_choices(language)
    return [
        RegistrationServiceForm(
            data,
            prefix=f"service{number}",
            need_choices=choices,
            advice_slugs=advice,
            empty_permitted=number > 1,
            use_required_attribute=False,
        )
        for number in range(1, SERVICE_FORMS + 1)
    ]


class RegistrationDecisionForm(forms.Form):
    """A directory editor approves a registration or rejects it, saying why."""

    APPROVE = "approve"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (APPROVE, _("Approve: create the organisation and its listings, and invite the contact")),
            (REJECT, _("Reject")),
        ],
        widget=RadioGroup,
        error_messages={"required": _("Choose whether to approve or reject")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to reject: it is e-mailed to the contact, in their language."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REJECT and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for rejecting"))
        return data
