"""The demo's assessments: most of the demo people of the Bolton and Salford hubs' lead
charities assessed by the demo caseworkers, some reassessed later with changed needs and
scores, and one with a risk of suicide (which raises a safeguarding concern, through the
action, as a real one would).

Read by ``seed_assessments`` (for ``manage.py seed_demo``, after the people). Every assessment
has a fixed UUID (uuid5 of the organisation, the person's number and the round), so a re-run
finds them and adds nothing. Everything is drawn from a seeded ``random.Random``.
"""

import datetime as dt
import random
import uuid

from django.utils import timezone

from waymark.accounts import demo as accounts_demo
from waymark.accounts.models import Organisation, User
from waymark.casework.assessments import do_record_assessment, need_terms
from waymark.casework.models import Assessment, Loneliness, Urgency
from waymark.people.demo import BOLTON_PEOPLE, SALFORD_PEOPLE, person_uuid
from waymark.people.models import Person

_NAMESPACE = uuid.UUID("0b7d3f52-51c4-4a53-9d0e-6f5c2b8a9e41")
SEED = 6
# About this share of each organisation's people has been assessed; of those, this share twice.
ASSESSED_SHARE = 0.7
REASSESSED_SHARE = 0.4
RECENT_SHARE = 0.25
# Indicators the demo ticks at random: none of the ones that set off a prompt (those are
# placed on purpose below).
EVERYDAY_INDICATORS = [
    "pregnancy",
    "disability",
    "mental_health",
    "torture",
    "lgbt",
    "destitution",
    "lone_woman_or_parent",
    "language_or_digital",
    "isolation",
]
# (organisation slug, number of people, assessors' e-mails, the person at risk of suicide or None)
PLAN = [
    (accounts_demo.BOLTON_HUB_LEAD, len(BOLTON_PEOPLE), ["caseworker@demo.waymark", "coordinator@demo.waymark"], 1),
    (accounts_demo.SALFORD_HUB_LEAD, len(SALFORD_PEOPLE), ["outsider@demo.waymark"], None),
]


def assessment_uuid(organisation_slug, number, round_):
    return uuid.uuid5(_NAMESPACE, f"{organisation_slug}:{number}:{round_}")


def _say(stdout, message):
    if stdout is not None:
        stdout.write(message)


def _answers(rng, slugs, *, better_than=None):
    """Needs, indicators and scores drawn at random; a reassessment (``better_than``: the answers
    before) keeps some needs, drops some, and its scores move a little, mostly for the better."""
    if better_than is None:
        needs = {slug: rng.choice(Urgency.values) for slug in rng.sample(slugs, rng.randint(1, 4))}
        indicators = rng.sample(EVERYDAY_INDICATORS, rng.randint(0, 2))
        scores = {name: rng.randint(1, 7) for name in ("life_satisfaction", "worthwhile", "happiness")}
        scores["anxiety"] = rng.randint(3, 10)
        loneliness = rng.choice(Loneliness.values)
    else:
        kept = [slug for slug in better_than["needs"] if rng.random() < 0.6]
        needs = {slug: rng.choice([Urgency.SOON, Urgency.ROUTINE]) for slug in kept}
        if rng.random() < 0.5:
            needs[rng.choice(slugs)] = Urgency.ROUTINE
        indicators = [value for value in better_than["indicators"] if rng.random() < 0.7]
        scores = {
            name: max(0, min(10, before + rng.randint(-1, 3)))
            for name, before in better_than["scores"].items()
            if name != "anxiety"
        }
        scores["anxiety"] = max(0, min(10, better_than["scores"]["anxiety"] - rng.randint(-1, 3)))
        loneliness = rng.choice(Loneliness.values)
    return {"needs": needs, "indicators": indicators, "scores": scores, "loneliness": loneliness}


def seed_assessments(stdout=None):
    """Create the demo's assessments where they are missing; return how many were created.
    Needs the demo organisations, users and people; skips an organisation that is not there."""
    package, others = need_terms()
    slugs = [term.slug for term in package + others]
    if not slugs:
        return 0
    now = timezone.now()
    # An hour ago, but today (and so this week).
    earlier_today = max(
        now - dt.timedelta(hours=1), timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time.min))
    )
    rng = random.Random(SEED)
    created = concerns = 0
    for organisation_slug, count, emails, at_risk in PLAN:
        organisation = Organisation.objects.filter(slug=organisation_slug).first()
        assessors = list(User.objects.filter(email__in=emails).order_by("email"))
        if organisation is None or not assessors:
            continue
        for number in range(count):
            # Draw every value first, so that a person who is missing (or already assessed)
            # leaves the sequence as it would have been and re-runs stay deterministic.
            assessed = number == at_risk or rng.random() < ASSESSED_SHARE
            reassessed = rng.random() < REASSESSED_SHARE
            first_days_ago = rng.randrange(60, 240)
            second_days_ago = rng.randrange(5, first_days_ago - 30)
            first = _answers(rng, slugs)
            second = _answers(rng, slugs, better_than=first)
            by = [rng.choice(assessors), rng.choice(assessors)]
            hours = [rng.randrange(0, 6), rng.randrange(0, 6)]
            # Some reassessments are today's, so that this week's core offer has some to show.
            today = rng.random() < RECENT_SHARE
            if number == at_risk:
                first["indicators"] = ["mental_health", "suicide_risk"]
                reassessed = True
            if not assessed:
                continue
            person = Person.objects.filter(uuid=person_uuid(organisation_slug, number)).first()
            if person is None:
                continue
            rounds = [(first, now - dt.timedelta(days=first_days_ago, hours=hours[0]), by[0])]
            if reassessed:
                second_at = earlier_today if today else now - dt.timedelta(days=second_days_ago, hours=hours[1])
                rounds.append((second, second_at, by[1]))
            for round_, (answers, assessed_at, assessor) in enumerate(rounds):
                public_id = assessment_uuid(organisation_slug, number, round_)
                if Assessment.objects.filter(uuid=public_id).exists():
                    continue
                assessment = do_record_assessment(
                    person,
                    acting_user=assessor,
                    needs=list(answers["needs"].items()),
                    indicators=answers["indicators"],
                    loneliness=answers["loneliness"],
                    notes="",
                    assessed_at=assessed_at,
                    public_id=public_id,
                    **answers["scores"],
                )
                created += 1
                concerns += assessment.concerns.count()
    _say(stdout, f"Assessments: {created} created, {concerns} safeguarding concerns raised from them")
    return created
