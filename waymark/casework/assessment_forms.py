"""The assessment forms: the needs and vulnerability assessment, and changing its risk level."""

from django import forms
from django.utils.translation import gettext_lazy as _

from waymark.casework.assessments import need_terms
from waymark.casework.models import Loneliness, RiskLevel, Urgency, VulnerabilityIndicator

NEED_PREFIX = "need_"
SCORE_HELP = _("0 is “not at all”, 10 is “completely”. Leave it empty if it was not asked or not answered.")


def _score(label, help_text=SCORE_HELP):
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=10, help_text=help_text)


class AssessmentForm(forms.Form):
    """One select per need of the taxonomy ("not a need" or its urgency), support package first,
    then the vulnerability indicators, the ONS questions and notes."""

    indicators = forms.MultipleChoiceField(
        label=_("Which of these apply?"),
        choices=VulnerabilityIndicator.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick each one that applies. Some answers raise a safeguarding concern at once."),
    )
    loneliness = forms.ChoiceField(
        label=_("How often do you feel lonely?"),
        choices=[("", _("Not asked or not answered")), *Loneliness.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    life_satisfaction = _score(_("Overall, how satisfied are you with your life nowadays?"))
    worthwhile = _score(_("Overall, to what extent do you feel the things you do in your life are worthwhile?"))
    happiness = _score(_("Overall, how happy did you feel yesterday?"))
    anxiety = _score(
        _("Overall, how anxious did you feel yesterday?"),
        _("0 is “not at all anxious”, 10 is “completely anxious”. Leave it empty if it was not asked or not answered."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text=_("Kept encrypted. Write only what the support needs."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        package, others = need_terms()
        choices = [("", _("Not a need")), *Urgency.choices]
        self.package_fields, self.other_fields = [], []
        for terms, names in ((package, self.package_fields), (others, self.other_fields)):
            for term in terms:
                name = NEED_PREFIX + term.slug
                self.fields[name] = forms.ChoiceField(label=term.shown_name, choices=choices, required=False)
                names.append(name)

    def package_needs(self):
        return [self[name] for name in self.package_fields]

    def other_needs(self):
        return [self[name] for name in self.other_fields]

    def answers(self):
        """The keyword arguments of ``do_record_assessment``."""
        data = self.cleaned_data
        needs = [
            (name.removeprefix(NEED_PREFIX), data[name])
            for name in self.package_fields + self.other_fields
            if data.get(name)
        ]
        return {
            "needs": needs,
            "indicators": data["indicators"],
            "loneliness": data["loneliness"],
            "life_satisfaction": data["life_satisfaction"],
            "worthwhile": data["worthwhile"],
            "happiness": data["happiness"],
            "anxiety": data["anxiety"],
            "notes": data["notes"],
        }


class RiskLevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    reason = forms.CharField(
        label=_("Why you are changing it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Kept with the assessment, encrypted."),
    )
