"""Stub views, to be written (owner: H3 organisations keep their listings)."""

from django.http import Http404


def add_location(request, **kwargs):
    raise Http404


def add_service(request, **kwargs):
    raise Http404


def edit_location(request, **kwargs):
    raise Http404


def edit_organization(request, **kwargs):
    raise Http404


def edit_service(request, **kwargs):
    raise Http404


def edit_translations(request, **kwargs):
    raise Http404


def listings(request, **kwargs):
    raise Http404


def own_change_request(request, **kwargs):
    raise Http404


def set_capacity(request, **kwargs):
    raise Http404


def set_notice(request, **kwargs):
    raise Http404
