"""Stub views, to be written (owner: H5 what the public tells us)."""

from django.http import Http404


def feedback(request, **kwargs):
    raise Http404


def own_feedback(request, **kwargs):
    raise Http404


def report_problem(request, **kwargs):
    raise Http404


def review_problem(request, **kwargs):
    raise Http404


def review_suggestion(request, **kwargs):
    raise Http404


def suggest_service(request, **kwargs):
    raise Http404


def thanks(request, **kwargs):
    raise Http404
