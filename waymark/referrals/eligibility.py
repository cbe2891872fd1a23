"""Does a person meet a service's "who it is for"? The check behind refusing unsuitable
referrals and behind ranking suggestions.

Each criterion of the service is one ``Check``: met, not met, or unknown (the person's value is
not recorded, so the filter is not applied and a warning says so). A service with no rule on a
criterion is open to everyone on it and produces no check.

An immigration-advice referral is a separate rule (``advice_check``): giving immigration advice
without regulation is a criminal offence, so it goes only to a regulated service whose level
covers the matter. It cannot be overridden.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from waymark.accounts.models import ImmigrationRegulator
from waymark.directory.models import Service
from waymark.directory.models.base import IMMIGRATION_ADVICE_SLUG
from waymark.people.models import Gender
from waymark.referrals.policy import situations_for_stage

MET = "met"
NOT_MET = "not_met"
UNKNOWN = "unknown"

# Service flag → the ImmigrationSituation value it stands for.
SITUATION_FLAGS = {
    "for_seeking_asylum": Service.ImmigrationSituation.SEEKING_ASYLUM,
    "for_refused_are": Service.ImmigrationSituation.REFUSED_ARE,
    "for_refugee_hp": Service.ImmigrationSituation.REFUGEE_HP,
    "for_nrpf": Service.ImmigrationSituation.NRPF,
    "for_unaccompanied_children": Service.ImmigrationSituation.UNACCOMPANIED_CHILDREN,
}


@dataclass(frozen=True)
class Check:
    criterion: str  # "situation", "age", "gender", "family", "area", "advice"
    result: str  # MET, NOT_MET or UNKNOWN
    reason: str  # a sentence for the sender, already in the active language


@dataclass
class Eligibility:
    checks: list = field(default_factory=list)

    @property
    def unmet(self):
        return [check for check in self.checks if check.result == NOT_MET]

    @property
    def unknown(self):
        return [check for check in self.checks if check.result == UNKNOWN]

    @property
    def met(self):
        return [check for check in self.checks if check.result == MET]

    @property
    def is_eligible(self):
        """No criterion is known to be unmet (unknown ones are warnings, not refusals)."""
        return not self.unmet


@dataclass(frozen=True)
class PersonFacts:
    """What eligibility needs to know of a person, read once (the date of birth is decrypted
    here and never leaves this object)."""

    situations: tuple  # ImmigrationSituation values; empty = unknown
    stage_known: bool
    age: int | None
    gender: str
    has_household: bool
    home_area_id: int | None
    languages: tuple
    interpreter_needed: bool


def person_facts(person, *, today=None):
    today = today or timezone.localdate()
    journey = person.journey.order_by("-since", "-recorded_at", "-id").first()
    situations = situations_for_stage(journey.stage, today) if journey is not None else []
    age = None
    dob = person.date_of_birth
    if dob:
        age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    situations = set(situations)
    if age is not None and age < 18 and situations:
        situations.add(Service.ImmigrationSituation.UNACCOMPANIED_CHILDREN)
    return PersonFacts(
        situations=tuple(sorted(situations)),
        stage_known=bool(situations),
        age=age,
        gender=person.gender or "",
        has_household=person.household.exists(),
        home_area_id=person.home_area_id,
        languages=tuple(person.languages or ()),
        interpreter_needed=person.interpreter_needed,
    )


def check_eligibility(facts, service, *, area_ids=None):
    """The checks of ``service``'s rules against ``facts``. ``area_ids`` is the set of area ids
    the service is restricted to (give it when checking many services, to save a query each);
    by default it is read from the service."""
    result = Eligibility()
    add = result.checks.append

    flags = [value for name, value in SITUATION_FLAGS.items() if getattr(service, name)]
    if flags and not service.for_anyone:
        if not facts.stage_known:
            add(
                Check(
                    "situation",
                    UNKNOWN,
                    _("Their immigration situation is not recorded: check who this service is for."),
                )
            )
        elif set(flags) & set(facts.situations):
            add(Check("situation", MET, _("For people in their immigration situation.")))
        else:
            add(Check("situation", NOT_MET, _("Not for people in their immigration situation.")))

    if service.minimum_age is not None or service.maximum_age is not None:
        if facts.age is None:
            add(Check("age", UNKNOWN, _("Their age is not recorded: this service has an age limit.")))
        elif (service.minimum_age is not None and facts.age < service.minimum_age) or (
            service.maximum_age is not None and facts.age > service.maximum_age
        ):
            add(Check("age", NOT_MET, _("Outside this service's age range.")))
        else:
            add(Check("age", MET, _("Within this service's age range.")))

    if service.gender != Service.Gender.ANY:
        wanted = Gender.WOMAN if service.gender == Service.Gender.WOMEN else Gender.MAN
        if facts.gender in ("", Gender.NOT_SAID):
            add(Check("gender", UNKNOWN, _("Their gender is not recorded: this service is for one gender.")))
        elif facts.gender == wanted:
            add(Check("gender", MET, _("For their gender.")))
        elif facts.gender in (Gender.NON_BINARY, Gender.SELF_DESCRIBED):
            add(Check("gender", UNKNOWN, _("This service is for one gender: ask them whether it suits them.")))
        else:
            add(Check("gender", NOT_MET, _("For another gender.")))

    if service.for_families:
        if facts.has_household:
            add(Check("family", MET, _("For families, and they have family with them.")))
        else:
            add(Check("family", UNKNOWN, _("For families: no household is recorded for them.")))

    if area_ids is None:
        area_ids = {area.pk for area in service.restricted_to_areas.all()}
    if area_ids:
        if facts.home_area_id is None:
            add(Check("area", UNKNOWN, _("Where they live is not recorded: this service covers some areas only.")))
        elif facts.home_area_id in area_ids:
            add(Check("area", MET, _("Covers the area where they live.")))
        else:
            add(Check("area", NOT_MET, _("Does not cover the area where they live.")))
    return result


def is_advice_need(need):
    """True for the immigration-advice need or a need within it."""
    if need is None:
        return False
    return need.slug == IMMIGRATION_ADVICE_SLUG or (
        need.parent is not None and need.parent.slug == IMMIGRATION_ADVICE_SLUG
    )


def required_advice_level(matter):
    """The OISC level an immigration-advice referral needs: its matter's, else 1."""
    return matter.required_level if matter is not None else 1


def advice_check(service, level):
    """May ``service`` take an immigration-advice referral needing OISC ``level``?"""
    if not service.advice_regulator or service.regulator_not_confirmed:
        return Check("advice", NOT_MET, _("Not a regulated immigration adviser: it cannot give immigration advice."))
    if service.advice_regulator != ImmigrationRegulator.OISC:
        return Check("advice", MET, _("Regulated for immigration advice at every level."))
    if (service.advice_oisc_level or 0) >= level:
        return Check(
            "advice", MET, _("Regulated by the OISC at level %(level)s.") % {"level": service.advice_oisc_level}
        )
    return Check(
        "advice",
        NOT_MET,
        _("Regulated only to OISC level %(has)s; this matter needs level %(needs)s.")
        % {"has": service.advice_oisc_level, "needs": level},
    )
