"""Changes to people's records: registering, updating, the journey, consent, merging.

Every function here is the one way to make its change, from a page, the API or a command: one
transaction, one audit event (ids, slugs and field names only, never a name, a date of birth
or a phone number), and a clear ValidationError when a rule refuses.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ForeignKey, OneToOneField
from django.utils import timezone
from django.utils.translation import gettext as _

from waymark.audit.events import record_event
from waymark.people.identifiers import (
    date_of_birth_index,
    new_reference,
    normalise_phone,
    phone_index,
)
from waymark.people.models import AccommodationType, Consent, HouseholdMember, JourneyRecord, Person, PersonNameWord

# The details of a person that registration and editing may set, besides the display name.
DETAIL_FIELDS = (
    "full_name",
    "date_of_birth",
    "dob_estimated",
    "phone",
    "gender",
    "home_area",
    "languages",
    "interpreter_needed",
    "may_call",
    "may_text",
    "contact_language",
    "do_not_contact",
)
JOURNEY_FIELDS = ("stage", "support_type", "accommodation_type", "accommodation_site", "since")


def sync_name_words(person):
    """Bring the person's PersonNameWord rows in line with their display name (none for a
    merged record, which search must not find)."""
    wanted = set() if person.is_merged else {word[:100] for word in person.name_words()}
    stored = set(PersonNameWord.objects.filter(person=person).values_list("word", flat=True))
    if stored - wanted:
        PersonNameWord.objects.filter(person=person, word__in=stored - wanted).delete()
    PersonNameWord.objects.filter(person=person).exclude(search_name=person.search_name).update(
        search_name=person.search_name
    )
    PersonNameWord.objects.bulk_create(
        [
            PersonNameWord(
                person=person, organisation_id=person.organisation_id, word=word, search_name=person.search_name
            )
            for word in wanted - stored
        ]
    )


def _unused_reference():
    while True:
        reference = new_reference()
        if not Person.objects.filter(reference=reference).exists():
            return reference


def _clean_display_name(display_name):
    display_name = " ".join((display_name or "").split())
    if not display_name:
        raise ValidationError({"display_name": _("Enter a name to call them by.")}, code="required")
    return display_name


def _apply_details(person, details):
    """Set the given details on ``person`` (not saved), keeping the blind indexes in step.
    Returns the names of the fields that changed."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"Not a detail of a person: {', '.join(sorted(unknown))}")
    changed = []
    for name, value in details.items():
        if name == "phone":
            value = value or ""
            normalised = normalise_phone(value) if value else ""
            if value and normalised is None:
                raise ValidationError(
                    {"phone": _("Enter a phone number like 07700 900123 or +44 7700 900123.")}, code="invalid_phone"
                )
            value = normalised
            person.phone_index = phone_index(value)
        elif name == "date_of_birth":
            if value and value > timezone.localdate():
                raise ValidationError({"date_of_birth": _("A date of birth cannot be in the future.")}, code="future")
            value = value or None
            person.dob_index = date_of_birth_index(value)
        elif name == "languages":
            value = list(dict.fromkeys(value or []))
        elif name in ("full_name", "contact_language", "gender"):
            value = (value or "").strip()
        if getattr(person, name) != value:
            changed.append(name)
        setattr(person, name, value)
    return changed


def _check_not_merged(person):
    if person.is_merged:
        raise ValidationError(_("This record was merged into another one. Change that one instead."), code="merged")


@transaction.atomic
def do_register_person(
    organisation,
    *,
    acting_user,
    display_name,
    consent_how,
    privacy_notice_language="",
    contact_consent=False,
    journey=None,
    household=(),
    **details,
):
    """Register a person of ``organisation`` with their consent to keep their details.

    Only ``display_name`` and how the consent was given (``consent_how``, a Consent.How) are
    needed. ``contact_consent`` records their consent to be contacted too; ``journey`` (a dict
    of JOURNEY_FIELDS) starts their journey history; ``household`` is a list of dicts of
    HouseholdMember fields; ``details`` are any of DETAIL_FIELDS.
    """
    if consent_how not in Consent.How.values:
        raise ValidationError(
            {"consent_how": _("Record how they agreed that we keep their details.")}, code="no_consent"
        )
    person = Person(
        organisation=organisation,
        display_name=_clean_display_name(display_name),
        reference=_unused_reference(),
        registered_by=acting_user,
    )
    _apply_details(person, details)
    person.full_clean(exclude=["reference", "search_name"])
    person.save()
    sync_name_words(person)

    now = timezone.now()
    consent_fields = {
        "person": person,
        "recorded_by": acting_user,
        "how": consent_how,
        "privacy_notice_language": privacy_notice_language,
        "given_at": now,
    }
    Consent.objects.create(purpose=Consent.Purpose.KEEP_DETAILS, scope=list(KEEP_DETAILS_SCOPE), **consent_fields)
    if contact_consent:
        Consent.objects.create(purpose=Consent.Purpose.CONTACT_WELFARE, scope=["contact_details"], **consent_fields)
    for member in household:
        HouseholdMember.objects.create(person=person, **member)
    if journey:
        _create_journey_record(person, acting_user=acting_user, **journey)

    record_event(
        "person.registered",
        actor=acting_user,
        organisation=organisation,
        obj=person,
        details={
            "fields": sorted(name for name in DETAIL_FIELDS if _is_given(getattr(person, name))),
            "contact_consent": bool(contact_consent),
            "journey": bool(journey),
            "household": len(household),
        },
    )
    return person


def _is_given(value):
    return value not in (None, "", [], False)


# What "keep my details" covers at registration: everything the record can hold.
KEEP_DETAILS_SCOPE = ["contact_details", "personal_details", "household", "journey", "needs"]


@transaction.atomic
def do_update_person(person, *, acting_user, display_name=None, **details):
    """Change the display name and any of DETAIL_FIELDS; returns the names of what changed."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    _check_not_merged(person)
    changed = _apply_details(person, details)
    if display_name is not None:
        display_name = _clean_display_name(display_name)
        if display_name != person.display_name:
            person.display_name = display_name
            changed.append("display_name")
    if not changed:
        return person, []
    person.full_clean(exclude=["reference", "search_name"])
    person.save()
    if "display_name" in changed:
        sync_name_words(person)
    record_event(
        "person.updated", actor=acting_user, organisation=person.organisation, obj=person, details={"fields": changed}
    )
    return person, changed


def _create_journey_record(
    person,
    *,
    acting_user,
    stage,
    support_type="not_known",
    accommodation_type="not_known",
    accommodation_site=None,
    since=None,
):
    since = since or timezone.localdate()
    if since > timezone.localdate():
        raise ValidationError({"since": _("The date cannot be in the future.")}, code="future")
    site_kind = accommodation_site.kind if accommodation_site is not None else None
    if site_kind in AccommodationType.values and accommodation_type != site_kind:
        raise ValidationError(
            {
                "accommodation_site": _(
                    "This site is of another type (%(kind)s): choose that type of accommodation, or another site."
                )
                % {"kind": accommodation_site.get_kind_display()}
            },
            code="site_kind",
        )
    record = JourneyRecord(
        person=person,
        stage=stage,
        support_type=support_type,
        accommodation_type=accommodation_type,
        accommodation_site=accommodation_site,
        since=since,
        recorded_by=acting_user,
    )
    record.full_clean(exclude=["person", "recorded_by"])
    record.save()
    return record


@transaction.atomic
def do_record_journey(person, *, acting_user, **journey):
    """Add a dated step to the person's journey (stage, support, accommodation); the latest is
    where they are now."""
    _check_not_merged(person)
    record = _create_journey_record(person, acting_user=acting_user, **journey)
    record_event(
        "person.journey_recorded",
        actor=acting_user,
        organisation=person.organisation,
        obj=person,
        details={"journey_record": str(record.uuid), "stage": record.stage},
    )
    return record


@transaction.atomic
def do_add_household_member(person, *, acting_user, relationship, name="", year_of_birth=None, is_child=False):
    _check_not_merged(person)
    this_year = timezone.localdate().year
    if year_of_birth is not None and not this_year - 120 <= year_of_birth <= this_year:
        raise ValidationError({"year_of_birth": _("Enter a year of birth like 2015.")}, code="year")
    if year_of_birth is not None and this_year - year_of_birth < 18:
        is_child = True
    member = HouseholdMember(
        person=person,
        relationship=relationship,
        name=(name or "").strip(),
        year_of_birth=year_of_birth,
        is_child=is_child,
    )
    member.full_clean(exclude=["person"])
    member.save()
    record_event(
        "person.household_member_added",
        actor=acting_user,
        organisation=person.organisation,
        obj=person,
        details={"household_member": str(member.uuid), "relationship": relationship},
    )
    return member


@transaction.atomic
def do_remove_household_member(member, *, acting_user):
    person = member.person
    _check_not_merged(person)
    member_uuid = str(member.uuid)
    member.delete()
    record_event(
        "person.household_member_removed",
        actor=acting_user,
        organisation=person.organisation,
        obj=person,
        details={"household_member": member_uuid},
    )


# Purposes that are about sharing with another organisation, so name one.
PURPOSES_WITH_RECIPIENT = {Consent.Purpose.SHARE_REFERRAL}


@transaction.atomic
def do_record_consent(
    person,
    *,
    acting_user,
    purpose,
    how,
    recipient_organisation=None,
    scope=None,
    privacy_notice_language="",
    expires_at=None,
):
    """Record a consent the person gives now."""
    _check_not_merged(person)
    if purpose in PURPOSES_WITH_RECIPIENT and recipient_organisation is None:
        raise ValidationError(
            {"recipient_organisation": _("Choose the organisation their details will be shared with.")},
            code="no_recipient",
        )
    if purpose not in PURPOSES_WITH_RECIPIENT and recipient_organisation is not None:
        raise ValidationError(
            {"recipient_organisation": _("This kind of consent is not given to another organisation.")},
            code="unexpected_recipient",
        )
    if recipient_organisation is not None and recipient_organisation.pk == person.organisation_id:
        raise ValidationError(
            {"recipient_organisation": _("Choose another organisation than your own.")}, code="own_organisation"
        )
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": _("The expiry date must be in the future.")}, code="expired")
    consent = Consent(
        person=person,
        purpose=purpose,
        how=how,
        recipient_organisation=recipient_organisation,
        scope=list(dict.fromkeys(scope or [])),
        privacy_notice_language=privacy_notice_language,
        expires_at=expires_at,
        given_at=now,
        recorded_by=acting_user,
    )
    consent.full_clean(exclude=["person", "recorded_by", "recipient_organisation"])
    consent.save()
    record_event(
        "consent.given",
        actor=acting_user,
        organisation=person.organisation,
        obj=consent,
        details={
            "person": str(person.uuid),
            "purpose": purpose,
            "recipient_organisation": str(recipient_organisation.uuid) if recipient_organisation else "",
            "scope": consent.scope,
        },
    )
    return consent


@transaction.atomic
def do_withdraw_consent(consent, *, acting_user):
    """Withdraw a consent now. What it covered stops at once: ``has_consent`` is False from
    this moment, and withdrawing consent to be contacted also turns calls and texts off."""
    consent = Consent.objects.select_for_update().select_related("person__organisation").get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ValidationError(_("This consent has already been withdrawn."), code="already_withdrawn")
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = acting_user
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    person = consent.person
    if consent.purpose == Consent.Purpose.CONTACT_WELFARE and (person.may_call or person.may_text):
        person.may_call = person.may_text = False
        person.save(update_fields=["may_call", "may_text", "updated_at"])
    record_event(
        "consent.withdrawn",
        actor=acting_user,
        organisation=person.organisation,
        obj=consent,
        details={"person": str(person.uuid), "purpose": consent.purpose},
    )
    return consent


# Merging two records of the same person.
#
# Every row that points at the merged record is moved to the kept one, so that nothing of
# either history is lost: journeys, consents, household, and whatever later apps add (check-ins,
# cases, referrals). Relations are found from Person's own metadata, so a new app's foreign key
# to Person is moved without anyone remembering to list it here. An app whose rows cannot simply
# be repointed (a unique constraint per person, say) registers a handler for its model.
_merge_handlers = {}


def register_merge_handler(model):
    """Decorator: ``handler(kept, merged)`` moves (or reconciles) ``model``'s rows of ``merged``
    to ``kept`` instead of the default repointing, and returns how many rows it touched."""

    def register(handler):
        _merge_handlers[model._meta.label_lower] = handler
        return handler

    return register


@register_merge_handler(PersonNameWord)
def _merge_name_words(kept, merged):
    # The merged record leaves search; the kept one keeps its own name.
    deleted, _by_model = PersonNameWord.objects.filter(person=merged).delete()
    return deleted


def relations_to_person():
    """(model, foreign key field) for every foreign key to Person, in every installed app."""
    relations = []
    for relation in Person._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one):
            field = relation.field
            if isinstance(field, ForeignKey | OneToOneField):
                relations.append((relation.related_model, field))
    return relations


def _move_relations(kept, merged):
    moved = {}
    for model, field in relations_to_person():
        label = model._meta.label_lower
        if label in _merge_handlers:
            count = _merge_handlers[label](kept, merged)
        elif isinstance(field, OneToOneField) and model._base_manager.filter(**{field.name: kept}).exists():
            raise ValidationError(
                _("Both records have a %(thing)s; one of them must be removed before they can be merged.")
                % {"thing": model._meta.verbose_name},
                code="merge_conflict",
            )
        else:
            count = model._base_manager.filter(**{field.name: merged}).update(**{field.name: kept})
        if count:
            moved[f"{label}.{field.name}"] = count
    return moved


@transaction.atomic
def do_merge_people(kept, merged, *, acting_user):
    """Merge ``merged`` into ``kept``: two records of one person of the same organisation.

    Everything recorded about ``merged`` moves to ``kept`` (both histories are kept); details
    ``kept`` lacks are taken from ``merged``; their languages are joined. ``merged`` stays as a
    tombstone pointing at ``kept`` (``merged_into``), out of lists and search.
    """
    if kept.pk == merged.pk:
        raise ValidationError(_("Choose two different records to merge."), code="same_person")
    # Lock both, always in the same order, so two merges of the same pair cannot cross.
    locked = {
        person.pk: person
        for person in Person.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk]).order_by("pk")
    }
    kept, merged = locked[kept.pk], locked[merged.pk]
    if kept.organisation_id != merged.organisation_id:
        raise ValidationError(_("Only records of the same organisation can be merged."), code="other_organisation")
    if kept.is_merged or merged.is_merged:
        raise ValidationError(_("One of these records has already been merged."), code="merged")

    filled = []
    for name in ("full_name", "date_of_birth", "phone", "gender", "home_area", "contact_language"):
        if not _is_given(getattr(kept, name)) and _is_given(getattr(merged, name)):
            setattr(kept, name, getattr(merged, name))
            filled.append(name)
    if "date_of_birth" in filled:
        kept.dob_estimated = merged.dob_estimated
        kept.dob_index = merged.dob_index
    if "phone" in filled:
        kept.phone_index = merged.phone_index
    languages = list(dict.fromkeys([*kept.languages, *merged.languages]))
    if languages != kept.languages:
        kept.languages = languages
        filled.append("languages")
    # Any need or refusal recorded on either record holds for the person.
    kept.interpreter_needed = kept.interpreter_needed or merged.interpreter_needed
    kept.do_not_contact = kept.do_not_contact or merged.do_not_contact
    kept.registered_at = min(kept.registered_at, merged.registered_at)
    kept.save()

    moved = _move_relations(kept, merged)
    merged.merged_into = kept
    merged.merged_at = timezone.now()
    merged.save(update_fields=["merged_into", "merged_at", "updated_at"])

    record_event(
        "person.merged",
        actor=acting_user,
        organisation=kept.organisation,
        obj=kept,
        details={"merged": str(merged.uuid), "moved": moved, "filled": filled},
    )
    return kept
