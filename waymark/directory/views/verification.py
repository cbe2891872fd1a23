"""Stub views, to be written (owner: H5 checks)."""

from django.http import Http404


def editors_dashboard(request, **kwargs):
    raise Http404


def verify(request, **kwargs):
    raise Http404
