"""Forms for running hubs, their sessions and the rota, and for finding a hub.

Each form only checks its input and offers the choices the user may pick from; the actions
check again what must hold whoever calls them. Everything works without JavaScript.
"""

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.accounts.forms import CheckboxGroup
from waymark.accounts.models import Membership, Organisation
from waymark.directory.models import Location, LocationType
from waymark.directory.opening import WEEKDAY_NAMES
from waymark.hubs.actions import CONFIRM, DECLINE
from waymark.hubs.models import LONDON, WEEKDAYS, Hub, Offer, RotaInvitation
from waymark.places.models import Area
from waymark.places.postcodes import normalise_outcode, normalise_postcode

# How far ahead sessions may be generated at once.
LONGEST_GENERATION = dt.timedelta(days=366)

_DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
_TIME = {"widget": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


def _today():
    return timezone.localdate(timezone=LONDON)


def offers_field(label=None, help_text=""):
    return forms.MultipleChoiceField(
        label=label or _("What it offers"),
        choices=Offer.choices,
        widget=CheckboxGroup,
        required=False,
        help_text=help_text,
    )


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        address = obj.addresses.first() if not obj.address_hidden else None
        return f"{obj.name}, {address}" if address else obj.name


class SitesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name or str(obj)


def site_choices(organisation, *, area=None, current=()):
    """Places a hub of ``organisation`` may meet at: the organisation's own places on the map,
    the places in the hub's area (a library, a community centre), and the hub's current sites."""
    wanted = Q(organization__waymark_organisation=organisation) | Q(pk__in=[site.pk for site in current])
    # A new hub has no area yet: the places in the areas its organisation works in.
    wanted |= Q(area=area) if area is not None else Q(area__in=organisation.areas.all())
    return Location.objects.filter(wanted, location_type=LocationType.PHYSICAL).order_by("name").distinct()


class HubForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("As people know it, e.g. Bolton Hub."))
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few plain sentences for the public page: who it is for, what happens there."),
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.order_by("name"), empty_label=None)
    model = forms.ChoiceField(
        label=_("Model"),
        choices=Hub.Model.choices,
        widget=forms.RadioSelect,
        help_text=Hub._meta.get_field("model").help_text,
    )
    sites = SitesField(
        label=_("Sites"),
        queryset=Location.objects.none(),
        widget=CheckboxGroup,
        required=False,
        help_text=_("Where it meets. A place missing here is added to the map from your organisation's listings."),
    )

    def __init__(self, *args, organisation, hub=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = list(hub.sites.all()) if hub is not None else []
        self.fields["sites"].queryset = site_choices(organisation, area=hub.area if hub else None, current=current)
        self.fields["area"].queryset = (
            organisation.areas.order_by("name") if organisation.areas.exists() else Area.objects.order_by("name")
        )
        if hub is not None:
            areas = self.fields["area"].queryset | Area.objects.filter(pk=hub.area_id)
            self.fields["area"].queryset = areas.distinct()


class HubDetailsForm(HubForm):
    """The settings page's part for the hub itself; sites have a form of their own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["sites"]


class SitesForm(forms.Form):
    sites = SitesField(label=_("Sites"), queryset=Location.objects.none(), widget=CheckboxGroup, required=False)

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = site_choices(hub.lead_organisation, area=hub.area, current=hub.sites.all())


class TeamChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        roles = ", ".join(str(label) for label in obj.role_labels())
        return f"{obj.user} ({roles})" if roles else str(obj.user)


class TeamForm(forms.Form):
    team = TeamChoiceField(
        label=_("Team"),
        queryset=Membership.objects.none(),
        widget=CheckboxGroup,
        required=False,
        help_text=_("Members of your organisation who run this hub's sessions."),
    )

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = (
            Membership.objects.filter(organisation=hub.lead_organisation).select_related("user").order_by("user__email")
        )


class PartnersForm(forms.Form):
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Organisation.objects.none(),
        widget=CheckboxGroup,
        required=False,
        help_text=_("Organisations you can invite to sessions: legal advice, ESOL, health, housing …"),
    )

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        networks = hub.lead_organisation.networks.all()
        self.fields["partners"].queryset = (
            Organisation.objects.filter(Q(networks__in=networks) | Q(partner_hubs=hub))
            .exclude(pk=hub.lead_organisation_id)
            .order_by("name")
            .distinct()
        )


class _TimesMixin:
    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("A session must end after it starts."))
        return cleaned


class PatternForm(_TimesMixin, forms.Form):
    site = SiteChoiceField(label=_("Site"), queryset=Location.objects.none(), empty_label=None)
    weekdays = forms.MultipleChoiceField(
        label=_("Days"),
        choices=list(zip(WEEKDAYS, WEEKDAY_NAMES, strict=True)),
        widget=CheckboxGroup,
        error_messages={"required": _("Choose at least one day of the week.")},
    )
    starts_at = forms.TimeField(label=_("Starts at"), **_TIME)
    ends_at = forms.TimeField(label=_("Ends at"), **_TIME)
    starts_on = forms.DateField(label=_("First date"), **_DATE)
    ends_on = forms.DateField(label=_("Last date"), required=False, help_text=_("Leave empty if it goes on."), **_DATE)
    offers = offers_field(help_text=_("What each session offers unless you change it for one session."))

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = hub.sites.order_by("name")

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last date must not be before the first."))
        return cleaned


class GenerateForm(forms.Form):
    until = forms.DateField(
        label=_("Make sessions up to"),
        help_text=_("Sessions already made are kept as they are; only missing dates are added."),
        **_DATE,
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until > _today() + LONGEST_GENERATION:
            raise forms.ValidationError(_("Make sessions up to a year ahead at most."))
        return until


class ExtraSessionForm(_TimesMixin, forms.Form):
    site = SiteChoiceField(label=_("Site"), queryset=Location.objects.none(), empty_label=None)
    date = forms.DateField(label=_("Date"), **_DATE)
    starts_at = forms.TimeField(label=_("Starts at"), **_TIME)
    ends_at = forms.TimeField(label=_("Ends at"), **_TIME)
    offers = offers_field()
    notes = forms.CharField(label=_("Notes for the team"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = hub.sites.order_by("name")

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date < _today():
            raise forms.ValidationError(_("Choose a date from today on."))
        return date


class MoveSessionForm(ExtraSessionForm):
    note = forms.CharField(
        label=_("About the move"),
        max_length=300,
        required=False,
        help_text=_("Shown on the public page, e.g. “Moved because the hall is used for voting.”"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["offers"]
        del self.fields["notes"]


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        max_length=300,
        required=False,
        help_text=_("Shown to partners and on the public page, e.g. “Closed for the bank holiday.”"),
    )


class SessionOffersForm(forms.Form):
    offers = offers_field()
    notes = forms.CharField(label=_("Notes for the team"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class InvitePartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    offers = offers_field(label=_("What they would bring"))
    message = forms.CharField(
        label=_("Message"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        waiting = RotaInvitation.objects.filter(session=session, status=RotaInvitation.Status.INVITED)
        self.fields["organisation"].queryset = session.hub.partners.exclude(
            pk__in=waiting.values("organisation_id")
        ).order_by("name")


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Will your organisation be there?"),
        choices=[(CONFIRM, _("Yes, we will be there")), (DECLINE, _("No, we cannot come"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you will be there.")},
    )
    note = forms.CharField(
        label=_("Note for the hub (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttendanceForm(forms.Form):
    attended = forms.TypedChoiceField(
        label=_("Did they come?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether they came.")},
    )


class FindHubForm(forms.Form):
    near = forms.CharField(
        label=_("Your postcode"),
        max_length=20,
        required=False,
        help_text=_("Or just its first part, e.g. BL1. We do not keep what you type."),
    )

    def clean_near(self):
        text = self.cleaned_data.get("near", "").strip()
        if not text:
            return ""
        postcode = normalise_postcode(text) or normalise_outcode(text)
        if postcode is None:
            raise forms.ValidationError(_("Enter a postcode, e.g. BL1 1AA, or its first part, e.g. BL1."))
        return postcode
