"""People supported by an organisation: who they are, their household, their asylum journey and
what they have consented to.

A person is registered with a display name only (a first name or a nickname is enough); every
other detail is optional. The display name and its normalised search form stay in clear so
the desk can find people; the details that could hurt someone if they leaked (full name, date
of birth, phone, the names of household members) are encrypted, with a blind index beside the
date of birth and the phone so that an exact lookup still works.

A person belongs to the organisation that registered them. Reading goes through
``people.access``; changes through ``people.actions``.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.accounts.models import Organisation
from waymark.directory.listing_data import SPOKEN_LANGUAGE_CODES, language_name
from waymark.lib.fields import EncryptedTextField
from waymark.lib.policy import PolicyRow
from waymark.lib.text import normalise_search_text, normalise_words
from waymark.people.identifiers import format_reference
from waymark.places.models import AccommodationSite, Area


class EncryptedDateField(EncryptedTextField):
    """A date stored as ciphertext of its ISO form ("1990-04-17"); reads give a ``date``."""

    description = "Date, encrypted at rest"

    def to_plain_text(self, value):
        return value.isoformat() if isinstance(value, dt.date) else str(value)

    def from_plain_text(self, text):
        return dt.date.fromisoformat(text)

    def to_python(self, value):
        if value in (None, "") or isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(_("Enter a real date."), code="invalid_date") from None


def validate_language_codes(value):
    if not isinstance(value, list) or any(code not in SPOKEN_LANGUAGE_CODES for code in value):
        raise ValidationError(_("Choose languages from the list."), code="invalid_languages")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    SELF_DESCRIBED = "self_described", _("In another way")
    NOT_SAID = "not_said", _("Prefers not to say")


class PersonQuerySet(models.QuerySet):
    def current(self):
        """People who have not been merged into another record."""
        return self.filter(merged_into__isnull=True)

    def with_contact_consent(self):
        """Annotated with ``contact_consented`` (an active consent to be contacted now), which
        ``Person.may_contact`` reads instead of asking the database person by person."""
        consents = Consent.objects.active().filter(
            person=models.OuterRef("pk"),
            purpose=Consent.Purpose.CONTACT_WELFARE,
            recipient_organisation__isnull=True,
        )
        return self.annotate(contact_consented=models.Exists(consents))


class Person(models.Model):
    """Someone an organisation supports. Only ``display_name`` is required."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="people", verbose_name=_("organisation")
    )
    display_name = models.CharField(_("name to call them by"), max_length=100)
    # display_name in its normalised search form (waymark.lib.text); kept by save().
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    # The short reference printed on their Waymark card (identifiers.REFERENCE_ALPHABET).
    reference = models.CharField(_("card reference"), max_length=8, unique=True, editable=False)

    full_name = EncryptedTextField(_("full name"), blank=True, default="")
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    dob_estimated = models.BooleanField(_("the date of birth is estimated"), default=False)
    dob_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # In international form (+447700900123); see identifiers.normalise_phone.
    phone = EncryptedTextField(_("phone number"), blank=True, default="")
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    home_area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("where they live")
    )
    # Language codes from directory.listing_data.SPOKEN_LANGUAGES, the language they speak best first.
    languages = models.JSONField(_("languages"), default=list, blank=True, validators=[validate_language_codes])
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)

    # How they want to be contacted. Calls and texts also need their active consent to be
    # contacted (Consent.Purpose.CONTACT_WELFARE): see may_contact.
    may_call = models.BooleanField(_("we may call them"), default=False)
    may_text = models.BooleanField(_("we may text them"), default=False)
    contact_language = models.CharField(_("language to contact them in"), max_length=10, blank=True)
    do_not_contact = models.BooleanField(_("do not contact"), default=False)

    # Someone in adult accommodation who says they are under 18: flagged, and a child
    # safeguarding referral made. The claimed date of birth above is never overwritten.
    age_disputed = models.BooleanField(_("age disputed"), default=False)
    age_disputed_since = models.DateField(_("age disputed since"), null=True, blank=True)

    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    # Set when this record was found to be the same person as another and merged into it; the
    # record stays as a tombstone so that links and the audit trail still lead somewhere.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_records", editable=False
    )
    merged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set when the person's identity was removed (erasure, or retention): the row stays, without
    # anything that identifies them, so that counts of visits and cases still add up.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["search_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["organisation", "search_name"], name="people_person_org_name"),
            models.Index(fields=["organisation", "phone_index"], name="people_person_org_phone"),
            models.Index(fields=["organisation", "dob_index"], name="people_person_org_dob"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("pk")),
                name="people_person_not_merged_into_itself",
                violation_error_message=_("A record cannot be merged into itself."),
            ),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.search_name = normalise_search_text(self.display_name)[:200]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "display_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def is_merged(self):
        return self.merged_into_id is not None

    @property
    def printed_reference(self):
        return format_reference(self.reference)

    def language_names(self):
        return [language_name(code) for code in self.languages]

    def name_words(self):
        """The distinct words of the display name, as search stores them (PersonNameWord)."""
        return sorted(set(normalise_words(self.display_name)))

    def current_journey(self):
        """The latest journey record (where they are now), or None."""
        return self.journey.select_related("accommodation_site").first()

    def may_contact(self, at=None):
        """True if the organisation may call or text them now: not "do not contact", and an
        active consent to be contacted. Withdrawing that consent makes this False at once."""
        if self.do_not_contact:
            return False
        if at is None and hasattr(self, "contact_consented"):
            return self.contact_consented
        return has_consent(self, Consent.Purpose.CONTACT_WELFARE, at=at)


class PersonNameWord(models.Model):
    """One word of a person's display name, for finding people by the first letters of any of
    their names ("yus" finds "Amina Yusuf").

    A prefix match on an indexed column of words stays fast at a hundred thousand people on
    both databases, where a substring match on whole names would read every row. Kept in step
    with the display name by the actions that write it (``actions.sync_name_words``).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_words_index")
    # Copied from the person, so the lookup needs no join.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    word = models.CharField(max_length=100, db_index=True)
    # The person's whole normalised name (``Person.search_name``), so that a search ranks and
    # orders what it found here, without reading the people until the page's few.
    search_name = models.CharField(max_length=200, default="", editable=False)

    class Meta:
        ordering = ["word"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "word"],
                name="people_person_name_word_once",
                violation_error_message=_("This word is already indexed for this person."),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "word"], name="people_name_word_org_word")]

    def __str__(self):
        return self.word


class HouseholdMember(models.Model):
    """Someone who lives with the person: a partner, a child, a parent. Their name is encrypted."""

    class Relationship(models.TextChoices):
        PARTNER = "partner", _("Partner or spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Brother or sister")
        OTHER_RELATIVE = "other_relative", _("Other relative")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household")
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    name = EncryptedTextField(_("name"), blank=True, default="")
    year_of_birth = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    # What matters most for support (families with children under 18 keep section 95 after a
    # refusal) even when the year of birth is not given.
    is_child = models.BooleanField(_("under 18"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person", "created_at", "id"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")

    def __str__(self):
        return self.get_relationship_display()


class JourneyStage(models.TextChoices):
    """Where someone is in the asylum process (domain.md, "The journey")."""

    CLAIM_LODGED = "claim_lodged", _("Claim lodged / screening")
    AWAITING_DECISION = "awaiting_decision", _("Waiting for interview or decision")
    GRANTED = "granted", _("Granted refugee status or humanitarian protection")
    REFUSED = "refused", _("Refused")
    APPEAL = "appeal", _("Appeal pending")
    APPEAL_RIGHTS_EXHAUSTED = "appeal_rights_exhausted", _("Appeal rights exhausted")
    FRESH_CLAIM = "fresh_claim", _("Fresh claim")
    OTHER_STATUS = "other_status", _("Other immigration status")
    NOT_KNOWN = "not_known", _("Not known")


class SupportType(models.TextChoices):
    """The asylum support they receive (domain.md, "Asylum support")."""

    SECTION_95 = "s95", _("Section 95")
    SECTION_98 = "s98", _("Section 98 (Initial Accommodation)")
    SECTION_4 = "s4", _("Section 4(2)")
    NONE = "none", _("No asylum support")
    NOT_KNOWN = "not_known", _("Not known")


class AccommodationType(models.TextChoices):
    """Where they live. The first four are the kinds of Home Office accommodation site."""

    INITIAL_ACCOMMODATION = AccommodationSite.Kind.INITIAL_ACCOMMODATION.value, _("Initial Accommodation")
    CONTINGENCY_HOTEL = AccommodationSite.Kind.CONTINGENCY_HOTEL.value, _("Contingency hotel")
    DISPERSAL = AccommodationSite.Kind.DISPERSAL.value, _("Dispersal accommodation")
    LARGE_SITE = AccommodationSite.Kind.LARGE_SITE.value, _("Large site (former military site, barge)")
    NONE_PRIVATE = "none_private", _("None, or private (friends, family, own tenancy)")
    HOMELESS = "homeless", _("Homeless or sofa-surfing")
    NOT_KNOWN = "not_known", _("Not known")


class JourneyRecord(models.Model):
    """One dated step of a person's asylum journey. The latest (by ``since``, then when it was
    recorded) is where they are now; the earlier ones are the history."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="journey")
    stage = models.CharField(_("stage"), max_length=30, choices=JourneyStage.choices)
    support_type = models.CharField(
        _("asylum support"), max_length=20, choices=SupportType.choices, default=SupportType.NOT_KNOWN
    )
    accommodation_type = models.CharField(
        _("accommodation"), max_length=30, choices=AccommodationType.choices, default=AccommodationType.NOT_KNOWN
    )
    accommodation_site = models.ForeignKey(
        AccommodationSite,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accommodation site"),
    )
    since = models.DateField(_("since"), default=dt.date.today)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-since", "-recorded_at", "-id"]
        get_latest_by = ["since", "recorded_at", "id"]
        verbose_name = _("journey record")
        verbose_name_plural = _("journey records")
        indexes = [models.Index(fields=["person", "-since", "-recorded_at"], name="people_journey_latest")]

    def __str__(self):
        return f"{self.since}: {self.get_stage_display()}"


class InformationKind(models.TextChoices):
    """Kinds of information a consent can cover (its scope)."""

    CONTACT_DETAILS = "contact_details", _("Name and contact details")
    PERSONAL_DETAILS = "personal_details", _("Date of birth, gender, languages")
    HOUSEHOLD = "household", _("Household")
    JOURNEY = "journey", _("Asylum journey, support and accommodation")
    NEEDS = "needs", _("Needs and what was given")
    ASSESSMENT = "assessment", _("Needs and vulnerability assessment")
    CASE_NOTES = "case_notes", _("Case notes")


def validate_information_kinds(value):
    if not isinstance(value, list) or any(kind not in InformationKind.values for kind in value):
        raise ValidationError(_("Choose the information from the list."), code="invalid_scope")


class ConsentQuerySet(models.QuerySet):
    def active(self, at=None):
        """Consents given by ``at`` (default now) and neither withdrawn nor expired by then."""
        at = at or timezone.now()
        return self.filter(given_at__lte=at).filter(
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at),
            Q(expires_at__isnull=True) | Q(expires_at__gt=at),
        )


class Consent(models.Model):
    """What a person agreed to: one purpose, for one recipient organisation where there is one,
    covering some kinds of information, given at a time, until it expires or is withdrawn.

    The one consent model of Waymark: later apps add purposes to ``Purpose`` and ask
    ``has_consent`` before they act. A withdrawn consent is kept (with who recorded the
    withdrawal and when), never deleted.
    """

    class Purpose(models.TextChoices):
        KEEP_DETAILS = "keep_details", _("Keep my details")
        CONTACT_WELFARE = "contact_welfare", _("Contact me (welfare calls and messages)")
        SHARE_REFERRAL = "share_referral", _("Share my details with an organisation for a referral")

    class How(models.TextChoices):
        SPOKEN = "spoken", _("Spoken, in a language they understand")
        SPOKEN_WITH_INTERPRETER = "spoken_with_interpreter", _("Spoken with an interpreter")
        READ = "read", _("They read the privacy notice")
        WRITTEN = "written", _("Written and signed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    # Room for the purposes later issues add.
    purpose = models.CharField(_("purpose"), max_length=40, choices=Purpose.choices)
    recipient_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared with"),
    )
    scope = models.JSONField(
        _("information covered"), default=list, blank=True, validators=[validate_information_kinds]
    )
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    how = models.CharField(_("how it was given"), max_length=30, choices=How.choices)
    privacy_notice_language = models.CharField(_("privacy notice language"), max_length=10, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["person", "purpose"], name="people_consent_person_purpose")]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="people_consent_withdrawn_after_given",
                violation_error_message=_("A consent cannot be withdrawn before it was given."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_by__isnull=False),
                name="people_consent_withdrawal_has_recorder",
                violation_error_message=_("Record who took the withdrawal."),
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.given_at:%Y-%m-%d})"

    def is_active(self, at=None):
        at = at or timezone.now()
        return (
            self.given_at <= at
            and (self.withdrawn_at is None or self.withdrawn_at > at)
            and (self.expires_at is None or self.expires_at > at)
        )

    def scope_labels(self):
        return [InformationKind(kind).label for kind in self.scope if kind in InformationKind.values]


def has_consent(person, purpose, *, recipient=None, at=None):
    """True if ``person`` has an active consent for ``purpose`` at ``at`` (default now).

    With ``recipient`` (an Organisation), only a consent naming that organisation counts;
    without, only one that names no organisation.
    """
    consents = Consent.objects.active(at).filter(person=person, purpose=purpose)
    if recipient is None:
        consents = consents.filter(recipient_organisation__isnull=True)
    else:
        consents = consents.filter(recipient_organisation=recipient)
    return consents.exists()


class LegalHold(models.Model):
    """A hold on a person's records (an ongoing legal case, a safeguarding inquiry): while it is
    in place nothing of theirs is erased or anonymised, by hand or by retention. Placed and
    lifted by an organisation admin, with a reason and a review date; both audited."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="legal_holds")
    reason = EncryptedTextField(_("reason"))
    review_on = models.DateField(_("review by"))
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lift_reason = EncryptedTextField(_("why it was lifted"), blank=True, default="")

    class Meta:
        ordering = ["person", "-placed_at"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self):
        return f"{self.person} {self.placed_at:%Y-%m-%d}"

    @property
    def is_active(self):
        return self.lifted_at is None


class RetentionPeriod(PolicyRow):
    """Policy: how long a kind of record is kept once its clock has started, from a date.

    ``record_type`` names what is kept and when its clock starts (see ``RecordType``). The
    ``apply_retention`` job anonymises what has passed its period, skipping held records.
    """

    class RecordType(models.TextChoices):
        PERSON = "person", _("A person with no activity: from their last visit, case or assessment")
        VISIT = "visit", _("Visit records: from the visit")
        ASSESSMENT = "assessment", _("Assessments: from the assessment")
        CASE = "case", _("Cases, their notes and attachments: from closing")
        SAFEGUARDING_CONCERN = "safeguarding_concern", _("Safeguarding concerns: from closing")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Records kept only on consent: from its withdrawal")
        REFERRAL = "referral", _("Referrals, with what was shared: from closing")

    record_type = models.CharField(_("records"), max_length=30, choices=RecordType.choices)
    months = models.PositiveSmallIntegerField(_("months kept"))

    class Meta:
        ordering = ["record_type", "-valid_from"]
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "valid_from"],
                name="people_retention_once_per_date",
                violation_error_message=_("This kind of record already has a period from this date."),
            ),
        ]

    def __str__(self):
        return f"{self.get_record_type_display()}: {self.months}"
