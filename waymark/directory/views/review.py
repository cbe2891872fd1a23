"""Stub views, to be written (owner: H3 editors review changes)."""

from django.http import Http404


def review_change(request, **kwargs):
    raise Http404


def service_history(request, **kwargs):
    raise Http404
