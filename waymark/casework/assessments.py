"""Assessments: recording a person's needs and vulnerability, the risk level the rules give, and
the prompts some answers demand at once.

- ``derive_risk_level`` applies the ``RiskRule`` rows in force on the assessment's date: for each
  (kind, indicator) the row with the latest ``valid_from`` on or before that date; the highest
  level of those that match wins, low when none does.
- ``do_record_assessment`` is the one way to record an assessment (a reassessment is just a
  new one). Inside the same transaction it acts on the answers that cannot wait:

  * risk of suicide or self-harm: a safeguarding concern is raised now (the leads are told by
    ``do_raise_concern``);
  * someone in adult asylum accommodation who says they are under 18: the person is flagged
    "age disputed" (their claimed date of birth is never touched) and a child-protection
    concern is raised, the child safeguarding referral to take to children's services;
  * signs of trafficking: a modern-slavery concern is raised so that it is tracked, and the
    page shows the NRM route for the organisation (a First Responder refers itself; others pass
    it to a First Responder or call the Modern Slavery Helpline).

- ``prompts_for`` reads back what those answers did, for the pages and the API.
- ``do_change_risk_level`` records the caseworker's own level with their reason.
"""

from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from waymark.accounts.models import NationalBody
from waymark.audit.events import record_event
from waymark.casework.models import (
    RISK_ORDER,
    Assessment,
    AssessmentNeed,
    ConcernCategory,
    Loneliness,
    RiskLevel,
    RiskRule,
    SafeguardingConcern,
    Urgency,
    VulnerabilityIndicator,
)
from waymark.casework.safeguarding import do_raise_concern
from waymark.directory.models import NEEDS_TAXONOMY_NAME, TaxonomyTerm
from waymark.directory.translation import prefetch_translations, translated
from waymark.people.models import AccommodationType

# The needs of the Step Change support package (the core offer's package lines), asked first.
SUPPORT_PACKAGE_NEEDS = ("immigration-advice", "housing", "move-on-support", "orientation", "esol", "employment")
# Asylum accommodation for adults: someone there who says they are under 18 is an age dispute.
ADULT_ACCOMMODATION = (
    AccommodationType.INITIAL_ACCOMMODATION,
    AccommodationType.CONTINGENCY_HOTEL,
    AccommodationType.DISPERSAL,
    AccommodationType.LARGE_SITE,
)
MODERN_SLAVERY_HELPLINE = "0800 0121 700"
ONS4_FIELDS = ("life_satisfaction", "worthwhile", "happiness", "anxiety")


def need_terms(language=None):
    """The terms of the needs taxonomy an assessment may record, as (support package, the
    others); each has ``shown_name``, its name in ``language`` (the interface's by default)."""
    language = language or translation.get_language()
    terms = list(
        TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME).exclude(slug="").order_by("position", "name")
    )
    prefetch_translations(terms, language)
    for term in terms:
        term.shown_name = translated(term, "name", language)[0]
    package = [term for slug in SUPPORT_PACKAGE_NEEDS for term in terms if term.slug == slug]
    return package, [term for term in terms if term.slug not in SUPPORT_PACKAGE_NEEDS]


def need_names(language=None):
    """{slug: name in ``language``} of the needs taxonomy."""
    package, others = need_terms(language)
    return {term.slug: term.shown_name for term in package + others}


# The risk rules


def rules_in_force(on_date, rules=None):
    """The rules in force on ``on_date``: per (kind, indicator), the row with the latest
    ``valid_from`` on or before it. ``rules`` may be given (any order) to save a query."""
    if rules is None:
        rules = RiskRule.objects.filter(valid_from__lte=on_date)
    latest = {}
    for rule in rules:
        if rule.valid_from > on_date:
            continue
        key = (rule.kind, rule.indicator)
        if key not in latest or rule.valid_from > latest[key].valid_from:
            latest[key] = rule
    return list(latest.values())


def rule_matches(rule, *, indicators, needs, loneliness, life_satisfaction, anxiety):
    """True if the answers meet ``rule``. ``needs`` is [(slug, urgency), …]."""
    threshold = rule.threshold
    if rule.kind == RiskRule.Kind.INDICATOR:
        return rule.indicator in indicators
    if rule.kind == RiskRule.Kind.IMMEDIATE_NEEDS:
        immediate = sum(1 for _need, urgency in needs if urgency == Urgency.IMMEDIATE)
        return immediate >= (threshold or 1)
    if rule.kind == RiskRule.Kind.LONELINESS_OFTEN:
        return loneliness == Loneliness.OFTEN
    if rule.kind == RiskRule.Kind.LOW_WELLBEING:
        return life_satisfaction is not None and threshold is not None and life_satisfaction <= threshold
    if rule.kind == RiskRule.Kind.HIGH_ANXIETY:
        return anxiety is not None and threshold is not None and anxiety >= threshold
    return False


def derive_risk_level(
    on_date, *, indicators=(), needs=(), loneliness="", life_satisfaction=None, anxiety=None, rules=None
):
    """The highest level of the rules in force on ``on_date`` that the answers match; low when none."""
    level = RiskLevel.LOW
    for rule in rules_in_force(on_date, rules):
        if RISK_ORDER[rule.level] > RISK_ORDER[level] and rule_matches(
            rule,
            indicators=indicators,
            needs=needs,
            loneliness=loneliness,
            life_satisfaction=life_satisfaction,
            anxiety=anxiety,
        ):
            level = RiskLevel(rule.level)
    return level


# Recording an assessment


def _clean(needs, indicators, loneliness, scores):
    errors = {}
    needs = [(str(need or "").strip(), str(urgency or "")) for need, urgency in needs]
    slugs = [need for need, _urgency in needs]
    known = set(
        TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME, slug__in=slugs).values_list("slug", flat=True)
    )
    if any(slug not in known for slug in slugs):
        errors["needs"] = _("Choose needs from the list of needs.")
    elif len(set(slugs)) != len(slugs):
        errors["needs"] = _("Give each need once.")
    elif any(urgency not in Urgency.values for _need, urgency in needs):
        errors["needs"] = _("Give each need an urgency: immediate, soon or routine.")
    indicators = list(dict.fromkeys(indicators or ()))
    if any(indicator not in VulnerabilityIndicator.values for indicator in indicators):
        errors["indicators"] = _("Choose vulnerability indicators from the list.")
    if loneliness and loneliness not in Loneliness.values:
        errors["loneliness"] = _("Choose an answer from the list.")
    for name, score in scores.items():
        if score is not None and (isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10):
            errors[name] = _("Give a score from 0 to 10.")
    if errors:
        raise ValidationError(errors)
    # The form's order is VulnerabilityIndicator's: keep it, whatever order they came in.
    indicators = [value for value in VulnerabilityIndicator.values if value in indicators]
    return needs, indicators


def _in_adult_accommodation(person):
    journey = person.current_journey()
    return journey is not None and journey.accommodation_type in ADULT_ACCOMMODATION


@transaction.atomic
def do_record_assessment(
    person,
    *,
    acting_user,
    needs=(),
    indicators=(),
    loneliness="",
    life_satisfaction=None,
    worthwhile=None,
    happiness=None,
    anxiety=None,
    notes="",
    assessed_at=None,
    public_id=None,
):
    """Record an assessment of ``person`` by ``acting_user`` (who must be allowed to: the
    caller checks with ``casework.access``), derive its risk level and act on the answers that
    demand it. ``needs`` is [(need slug, urgency), …]; ``public_id`` fixes the uuid (the demo's
    are fixed, so that a re-run finds them). Returns the assessment; ``prompts_for`` says what
    it set off."""
    scores = {
        "life_satisfaction": life_satisfaction,
        "worthwhile": worthwhile,
        "happiness": happiness,
        "anxiety": anxiety,
    }
    needs, indicators = _clean(needs, indicators, loneliness or "", scores)
    assessed_at = assessed_at or timezone.now()
    on_date = timezone.localdate(assessed_at)
    level = derive_risk_level(
        on_date,
        indicators=indicators,
        needs=needs,
        loneliness=loneliness or "",
        life_satisfaction=life_satisfaction,
        anxiety=anxiety,
    )
    organisation = person.organisation
    assessment = Assessment.objects.create(
        **({"uuid": public_id} if public_id else {}),
        organisation=organisation,
        person=person,
        assessed_at=assessed_at,
        assessed_by=acting_user,
        indicators=indicators,
        loneliness=loneliness or "",
        notes=(notes or "").strip(),
        derived_risk_level=level,
        **scores,
    )
    AssessmentNeed.objects.bulk_create(
        [AssessmentNeed(assessment=assessment, need=need, urgency=urgency) for need, urgency in needs]
    )

    when = date_format(timezone.localtime(assessed_at), "j F Y")
    concerns = []

    def raise_concern(category, urgency, what_happened):
        concern = do_raise_concern(
            organisation,
            acting_user=acting_user,
            category=category,
            what_happened=what_happened,
            urgency=urgency,
            person=person,
            source=SafeguardingConcern.Source.ASSESSMENT,
            assessment=assessment,
        )
        concerns.append(concern)

    if VulnerabilityIndicator.SUICIDE_RISK in indicators:
        raise_concern(
            ConcernCategory.SUICIDE_SELF_HARM,
            Urgency.IMMEDIATE,
            _("At the assessment on %(date)s the answer “risk of suicide or self-harm” was given.") % {"date": when},
        )
    age_disputed = False
    if VulnerabilityIndicator.UNDER_18 in indicators and _in_adult_accommodation(person):
        age_disputed = True
        if not person.age_disputed:
            # Only the flag: the date of birth they gave stays as they gave it.
            person.age_disputed = True
            person.age_disputed_since = on_date
            person.save(update_fields=["age_disputed", "age_disputed_since", "updated_at"])
        raise_concern(
            ConcernCategory.CHILD_PROTECTION,
            Urgency.IMMEDIATE,
            _(
                "At the assessment on %(date)s they said they are under 18, and they live in adult asylum "
                "accommodation. Child safeguarding referral: escalate to children's services."
            )
            % {"date": when},
        )
    if VulnerabilityIndicator.TRAFFICKING in indicators:
        raise_concern(
            ConcernCategory.MODERN_SLAVERY,
            Urgency.SOON,
            _("At the assessment on %(date)s there were signs of trafficking or modern slavery: NRM route to follow.")
            % {"date": when},
        )

    record_event(
        "casework.assessment_recorded",
        actor=acting_user,
        organisation=organisation,
        obj=assessment,
        details={
            "person": str(person.uuid),
            "risk_level": level,
            "needs": [need for need, _urgency in needs],
            "concerns": [str(concern.uuid) for concern in concerns],
            "age_disputed": age_disputed,
        },
    )
    return assessment


@transaction.atomic
def do_change_risk_level(assessment, *, acting_user, level, reason):
    """Set the caseworker's own risk level on ``assessment``, with their reason (required).
    Choosing the derived level again clears the override."""
    reason = (reason or "").strip()
    if level not in RiskLevel.values:
        raise ValidationError({"level": _("Choose a risk level from the list.")}, code="invalid_level")
    if not reason:
        raise ValidationError({"reason": _("Say why you are changing the risk level.")}, code="reason_required")
    previous = assessment.risk_level
    assessment.risk_level_override = "" if level == assessment.derived_risk_level else level
    assessment.override_reason = reason
    assessment.overridden_by = acting_user
    assessment.overridden_at = timezone.now()
    assessment.save(
        update_fields=["risk_level_override", "override_reason", "overridden_by", "overridden_at", "updated_at"]
    )
    record_event(
        "casework.assessment_risk_level_changed",
        actor=acting_user,
        organisation=assessment.organisation,
        obj=assessment,
        details={"from": previous, "to": assessment.risk_level, "derived": assessment.derived_risk_level},
    )
    return assessment


# What an assessment's answers set off


class NrmRoute:
    """How this organisation takes signs of trafficking to the National Referral Mechanism."""

    helpline = MODERN_SLAVERY_HELPLINE

    def __init__(self, organisation):
        self.first_responder = organisation.is_nrm_first_responder

    @cached_property
    def first_responders(self):
        """When the organisation is not one: the First Responders it can pass the case to."""
        if self.first_responder:
            return []
        return list(NationalBody.objects.filter(is_nrm_first_responder=True).order_by("name"))


@dataclass
class Prompts:
    suicide_concern: SafeguardingConcern | None = None
    child_concern: SafeguardingConcern | None = None
    trafficking_concern: SafeguardingConcern | None = None
    age_disputed: bool = False
    nrm: NrmRoute | None = None

    @property
    def concerns(self):
        return [c for c in (self.suicide_concern, self.child_concern, self.trafficking_concern) if c is not None]

    def __bool__(self):
        return bool(self.concerns or self.nrm)


def prompts_for(assessment):
    """What the assessment's answers set off: the concerns raised from it, the age dispute, the
    NRM route."""
    concerns = {}
    # Sorted here rather than in the query, so that a prefetched list serves.
    for concern in sorted(assessment.concerns.all(), key=lambda concern: (concern.raised_at, concern.pk)):
        concerns.setdefault(concern.category, concern)
    indicators = set(assessment.indicators or ())
    return Prompts(
        suicide_concern=concerns.get(ConcernCategory.SUICIDE_SELF_HARM),
        child_concern=concerns.get(ConcernCategory.CHILD_PROTECTION),
        trafficking_concern=concerns.get(ConcernCategory.MODERN_SLAVERY),
        age_disputed=ConcernCategory.CHILD_PROTECTION in concerns,
        nrm=NrmRoute(assessment.organisation) if VulnerabilityIndicator.TRAFFICKING in indicators else None,
    )


# The history


@dataclass
class Change:
    """How one assessment differs from the one before it."""

    needs_added: list
    needs_removed: list
    urgency_changed: list  # [(need, before, after)]
    risk_before: str
    scores: list  # [(field, before, after)] for the answers to the ONS questions that changed

    def __bool__(self):
        return bool(self.needs_added or self.needs_removed or self.urgency_changed or self.risk_before or self.scores)


def change_between(before, after):
    """The change from assessment ``before`` to ``after`` (their ``needs`` prefetched)."""
    old = {need.need: need.urgency for need in before.needs.all()}
    new = {need.need: need.urgency for need in after.needs.all()}
    return Change(
        needs_added=sorted(set(new) - set(old)),
        needs_removed=sorted(set(old) - set(new)),
        urgency_changed=sorted((need, old[need], new[need]) for need in set(old) & set(new) if old[need] != new[need]),
        risk_before=before.risk_level if before.risk_level != after.risk_level else "",
        scores=[
            (name, getattr(before, name), getattr(after, name))
            for name in ("loneliness", *ONS4_FIELDS)
            if getattr(before, name) != getattr(after, name)
        ],
    )


def history(assessments):
    """[(assessment, change from the one before or None)], latest first, from ``assessments``
    in any order."""
    ordered = sorted(assessments, key=lambda a: (a.assessed_at, a.pk))
    pairs = [(current, change_between(previous, current)) for previous, current in pairwise(ordered)]
    if ordered:
        pairs.insert(0, (ordered[0], None))
    return list(reversed(pairs))
