"""The form a signed-in user fills in to make an API token for themselves."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use the token, so that you can tell your tokens apart. For example: “Hub tablet”."),
    )
    membership = forms.ChoiceField(
        label=_("Organisation"),
        help_text=_("The token acts for this organisation, with the roles you hold there."),
    )
    read_only = forms.BooleanField(
        label=_("Read only"),
        required=False,
        help_text=_("The token can look things up but cannot change anything."),
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = {str(membership.uuid): membership for membership in memberships}
        self.fields["membership"].choices = [
            (key, membership.organisation.name) for key, membership in self.memberships.items()
        ]

    def clean_membership(self):
        # ChoiceField has already refused anything not offered, i.e. not the user's own.
        return self.memberships[self.cleaned_data["membership"]]
