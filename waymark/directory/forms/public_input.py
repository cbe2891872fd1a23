"""Forms for what the public tells us, and for the editors who deal with it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from waymark.directory.actions.verification import EDITOR_CHECK_METHODS
from waymark.directory.models import ProblemReport, ServiceFeedback


class RadioGroup(forms.RadioSelect):
    """Radio buttons whose error-summary link leads to the first button, not to nowhere."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


# Long enough for what a person has to say, short enough that nobody pastes a book.
DETAILS_MAX = 2000


class ProblemReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=ProblemReport.Kind.choices,
        widget=RadioGroup,
        error_messages={"required": _("Choose what is wrong"), "invalid_choice": _("Choose what is wrong")},
    )
    details = forms.CharField(
        label=_("Tell us more (optional)"),
        help_text=_(
            "For example the right opening times or phone number. Do not write your name or anything about you."
        ),
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("Write at most %(limit_value)d characters")},
    )


class ServiceSuggestionForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the service"),
        max_length=255,
        error_messages={
            "required": _("Enter the name of the service"),
            "max_length": _("Write at most %(limit_value)d characters"),
        },
    )
    organisation_name = forms.CharField(
        label=_("Who runs it (optional)"),
        max_length=255,
        required=False,
        error_messages={"max_length": _("Write at most %(limit_value)d characters")},
    )
    where = forms.CharField(
        label=_("Where it is (optional)"),
        help_text=_("A town, an area or a postcode."),
        max_length=255,
        required=False,
        error_messages={"max_length": _("Write at most %(limit_value)d characters")},
    )
    details = forms.CharField(
        label=_("What it offers (optional)"),
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("Write at most %(limit_value)d characters")},
    )
    contact = forms.CharField(
        label=_("How to contact the service (optional)"),
        help_text=_("Its phone number, e-mail address or website. Not yours."),
        max_length=255,
        required=False,
        error_messages={"max_length": _("Write at most %(limit_value)d characters")},
    )


class FeedbackForm(forms.Form):
    got_help = forms.ChoiceField(
        label=_("Did you get the help you needed?"),
        choices=ServiceFeedback.Answer.choices,
        widget=RadioGroup,
        error_messages={
            "required": _("Say whether you got the help you needed"),
            "invalid_choice": _("Say whether you got the help you needed"),
        },
    )
    treated_well = forms.ChoiceField(
        label=_("Were you treated well? (optional)"),
        choices=ServiceFeedback.Answer.choices,
        widget=RadioGroup,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the answers")},
    )
    comment = forms.CharField(
        label=_("Anything else you want to say (optional)"),
        help_text=_("Do not write your name or anything that could identify you."),
        required=False,
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("Write at most %(limit_value)d characters")},
    )


def _check_method_choices():
    return [(method.value, method.label) for method in EDITOR_CHECK_METHODS]


class ProblemDecisionForm(forms.Form):
    RESOLVE = "resolve"
    DISMISS = "dismiss"

    decision = forms.ChoiceField(
        label=_("What happened?"),
        choices=[
            (RESOLVE, _("Resolved: the listing was corrected or found right")),
            (DISMISS, _("Dismissed: nothing needed changing")),
        ],
        widget=RadioGroup,
        error_messages={
            "required": _("Choose resolved or dismissed"),
            "invalid_choice": _("Choose resolved or dismissed"),
        },
    )
    resolution = forms.CharField(
        label=_("Note"),
        help_text=_("What you did or why nothing was needed."),
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write a note about what you did"),
            "max_length": _("Write at most %(limit_value)d characters"),
        },
    )
    mark_checked = forms.BooleanField(
        label=_("I have checked the whole listing and it is now correct"),
        help_text=_("Counts as the listing's check: it will not be due again for months."),
        required=False,
    )
    check_method = forms.ChoiceField(
        label=_("How did you check it?"),
        choices=[("", _("Choose…")), *_check_method_choices()],
        required=False,
        error_messages={"invalid_choice": _("Choose how you checked it")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mark_checked"):
            if cleaned.get("decision") == self.DISMISS:
                self.add_error("mark_checked", _("Only a resolved report can mark the listing checked"))
            elif not cleaned.get("check_method"):
                self.add_error("check_method", _("Choose how you checked it"))
        return cleaned


class SuggestionDecisionForm(forms.Form):
    ADDED = "added"
    DISMISS = "dismiss"

    decision = forms.ChoiceField(
        label=_("What happened?"),
        choices=[
            (ADDED, _("Added: the service is on the map, or its organisation has been asked to add it")),
            (DISMISS, _("Dismissed: already listed, not a service, or not for this map")),
        ],
        widget=RadioGroup,
        error_messages={"required": _("Choose added or dismissed"), "invalid_choice": _("Choose added or dismissed")},
    )
    resolution = forms.CharField(
        label=_("Note"),
        max_length=DETAILS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write a note about what you did"),
            "max_length": _("Write at most %(limit_value)d characters"),
        },
    )


class MarkCheckedForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How did you check it?"),
        choices=_check_method_choices,
        error_messages={"required": _("Choose how you checked it"), "invalid_choice": _("Choose how you checked it")},
    )
