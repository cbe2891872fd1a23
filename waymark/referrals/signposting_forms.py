"""Forms of the signposting pages: searching the map, ticking services, choosing the language
of the list to take away."""

from django import forms
from django.utils.translation import gettext_lazy as _

from waymark.accounts.forms import CheckboxGroup


class ServiceSearchForm(forms.Form):
    """A search of the map (sent by GET): words, a need, or both."""

    q = forms.CharField(
        label=_("Words to search for"),
        required=False,
        max_length=100,
        help_text=_("A service, an organisation or what they need, like “dentist” or “appeal”."),
    )
    need = forms.ChoiceField(label=_("Need"), required=False)

    def __init__(self, *args, needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Narrower needs indented under their broader one, as on the map's own filters.
        self.fields["need"].choices = [("", _("Any need"))] + [
            (term.slug, "— " * term.depth + term.label) for term in needs
        ]

    def searched(self):
        """True when the form is valid and asks for something."""
        return self.is_valid() and bool(self.cleaned_data["q"] or self.cleaned_data["need"])


class SignpostForm(forms.Form):
    """The services ticked and a note about them. Two groups of boxes, each its own fieldset:
    the services the organisation often tells people about (ticked without searching) and
    those the search found."""

    often = forms.MultipleChoiceField(
        label=_("Services you often tell people about"),
        required=False,
        widget=CheckboxGroup,
        error_messages={"invalid_choice": _("Choose services from the list.")},
    )
    services = forms.MultipleChoiceField(
        label=_("Services found on the map"),
        required=False,
        widget=CheckboxGroup,
        error_messages={"invalid_choice": _("Choose services from the list.")},
    )
    note = forms.CharField(
        label=_("About the signposting (optional)"), required=False, max_length=500, help_text=_("Kept encrypted.")
    )

    def __init__(self, *args, often=(), found=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["often"].choices = list(often)
        self.fields["services"].choices = list(found)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("often") or cleaned.get("services")):
            raise forms.ValidationError(_("Tick at least one service."), code="required")
        return cleaned

    def chosen(self):
        """The ids ticked in either group, each once, in the order shown."""
        return list(dict.fromkeys([*self.cleaned_data["often"], *self.cleaned_data["services"]]))
