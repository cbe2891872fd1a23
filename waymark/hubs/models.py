"""Hubs and drop-ins: the hub, its recurring session patterns, its sessions and their rota.

A hub is led by one organisation, in one area, following one of three models. Its team are
members of the lead organisation assigned to it (no second role system). Its sessions are
generated from patterns ("every Tuesday and Thursday 10:00–14:00 at the library") and then
edited one by one: cancelled, moved, or added as extras. Partner organisations are invited to
sessions (the rota) and confirm or decline. Each hub is one service on the public map; its
opening times there are derived from its patterns and sessions (``actions.sync_hub_service``).

Dates and times are Europe/London wall-clock times: a session from 10:00 to 14:00 is 10:00 to
14:00 on the clock on the hall's wall, on either side of a clock change.
"""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.accounts.models import Membership, Organisation
from waymark.lib.fields import EncryptedTextField
from waymark.lib.policy import PolicyRow
from waymark.places.models import Area

LONDON = ZoneInfo("Europe/London")

# iCalendar's weekday codes, Monday first (as the directory's schedules write them).
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class Offer(models.TextChoices):
    """What a session offers. The slugs line up with the core minimum offer (domain.md): a
    welcoming point of contact, casework, and the support package (immigration advice,
    housing support and advice, orientation, English language, employability), a social space
    and local activities; hot food and health are what many hubs add."""

    WELCOME = "welcome", _("Welcome and first point of contact")
    CASEWORK = "casework", _("Casework")
    IMMIGRATION_ADVICE = "immigration_advice", _("Immigration advice (regulated adviser)")
    HOUSING_ADVICE = "housing_advice", _("Housing support and advice")
    ORIENTATION = "orientation", _("Orientation: getting to know the area and services")
    ESOL_REGISTRATION = "esol_registration", _("English classes (ESOL) registration")
    EMPLOYABILITY = "employability", _("Employability: work, volunteering, training")
    HOT_FOOD = "hot_food", _("Hot food")
    SOCIAL_SPACE = "social_space", _("Social space")
    ACTIVITIES = "activities", _("Activities: sport, wellbeing, arts")
    HEALTH = "health", _("Health")


def validate_offers(value):
    if not isinstance(value, list) or any(offer not in Offer.values for offer in value):
        raise ValidationError(_("Choose what is offered from the list."), code="invalid_offers")
    if len(set(value)) != len(value):
        raise ValidationError(_("Each offer may be given once."), code="duplicate_offers")


def ordered_offers(offers):
    """The given offer slugs without repeats, in the order of ``Offer``."""
    wanted = set(offers)
    return [offer for offer in Offer.values if offer in wanted]


def offer_labels(offers):
    return [Offer(offer).label for offer in offers if offer in Offer.values]


def validate_weekdays(value):
    if not isinstance(value, list) or not value or any(day not in WEEKDAYS for day in value):
        raise ValidationError(_("Choose at least one day of the week."), code="invalid_weekdays")
    if len(set(value)) != len(value):
        raise ValidationError(_("Each day may be given once."), code="duplicate_weekdays")


class Hub(models.Model):
    """A hub or drop-in: where people come for welcome, advice and company."""

    class Model(models.TextChoices):
        LOCAL_PROVIDER = "local_provider", _("Local provider")
        COORDINATED_SERVICES = "coordinated_services", _("Coordinated services")
        WEEKLY_DROP_IN = "weekly_drop_in", _("Weekly drop-in")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, help_text=_("A few plain sentences for the public page and the map.")
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="hubs", verbose_name=_("area"))
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_hubs", verbose_name=_("lead organisation")
    )
    model = models.CharField(
        _("model"),
        max_length=30,
        choices=Model.choices,
        help_text=_(
            "Local provider: one organisation runs it most of the week. Coordinated services: several "
            "organisations across sites or online. Weekly drop-in: a visiting service one day a week in a "
            "community building."
        ),
    )
    sites = models.ManyToManyField(
        "directory.Location", related_name="hubs", blank=True, verbose_name=_("sites"), help_text=_("Where it meets.")
    )
    partners = models.ManyToManyField(
        Organisation,
        related_name="partner_hubs",
        blank=True,
        verbose_name=_("partner organisations"),
        help_text=_("Organisations the coordinator can invite to sessions."),
    )
    # Members of the lead organisation only; actions.do_set_team checks it.
    team = models.ManyToManyField(
        Membership,
        related_name="hubs",
        blank=True,
        verbose_name=_("team"),
        help_text=_("Members of the lead organisation who run the hub."),
    )
    # The hub on the public map: made by do_create_hub, kept in step by sync_hub_service.
    service = models.OneToOneField(
        "directory.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hub",
        verbose_name=_("service on the map"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        constraints = [
            models.CheckConstraint(
                condition=Q(model__in=["local_provider", "coordinated_services", "weekly_drop_in"]),
                name="hubs_hub_model_valid",
                violation_error_message=_("Choose the hub's model from the list."),
            ),
        ]

    def __str__(self):
        return self.name


class SessionPattern(models.Model):
    """A recurring session: on these weekdays, from this time to that, at this site, from a
    first date (to a last one, or for ever). Sessions are generated from it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="patterns", verbose_name=_("hub"))
    site = models.ForeignKey(
        "directory.Location", on_delete=models.PROTECT, related_name="session_patterns", verbose_name=_("site")
    )
    # WEEKDAYS codes in week order: ["TU", "TH"].
    weekdays = models.JSONField(_("days"), default=list, validators=[validate_weekdays])
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    starts_on = models.DateField(_("first date"))
    ends_on = models.DateField(_("last date"), null=True, blank=True, help_text=_("Leave empty if it goes on."))
    offers = models.JSONField(_("offers"), default=list, blank=True, validators=[validate_offers])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["hub", "starts_on", "starts_at"]
        verbose_name = _("session pattern")
        verbose_name_plural = _("session patterns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="hubs_sessionpattern_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="hubs_sessionpattern_dates_in_order",
                violation_error_message=_("The last date must not be before the first."),
            ),
        ]

    def __str__(self):
        return f"{self.hub}: {self.describe_days()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def describe_days(self):
        from waymark.directory.opening import WEEKDAY_NAMES

        return ", ".join(str(WEEKDAY_NAMES[WEEKDAYS.index(day)]) for day in WEEKDAYS if day in self.weekdays)

    def occurs_on(self, day):
        """Whether the pattern gives a session on the date ``day``."""
        if day < self.starts_on or (self.ends_on is not None and day > self.ends_on):
            return False
        return WEEKDAYS[day.weekday()] in self.weekdays


class HubSessionQuerySet(models.QuerySet):
    def scheduled(self):
        return self.filter(status=HubSession.Status.SCHEDULED)

    def upcoming(self, today=None):
        return self.filter(date__gte=today or timezone.localdate(timezone=LONDON))


class HubSession(models.Model):
    """One session of a hub on a date (a drop-in on Tuesday 3 March, 10:00–14:00).

    ``pattern_date`` is the date its pattern gave it: kept when the session is moved, so that
    generating sessions again never makes a second session for that date. Extra sessions have
    no pattern and no pattern date.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("hub"))
    pattern = models.ForeignKey(
        SessionPattern,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("pattern"),
    )
    pattern_date = models.DateField(_("date in the pattern"), null=True, blank=True, editable=False)
    site = models.ForeignKey(
        "directory.Location", on_delete=models.PROTECT, related_name="hub_sessions", verbose_name=_("site")
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_reason = models.CharField(_("why it was cancelled"), max_length=300, blank=True)
    is_moved = models.BooleanField(_("moved"), default=False)
    moved_note = models.CharField(_("about the move"), max_length=300, blank=True)
    is_extra = models.BooleanField(_("extra session"), default=False)
    offers = models.JSONField(_("offers"), default=list, blank=True, validators=[validate_offers])
    notes = models.TextField(_("notes for the team"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HubSessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["hub", "date"], name="hubs_session_hub_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["pattern", "pattern_date"],
                name="hubs_session_once_per_pattern_date",
                violation_error_message=_("This pattern already has a session on this date."),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="hubs_session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "cancelled"]),
                name="hubs_session_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
        ]

    def __str__(self):
        return f"{self.hub} {self.date:%Y-%m-%d} {self.starts_at:%H:%M}"

    @property
    def starts(self):
        """When it starts, as an aware datetime (Europe/London)."""
        return dt.datetime.combine(self.date, self.starts_at, tzinfo=LONDON)

    @property
    def ends(self):
        return dt.datetime.combine(self.date, self.ends_at, tzinfo=LONDON)

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    def is_past(self, now=None):
        return (now or timezone.now()) >= self.ends

    def offer_labels(self):
        return offer_labels(self.offers)


class RotaInvitation(models.Model):
    """A partner organisation invited to a session: the rota.

    ``invited`` → ``confirmed`` or ``declined`` (the partner answers, from its account or a
    signed e-mail link); inviting again puts it back to ``invited`` and makes the links sent
    before stop working (``round`` is in every link). ``attended`` is recorded after the
    session: None until someone records it.
    """

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(HubSession, on_delete=models.CASCADE, related_name="rota", verbose_name=_("session"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="rota_invitations", verbose_name=_("organisation")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    offers = models.JSONField(_("what they bring"), default=list, blank=True, validators=[validate_offers])
    message = models.CharField(_("message with the invitation"), max_length=500, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    # Counts invitations of this organisation to this session; a link carries the round it was
    # sent in, so a link from before a re-invitation no longer answers.
    round = models.PositiveSmallIntegerField(default=1, editable=False)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    response_note = models.CharField(_("note with the answer"), max_length=500, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session__date", "session__starts_at", "organisation__name"]
        verbose_name = _("rota invitation")
        verbose_name_plural = _("rota invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "organisation"],
                name="hubs_rota_once_per_session",
                violation_error_message=_("This organisation is already on the rota of this session."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["invited", "confirmed", "declined"]),
                name="hubs_rota_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} @ {self.session} ({self.get_status_display()})"

    @property
    def is_open(self):
        """Waiting for an answer."""
        return self.status == self.Status.INVITED

    def offer_labels(self):
        return offer_labels(self.offers)


# --- check-in: the visits of people to sessions -------------------------------------------


class Given(models.TextChoices):
    """What can be given to someone at a visit, counted. Each value is the name of the
    Visit field holding its count."""

    HOT_MEALS = "hot_meals", _("Hot meals")
    FOOD_PARCELS = "food_parcels", _("Food parcels")
    CLOTHES = "clothes", _("Clothes")
    DEVICE_OR_DATA = "device_or_data", _("Device or data")
    TRAVEL = "travel", _("Travel")


# The most of one thing given to one person at one visit: more is a typing slip.
MOST_GIVEN = 20


class VisitQuerySet(models.QuerySet):
    def registered(self):
        return self.filter(person__isnull=False)


class Visit(models.Model):
    """Someone checked in at a session: a registered person, or an anonymous headcount for
    someone who does not want to be registered (no person).

    ``client_id`` is the check-in's idempotency key, made by the volunteer's browser (so a
    check-in queued offline and sent twice is recorded once) or by the server for a plain
    form. ``request_digest`` fingerprints what that first check-in asked for: the same key with
    a different request is a conflict, never a second visit. A registered person is checked in
    once per session.

    ``first_visit`` is worked out at check-in: no earlier visit of this person (people belong to
    the hub's lead organisation, so this is their first visit to any of its hubs). After
    check-in the team records the needs raised, what was given and notes; signposting given at
    the visit is ``referrals.Signposting``.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(HubSession, on_delete=models.PROTECT, related_name="visits", verbose_name=_("session"))
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("person"),
    )
    anonymous = models.BooleanField(_("anonymous headcount"), default=False)
    client_id = models.UUIDField(_("check-in key"), unique=True, editable=False)
    request_digest = models.CharField(max_length=64, editable=False)
    checked_in_at = models.DateTimeField(_("checked in at"), default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    first_visit = models.BooleanField(_("first visit"), default=False)
    needs = models.ManyToManyField(
        "directory.TaxonomyTerm", related_name="visits", blank=True, verbose_name=_("needs raised")
    )
    hot_meals = models.PositiveSmallIntegerField(_("hot meals"), default=0)
    food_parcels = models.PositiveSmallIntegerField(_("food parcels"), default=0)
    clothes = models.PositiveSmallIntegerField(_("clothes"), default=0)
    device_or_data = models.PositiveSmallIntegerField(_("device or data"), default=0)
    travel = models.PositiveSmallIntegerField(_("travel"), default=0)
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["checked_in_at", "id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["session", "checked_in_at"], name="hubs_visit_session_time"),
            models.Index(fields=["person", "checked_in_at"], name="hubs_visit_person_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(person__isnull=False),
                name="hubs_visit_once_per_session",
                violation_error_message=_("This person is already checked in at this session."),
            ),
            models.CheckConstraint(
                condition=Q(anonymous=True, person__isnull=True) | Q(anonymous=False, person__isnull=False),
                name="hubs_visit_person_or_anonymous",
                violation_error_message=_("A visit is either of a registered person or an anonymous headcount."),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{given}__lte": MOST_GIVEN}),
                    name=f"hubs_visit_{given}_at_most",
                    violation_error_message=_("That is more than can be given to one person at one visit."),
                )
                for given in Given.values
            ],
        ]

    def __str__(self):
        who = self.person.display_name if self.person_id else _("anonymous")
        return f"{who} @ {self.session}"

    def given(self):
        """What was given, as {Given value: count} for the counts above nought."""
        return {given: getattr(self, given) for given in Given.values if getattr(self, given)}

    def given_labels(self):
        return [f"{Given(given).label}: {count}" for given, count in self.given().items()]


# --- after the session: the learning log ----------------------------------------------------


class LearningLog(models.Model):
    """The team's debrief after a session: what worked, what to change, issues to raise (and
    actions with owners, ``LearningAction``). One per session, written by the hub team; read
    by the team and by the network lead of a network the hub's area belongs to."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.OneToOneField(
        HubSession, on_delete=models.CASCADE, related_name="learning_log", verbose_name=_("session")
    )
    what_worked = models.TextField(_("what worked"), blank=True)
    what_to_change = models.TextField(_("what to change"), blank=True)
    issues_to_raise = models.TextField(_("issues to raise"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-session__date", "-session__starts_at"]
        verbose_name = _("learning log")
        verbose_name_plural = _("learning logs")

    def __str__(self):
        return f"{self.session}: {_('learning log')}"


class LearningAction(models.Model):
    """Something to do that came out of a debrief, with its owner (a member of the hub's lead
    organisation) and a due date. ``open`` → ``done`` (``learning.do_mark_action_done``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    log = models.ForeignKey(LearningLog, on_delete=models.CASCADE, related_name="actions", verbose_name=_("log"))
    description = models.CharField(_("what to do"), max_length=500)
    owner = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="learning_actions", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "due_on", "id"]
        verbose_name = _("learning log action")
        verbose_name_plural = _("learning log actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", done_at__isnull=True) | Q(status="done", done_at__isnull=False),
                name="hubs_learningaction_done_has_time",
                violation_error_message=_("An action is open, or done at a time."),
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def is_done(self):
        return self.status == self.Status.DONE

    def is_overdue(self, today=None):
        return not self.is_done and self.due_on < (today or timezone.localdate(timezone=LONDON))


# --- what visitors say: anonymous feedback -----------------------------------------------------


class Welcome(models.IntegerChoices):
    """How welcome a visitor felt, from 5 (very) to 1 (not at all)."""

    VERY = 5, _("Very welcome")
    QUITE = 4, _("Quite welcome")
    UNSURE = 3, _("Not sure")
    NOT_VERY = 2, _("Not very welcome")
    NOT_AT_ALL = 1, _("Not at all welcome")


class Loneliness(models.TextChoices):
    """The answers to the ONS question "How often do you feel lonely?" (domain.md)."""

    OFTEN_OR_ALWAYS = "often_or_always", _("Often or always")
    SOME_OF_THE_TIME = "some_of_the_time", _("Some of the time")
    OCCASIONALLY = "occasionally", _("Occasionally")
    HARDLY_EVER = "hardly_ever", _("Hardly ever")
    NEVER = "never", _("Never")


# The longest answer a visitor can write in one box.
FEEDBACK_TEXT_MAX = 1000


class VisitorFeedback(models.Model):
    """What a visitor said about a hub, anonymously, from the QR poster or a link: how welcome
    they felt, what helped, what is missing, and (if they chose to answer) how often they feel
    lonely. Nothing about who gave it is kept: not an account, not an address."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="visitor_feedback", verbose_name=_("hub"))
    welcome = models.PositiveSmallIntegerField(_("how welcome they felt"), choices=Welcome.choices)
    what_helped = models.CharField(_("what helped"), max_length=FEEDBACK_TEXT_MAX, blank=True)
    what_is_missing = models.CharField(_("what is missing"), max_length=FEEDBACK_TEXT_MAX, blank=True)
    loneliness = models.CharField(
        _("how often they feel lonely"), max_length=20, choices=Loneliness.choices, blank=True
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("visitor feedback")
        verbose_name_plural = _("visitor feedback")
        indexes = [models.Index(fields=["hub", "created_at"], name="hubs_feedback_hub_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(welcome__gte=1, welcome__lte=5),
                name="hubs_feedback_welcome_in_scale",
                violation_error_message=_("Choose how welcome you felt from the list."),
            ),
            models.CheckConstraint(
                condition=Q(loneliness__in=["", *Loneliness.values]),
                name="hubs_feedback_loneliness_valid",
                violation_error_message=_("Choose how often you feel lonely from the list."),
            ),
        ]

    def __str__(self):
        return f"{self.hub}: {self.get_welcome_display()}"


# --- the core minimum offer: thresholds as policy --------------------------------------------


class CoreOfferThreshold(PolicyRow):
    """Policy: on how many days a week a hub must offer a line of the core minimum offer (a
    welcoming point of contact, casework), from a date, with where the rule came from. The row
    in force for a week is the latest one whose ``valid_from`` is on or before its Monday.
    Edited by an administrator; seeded from the Step Change consortium's offer (domain.md)."""

    class Line(models.TextChoices):
        WELCOME = "welcome", _("Welcoming point of contact")
        CASEWORK = "casework", _("Casework")

    line = models.CharField(_("line of the offer"), max_length=20, choices=Line.choices)
    days_per_week = models.PositiveSmallIntegerField(_("days a week, at least"))

    class Meta:
        ordering = ["line", "-valid_from"]
        verbose_name = _("core offer threshold")
        verbose_name_plural = _("core offer thresholds")
        constraints = [
            models.UniqueConstraint(
                fields=["line", "valid_from"],
                name="hubs_threshold_once_per_line_and_date",
                violation_error_message=_("This line already has a threshold from this date."),
            ),
            models.CheckConstraint(
                condition=Q(days_per_week__gte=1, days_per_week__lte=7),
                name="hubs_threshold_days_in_week",
                violation_error_message=_("A week has from 1 to 7 days."),
            ),
            models.CheckConstraint(
                condition=Q(line__in=["welcome", "casework"]),
                name="hubs_threshold_line_valid",
                violation_error_message=_("Choose the line from the list."),
            ),
        ]

    def __str__(self):
        return f"{self.get_line_display()}: {self.days_per_week} ({self.valid_from:%Y-%m-%d})"
