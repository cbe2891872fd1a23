"""Who works in Waymark: users, the organisations they act for, networks, and their roles.

A user holds memberships of organisations, each with a *set* of roles, and acts for one
organisation at a time. Network-wide work (editing the directory, leading a network, a
council's view of its area) is a platform role held per network or area. Administrator is
Django's superuser flag: global, and it opens the admin site.
"""

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.places.models import Area


class Role(models.TextChoices):
    """Roles a member holds in an organisation."""

    VOLUNTEER = "volunteer", _("Volunteer")
    CASEWORKER = "caseworker", _("Caseworker")
    SAFEGUARDING_LEAD = "safeguarding_lead", _("Safeguarding lead")
    COORDINATOR = "coordinator", _("Coordinator")
    ORGANISATION_ADMIN = "organisation_admin", _("Organisation admin")


# Roles that can read case notes, assessments or safeguarding records, so need MFA.
ROLES_NEEDING_MFA = frozenset({Role.CASEWORKER, Role.SAFEGUARDING_LEAD, Role.COORDINATOR, Role.ORGANISATION_ADMIN})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in to Waymark: staff or volunteers of an organisation, editors, admins.

    People who are supported are never users: they are `people.Person` records.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Stored lower-cased (see save), so a plain unique index is case-insensitive in effect.
    email = models.EmailField(
        _("e-mail address"),
        max_length=254,
        unique=True,
        error_messages={"unique": _("A user with this e-mail address already exists.")},
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(_("preferred language"), max_length=10, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    # Can open the admin site. Administrators (is_superuser) also have this.
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_administrator(self):
        return self.is_superuser

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email


class Network(models.Model):
    """A group of areas and organisations working together, e.g. "Greater Manchester"."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    areas = models.ManyToManyField(Area, related_name="networks", blank=True, verbose_name=_("areas"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self):
        return self.name


class Organisation(models.Model):
    """A member organisation of a network that uses Waymark."""

    class Kind(models.TextChoices):
        VOLUNTARY_GROUP = "voluntary_group", _("Voluntary group")
        CHARITY = "charity", _("Charity")
        FAITH_GROUP = "faith_group", _("Faith group")
        COMMUNITY_ASSOCIATION = "community_association", _("Community association")
        NATIONAL_CHARITY = "national_charity", _("National charity")
        LEGAL_PRACTICE = "legal_practice", _("Legal practice")
        HEALTH = "health", _("Health")
        LOCAL_AUTHORITY = "local_authority", _("Local authority")
        ACCOMMODATION_PROVIDER = "accommodation_provider", _("Accommodation provider")
        OTHER = "other", _("Other")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.CHARITY)
    charity_number = models.CharField(_("charity number"), max_length=20, blank=True)
    company_number = models.CharField(_("company number"), max_length=20, blank=True)
    areas = models.ManyToManyField(Area, related_name="organisations", blank=True, verbose_name=_("areas it works in"))
    networks = models.ManyToManyField(Network, related_name="organisations", blank=True, verbose_name=_("networks"))
    require_mfa_for_volunteers = models.BooleanField(
        _("volunteers must use two-factor authentication"),
        default=True,
        help_text=_("Staff roles always need it; this extends it to volunteers."),
    )
    # Policy as data (who is a First Responder): only a First Responder organisation can make an
    # NRM referral itself; others pass trafficking concerns to one. Set by an administrator.
    is_nrm_first_responder = models.BooleanField(
        _("NRM First Responder"),
        default=False,
        help_text=_("A First Responder organisation can refer people to the National Referral Mechanism itself."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


def ordered_roles(roles):
    """The given role values without repeats, in the order of ``Role`` (as forms list them)."""
    wanted = set(roles)
    return [role for role in Role.values if role in wanted]


def validate_roles(value):
    if not isinstance(value, list) or any(role not in Role.values for role in value):
        raise ValidationError(_("Choose roles from the list."), code="invalid_roles")
    if len(set(value)) != len(value):
        raise ValidationError(_("Each role may be given once."), code="duplicate_roles")


class ImmigrationRegulator(models.TextChoices):
    """Who regulates an immigration adviser: the OISC, or a legal regulator. Giving immigration
    advice without one is a criminal offence. Used for advisers here and for services on the map."""

    OISC = "oisc", _("OISC")
    SRA = "sra", _("Solicitors Regulation Authority")
    BSB = "bsb", _("Bar Standards Board")
    CILEX = "cilex", _("CILEx Regulation")


class Membership(models.Model):
    """A user's place in an organisation, with the set of roles they hold there."""

    Regulator = ImmigrationRegulator

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    # A list of Role values; small enough to check in Python, and the same on both databases.
    roles = models.JSONField(_("roles"), default=list, blank=True, validators=[validate_roles])
    # Giving immigration advice is regulated (OISC levels 1–3, or a legal regulator).
    adviser_regulator = models.CharField(
        _("immigration adviser regulator"), max_length=10, choices=Regulator.choices, blank=True
    )
    adviser_oisc_level = models.PositiveSmallIntegerField(
        _("OISC level"), null=True, blank=True, choices=[(1, "1"), (2, "2"), (3, "3")]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="accounts_membership_one_per_organisation",
                violation_error_message=_("This person is already a member of the organisation."),
            ),
            models.CheckConstraint(
                condition=Q(adviser_oisc_level__isnull=True) | Q(adviser_regulator="oisc"),
                name="accounts_membership_oisc_level_needs_oisc",
                violation_error_message=_("An OISC level needs the OISC as regulator."),
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"

    def has_role(self, *roles):
        """True if the member holds any of the given roles."""
        return any(role in self.roles for role in roles)

    def role_labels(self):
        return [Role(role).label for role in self.roles if role in Role.values]

    @property
    def needs_mfa(self):
        if any(role in ROLES_NEEDING_MFA for role in self.roles):
            return True
        return Role.VOLUNTEER in self.roles and self.organisation.require_mfa_for_volunteers


class PlatformRole(models.Model):
    """A role held across a network (directory editor, network lead) or an area (council officer)."""

    class Kind(models.TextChoices):
        DIRECTORY_EDITOR = "directory_editor", _("Directory editor")
        NETWORK_LEAD = "network_lead", _("Network lead")
        COUNCIL_OFFICER = "council_officer", _("Council officer")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="platform_roles")
    kind = models.CharField(_("role"), max_length=30, choices=Kind.choices)
    network = models.ForeignKey(Network, on_delete=models.CASCADE, null=True, blank=True, related_name="platform_roles")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, blank=True, related_name="platform_roles")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__email", "kind"]
        verbose_name = _("platform role")
        verbose_name_plural = _("platform roles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["directory_editor", "network_lead"], network__isnull=False, area__isnull=True)
                    | Q(kind="council_officer", area__isnull=False, network__isnull=True)
                ),
                name="accounts_platformrole_scope",
                violation_error_message=_(
                    "Directory editors and network leads are given a network; council officers an area."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "network", "area"],
                name="accounts_platformrole_unique",
                violation_error_message=_("This user already holds this role here."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.network or self.area}"

    @property
    def scope(self):
        return self.network or self.area


class Invitation(models.Model):
    """An organisation admin's invitation for someone to join the organisation.

    The e-mailed link carries the invitation's id signed with SECRET_KEY and a timestamp, so
    no token is stored and a link expires by itself.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    roles = models.JSONField(_("roles"), default=list, validators=[validate_roles])
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self):
        return self.accepted_at is None and self.cancelled_at is None

    @property
    def expires_at(self):
        return self.created_at + INVITATION_VALID_FOR

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at

    @property
    def is_pending(self):
        """Open and not yet expired: the link in the e-mail still works."""
        return self.is_open and not self.is_expired

    def role_labels(self):
        return [Role(role).label for role in self.roles if role in Role.values]

    def inviter_is_still_admin(self):
        """True while whoever sent the invitation still administers its organisation.

        An admin who is removed or steps down must not get back in through an invitation they
        sent beforehand (to an address of their own, say), so their invitations stop working.
        """
        membership = Membership.objects.filter(organisation_id=self.organisation_id, user_id=self.invited_by_id).first()
        if membership is not None and membership.has_role(Role.ORGANISATION_ADMIN):
            return True
        # An organisation that joined through "add your organisation" gets its first admin
        # from the directory editor who approved it (or an administrator): their invitation
        # holds while they still edit for one of the organisation's networks.
        return (
            self.invited_by.is_superuser
            or PlatformRole.objects.filter(
                user_id=self.invited_by_id,
                kind=PlatformRole.Kind.DIRECTORY_EDITOR,
                network__organisations=self.organisation_id,
            ).exists()
        )

    def link_token(self):
        """The token for the e-mailed link: this invitation's uuid, signed and timestamped."""
        return _invitation_signer().sign(str(self.uuid))


# An invitation link works for a week; after that the admin sends a new one.
INVITATION_VALID_FOR = timedelta(days=7)


def _invitation_signer():
    # A salt of its own, so that no other signed value in Waymark can pass as an invitation.
    return signing.TimestampSigner(salt="waymark.accounts.invitation")


def invitation_uuid_from_token(token):
    """The invitation uuid a link token carries.

    Raises ``signing.SignatureExpired`` when the link is older than a week, and
    ``signing.BadSignature`` when it was not made by Waymark.
    """
    value = _invitation_signer().unsign(token, max_age=INVITATION_VALID_FOR)
    return uuid.UUID(value)


TOKEN_PREFIX = "wmk_"  # noqa: S105 (a marker, not a secret)


def hash_token(token: str) -> str:
    # Tokens are long random strings, so a fast hash is enough: there is nothing to guess.
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token for another system, bound to one membership. Only a hash is stored."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    # The first characters of the token, so that its owner can tell tokens apart.
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(_("read only"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.membership})"

    @staticmethod
    def new_secret():
        return TOKEN_PREFIX + secrets.token_urlsafe(32)


class NationalBody(models.Model):
    """A real statutory or national body people are referred or escalated to.

    Migrant Help, the asylum accommodation providers, NRM First Responder organisations:
    reference data, edited by administrators, with where each fact came from.
    """

    class Kind(models.TextChoices):
        ASYLUM_HELPLINE = "asylum_helpline", _("Asylum support helpline")
        ACCOMMODATION_PROVIDER = "accommodation_provider", _("Asylum accommodation provider")
        FIRST_RESPONDER = "first_responder", _("NRM First Responder organisation")
        HELPLINE = "helpline", _("Helpline")
        STATUTORY = "statutory", _("Statutory body")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    is_nrm_first_responder = models.BooleanField(_("NRM First Responder"), default=False)
    regions = models.TextField(_("regions covered"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    checked_on = models.DateField(_("last checked"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("national body")
        verbose_name_plural = _("national bodies")

    def __str__(self):
        return self.name
