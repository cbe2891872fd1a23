"""The demo's learning logs and visitor feedback. ``seed_learning`` is a seed_demo step, run
after ``seed_hubs``; it can run again at any time and changes nothing already there.

Each demo hub gets a debrief for its last past sessions (written through the actions, like a
team would, so the audit trail has them), some with an action for a member of the lead
organisation (the older ones done), and a handful of visitors' answers spread over the last
weeks: more at Bolton, fewer than five at some hubs, so the network lead's grid shows both
figures and "fewer than 5".
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from waymark.accounts.models import Membership
from waymark.hubs import learning
from waymark.hubs.models import LONDON, Hub, HubSession, LearningLog, Loneliness, VisitorFeedback

# How many of each hub's last past sessions get a debrief.
LOGS_PER_HUB = 8

WORKED = [
    "Having the interpreter rota on the wall meant nobody waited long for Farsi or Tigrinya.",
    "The hot lunch kept people talking; two families met and swapped numbers.",
    "The legal advice slot was full by eleven, and everyone seen was told when to come back.",
    "New volunteers shadowed the welcome desk; check-in took seconds per person.",
    "The ESOL sign-up table was busy: twelve people registered for the next term.",
    "Children's corner meant parents could sit with a caseworker undisturbed.",
]
TO_CHANGE = [
    "Start the advice queue list at the door, not at the desk.",
    "We ran out of food parcels by one o'clock: order more for the first week of the month.",
    "The room was too noisy for private conversations: use the side room for casework.",
    "Put the session times up in Arabic and Pashto as well as English.",
    "",
    "Ask the partner to send two advisers when the hotel has new arrivals.",
]
ISSUES = [
    "Several people from the contingency hotel have had no ASPEN card for three weeks: raise with Migrant Help.",
    "",
    "Move-on letters arriving with 28 days: raise at the network meeting.",
    "",
    "The hotel shuttle no longer stops near the hall: raise with the accommodation provider.",
    "",
]
ACTIONS = [
    "Ask the library for the side room on Tuesdays",
    "Order extra food parcels for the first week of the month",
    "Send the ASPEN card cases to Migrant Help and follow up",
    "Print the session times in Arabic and Pashto",
]

# Visitors' answers: (welcome, what helped, what is missing, loneliness), taken in turn.
ANSWERS = [
    (5, "Everyone smiled and someone spoke my language.", "", Loneliness.SOME_OF_THE_TIME),
    (4, "The lawyer explained my appeal.", "More time with the lawyer.", Loneliness.OFTEN_OR_ALWAYS),
    (5, "Hot food and people to talk to.", "", Loneliness.OCCASIONALLY),
    (3, "", "Nobody spoke Tigrinya today.", Loneliness.OFTEN_OR_ALWAYS),
    (5, "They helped me register with a doctor.", "", ""),
    (4, "English class sign-up.", "A class in the evening.", Loneliness.HARDLY_EVER),
    (5, "I felt at home.", "", Loneliness.SOME_OF_THE_TIME),
    (2, "", "It was too busy; I waited a long time.", Loneliness.OFTEN_OR_ALWAYS),
]
# How many answers each hub has (the others get the default): a few under five on purpose.
ANSWERS_PER_HUB = {"Bolton Hub": 14, "Bury Hub": 3, "Leigh Hub": 2}
DEFAULT_ANSWERS = 7


def _say(stdout, text):
    if stdout is not None:
        stdout.write(text)


def _writer(hub):
    """Who writes the hub's debriefs: a team member, else a coordinator of the lead
    organisation, else any member of it (None if it has no members)."""
    team = list(hub.team.select_related("user").order_by("pk"))
    if team:
        return team[0]
    members = list(Membership.objects.filter(organisation=hub.lead_organisation).select_related("user").order_by("pk"))
    return next((member for member in members if member.has_role("coordinator")), members[0] if members else None)


def _seed_logs(hub, today):
    writer = _writer(hub)
    if writer is None or LearningLog.objects.filter(session__hub=hub).count() >= LOGS_PER_HUB:
        return 0
    past = list(
        HubSession.objects.scheduled()
        .filter(hub=hub, date__lt=today)
        .exclude(pk__in=LearningLog.objects.values("session_id"))
        .select_related("hub__lead_organisation")
        .order_by("-date", "-starts_at")[:LOGS_PER_HUB]
    )
    made = 0
    for index, session in enumerate(past):
        learning.do_write_learning_log(
            session,
            what_worked=WORKED[index % len(WORKED)],
            what_to_change=TO_CHANGE[index % len(TO_CHANGE)],
            issues_to_raise=ISSUES[index % len(ISSUES)],
            acting_user=writer.user,
        )
        if index % 3 == 0:
            action = learning.do_add_learning_action(
                session,
                description=ACTIONS[(index // 3) % len(ACTIONS)],
                owner=writer,
                due_on=session.date + dt.timedelta(days=14),
                acting_user=writer.user,
            )
            if action.due_on < today - dt.timedelta(days=7):
                learning.do_mark_action_done(action, acting_user=writer.user)
        made += 1
    return made


def _seed_feedback(hub, now):
    if VisitorFeedback.objects.filter(hub=hub).exists():
        return 0
    count = ANSWERS_PER_HUB.get(hub.name, DEFAULT_ANSWERS)
    rows = []
    for index in range(count):
        welcome, helped, missing, lonely = ANSWERS[index % len(ANSWERS)]
        rows.append(
            VisitorFeedback(
                hub=hub,
                welcome=welcome,
                what_helped=helped,
                what_is_missing=missing,
                loneliness=lonely,
                language=("en", "ar", "fa", "ti", "uk")[index % 5],
                created_at=now - dt.timedelta(days=3 + index * 5, hours=index),
            )
        )
    VisitorFeedback.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def seed_learning(stdout=None):
    """Debriefs, actions and visitor feedback for the demo hubs; return (logs, answers) made."""
    now = timezone.now()
    today = timezone.localdate(now, timezone=LONDON)
    logs = answers = 0
    for hub in Hub.objects.select_related("lead_organisation").order_by("name"):
        made_logs = _seed_logs(hub, today)
        made_answers = _seed_feedback(hub, now)
        logs += made_logs
        answers += made_answers
        _say(stdout, f"{hub.name}: {made_logs} learning logs, {made_answers} visitor answers added.")
    return logs, answers
