"""The safeguarding forms: raising a concern, triage, an escalation, closing."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from waymark.accounts.models import NationalBody
from waymark.casework.models import ConcernCategory, Escalation, SafeguardingConcern, Urgency


class ConcernForm(forms.Form):
    """Raise a concern. ``about`` is asked only when the person is not registered."""

    about = forms.CharField(
        label=_("Who it is about"),
        help_text=_(
            "They are not registered: describe them so a lead can find them (a name, where they stay, "
            "when you saw them). Only the safeguarding leads and you will see it."
        ),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ChoiceField(label=_("Kind of concern"), choices=ConcernCategory.choices)
    what_happened = forms.CharField(
        label=_("What was seen or said"),
        help_text=_(
            "In their words where you can, with when and where. Facts, not opinions. Only the "
            "safeguarding leads and you will see it; it is stored encrypted."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        help_text=_("If someone is in immediate danger, call 999 first, then raise the concern."),
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        if person is not None:
            del self.fields["about"]


class TriageForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=SafeguardingConcern.Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        help_text=_("Stored encrypted; seen by the safeguarding leads and whoever raised the concern."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class EscalationForm(forms.Form):
    to = forms.ChoiceField(label=_("Escalated to"), choices=Escalation.To.choices)
    national_body = forms.ModelChoiceField(
        label=_("Which body"),
        queryset=NationalBody.objects.none(),
        required=False,
        help_text=_("For a First Responder, the accommodation provider or Migrant Help: which one."),
    )
    to_detail = forms.CharField(label=_("Name of the team or person"), max_length=200, required=False)
    their_reference = forms.CharField(label=_("Their reference"), max_length=100, required=False)
    with_consent = forms.TypedChoiceField(
        label=_("Did the person consent to the sharing?"),
        choices=[("yes", _("Yes, they consented")), ("no", _("No, shared without consent"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    no_consent_reason = forms.CharField(
        label=_("Lawful reason for sharing without consent"),
        help_text=_(
            "Required without consent: for example, asking would put them or others at risk, they cannot "
            "consent, or a child is involved. Stored encrypted."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [NationalBody.Kind.ACCOMMODATION_PROVIDER, NationalBody.Kind.ASYLUM_HELPLINE]
        bodies = NationalBody.objects.filter(Q(kind__in=kinds) | Q(is_nrm_first_responder=True))
        self.fields["national_body"].queryset = bodies.order_by("kind", "name")
        if organisation is not None and not organisation.is_nrm_first_responder:
            self.fields["to"].help_text = _(
                "Your organisation is not an NRM First Responder: for a possible victim of modern slavery, "
                "record passing it to a First Responder."
            )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Choose an outcome")), *SafeguardingConcern.Outcome.choices],
        error_messages={"required": _("A concern cannot be closed without an outcome. Choose one.")},
    )
    outcome_note = forms.CharField(
        label=_("About the outcome"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )


class DashboardFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open and recently closed")), *SafeguardingConcern.Status.choices],
    )
    category = forms.ChoiceField(
        label=_("Kind of concern"), required=False, choices=[("", _("All kinds")), *ConcernCategory.choices]
    )
