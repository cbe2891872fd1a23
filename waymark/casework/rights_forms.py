"""Forms of the rights pages: placing and lifting a legal hold, confirming an erasure."""

from django import forms
from django.utils.translation import gettext_lazy as _

_DATE = {
    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "input_formats": ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"],
}


class LegalHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the records are held"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("For example an ongoing legal case or a safeguarding inquiry. Kept encrypted."),
        error_messages={"required": _("Say why the records are held")},
    )
    review_on = forms.DateField(
        label=_("Review by"),
        help_text=_("The date by which an admin checks whether the hold is still needed, for example 31/03/2027."),
        error_messages={"required": _("Give a review date"), "invalid": _("Enter a date like 31/03/2027")},
        **_DATE,
    )


class LiftLegalHoldForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the hold is lifted"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("For example: the case has ended. Kept encrypted."),
        error_messages={"required": _("Say why the hold is lifted")},
    )


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that their identity and every note about them will be removed, and that this cannot be undone"
        ),
        error_messages={"required": _("Tick the box to confirm the erasure")},
    )
