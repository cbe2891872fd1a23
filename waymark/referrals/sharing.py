"""What a referral passes to the receiver: a copy, made when it is sent, of the parts of the
person's record that the consent covers (or, for a safeguarding referral without consent, the
parts the sender chose and gave a lawful reason for).

The copy holds codes and values, not display text, so that the receiver reads it in their own
language; ``describe`` turns it into labelled lines for a page or a letter. The receiver never
opens the person's record itself: this copy is all they get, and ``access`` decides how long
they may see it.
"""

from django.utils.translation import gettext as _

from waymark.people.models import (
    AccommodationType,
    Gender,
    HouseholdMember,
    InformationKind,
    JourneyStage,
    SupportType,
)

KINDS = InformationKind


def build_shared(referral, scope):
    """The copy of ``referral.person``'s record limited to ``scope`` (InformationKind values)."""
    person = referral.person
    shared = {"scope": [kind for kind in KINDS.values if kind in scope]}
    if KINDS.CONTACT_DETAILS in scope:
        shared[KINDS.CONTACT_DETAILS] = {
            "display_name": person.display_name,
            "full_name": person.full_name,
            "phone": person.phone,
            "contact_language": person.contact_language,
            "may_call": person.may_call,
            "may_text": person.may_text,
            "do_not_contact": person.do_not_contact,
        }
    if KINDS.PERSONAL_DETAILS in scope:
        dob = person.date_of_birth
        shared[KINDS.PERSONAL_DETAILS] = {
            "date_of_birth": dob.isoformat() if dob else "",
            "dob_estimated": person.dob_estimated,
            "age_disputed": person.age_disputed,
            "gender": person.gender,
            "languages": list(person.languages or []),
            "interpreter_needed": person.interpreter_needed,
        }
    if KINDS.HOUSEHOLD in scope:
        shared[KINDS.HOUSEHOLD] = [
            {"relationship": member.relationship, "year_of_birth": member.year_of_birth, "is_child": member.is_child}
            for member in person.household.order_by("id")
        ]
    if KINDS.JOURNEY in scope:
        journey = person.journey.order_by("-since", "-recorded_at", "-id").first()
        shared[KINDS.JOURNEY] = (
            {
                "stage": journey.stage,
                "support_type": journey.support_type,
                "accommodation_type": journey.accommodation_type,
                "since": journey.since.isoformat(),
            }
            if journey is not None
            else {}
        )
    latest = None
    if KINDS.NEEDS in scope or KINDS.ASSESSMENT in scope:
        latest = (
            person.assessments.filter(organisation_id=referral.organisation_id)
            .prefetch_related("needs")
            .order_by("-assessed_at", "-id")
            .first()
        )
    if KINDS.NEEDS in scope:
        shared[KINDS.NEEDS] = sorted({need.need for need in latest.needs.all()}) if latest is not None else []
    if KINDS.ASSESSMENT in scope:
        shared[KINDS.ASSESSMENT] = (
            {
                "assessed_on": latest.assessed_at.date().isoformat(),
                "risk_level": latest.risk_level,
                "needs": [{"need": need.need, "urgency": need.urgency} for need in latest.needs.all()],
            }
            if latest is not None
            else {}
        )
    if KINDS.CASE_NOTES in scope:
        shared[KINDS.CASE_NOTES] = referral.notes_excerpt
    return shared


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def describe(shared):
    """The shared copy as (heading, [(label, value), …]) sections, in the active language."""
    from waymark.casework.models import RiskLevel, Urgency
    from waymark.directory.listing_data import language_name

    sections = []
    contact = shared.get(KINDS.CONTACT_DETAILS)
    if contact is not None:
        rows = [(_("Name to call them by"), contact.get("display_name", ""))]
        if contact.get("full_name"):
            rows.append((_("Full name"), contact["full_name"]))
        if contact.get("phone"):
            rows.append((_("Phone"), contact["phone"]))
        if contact.get("contact_language"):
            rows.append((_("Language to contact them in"), language_name(contact["contact_language"])))
        if contact.get("do_not_contact"):
            rows.append((_("Contact"), _("Do not contact them directly")))
        sections.append((str(KINDS.CONTACT_DETAILS.label), rows))
    personal = shared.get(KINDS.PERSONAL_DETAILS)
    if personal is not None:
        rows = []
        if personal.get("date_of_birth"):
            estimated = _(" (estimated)") if personal.get("dob_estimated") else ""
            rows.append((_("Date of birth"), personal["date_of_birth"] + estimated))
        if personal.get("age_disputed"):
            rows.append((_("Age"), _("Age disputed")))
        if personal.get("gender"):
            rows.append((_("Gender"), _label(Gender, personal["gender"])))
        if personal.get("languages"):
            rows.append((_("Languages"), ", ".join(str(language_name(code)) for code in personal["languages"])))
        if personal.get("interpreter_needed"):
            rows.append((_("Interpreter"), _("Needs an interpreter")))
        sections.append((str(KINDS.PERSONAL_DETAILS.label), rows))
    if KINDS.HOUSEHOLD in shared:
        rows = [
            (
                _label(HouseholdMember.Relationship, member["relationship"]),
                (_("under 18") if member.get("is_child") else "")
                + (f" ({member['year_of_birth']})" if member.get("year_of_birth") else ""),
            )
            for member in shared[KINDS.HOUSEHOLD]
        ]
        sections.append((str(KINDS.HOUSEHOLD.label), rows or [(_("Household"), _("Nobody recorded"))]))
    journey = shared.get(KINDS.JOURNEY)
    if journey is not None:
        rows = []
        if journey:
            rows = [
                (_("Stage"), _label(JourneyStage, journey["stage"])),
                (_("Asylum support"), _label(SupportType, journey["support_type"])),
                (_("Accommodation"), _label(AccommodationType, journey["accommodation_type"])),
                (_("Since"), journey["since"]),
            ]
        sections.append((str(KINDS.JOURNEY.label), rows or [(_("Stage"), _("Not recorded"))]))
    if KINDS.NEEDS in shared:
        names = need_names(shared[KINDS.NEEDS])
        sections.append((str(KINDS.NEEDS.label), [(_("Needs"), ", ".join(names) or _("None recorded"))]))
    assessment = shared.get(KINDS.ASSESSMENT)
    if assessment is not None:
        rows = []
        if assessment:
            rows.append((_("Assessed on"), assessment["assessed_on"]))
            rows.append((_("Risk level"), _label(RiskLevel, assessment["risk_level"])))
            slugs = [need["need"] for need in assessment["needs"]]
            names = dict(zip(slugs, need_names(slugs), strict=True))
            for need in assessment["needs"]:
                rows.append((names.get(need["need"], need["need"]), _label(Urgency, need["urgency"])))
        sections.append((str(KINDS.ASSESSMENT.label), rows or [(_("Assessment"), _("No assessment recorded"))]))
    if KINDS.CASE_NOTES in shared:
        sections.append((_("What the service should know"), [(_("From the referrer"), shared[KINDS.CASE_NOTES])]))
    return sections


def need_names(slugs):
    """The needs' names in the active language where a reviewed translation exists, else in
    English, in the order given (two queries)."""
    from django.utils import translation

    from waymark.directory.models import TaxonomyTerm
    from waymark.directory.translation import prefetch_translations, translated

    language = translation.get_language()
    terms = {term.slug: term for term in prefetch_translations(TaxonomyTerm.objects.filter(slug__in=slugs), language)}
    return [translated(terms[slug], "name", language)[0] if slug in terms else slug for slug in slugs]
