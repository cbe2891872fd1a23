"""Safeguarding concerns: raising, notifying the leads, triage, escalation and closing.

Every change is an action here: ``@transaction.atomic``, ``acting_user`` keyword-only, one
audit event, notifications sent after commit.
"""

from django.db import transaction

from waymark.audit.events import record_event
from waymark.casework.models import SafeguardingConcern


@transaction.atomic
def do_raise_concern(
    organisation,
    *,
    acting_user,
    category,
    what_happened,
    urgency,
    person=None,
    about="",
    source=SafeguardingConcern.Source.RAISED,
    assessment=None,
):
    """Raise a concern about ``person`` (or, unregistered, someone described by ``about``)."""
    concern = SafeguardingConcern.objects.create(
        organisation=organisation,
        person=person,
        about=about,
        category=category,
        what_happened=what_happened,
        urgency=urgency,
        source=source,
        assessment=assessment,
        raised_by=acting_user,
    )
    record_event(
        "safeguarding.concern_raised",
        actor=acting_user,
        organisation=organisation,
        obj=concern,
        details={"category": category, "urgency": urgency, "source": source},
    )
    return concern
