"""The suggestions page: services on the map for one of a person's needs, best fit first,
with the reasons and warnings of each, and links to refer them or tell them about it.

``referrals/suggestions/?person=<uuid>&need=<slug>``: the person through ``people.access``
with a referral role (volunteers and outsiders get 404, as if the person did not exist). The
need is chosen with a plain GET form, so the page works without JavaScript. Services the
person is not eligible for are listed apart, with the reasons, because the sender may still
refer there with an override reason.
"""

import uuid
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from waymark.directory.views.public import needs_in_order
from waymark.people.access import get_person_for_user
from waymark.referrals.access import REFERRAL_ROLES
from waymark.referrals.suggestions import find_need, suggest


class NeedForm(forms.Form):
    """The need to suggest services for (sent by GET, with the person in a hidden field)."""

    need = forms.ChoiceField(
        label=_("What do they need?"),
        error_messages={"required": _("Choose a need."), "invalid_choice": _("Choose a need from the list.")},
    )

    def __init__(self, *args, needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Narrower needs indented under their broader one, as on the map's own filters.
        self.fields["need"].choices = [("", _("Choose a need"))] + [
            (term.slug, "— " * term.depth + term.label) for term in needs
        ]


def _uuid_or_404(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def _refer_path():
    """The make-referral page's address (its literal path while that page is not wired)."""
    try:
        return reverse("referrals:new")
    except NoReverseMatch:
        return "/referrals/new/"


def _with_links(suggestions, person, need):
    refer = _refer_path()
    tell = reverse("referrals:signpost_person", args=[person.uuid])
    for suggestion in suggestions:
        service_id = str(suggestion.service.id)
        suggestion.refer_url = f"{refer}?" + urlencode(
            {"person": str(person.uuid), "service": service_id, "need": need.slug}
        )
        # The signposting page searches the map with these, so the service is there to tick.
        suggestion.tell_url = f"{tell}?" + urlencode({"q": suggestion.service.name[:100], "need": need.slug})


@never_cache
@login_required
@require_GET
def suggestions(request):
    person = get_person_for_user(
        request, None, _uuid_or_404(request.GET.get("person")), roles=REFERRAL_ROLES, what="suggestions"
    )
    language = translation.get_language()
    form = NeedForm(request.GET if "need" in request.GET else None, needs=needs_in_order(language))
    found = need = None
    if form.is_valid():
        need = find_need(form.cleaned_data["need"])
        if need is None:
            form.add_error("need", _("Choose a need from the list."))
        else:
            found = suggest(person, need)
            _with_links([*found, *found.not_eligible], person, need)
    return render(
        request,
        "referrals/suggestions.html",
        {"person": person, "form": form, "need": need, "suggestions": found},
    )
