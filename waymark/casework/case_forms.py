"""Forms of the case pages and caseloads. The actions in ``casework.cases`` check again
whatever must hold (the owner's organisation and roles, the transitions)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.casework.cases import CURRENT_STATUSES, NOTE_MAX, TITLE_MAX
from waymark.casework.models import Case, CaseNote

_DATE = {
    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "input_formats": ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"],
}


class OwnerField(forms.ChoiceField):
    """A caseworker of the organisation, chosen by their user uuid; cleans to the User."""

    def __init__(self, *args, users=(), **kwargs):
        self.users = {str(user.uuid): user for user in users}
        kwargs["error_messages"] = {
            "invalid_choice": _("Choose a caseworker from the list"),
            **kwargs.get("error_messages", {}),
        }
        super().__init__(
            *args, choices=[("", _("Choose…")), *((key, str(user)) for key, user in self.users.items())], **kwargs
        )

    def clean(self, value):
        value = super().clean(value)
        return self.users.get(value)


class CasePageForm(forms.Form):
    """A form of the case page, where several forms share the page: each gives its fields ids
    of its own (``<id_prefix>-<field>``), so that labels and the error summary find the right one."""

    id_prefix = "case"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class OpenCaseForm(forms.Form):
    title = forms.CharField(
        label=_("What the case is about"),
        max_length=TITLE_MAX,
        help_text=_("A few words that say what the case is for, such as “Move-on support”; not their story."),
        error_messages={"required": _("Say in a few words what the case is about")},
    )

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = OwnerField(
            label=_("Caseworker"),
            users=users,
            help_text=_("Who owns the case: a caseworker of your organisation."),
            error_messages={"required": _("Choose the caseworker who owns the case")},
        )


class ReassignCaseForm(CasePageForm):
    id_prefix = "reassign"

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = OwnerField(
            label=_("New caseworker"),
            users=users,
            error_messages={"required": _("Choose the caseworker who takes the case on")},
        )


class CloseCaseForm(CasePageForm):
    id_prefix = "close"

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Case.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome of the case")},
    )
    closing_note = forms.CharField(
        label=_("Closing note (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept encrypted."),
    )


class ReopenCaseForm(CasePageForm):
    id_prefix = "reopen"

    reason = forms.CharField(
        label=_("Why reopen it"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept encrypted."),
        error_messages={"required": _("Say why the case is reopened")},
    )


class NoteForm(CasePageForm):
    id_prefix = "note"

    kind = forms.ChoiceField(label=_("Kind"), choices=CaseNote.Kind.choices, initial=CaseNote.Kind.CONTACT)
    happened_on = forms.DateField(
        label=_("Date"),
        help_text=_("For example 17/04/2026."),
        error_messages={"required": _("Enter the date"), "invalid": _("Enter a date like 17/04/2026")},
        **_DATE,
    )
    text = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Kept encrypted. Only caseworkers of your organisation read it."),
        error_messages={"required": _("Write the note")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"happened_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean_happened_on(self):
        happened_on = self.cleaned_data["happened_on"]
        if happened_on > timezone.localdate():
            raise forms.ValidationError(_("The date of a note cannot be in the future"))
        return happened_on


class ActionForm(CasePageForm):
    id_prefix = "action"

    description = forms.CharField(
        label=_("What to do"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what is to be done")},
    )
    due_on = forms.DateField(
        label=_("Due (optional)"),
        required=False,
        error_messages={"invalid": _("Enter a date like 17/04/2026")},
        **_DATE,
    )

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = OwnerField(
            label=_("Who"),
            users=users,
            error_messages={"required": _("Choose who does it")},
        )


class ReassignActionForm(ReassignCaseForm):
    id_prefix = "action-reassign"


# Caseloads

CASE_SORTS = {
    "opened": ("opened_at", "id"),
    "-opened": ("-opened_at", "-id"),
    "owner": ("owner__name", "owner__email", "-opened_at"),
    "-owner": ("-owner__name", "-owner__email", "-opened_at"),
    "status": ("status", "-opened_at"),
    "-status": ("-status", "-opened_at"),
    "person": ("person__display_name", "-opened_at"),
    "-person": ("-person__display_name", "-opened_at"),
    # next_due: handled in the view (nulls last).
    "next_due": None,
    "-next_due": None,
}
ACTION_SORTS = {
    "due": ("due_on", "id"),
    "-due": ("-due_on", "-id"),
    "owner": ("owner__name", "owner__email", "due_on"),
    "-owner": ("-owner__name", "-owner__email", "due_on"),
    "person": ("case__person__display_name", "due_on"),
    "-person": ("-case__person__display_name", "due_on"),
}


def _sort_choices(sorts):
    labels = {
        "opened": _("Opened, oldest first"),
        "-opened": _("Opened, newest first"),
        "owner": _("Caseworker, A to Z"),
        "-owner": _("Caseworker, Z to A"),
        "status": _("Status"),
        "-status": _("Status, reversed"),
        "person": _("Person, A to Z"),
        "-person": _("Person, Z to A"),
        "next_due": _("Next action due, soonest first"),
        "-next_due": _("Next action due, latest first"),
        "due": _("Due, oldest first"),
        "-due": _("Due, newest first"),
    }
    return [(key, labels[key]) for key in sorts]


class CaseloadForm(forms.Form):
    """Sort and filter a caseload. An unknown value is reported on the form and ignored."""

    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        error_messages={"invalid_choice": _("Choose an order from the list; showing the usual order.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        error_messages={"invalid_choice": _("Choose a status from the list; showing open, active and reopened cases.")},
    )

    def __init__(self, data=None, *, members=None, sorts=CASE_SORTS, statuses=True, default_sort="-opened"):
        super().__init__(data)
        self.default_sort = default_sort
        self.fields["sort"].choices = _sort_choices(sorts)
        if statuses:
            self.fields["status"].choices = [
                ("", _("Open, active or reopened")),
                *Case.Status.choices,
                ("all", _("All")),
            ]
        else:
            del self.fields["status"]
        # members: memberships of the organisation with a case role; the owner filter is
        # offered only when given (to coordinators). Either the user's or the membership's
        # uuid names a caseworker.
        self.owners = {}
        if members is not None:
            for membership in members:
                self.owners[str(membership.user.uuid)] = membership.user
                self.owners[str(membership.uuid)] = membership.user
            # A CharField, so that a membership's uuid is accepted too (clean_owner checks it).
            self.fields["owner"] = forms.CharField(
                label=_("Caseworker"),
                required=False,
                widget=forms.Select(choices=[("", _("Everyone")), *((str(m.user.uuid), str(m.user)) for m in members)]),
            )

    def clean_owner(self):
        value = (self.data.get("owner") or "").strip().lower()
        if not value:
            return None
        if value not in self.owners:
            raise forms.ValidationError(_("Choose a caseworker from the list; showing everyone."))
        return self.owners[value]

    def value(self, name):
        """The cleaned value of ``name``, or its default when it was missing or not valid."""
        self.is_valid()
        value = self.cleaned_data.get(name) if name not in self.errors else None
        if name == "sort":
            return value or self.default_sort
        return value or None

    def statuses(self):
        """The statuses to list."""
        status = self.value("status") if "status" in self.fields else None
        if status == "all":
            return list(Case.Status.values)
        if status:
            return [status]
        return list(CURRENT_STATUSES)
