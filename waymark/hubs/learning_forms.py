"""Forms of the learning log: the debrief of a session, and an action with its owner."""

from django import forms
from django.utils.translation import gettext_lazy as _

from waymark.accounts.models import Membership

# Long enough for a debrief, short enough that nobody pastes a report.
LOG_TEXT_MAX = 4000
_DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class LearningLogForm(forms.Form):
    what_worked = forms.CharField(
        label=_("What worked"),
        required=False,
        max_length=LOG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Write at most %(limit_value)d characters")},
    )
    what_to_change = forms.CharField(
        label=_("What to change"),
        required=False,
        max_length=LOG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Write at most %(limit_value)d characters")},
    )
    issues_to_raise = forms.CharField(
        label=_("Issues to raise"),
        help_text=_("With the network, the council or the accommodation provider. Do not name the people you help."),
        required=False,
        max_length=LOG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Write at most %(limit_value)d characters")},
    )

    def clean(self):
        data = super().clean()
        if not any(data.get(name, "").strip() for name in ("what_worked", "what_to_change", "issues_to_raise")):
            raise forms.ValidationError(_("Write at least one of what worked, what to change or issues to raise."))
        return data


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.user.name or obj.user.email


class LearningActionForm(forms.Form):
    description = forms.CharField(
        label=_("What to do"),
        max_length=500,
        error_messages={
            "required": _("Say what is to be done"),
            "max_length": _("Write at most %(limit_value)d characters"),
        },
    )
    owner = OwnerChoiceField(
        label=_("Who will do it"),
        queryset=Membership.objects.none(),
        empty_label=_("Choose someone"),
        error_messages={"required": _("Choose who will do it"), "invalid_choice": _("Choose who will do it")},
    )
    due_on = forms.DateField(
        label=_("Due by"),
        help_text=_("For example, 27 3 2026."),
        error_messages={"required": _("Enter the date it is due by"), "invalid": _("Enter a real date")},
        **_DATE,
    )

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            Membership.objects.filter(organisation_id=hub.lead_organisation_id)
            .select_related("user")
            .order_by("user__name", "user__email")
        )
