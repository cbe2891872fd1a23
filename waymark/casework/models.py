"""Assessment, casework and safeguarding: what an organisation knows and does about a person it
supports.

- An **assessment** records a person's needs (each with its urgency) and vulnerability, with
  optional ONS loneliness and ONS4 wellbeing answers. Its risk level is derived by
  ``RiskRule`` rows (policy as data) and may be changed by the caseworker with a reason.
  Reassessments are new rows: the history is the person's assessments in date order.
- A **case** is owned by a caseworker and moves open → active → closed (with an outcome) →
  reopened → active …; it holds notes, actions (with owner and due date), a support plan of
  goals whose steps are actions, outcomes per need, immigration matters (with the OISC level
  each needs, from ``AdviceLevelRule`` rows) and attachments.
- A **safeguarding concern** is raised by anyone in the organisation, triaged by a safeguarding
  lead, escalated outward one ``Escalation`` at a time and closed only with an outcome. Leads are
  notified at once; an untriaged concern passes to the next lead after the time an
  ``EscalationRule`` row gives.

Everything that tells someone's story (notes, what was seen or said, reasons, indicators,
attachments) is encrypted. Reading goes through ``casework.access``; every change through the
area's actions module.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.accounts.models import NationalBody, Organisation
from waymark.lib.fields import EncryptedJSONField, EncryptedTextField
from waymark.lib.policy import PolicyRow
from waymark.people.models import Person

USER = settings.AUTH_USER_MODEL


class Urgency(models.TextChoices):
    """How soon a need or a concern must be acted on."""

    IMMEDIATE = "immediate", _("Immediate: today")
    SOON = "soon", _("Soon: this week")
    ROUTINE = "routine", _("Routine")


class RiskLevel(models.TextChoices):
    """An assessment's overall risk, lowest first (``RISK_ORDER`` compares them)."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


RISK_ORDER = {level: position for position, level in enumerate(RiskLevel.values)}


class VulnerabilityIndicator(models.TextChoices):
    """The indicators of the initial assessment (domain.md), in the order the form asks them."""

    PREGNANCY = "pregnancy", _("Pregnant or has a new baby")
    UNDER_18 = "under_18", _("Says they are under 18, or their age is disputed")
    DISABILITY = "disability", _("Disability or serious illness")
    MENTAL_HEALTH = "mental_health", _("Mental health needs")
    SUICIDE_RISK = "suicide_risk", _("Risk of suicide or self-harm")
    TORTURE = "torture", _("Survivor of torture")
    GENDER_BASED_VIOLENCE = "gender_based_violence", _("Survivor of gender-based violence")
    TRAFFICKING = "trafficking", _("Signs of trafficking or modern slavery")
    DOMESTIC_ABUSE = "domestic_abuse", _("Domestic abuse")
    LGBT = "lgbt", _("LGBT+")
    DESTITUTION = "destitution", _("Destitute, homeless or no recourse to public funds")
    LONE_WOMAN_OR_PARENT = "lone_woman_or_parent", _("Lone woman or lone parent")
    AGED_65_PLUS = "aged_65_plus", _("Aged 65 or over")
    LANGUAGE_OR_DIGITAL = "language_or_digital", _("Language barrier or digital exclusion")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    ISOLATION = "isolation", _("Isolated or lonely")


class Loneliness(models.TextChoices):
    """The ONS loneliness question: "How often do you feel lonely?"."""

    OFTEN = "often", _("Often or always")
    SOMETIMES = "sometimes", _("Some of the time")
    OCCASIONALLY = "occasionally", _("Occasionally")
    HARDLY_EVER = "hardly_ever", _("Hardly ever")
    NEVER = "never", _("Never")


def _score_field(label):
    return models.PositiveSmallIntegerField(label, null=True, blank=True, validators=[MaxValueValidator(10)])


class Assessment(models.Model):
    """One needs and vulnerability assessment of a person; a reassessment is a new row."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assessments")
    assessed_at = models.DateTimeField(_("assessed"), default=timezone.now)
    assessed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # VulnerabilityIndicator values: special-category data, so encrypted.
    indicators = EncryptedJSONField(_("vulnerability indicators"), default=list, blank=True)
    loneliness = models.CharField(
        _("How often do you feel lonely?"), max_length=20, choices=Loneliness.choices, blank=True
    )
    # ONS4, each 0–10 (anxiety: high is bad). Null: not asked or not answered.
    life_satisfaction = _score_field(_("Overall, how satisfied are you with your life nowadays?"))
    worthwhile = _score_field(_("Overall, to what extent do you feel the things you do in your life are worthwhile?"))
    happiness = _score_field(_("Overall, how happy did you feel yesterday?"))
    anxiety = _score_field(_("Overall, how anxious did you feel yesterday?"))
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    # The level the RiskRule rows in force give; kept so that the history shows what it was.
    derived_risk_level = models.CharField(_("risk level from the answers"), max_length=10, choices=RiskLevel.choices)
    # The caseworker's own judgement, when it differs, with their reason.
    risk_level_override = models.CharField(
        _("risk level set by the caseworker"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    override_reason = EncryptedTextField(_("reason for changing the risk level"), blank=True, default="")
    overridden_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    overridden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["organisation", "assessed_at"], name="casework_assess_org_date")]

    def __str__(self):
        return f"{self.person} {self.assessed_at:%Y-%m-%d}"

    @property
    def risk_level(self):
        """The level in force: the caseworker's, if they changed it, else the derived one."""
        return self.risk_level_override or self.derived_risk_level


class AssessmentNeed(models.Model):
    """A need raised at an assessment: a term of the needs taxonomy (by slug), with urgency."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="needs")
    need = models.SlugField(_("need"), max_length=100)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)

    class Meta:
        ordering = ["assessment", "need"]
        verbose_name = _("assessed need")
        verbose_name_plural = _("assessed needs")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "need"], name="casework_assessment_need_once"),
        ]

    def __str__(self):
        return self.need


class RiskRule(PolicyRow):
    """Policy: an answer that raises an assessment's risk to at least ``level``.

    ``kind`` says what is tested: an ``indicator`` (ticked), ``immediate_needs`` (at least
    ``threshold`` needs of immediate urgency), ``loneliness_often`` (the ONS answer "often or
    always"), ``low_wellbeing`` (life satisfaction at or below ``threshold``) or ``high_anxiety``
    (anxiety at or above ``threshold``). The derived level is the highest level of the rules in
    force on the assessment's date that match (low when none). Rows are dated: a rule in force
    is the latest row for its (kind, indicator) whose ``valid_from`` is on or before that date.
    """

    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("A vulnerability indicator is ticked")
        IMMEDIATE_NEEDS = "immediate_needs", _("At least this many needs are immediate")
        LONELINESS_OFTEN = "loneliness_often", _("Feels lonely often or always")
        LOW_WELLBEING = "low_wellbeing", _("Life satisfaction at or below this score")
        HIGH_ANXIETY = "high_anxiety", _("Anxiety at or above this score")

    kind = models.CharField(_("when"), max_length=20, choices=Kind.choices)
    indicator = models.CharField(_("indicator"), max_length=30, choices=VulnerabilityIndicator.choices, blank=True)
    threshold = models.PositiveSmallIntegerField(_("threshold"), null=True, blank=True)
    level = models.CharField(_("risk level at least"), max_length=10, choices=RiskLevel.choices)

    class Meta:
        ordering = ["kind", "indicator", "-valid_from"]
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "indicator", "valid_from"],
                name="casework_risk_rule_once_per_date",
                violation_error_message=_("This rule already has a row from this date."),
            ),
            models.CheckConstraint(
                condition=Q(kind="indicator", indicator__gt="") | (~Q(kind="indicator") & Q(indicator="")),
                name="casework_risk_rule_indicator_only_for_indicator",
                violation_error_message=_("Choose an indicator for an indicator rule, and only then."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.indicator or self.threshold or ''} → {self.level}"


class Case(models.Model):
    """A piece of casework for a person, owned by a caseworker of the organisation."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        PARTLY_RESOLVED = "partly_resolved", _("Partly resolved")
        NOT_RESOLVED = "not_resolved", _("Not resolved")
        REFERRED_ON = "referred_on", _("Referred on")
        LOST_CONTACT = "lost_contact", _("Lost contact")
        WITHDRAWN = "withdrawn", _("They no longer want support")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cases")
    # A short label that says what the case is about, without the story ("Move-on support").
    title = models.CharField(_("what the case is about"), max_length=120)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="owned_cases", verbose_name=_("caseworker"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    closing_note = EncryptedTextField(_("closing note"), blank=True, default="")
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopen_reason = EncryptedTextField(_("why it was reopened"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["organisation", "status"], name="casework_case_org_status"),
            models.Index(fields=["owner", "status"], name="casework_case_owner_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""),
                name="casework_case_closed_has_outcome",
                violation_error_message=_("A closed case needs an outcome."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED


class CaseNote(models.Model):
    """A note on a case. The text is encrypted."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Contact in person")
        PHONE = "phone", _("Phone call")
        HOME_VISIT = "home_visit", _("Home visit")
        ADVICE = "advice", _("Advice")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CONTACT)
    text = EncryptedTextField(_("note"))
    happened_on = models.DateField(_("date"), default=timezone.localdate)
    written_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    # Set when a note is added again through the API with the same client id (an offline resend).
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-happened_on", "-written_at", "-id"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self):
        return f"{self.get_kind_display()} {self.happened_on}"


class PlanGoal(models.Model):
    """A goal of a case's support plan, usually about one need; its steps are ``CaseAction`` rows."""

    class Status(models.TextChoices):
        WORKING_ON = "working_on", _("Working on it")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("No longer a goal")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    need = models.SlugField(_("need"), max_length=100, blank=True)
    description = EncryptedTextField(_("goal"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.WORKING_ON)
    position = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "position", "id"]
        verbose_name = _("support plan goal")
        verbose_name_plural = _("support plan goals")

    def __str__(self):
        return self.need or str(self.uuid)


class CaseAction(models.Model):
    """Something to do on a case, by an owner, by a due date; a step of a goal when ``goal`` is set."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(PlanGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="steps")
    description = EncryptedTextField(_("what to do"))
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="case_actions", verbose_name=_("who"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        verbose_name = _("case action")
        verbose_name_plural = _("case actions")
        indexes = [models.Index(fields=["owner", "done_at", "due_on"], name="casework_action_owner_due")]

    def __str__(self):
        return str(self.uuid)

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.done_at is None and self.due_on is not None and self.due_on < today


class NeedOutcome(models.Model):
    """What became of one need on a case."""

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        PARTLY = "partly", _("Partly resolved")
        NOT_RESOLVED = "not_resolved", _("Not resolved")
        REFERRED_ON = "referred_on", _("Referred on")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="need_outcomes")
    need = models.SlugField(_("need"), max_length=100)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = EncryptedTextField(_("note"), blank=True, default="")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "need", "-recorded_at"]
        verbose_name = _("outcome for a need")
        verbose_name_plural = _("outcomes for needs")

    def __str__(self):
        return f"{self.need}: {self.outcome}"


class MatterKind(models.TextChoices):
    """Kinds of immigration matter: "relevant matters" whose advice is regulated (domain.md)."""

    ASYLUM_CLAIM = "asylum_claim", _("Asylum claim")
    FURTHER_SUBMISSIONS = "further_submissions", _("Fresh claim or further submissions")
    APPEAL = "appeal", _("Appeal")
    BAIL = "bail", _("Immigration bail")
    REMOVAL = "removal", _("Removal or deportation")
    FAMILY_REUNION = "family_reunion", _("Refugee family reunion")
    SETTLEMENT = "settlement", _("Settlement or extension of leave")
    EVISA = "evisa", _("eVisa and status documents")
    CITIZENSHIP = "citizenship", _("Citizenship")
    OTHER = "other", _("Other immigration matter")


class AdviceLevelRule(PolicyRow):
    """Policy: the OISC level (1–3) advice on a kind of immigration matter needs, from a date."""

    kind = models.CharField(_("kind of matter"), max_length=30, choices=MatterKind.choices)
    oisc_level = models.PositiveSmallIntegerField(_("OISC level"), choices=[(1, "1"), (2, "2"), (3, "3")])

    class Meta:
        ordering = ["kind", "-valid_from"]
        verbose_name = _("advice level rule")
        verbose_name_plural = _("advice level rules")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "valid_from"],
                name="casework_advice_level_once_per_date",
                violation_error_message=_("This kind of matter already has a level from this date."),
            ),
            models.CheckConstraint(
                condition=Q(oisc_level__gte=1, oisc_level__lte=3),
                name="casework_advice_level_1_to_3",
                violation_error_message=_("OISC levels are 1, 2 and 3."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.oisc_level}"


class ImmigrationMatter(models.Model):
    """An immigration matter on a case, the OISC level advice on it needs, and its outcome.

    Only a member recorded as a regulated adviser whose level (or legal regulator) covers the
    matter may record "immigration advice given"; anyone else records "signposted to regulated
    advice".
    """

    class Outcome(models.TextChoices):
        ADVICE_GIVEN = "advice_given", _("Immigration advice given")
        SIGNPOSTED = "signposted", _("Signposted to regulated advice")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="immigration_matters")
    kind = models.CharField(_("kind of matter"), max_length=30, choices=MatterKind.choices)
    required_level = models.PositiveSmallIntegerField(_("OISC level needed"), choices=[(1, "1"), (2, "2"), (3, "3")])
    # Set when the level was changed from the policy's default, with the reason.
    level_change_reason = EncryptedTextField(_("why the level was changed"), blank=True, default="")
    level_changed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    # The adviser's regulator and level when they recorded the outcome, as evidence.
    outcome_regulator = models.CharField(max_length=10, blank=True, editable=False)
    outcome_oisc_level = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    outcome_recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "created_at", "id"]
        verbose_name = _("immigration matter")
        verbose_name_plural = _("immigration matters")

    def __str__(self):
        return self.get_kind_display()


class Attachment(models.Model):
    """A file on a case (a letter, a decision notice), encrypted.

    Stored in the database (``data``, the encrypted bytes) unless the storage setting moves
    attachments to object storage, where ``storage_key`` names the encrypted object. The file
    name is encrypted too: it often carries a name or a Home Office reference.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    title = EncryptedTextField(_("what it is"), blank=True, default="")
    filename = EncryptedTextField(_("file name"))
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    data = models.BinaryField(null=True, blank=True, editable=False)
    storage_key = models.CharField(max_length=200, blank=True, editable=False)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "-uploaded_at", "-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return str(self.uuid)


class ConcernCategory(models.TextChoices):
    """Kinds of safeguarding concern: the Care Act 2014 s.42 categories, then the rest."""

    PHYSICAL = "physical", _("Physical abuse")
    DOMESTIC = "domestic", _("Domestic abuse")
    SEXUAL = "sexual", _("Sexual abuse")
    PSYCHOLOGICAL = "psychological", _("Psychological or emotional abuse")
    FINANCIAL = "financial", _("Financial or material abuse")
    MODERN_SLAVERY = "modern_slavery", _("Modern slavery or trafficking")
    DISCRIMINATORY = "discriminatory", _("Discriminatory abuse")
    ORGANISATIONAL = "organisational", _("Organisational abuse")
    NEGLECT = "neglect", _("Neglect or acts of omission")
    SELF_NEGLECT = "self_neglect", _("Self-neglect")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    SUICIDE_SELF_HARM = "suicide_self_harm", _("Suicide or self-harm risk")
    OTHER = "other", _("Other")


class SafeguardingConcern(models.Model):
    """A safeguarding concern about a person (registered or not) and its handling.

    raised → triaged → closed (with an outcome). Escalations (``Escalation``) are recorded one
    by one while it is open. Seen only by the organisation's safeguarding leads and whoever
    raised it.
    """

    class Status(models.TextChoices):
        RAISED = "raised", _("Raised, waiting for triage")
        TRIAGED = "triaged", _("Triaged")
        CLOSED = "closed", _("Closed")

    class Decision(models.TextChoices):
        ACT = "act", _("Act now: escalate or make a plan")
        MONITOR = "monitor", _("Monitor")
        NO_FURTHER_ACTION = "no_further_action", _("No further action")

    class Outcome(models.TextChoices):
        PERSON_SAFE = "person_safe", _("Risk reduced: the person is safe")
        HANDED_TO_STATUTORY = "handed_to_statutory", _("Handed to a statutory body")
        NRM_REFERRAL = "nrm_referral", _("NRM referral made")
        NO_FURTHER_ACTION = "no_further_action", _("No further action needed")
        LOST_CONTACT = "lost_contact", _("Lost contact with the person")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        RAISED = "raised", _("Raised by hand")
        ASSESSMENT = "assessment", _("Prompted by an assessment answer")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # Null when the person is not registered: then ``about`` describes who it is.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="safeguarding_concerns"
    )
    about = EncryptedTextField(_("who it is about, if they are not registered"), blank=True, default="")
    category = models.CharField(_("kind of concern"), max_length=30, choices=ConcernCategory.choices)
    what_happened = EncryptedTextField(_("what was seen or said"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.RAISED, editable=False)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="concerns", editable=False
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RAISED)
    raised_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    # The lead it is with now: notified when raised, changed when it passes to the next lead.
    current_lead = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    lead_notified_at = models.DateTimeField(null=True, blank=True)
    times_passed_on = models.PositiveSmallIntegerField(default=0)
    triaged_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_reason = EncryptedTextField(_("reason for the decision"), blank=True, default="")
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    outcome_note = EncryptedTextField(_("about the outcome"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("safeguarding concern")
        verbose_name_plural = _("safeguarding concerns")
        indexes = [models.Index(fields=["organisation", "status"], name="casework_concern_org_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""),
                name="casework_concern_closed_has_outcome",
                violation_error_message=_("A concern cannot be closed without an outcome."),
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.raised_at:%Y-%m-%d}"

    @property
    def is_open(self):
        return self.status != self.Status.CLOSED


class Escalation(models.Model):
    """One escalation of a concern outward, with consent or the lawful reason for going without.

    An NRM referral the organisation made itself (``to`` = ``nrm_referral``) can be recorded
    only by a First Responder organisation (``Organisation.is_nrm_first_responder``); others
    record ``first_responder``, the First Responder they passed it to (``national_body``).
    """

    class To(models.TextChoices):
        COUNCIL_ADULTS = "council_adults", _("The council: adult social care")
        COUNCIL_CHILDREN = "council_children", _("The council: children's services or MASH")
        POLICE = "police", _("The police")
        NRM_REFERRAL = "nrm_referral", _("NRM referral made by us, as a First Responder")
        FIRST_RESPONDER = "first_responder", _("Passed to an NRM First Responder")
        ACCOMMODATION_PROVIDER = "accommodation_provider", _("The accommodation provider")
        MIGRANT_HELP = "migrant_help", _("Migrant Help")
        HOME_OFFICE_SAFEGUARDING = "home_office_safeguarding", _("The Home Office safeguarding hub")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    concern = models.ForeignKey(SafeguardingConcern, on_delete=models.CASCADE, related_name="escalations")
    to = models.CharField(_("escalated to"), max_length=30, choices=To.choices)
    national_body = models.ForeignKey(
        NationalBody, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("which body")
    )
    to_detail = models.CharField(_("name of the team or person"), max_length=200, blank=True)
    their_reference = models.CharField(_("their reference"), max_length=100, blank=True)
    with_consent = models.BooleanField(_("the person consented"))
    # Required when without consent (the action refuses it otherwise): why sharing without it is lawful.
    no_consent_reason = EncryptedTextField(_("lawful reason for sharing without consent"), blank=True, default="")
    note = EncryptedTextField(_("note"), blank=True, default="")
    made_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["concern", "made_at", "id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self):
        return self.get_to_display()


class EscalationRule(PolicyRow):
    """Policy: how long a concern of an urgency may wait untriaged before it passes to the next
    safeguarding lead, from a date."""

    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    minutes = models.PositiveIntegerField(_("minutes before it passes to the next lead"))

    class Meta:
        ordering = ["urgency", "-valid_from"]
        verbose_name = _("safeguarding escalation rule")
        verbose_name_plural = _("safeguarding escalation rules")
        constraints = [
            models.UniqueConstraint(
                fields=["urgency", "valid_from"],
                name="casework_escalation_rule_once_per_date",
                violation_error_message=_("This urgency already has a rule from this date."),
            ),
        ]

    def __str__(self):
        return f"{self.get_urgency_display()}: {self.minutes} min"
