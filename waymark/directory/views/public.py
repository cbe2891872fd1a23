"""Stub views, to be written (owner: H2 public pages)."""

from django.http import Http404


def about(request, **kwargs):
    raise Http404


def home(request, **kwargs):
    raise Http404


def results(request, **kwargs):
    raise Http404


def results_qr(request, **kwargs):
    raise Http404


def results_text(request, **kwargs):
    raise Http404


def service(request, **kwargs):
    raise Http404


def service_qr(request, **kwargs):
    raise Http404


def service_text(request, **kwargs):
    raise Http404
