"""Reading the audit trail: an organisation admin sees their organisation's events, an
administrator sees every organisation's."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from waymark.accounts.access import require_administrator, require_organisation_admin
from waymark.accounts.models import Organisation
from waymark.audit.models import Event

EVENTS_PER_PAGE = 50


class EventFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)

    def __init__(self, *args, actions, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *[(action, action) for action in actions]]
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].choices = [
                ("", _("All organisations")),
                *[(str(organisation.uuid), organisation.name) for organisation in organisations],
            ]


def _actions_in(events):
    # order_by replaces Event's default ordering, which would otherwise join the DISTINCT.
    return list(events.order_by("action").values_list("action", flat=True).distinct())


def _render_events(request, events, form, *, title, show_organisation):
    if form.is_valid():
        if form.cleaned_data["action"]:
            events = events.filter(action=form.cleaned_data["action"])
        if form.cleaned_data.get("organisation"):
            events = events.filter(organisation__uuid=form.cleaned_data["organisation"])
    page = Paginator(events.select_related("actor", "organisation"), EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/events.html",
        {"page": page, "form": form, "title": title, "show_organisation": show_organisation},
    )


@login_required
def organisation_events(request):
    """The audit trail of the organisation the user acts for, newest first."""
    acting = require_organisation_admin(request)
    events = Event.objects.filter(organisation=acting.organisation)
    form = EventFilterForm(request.GET, actions=_actions_in(events))
    title = _("Audit trail of %(organisation)s") % {"organisation": acting.organisation.name}
    return _render_events(request, events, form, title=title, show_organisation=False)


@login_required
def all_events(request):
    """Every organisation's audit trail, for administrators."""
    require_administrator(request)
    events = Event.objects.all()
    form = EventFilterForm(
        request.GET,
        actions=_actions_in(events),
        organisations=Organisation.objects.order_by("name").only("uuid", "name"),
    )
    return _render_events(request, events, form, title=_("Audit trail"), show_organisation=True)
