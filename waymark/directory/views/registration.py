"""Stub views, to be written (owner: H4 add your organisation)."""

from django.http import Http404


def register(request, **kwargs):
    raise Http404


def register_sent(request, **kwargs):
    raise Http404


def review_registration(request, **kwargs):
    raise Http404
