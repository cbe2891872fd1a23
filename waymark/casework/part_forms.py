"""Forms for the parts of a case: support plan goals and steps, outcomes per need, immigration
matters and attachments. The actions in ``casework.parts`` check again whatever must hold."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from waymark.casework.models import ImmigrationMatter, MatterKind, NeedOutcome, PlanGoal
from waymark.directory.forms.public_input import RadioGroup
from waymark.directory.models import NEEDS_TAXONOMY_NAME, TaxonomyTerm
from waymark.directory.translation import prefetch_translations, translated

TEXT_MAX = 5000
# The outcome form's prefix: the case page and the outcomes page post the same form.
OUTCOME_PREFIX = "outcome"
LEVEL_CHOICES = [(1, _("Level 1: advice and assistance")), (2, _("Level 2: casework")), (3, _("Level 3: advocacy"))]


def need_names():
    """{slug: name in the current language} for the needs taxonomy, in the taxonomy's order."""
    language = get_language() or settings.LANGUAGE_CODE
    terms = TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME).exclude(slug="")
    terms = prefetch_translations(terms.order_by("position", "name"), language)
    return {term.slug: translated(term, "name", language)[0] for term in terms}


def _need_choices(blank_label):
    return [("", blank_label), *need_names().items()]


class GoalForm(forms.Form):
    need = forms.ChoiceField(label=_("Need it is about (optional)"), required=False)
    description = forms.CharField(
        label=_("Goal"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the person wants to achieve, in their words if you can. Kept encrypted."),
        error_messages={"required": _("Say what the goal is.")},
    )

    def __init__(self, *args, with_status=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = _need_choices(_("No particular need"))
        if with_status:
            self.fields["status"] = forms.ChoiceField(
                label=_("Status"), choices=PlanGoal.Status.choices, widget=RadioGroup
            )


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanGoal.Status.choices)


class StepForm(forms.Form):
    description = forms.CharField(
        label=_("What to do"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what is to be done.")},
    )
    owner = forms.TypedChoiceField(label=_("Who"), coerce=int, error_messages={"required": _("Choose who will do it.")})
    due_on = forms.DateField(
        label=_("Due (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_("For example 17/04/2027."),
        error_messages={"invalid": _("Enter a date like 17/04/2027.")},
    )

    def __init__(self, *args, workers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.workers = {user.pk: user for user in workers}
        self.fields["owner"].choices = [("", _("Choose who")), *((user.pk, str(user)) for user in workers)]

    def chosen_owner(self):
        return self.workers.get(self.cleaned_data["owner"])


class NeedOutcomeForm(forms.Form):
    need = forms.ChoiceField(label=_("Need"), error_messages={"required": _("Choose the need.")})
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=NeedOutcome.Outcome.choices,
        widget=RadioGroup,
        error_messages={"required": _("Choose an outcome.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept encrypted."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = _need_choices(_("Choose the need"))


class MatterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of immigration matter"),
        choices=[("", _("Choose the kind")), *MatterKind.choices],
        help_text=_("The OISC level it needs is set from your organisation's policy; you can change it after."),
        error_messages={"required": _("Choose the kind of matter.")},
    )


class MatterLevelForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("OISC level needed"),
        choices=LEVEL_CHOICES,
        coerce=int,
        widget=RadioGroup,
        error_messages={"required": _("Choose the level.")},
    )
    reason = forms.CharField(
        label=_("Why the matter needs this level"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with your name. Kept encrypted."),
        error_messages={"required": _("Say why the matter needs a different level.")},
    )


class MatterOutcomeForm(forms.Form):
    """Offers only the outcomes the member may record (``casework.parts.outcomes_allowed``).

    The field still accepts every outcome, so that a posted "advice given" from someone who may
    not record it reaches the action, which refuses it with the reason.
    """

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=ImmigrationMatter.Outcome.choices,
        widget=RadioGroup,
        error_messages={"required": _("Choose an outcome."), "invalid_choice": _("Choose an outcome from the list.")},
    )

    def __init__(self, *args, allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].widget.choices = list(allowed)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A PDF, a photo (JPEG, PNG or HEIC), a plain text file or a Word document (.docx)."),
        error_messages={"required": _("Choose a file to upload."), "empty": _("The file is empty.")},
    )
    title = forms.CharField(
        label=_("What it is (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example: asylum decision letter. Kept encrypted."),
    )
