"""Policy as data: the columns every dated policy row shares (thresholds, risk rules, advice
levels, escalation times, retention periods).

A rule changes by adding a row from the date it changes, with where it came from, rather
than by editing the old one, so that the past keeps the rule it had. The row in force on a
date is the latest whose ``valid_from`` is on or before it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyRow(models.Model):
    valid_from = models.DateField(_("in force from"))
    source = models.TextField(_("source"), help_text=_("Where this rule comes from: the document, its date."))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
