"""Demo data for a case's parts: a support plan with steps (one overdue), outcomes per need, an
immigration matter and a short letter. ``seed_demo`` calls ``add_demo_parts`` for each demo
case it opens; a case that already has a plan is left as it is, so re-runs add nothing."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from waymark.casework import parts
from waymark.casework.models import MatterKind, NeedOutcome, PlanGoal

# (need, goal, steps as (what to do, days from today until due), outcome or "")
PLANS = [
    [
        ("health", "Register with a GP and get a first appointment", [("Go with them to the surgery", -3)], "resolved"),
        ("esol", "Start an English class", [("Find a beginners' class near the hotel", 7)], ""),
    ],
    [
        ("housing", "Find somewhere to live before asylum support ends", [("Make a homeless application", 2)], ""),
        (
            "move-on-support",
            "Open a bank account and apply for Universal Credit",
            [("Book a bank appointment", -1)],
            "",
        ),
        ("food", "Enough food each week", [], "referred_on"),
    ],
    [
        (
            "mental-health",
            "Talk to someone about sleep and worry",
            [("Refer to the counselling service", 10)],
            "partly",
        ),
    ],
]
MATTERS = [MatterKind.ASYLUM_CLAIM, MatterKind.EVISA, MatterKind.FAMILY_REUNION]
LETTER = (
    b"Appointment letter (demo)\n\nPlease bring your ARC card and any documents to your appointment.\n"
    b"This file was made for the Waymark demo.\n"
)


def add_demo_parts(case, *, caseworker, adviser=None, index=0):
    """Fill in ``case``'s plan, outcomes, an immigration matter and a letter (the ``index``-th
    pattern); ``adviser``, a regulated adviser of the case's organisation, records advice given
    where their level covers the matter, else the caseworker records a signposting. Returns
    False if the case already had a plan."""
    if case.goals.exists() or case.is_closed:
        return False
    today = timezone.localdate()
    for need, description, steps, outcome in PLANS[index % len(PLANS)]:
        goal = parts.do_add_goal(case, acting_user=caseworker, description=description, need=need)
        for what, days in steps:
            parts.do_add_step(
                goal, acting_user=caseworker, description=what, owner=caseworker, due_on=today + dt.timedelta(days=days)
            )
        if outcome:
            parts.do_record_need_outcome(case, acting_user=caseworker, need=need, outcome=outcome)
            if outcome == NeedOutcome.Outcome.RESOLVED:
                parts.do_set_goal_status(goal, acting_user=caseworker, status=PlanGoal.Status.ACHIEVED)
    matter = parts.do_add_matter(case, acting_user=caseworker, kind=MATTERS[index % len(MATTERS)])
    adviser_membership = parts.membership_for(adviser, case.organisation) if adviser is not None else None
    if parts.may_give_advice(adviser_membership, matter.required_level):
        parts.do_record_matter_outcome(matter, acting_user=adviser, outcome="advice_given")
    else:
        parts.do_record_matter_outcome(matter, acting_user=caseworker, outcome="signposted")
    parts.do_add_attachment(
        case,
        acting_user=caseworker,
        uploaded_file=SimpleUploadedFile("appointment-letter.txt", LETTER, content_type="text/plain"),
        title="Appointment letter",
    )
    return True
