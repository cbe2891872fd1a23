"""Searching the public map (stub: the interface is fixed, the engine is being written).

The public results page, the print and share versions and the bench all call
``SearchForm(request.GET)`` then ``search_services(form.query(), language=...)``.
"""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _

from waymark.directory.models import Service
from waymark.lib.text import normalise_search_text

PAGE_SIZE = 20


@dataclass
class SearchQuery:
    """What a person asked for, validated. Empty strings / False mean "not asked"."""

    q: str = ""
    near: str = ""  # a postcode, an outcode or "lat,lng"
    need: str = ""  # a needs taxonomy term slug or UUID
    speaks: str = ""  # a language code the service speaks
    open_now: bool = False
    for_: str = ""  # an ImmigrationSituation value
    free: bool = False
    access: str = ""  # an AccessMethod value
    page: int = 1


@dataclass
class SearchResults:
    services: list = field(default_factory=list)  # this page; each has .distance_m (or None)
    total: int = 0
    page: int = 1
    pages: int = 1
    suggestion: str = ""  # "did you mean" query text, or ""
    place: object = None  # where "near" was found: (latitude, longitude, label) or None
    unknown_place: bool = False  # "near" given but not known: say so, search without distance


class SearchForm(forms.Form):
    q = forms.CharField(label=_("What do you need?"), required=False, max_length=200)
    near = forms.CharField(label=_("Postcode or area"), required=False, max_length=60)
    need = forms.CharField(required=False, max_length=80)
    speaks = forms.CharField(required=False, max_length=10)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    free = forms.BooleanField(label=_("Free"), required=False)
    access = forms.ChoiceField(required=False, choices=[("", "")] + Service.AccessMethod.choices)
    page = forms.IntegerField(required=False, min_value=1, max_value=1000)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["for"] = forms.ChoiceField(
            required=False, choices=[("", "")] + Service.ImmigrationSituation.choices
        )

    def query(self):
        data = self.cleaned_data
        return SearchQuery(
            q=data.get("q", ""),
            near=data.get("near", ""),
            need=data.get("need", ""),
            speaks=data.get("speaks", ""),
            open_now=data.get("open_now", False),
            for_=data.get("for", ""),
            free=data.get("free", False),
            access=data.get("access", ""),
            page=data.get("page") or 1,
        )


def search_services(query, *, language="en", now=None, page_size=PAGE_SIZE):
    """Stub: a plain substring match. To be replaced by the real engine."""
    services = Service.objects.public(now).select_related("organization")
    if query.q:
        for word in normalise_search_text(query.q).split():
            services = services.filter(search_text__contains=word)
    total = services.count()
    page = list(services[(query.page - 1) * page_size : query.page * page_size])
    for service in page:
        service.distance_m = None
    return SearchResults(services=page, total=total, page=query.page, pages=max(1, -(-total // page_size)))
