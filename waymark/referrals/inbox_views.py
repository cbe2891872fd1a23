"""The lists of referrals: those the organisation made ("Referrals we made", ``outgoing``) and
those sent to it ("Referrals to us", ``incoming``).

Both come from ``access.referrals_for_user`` and show only members with a referral role
(others get 404). A referral sent to us names the person only as far as the consented copy
allows: the name they are called by when contact details were shared and the receiver may
still see them (``access.shared_details_for``); otherwise a short reference.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from waymark.people.models import InformationKind
from waymark.referrals import access
from waymark.referrals.models import Referral, ReferralPolicy

PER_PAGE = 50

INCOMING = "incoming"
OUTGOING = "outgoing"


class ReferralFilterForm(forms.Form):
    """The list's filters, from the query string: a state, overdue only, and (for the referrals
    we made) only those sent to a service whose eligibility the person did not meet."""

    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    overdue = forms.BooleanField(label=gettext_lazy("Only those past their answer date"), required=False)
    overridden = forms.BooleanField(
        label=gettext_lazy("Only those sent although the person did not meet the eligibility"), required=False
    )

    def __init__(self, data, *, direction):
        super().__init__(data)
        states = Referral.State.choices
        if direction == INCOMING:
            # Drafts never reach the receiver.
            states = [(value, label) for value, label in states if value != Referral.State.DRAFT]
            # Why the sender overrode eligibility is the sender's record.
            del self.fields["overridden"]
        self.fields["state"].choices = [("", _("Any state")), *states]
        self.fields["state"].error_messages["invalid_choice"] = _(
            "“%(value)s” is not a state a referral can be in. Choose one from the list."
        )

    def filter(self, queryset, now):
        """``queryset`` narrowed by the valid filters (an invalid one is left out)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("state"):
            queryset = queryset.filter(state=data["state"])
        if data.get("overdue"):
            queryset = queryset.filter(state__in=Referral.AWAITING_ANSWER, respond_by__lt=now)
        if data.get("overridden"):
            queryset = queryset.filter(eligibility_overridden=True)
        return queryset


def person_label(referral, side, policies=None):
    """How the list names the person: the outgoing list by their name; the incoming list by
    the name shared with consent while it may be seen, else "Referral <short reference>"."""
    if side == access.SENDER:
        return referral.person.display_name
    shared = access.shared_details_for(referral, side, policies=policies)
    contact = (shared or {}).get(InformationKind.CONTACT_DETAILS)
    if contact and contact.get("display_name"):
        return contact["display_name"]
    return _("Referral %(reference)s") % {"reference": short_reference(referral)}


def short_reference(referral):
    return str(referral.uuid)[:8].upper()


def _referral_list(request, direction):
    if not access.can_refer(getattr(request, "membership", None)):
        raise Http404
    now = timezone.now()
    side = access.RECEIVER if direction == INCOMING else access.SENDER
    # The consent is read to decide whether the receiver may still see the shared name.
    referrals = access.referrals_for_user(request, direction).select_related("consent")
    counts = referrals.aggregate(
        waiting=Count("id", filter=Q(state__in=Referral.AWAITING_ANSWER)),
        overdue=Count("id", filter=Q(state__in=Referral.AWAITING_ANSWER, respond_by__lt=now)),
    )
    form = ReferralFilterForm(request.GET, direction=direction)
    page = Paginator(form.filter(referrals, now), PER_PAGE).get_page(request.GET.get("page"))
    # Whether the receiver still sees a closed referral's details depends on the policy of the
    # day it closed: the policy rows (a handful) are read once for the whole page.
    policies = list(ReferralPolicy.objects.order_by("-valid_from")) if side == access.RECEIVER else None
    rows = [
        {
            "referral": referral,
            "person": person_label(referral, side, policies),
            "awaiting": referral.state in Referral.AWAITING_ANSWER,
            "overdue": referral.is_overdue(now),
        }
        for referral in page.object_list
    ]
    return render(
        request,
        "referrals/referral_list.html",
        {
            "direction": direction,
            "title": _("Referrals to us") if direction == INCOMING else _("Referrals we made"),
            "form": form,
            "page": page,
            "rows": rows,
            "waiting": counts["waiting"],
            "overdue": counts["overdue"],
            "filtered": bool(form.is_valid() and any(form.cleaned_data.values())),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_GET
def outgoing(request):
    """The referrals the acting organisation made, newest first."""
    return _referral_list(request, OUTGOING)


@never_cache
@login_required
@require_GET
def incoming(request):
    """The referrals sent to the acting organisation (never drafts), newest first."""
    return _referral_list(request, INCOMING)
