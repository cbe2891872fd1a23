"""The referrals models: signposting and closed-loop referrals.

Signposting is telling someone about a service on the map ("the legal advice clinic on
Thursday can help with your appeal"): nothing is passed to the service, so no consent is
needed beyond keeping the person's record. A referral passes the person to the
service, with their consent, and follows what happened.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.accounts.models import Organisation
from waymark.directory.models import Service
from waymark.lib.fields import EncryptedJSONField, EncryptedTextField
from waymark.lib.policy import PolicyRow
from waymark.people.models import JourneyStage


class Signposting(models.Model):
    """Someone was told about a service on the map by an organisation.

    ``person`` is empty for someone who was not registered (an anonymous visitor); ``visit`` is
    the hub visit it was given at, if any. ``organisation`` is the one that signposted, whose
    record this is. Issue 7 adds to it.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signpostings",
        verbose_name=_("person"),
    )
    visit = models.ForeignKey(
        "hubs.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signpostings",
        verbose_name=_("visit"),
    )
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="signpostings", verbose_name=_("service")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="signpostings", verbose_name=_("signposted by")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    note = EncryptedTextField(_("note"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("signposting")
        verbose_name_plural = _("signpostings")
        indexes = [
            models.Index(fields=["person", "-recorded_at"], name="referrals_signpost_person"),
            models.Index(fields=["organisation", "-recorded_at"], name="referrals_signpost_org"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "service"],
                condition=Q(visit__isnull=False),
                name="referrals_signpost_once_per_visit",
                violation_error_message=_("This service was already signposted at this visit."),
            ),
        ]

    def __str__(self):
        return f"{self.service} ({self.recorded_at:%Y-%m-%d})"


class DeclineReason(models.TextChoices):
    """Why a receiving organisation said no. "Better elsewhere" sends the referral back to the
    sender to refer again (with fresh consent) to another organisation."""

    NO_CAPACITY = "no_capacity", _("No capacity at the moment")
    NOT_ELIGIBLE = "not_eligible", _("The person is not eligible for this service")
    BETTER_ELSEWHERE = "better_elsewhere", _("Another organisation would be better placed")
    NOT_NEEDED = "not_needed", _("The person no longer needs it")
    COULD_NOT_CONTACT = "could_not_contact", _("We could not contact the person")
    OTHER = "other", _("Another reason")


class Outcome(models.TextChoices):
    """What came of an accepted referral (completed or not)."""

    SUPPORT_GIVEN = "support_given", _("Support or advice was given")
    ONGOING = "ongoing", _("Taken on for ongoing support")
    DID_NOT_ATTEND = "did_not_attend", _("The person did not attend")
    PERSON_DECLINED = "person_declined", _("The person decided not to go ahead")
    COULD_NOT_HELP = "could_not_help", _("The service could not help in the end")
    OTHER = "other", _("Another outcome")


class Referral(models.Model):
    """A person passed to a service on the map, with their consent, followed until it closes.

    The states (``State``) and the one action that makes each move are in ``referrals.flow``.
    A referral to a service whose organisation uses Waymark and accepts referrals goes to its
    inbox (``Delivery.INBOX``); otherwise Waymark makes a referral letter (``Delivery.LETTER``),
    printable and sent by e-mail as an expiring signed link, and the sender records what the
    service answered.

    What the receiver may see is copied into ``shared`` when it is sent, limited to the scope
    of the consent (or, for a safeguarding referral without consent, the scope the sender
    chose with a recorded reason); the receiver never opens the person's record itself.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")
        NOT_COMPLETED = "not_completed", _("Not completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REDIRECTED = "redirected", _("Redirected")
        NO_RESPONSE = "no_response", _("No response")

    class Delivery(models.TextChoices):
        INBOX = "inbox", _("To the organisation's Waymark inbox")
        LETTER = "letter", _("By referral letter")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("person")
    )
    # Who refers: the organisation that owns the person, and the member who made the referral.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals_made", verbose_name=_("referred by")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("made by")
    )
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service")
    )
    # The service's organisation when it uses Waymark (set on sending, and on redirecting).
    receiving_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
        verbose_name=_("referred to"),
    )
    delivery = models.CharField(_("how it is sent"), max_length=10, choices=Delivery.choices, blank=True)
    need = models.ForeignKey(
        "directory.TaxonomyTerm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("need"),
    )
    # Where it was made from, if anywhere in particular.
    case = models.ForeignKey(
        "casework.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    visit = models.ForeignKey("hubs.Visit", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals")
    # The immigration matter an immigration-advice referral is about: it sets the OISC level needed.
    immigration_matter = models.ForeignKey(
        "casework.ImmigrationMatter", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    urgent = models.BooleanField(_("urgent"), default=False)

    # What the sender writes for the receiver (shared only if the consent covers case notes).
    notes_excerpt = EncryptedTextField(_("what the service should know"), blank=True, default="")
    consent = models.ForeignKey(
        "people.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    # A safeguarding referral may go without consent, with the lawful reason recorded
    # (the same rule as issue 6's escalations).
    safeguarding_concern = models.ForeignKey(
        "casework.SafeguardingConcern", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    no_consent_reason = EncryptedTextField(_("lawful reason for referring without consent"), blank=True, default="")
    # The scope shared without consent (a safeguarding referral): InformationKind values.
    no_consent_scope = models.JSONField(default=list, blank=True)
    # Sent to a service whose eligibility the person does not meet, with the sender's reason.
    eligibility_overridden = models.BooleanField(_("eligibility overridden"), default=False)
    override_reason = EncryptedTextField(_("why it was sent anyway"), blank=True, default="")
    # What the receiver sees, copied at sending from the consented scope.
    shared = EncryptedJSONField(default=dict, blank=True)

    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    respond_by = models.DateTimeField(_("answer due by"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=30, choices=DeclineReason.choices, blank=True)
    decline_text = EncryptedTextField(_("more about the reason"), blank=True, default="")
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    outcome_text = EncryptedTextField(_("more about the outcome"), blank=True, default="")
    # Set when it reaches a state it cannot leave; the receiver's view of the shared details
    # ends a policy period after it (ReferralPolicy.access_days_after_close).
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Set when retention (or erasure) cleared its texts and the copy of the person's details.
    details_cleared_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["organisation", "state", "-created_at"], name="referrals_out"),
            models.Index(fields=["receiving_organisation", "state", "-created_at"], name="referrals_in"),
            models.Index(fields=["person", "-created_at"], name="referrals_person"),
            models.Index(fields=["service", "sent_at"], name="referrals_service_sent"),
            models.Index(fields=["state", "respond_by"], name="referrals_due"),
        ]
        constraints = [
            models.CheckConstraint(
                # A draft withdrawn before sending was never sent.
                condition=Q(state__in=["draft", "withdrawn"]) | Q(sent_at__isnull=False),
                name="referrals_sent_has_sent_at",
                violation_error_message=_("A referral that was sent has a sending time."),
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""),
                name="referrals_declined_has_reason",
                violation_error_message=_("A declined referral has a reason."),
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["completed", "not_completed"]) | ~Q(outcome=""),
                name="referrals_finished_has_outcome",
                violation_error_message=_("A finished referral has an outcome."),
            ),
        ]

    def __str__(self):
        return f"{self.service} ({self.get_state_display()})"

    # The states it cannot leave.
    CLOSED_STATES = (
        State.DECLINED,
        State.COMPLETED,
        State.NOT_COMPLETED,
        State.WITHDRAWN,
        State.NO_RESPONSE,
    )
    # The states in which the receiver owes an answer.
    AWAITING_ANSWER = (State.SENT, State.RECEIVED, State.REDIRECTED)

    @property
    def is_closed(self):
        return self.state in self.CLOSED_STATES

    def is_overdue(self, at=None):
        """Waiting for an answer past its deadline (expire_referrals will return it)."""
        at = at or timezone.now()
        return self.state in self.AWAITING_ANSWER and self.respond_by is not None and self.respond_by < at


class ReferralEvent(models.Model):
    """One step of a referral's history, for the sender and the receiver to read: every state
    change, and who made it. The reason texts are encrypted."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, choices=Referral.State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=Referral.State.choices)
    at = models.DateTimeField(default=timezone.now)
    # None for Waymark itself (the deadline passing).
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Redirection: the service it was moved from.
    from_service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=30, blank=True)
    text = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} → {self.to_state}"


class ReferralLinkOpening(models.Model):
    """Someone opened a referral letter's signed link: the log of views by people outside
    Waymark (a view by a signed-in user is a RecordAccess)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="link_openings")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M}"


class ReferralPolicy(PolicyRow):
    """Policy: how long a receiver has to answer, when to remind them, how long they keep sight
    of what was shared after the referral closes, and how long a letter's link works."""

    response_working_days = models.PositiveSmallIntegerField(_("working days to answer"))
    reminder_working_days = models.PositiveSmallIntegerField(_("remind this many working days before the deadline"))
    access_days_after_close = models.PositiveSmallIntegerField(_("days the receiver keeps sight after closing"))
    letter_link_days = models.PositiveSmallIntegerField(_("days a letter's link works"))

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("referral policy")
        verbose_name_plural = _("referral policies")
        constraints = [
            models.UniqueConstraint(
                fields=["valid_from"],
                name="referrals_policy_once_per_date",
                violation_error_message=_("There is already a referral policy from this date."),
            ),
        ]

    def __str__(self):
        return f"{self.valid_from}: {self.response_working_days}"


class BankHoliday(models.Model):
    """A bank holiday (policy data from GOV.UK's list), not counted as a working day."""

    class Division(models.TextChoices):
        ENGLAND_AND_WALES = "england-and-wales", _("England and Wales")
        SCOTLAND = "scotland", _("Scotland")
        NORTHERN_IRELAND = "northern-ireland", _("Northern Ireland")

    division = models.CharField(
        _("nation"), max_length=20, choices=Division.choices, default=Division.ENGLAND_AND_WALES
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("name"), max_length=100)
    source = models.TextField(_("source"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("bank holiday")
        verbose_name_plural = _("bank holidays")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "date"],
                name="referrals_bank_holiday_once",
                violation_error_message=_("This day is already a bank holiday here."),
            ),
        ]

    def __str__(self):
        return f"{self.date}: {self.title}"


class SituationMapping(PolicyRow):
    """Policy: which of a service's "who it is for" immigration situations a person at an
    asylum stage falls under (Person journey stage → Service.ImmigrationSituation), from a date.
    A stage with no row is unknown: the filter is not applied and a warning says so."""

    stage = models.CharField(_("asylum stage"), max_length=30, choices=JourneyStage.choices)
    situation = models.CharField(
        _("immigration situation"), max_length=30, choices=Service.ImmigrationSituation.choices
    )

    class Meta:
        ordering = ["stage", "-valid_from"]
        verbose_name = _("immigration situation mapping")
        verbose_name_plural = _("immigration situation mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "situation", "valid_from"],
                name="referrals_situation_once_per_date",
                violation_error_message=_("This stage already maps to this situation from this date."),
            ),
        ]

    def __str__(self):
        return f"{self.stage} → {self.situation}"
