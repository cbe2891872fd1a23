"""Forms of the referral pages: making a referral (the service, the need, what the service
should know, and the person's consent or the safeguarding reason for going without), sending
it, and answering it (accept, decline, redirect, complete, withdraw).

The forms check only what a form can check (a choice from the list, a length); the rules of the
referral (consent, eligibility, who may answer) are the flow's, and its refusals are shown on
the same form.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from waymark.accounts.forms import CheckboxGroup
from waymark.directory.forms.public_input import RadioGroup
from waymark.people.forms import interface_language_choices
from waymark.people.models import Consent, InformationKind
from waymark.referrals.flow import TEXT_MAX
from waymark.referrals.models import DeclineReason, Outcome

# What each kind of information means, said plainly, for the sender to explain to the person.
KIND_EXPLANATIONS = {
    InformationKind.CONTACT_DETAILS: _("their name, phone number and the language to contact them in"),
    InformationKind.PERSONAL_DETAILS: _("their date of birth, gender and the languages they speak"),
    InformationKind.HOUSEHOLD: _("who lives with them (relationship and year of birth, no names)"),
    InformationKind.JOURNEY: _("where they are in the asylum process, their support and accommodation"),
    InformationKind.NEEDS: _("the needs recorded at their last assessment"),
    InformationKind.ASSESSMENT: _("their last assessment: its date, risk level and each need's urgency"),
    InformationKind.CASE_NOTES: _("what you write below for the service"),
}


# The same, in the person's own words, for the consent wording read out to them.
PERSON_EXPLANATIONS = {
    InformationKind.CONTACT_DETAILS: _("my name, phone number and the language to contact me in"),
    InformationKind.PERSONAL_DETAILS: _("my date of birth, gender and the languages I speak"),
    InformationKind.HOUSEHOLD: _("who lives with me (relationship and year of birth, no names)"),
    InformationKind.JOURNEY: _("where I am in the asylum process, my support and accommodation"),
    InformationKind.NEEDS: _("the needs written down when you last asked me"),
    InformationKind.ASSESSMENT: _("your last assessment of my needs and how urgent they are"),
    InformationKind.CASE_NOTES: _("what you write to the service about me"),
}


class OwnIds:
    """Gives a form's fields ids of their own (``<id_prefix>_<field>``), so that several forms
    on one page never share an id."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def scope_choices():
    return [(kind.value, f"{kind.label}: {KIND_EXPLANATIONS[kind]}") for kind in InformationKind]


class ServiceSearchForm(forms.Form):
    """The search box of the "make a referral" page (sent by GET)."""

    q = forms.CharField(
        label=_("Search the map for a service"),
        required=False,
        max_length=100,
        help_text=_("A service, an organisation or what they need, like “appeal” or “food”."),
    )


class ConsentFields(forms.Form):
    """The person's consent to this referral: what they agree to share, how, and in which
    language it was explained to them."""

    scope = forms.MultipleChoiceField(
        label=_("What they agree to share"),
        choices=scope_choices,
        widget=CheckboxGroup,
        required=False,
        help_text=_("Tick only what they agreed to. The service sees nothing else about them."),
    )
    how = forms.ChoiceField(
        label=_("How they agreed"),
        choices=Consent.How.choices,
        widget=RadioGroup,
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Language it was explained in"),
        choices=interface_language_choices,
        help_text=_("The words to read out are shown in this language."),
    )

    def check_consent(self):
        """Call from clean() when consent is the basis: both parts are needed."""
        if not self.cleaned_data.get("scope"):
            self.add_error("scope", _("Tick what they agree to share."))
        if not self.cleaned_data.get("how"):
            self.add_error("how", _("Choose how they agreed."))


class MakeReferralForm(ConsentFields):
    """The "make a referral" form. ``services`` are the (value, label) choices shown (search
    results, or the service named in the address); ``needs`` the needs taxonomy in order;
    ``concerns`` the person's open safeguarding concerns the member may see."""

    CONSENT = "consent"
    SAFEGUARDING = "safeguarding"

    service = forms.ChoiceField(
        label=_("The service"),
        widget=RadioGroup,
        error_messages={
            "required": _("Choose the service to refer them to."),
            "invalid_choice": _("Choose a service from the list."),
        },
    )
    need = forms.ChoiceField(
        label=_("What they need from it"),
        required=False,
        error_messages={"invalid_choice": _("Choose a need from the list.")},
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False, help_text=_("The service sees it marked urgent."))
    notes_excerpt = forms.CharField(
        label=_("What the service should know (optional)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shared only if they agree to share case notes. Kept encrypted."),
    )
    basis = forms.ChoiceField(
        label=_("Their agreement"),
        widget=RadioGroup,
        initial=CONSENT,
        choices=[
            (CONSENT, _("They agree to this referral")),
            (SAFEGUARDING, _("Safeguarding referral without consent")),
        ],
        error_messages={"required": _("Choose whether they agree.")},
    )
    concern = forms.ChoiceField(
        label=_("The safeguarding concern it is about"),
        required=False,
        help_text=_("You give the lawful reason and choose what to share when you send it."),
        error_messages={"invalid_choice": _("Choose a concern from the list.")},
    )

    field_order = ["service", "need", "urgent", "notes_excerpt", "basis", "scope", "how", "language", "concern"]

    def __init__(self, *args, services=(), needs=(), concerns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = list(services)
        self.fields["need"].choices = [("", _("Not said"))] + [
            (term.slug, "— " * term.depth + term.label) for term in needs
        ]
        self.has_concerns = bool(concerns)
        if concerns:
            self.fields["concern"].choices = [("", _("Choose a concern"))] + list(concerns)
        else:
            # Without an open concern there is no safeguarding route to offer.
            self.fields["basis"].choices = self.fields["basis"].choices[:1]
            self.fields["basis"].widget = forms.HiddenInput()
            del self.fields["concern"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("basis") == self.SAFEGUARDING:
            if not cleaned.get("concern"):
                self.add_error("concern", _("Choose the safeguarding concern it is about."))
        elif cleaned.get("basis") == self.CONSENT:
            self.check_consent()
        return cleaned


class ConsentForm(OwnIds, ConsentFields):
    """Consent recorded on a draft's page (a draft made without it)."""

    id_prefix = "consent"

    def clean(self):
        cleaned = super().clean()
        self.check_consent()
        return cleaned


class SendForm(OwnIds, forms.Form):
    """Sending a draft: the reason to send it anyway when the person does not meet the service's
    eligibility, and for a safeguarding referral without consent, its concern, lawful reason and
    what to share."""

    id_prefix = "send"

    override_reason = forms.CharField(
        label=_("Why send it anyway"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when they do not meet the service's eligibility. Recorded and reported."),
    )
    safeguarding_concern = forms.ChoiceField(
        label=_("The safeguarding concern it is about"),
        required=False,
        error_messages={"invalid_choice": _("Choose a concern from the list.")},
    )
    no_consent_reason = forms.CharField(
        label=_("Lawful reason for referring without consent"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example, asking would put them at risk, or someone is in immediate danger."),
    )
    no_consent_scope = forms.MultipleChoiceField(
        label=_("What to share with the service"),
        choices=scope_choices,
        widget=CheckboxGroup,
        required=False,
        help_text=_("Only what the service needs to keep them safe."),
    )

    def __init__(self, *args, ask_override=False, concerns=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_override:
            del self.fields["override_reason"]
        if concerns is None:
            for name in ("safeguarding_concern", "no_consent_reason", "no_consent_scope"):
                del self.fields[name]
        else:
            self.fields["safeguarding_concern"].choices = [("", _("Choose a concern"))] + list(concerns)


class AcceptForm(OwnIds, forms.Form):
    """Accepting needs nothing but the button (the form carries the refusal, if any)."""

    id_prefix = "accept"


class DeclineForm(OwnIds, forms.Form):
    id_prefix = "decline"

    reason = forms.ChoiceField(
        label=_("Why you decline it"),
        choices=[("", _("Choose a reason")), *DeclineReason.choices],
        error_messages={"required": _("Choose a reason."), "invalid_choice": _("Choose a reason from the list.")},
        help_text=_("“Another organisation would be better placed” returns it to the referrer to refer again."),
    )
    text = forms.CharField(
        label=_("More about the reason"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The referrer reads this. Needed for “another reason”."),
    )


class RedirectForm(OwnIds, forms.Form):
    id_prefix = "redirect"

    to_service = forms.ChoiceField(
        label=_("Move it to"),
        error_messages={
            "required": _("Choose the service to move it to."),
            "invalid_choice": _("Choose a service from the list."),
        },
    )
    text = forms.CharField(
        label=_("A note for the referrer (optional)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_service"].choices = [("", _("Choose a service"))] + list(services)


class CompleteForm(OwnIds, forms.Form):
    id_prefix = "complete"

    completed = forms.TypedChoiceField(
        label=_("Did it happen?"),
        choices=[("yes", _("Yes, it was completed")), ("no", _("No, it was not completed"))],
        coerce=lambda value: value == "yes",
        widget=RadioGroup,
        error_messages={"required": _("Say whether it was completed.")},
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Choose an outcome")), *Outcome.choices],
        error_messages={
            "required": _("Choose an outcome."),
            "invalid_choice": _("Choose an outcome from the list."),
        },
    )
    text = forms.CharField(
        label=_("More about the outcome"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for “another outcome”."),
    )


class WithdrawForm(OwnIds, forms.Form):
    id_prefix = "withdraw"

    text = forms.CharField(
        label=_("Why you withdraw it (optional)"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
