"""The visitor feedback form: public, anonymous, every question plain and the last optional."""

from django import forms
from django.utils.translation import gettext_lazy as _

from waymark.directory.forms.public_input import RadioGroup
from waymark.hubs.models import FEEDBACK_TEXT_MAX, Loneliness, Welcome

_TOO_LONG = _("Write at most %(limit_value)d characters")


class VisitorFeedbackForm(forms.Form):
    welcome = forms.TypedChoiceField(
        label=_("How welcome did you feel?"),
        choices=Welcome.choices,
        coerce=int,
        widget=RadioGroup,
        error_messages={
            "required": _("Say how welcome you felt"),
            "invalid_choice": _("Say how welcome you felt"),
        },
    )
    what_helped = forms.CharField(
        label=_("What helped you? (optional)"),
        help_text=_("Do not write your name or anything that could identify you."),
        required=False,
        max_length=FEEDBACK_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _TOO_LONG},
    )
    what_is_missing = forms.CharField(
        label=_("What is missing? (optional)"),
        help_text=_("Something you needed and did not find here."),
        required=False,
        max_length=FEEDBACK_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _TOO_LONG},
    )
    loneliness = forms.ChoiceField(
        label=_("How often do you feel lonely? (optional)"),
        help_text=_("You do not have to answer."),
        choices=Loneliness.choices,
        widget=RadioGroup,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the answers")},
    )
