"""Changes to the parts of a case beyond notes and actions: the support plan (goals and their
steps), outcomes per need, immigration matters (with the regulated-advice rule) and attachments.

Every function is the one way to make its change: one transaction, one audit event (ids, slugs,
levels and field names only, never a goal's text, a reason or a file name), and a clear
ValidationError when a rule refuses.

The regulated-advice rule: giving immigration advice is regulated (domain.md). Only a member
recorded as a regulated adviser for the case's organisation whose level covers the matter may
record "immigration advice given": an OISC adviser at or above the level the matter needs, or
a member regulated by a legal regulator (SRA, BSB, CILEx), which covers every level. Everyone
else records "signposted to regulated advice".
"""

import io
import secrets
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from waymark.accounts.models import ImmigrationRegulator, Membership
from waymark.audit.events import record_event
from waymark.casework.access import CASE_ROLES
from waymark.casework.models import (
    AdviceLevelRule,
    Attachment,
    CaseAction,
    ImmigrationMatter,
    MatterKind,
    NeedOutcome,
    PlanGoal,
)
from waymark.directory.models import NEEDS_TAXONOMY_NAME, TaxonomyTerm
from waymark.lib.crypto import decrypt_bytes, encrypt_bytes

# Legal regulators authorise their members for immigration work at every level.
LEGAL_REGULATORS = (ImmigrationRegulator.SRA, ImmigrationRegulator.BSB, ImmigrationRegulator.CILEX)
# With no advice level rule in force for a kind of matter, assume the highest level: better that
# a level-1 adviser signposts than that they give advice beyond their competence.
LEVEL_WITHOUT_RULE = 3
DATABASE_STORAGE = "database"
MAX_TEXT = 5000


def _text(value, field, message, *, required=True):
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message}, code="required")
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("Keep it under %(count)d characters.") % {"count": MAX_TEXT}}, code="too_long")
    return value


def need_slugs():
    """The slugs of the needs taxonomy's terms (what a goal or an outcome may be about)."""
    return set(
        TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME).exclude(slug="").values_list("slug", flat=True)
    )


def _check_need(need, field="need", *, required=True):
    if not need:
        if required:
            raise ValidationError({field: _("Choose the need.")}, code="required")
        return ""
    if need not in need_slugs():
        raise ValidationError({field: _("Choose a need from the list.")}, code="invalid_need")
    return need


def _event(action, *, acting_user, case, obj, **details):
    record_event(
        action,
        actor=acting_user,
        organisation=case.organisation,
        obj=obj,
        details={"case": str(case.uuid), "person": str(case.person.uuid), **details},
    )


def _check_not_closed(case, doing):
    """A closed case's plan, matters and files stay as they were (outcomes may still be recorded,
    and files deleted): reopen it to change them."""
    if case.is_closed:
        raise ValidationError(
            _("This case is closed: reopen it before you %(doing)s.") % {"doing": doing}, code="case_closed"
        )


# The support plan


@transaction.atomic
def do_add_goal(case, *, acting_user, description, need=""):
    """Add a goal at the end of the case's support plan."""
    _check_not_closed(case, _("add a goal"))
    description = _text(description, "description", _("Say what the goal is."))
    need = _check_need(need, required=False)
    last = case.goals.aggregate(last=Max("position"))["last"]
    goal = PlanGoal.objects.create(
        case=case,
        need=need,
        description=description,
        position=0 if last is None else last + 1,
        created_by=acting_user,
    )
    _event("plan_goal.added", acting_user=acting_user, case=case, obj=goal, need=need)
    return goal


@transaction.atomic
def do_update_goal(goal, *, acting_user, description, need="", status=None):
    """Change a goal's text, need and (optionally) status. Returns the names of what changed."""
    _check_not_closed(goal.case, _("change a goal"))
    description = _text(description, "description", _("Say what the goal is."))
    need = _check_need(need, required=False)
    status = status or goal.status
    if status not in PlanGoal.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")}, code="invalid_status")
    values = {"description": description, "need": need, "status": status}
    changed = [field for field, value in values.items() if getattr(goal, field) != value]
    if changed:
        for field in changed:
            setattr(goal, field, values[field])
        goal.save(update_fields=[*changed, "updated_at"])
        _event("plan_goal.changed", acting_user=acting_user, case=goal.case, obj=goal, fields=changed)
    return changed


@transaction.atomic
def do_set_goal_status(goal, *, acting_user, status):
    """Mark a goal as being worked on, achieved or dropped."""
    _check_not_closed(goal.case, _("change a goal"))
    if status not in PlanGoal.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")}, code="invalid_status")
    if goal.status == status:
        return goal
    previous = goal.status
    goal.status = status
    goal.save(update_fields=["status", "updated_at"])
    _event(
        "plan_goal.status_changed", acting_user=acting_user, case=goal.case, obj=goal, previous=previous, status=status
    )
    return goal


@transaction.atomic
def do_move_goal(goal, *, acting_user, direction):
    """Move a goal one place up or down the plan (swapping with its neighbour)."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Choose up or down."), code="invalid_direction")
    case = goal.case
    _check_not_closed(case, _("change the plan"))
    # Renumber under a lock first, so that equal positions (or gaps) cannot make a move do nothing.
    goals = list(PlanGoal.objects.select_for_update().filter(case=case).order_by("position", "id"))
    index = next(index for index, each in enumerate(goals) if each.pk == goal.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(goals):
        return goal
    goals[index], goals[other] = goals[other], goals[index]
    for position, each in enumerate(goals):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position", "updated_at"])
    _event("plan_goal.moved", acting_user=acting_user, case=case, obj=goal, direction=direction)
    return goal


def case_workers(organisation):
    """The members of ``organisation`` who hold a case role: who may own a step, by name."""
    memberships = Membership.objects.filter(organisation=organisation).select_related("user").order_by("user__email")
    return [membership.user for membership in memberships if membership.has_role(*CASE_ROLES)]


@transaction.atomic
def do_add_step(goal, *, acting_user, description, owner, due_on=None):
    """Add a step to a goal: a case action owned by a caseworker of the case's organisation."""
    case = goal.case
    _check_not_closed(case, _("add a step"))
    description = _text(description, "description", _("Say what is to be done."))
    if owner is None or owner.pk not in {user.pk for user in case_workers(case.organisation)}:
        raise ValidationError(
            {"owner": _("Choose someone in your organisation who does casework.")}, code="invalid_owner"
        )
    step = CaseAction.objects.create(
        case=case, goal=goal, description=description, owner=owner, due_on=due_on, created_by=acting_user
    )
    _event("plan_step.added", acting_user=acting_user, case=case, obj=step, goal=str(goal.uuid))
    return step


# Outcomes per need


@transaction.atomic
def do_record_need_outcome(case, *, acting_user, need, outcome, note=""):
    """Record what became of a need on the case; the latest record for a need is its outcome."""
    need = _check_need(need)
    if outcome not in NeedOutcome.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome from the list.")}, code="invalid_outcome")
    note = _text(note, "note", "", required=False)
    record = NeedOutcome.objects.create(
        case=case, need=need, outcome=outcome, note=note, recorded_by=acting_user, recorded_at=timezone.now()
    )
    _event("need_outcome.recorded", acting_user=acting_user, case=case, obj=record, need=need, outcome=outcome)
    return record


def latest_need_outcomes(case):
    """The latest outcome recorded for each need of the case, in need order."""
    latest = {}
    for record in case.need_outcomes.select_related("recorded_by").order_by("need", "-recorded_at", "-id"):
        latest.setdefault(record.need, record)
    return list(latest.values())


# Immigration matters


def default_level(kind, on=None):
    """The OISC level a kind of matter needs by the rule in force on ``on`` (today): the latest
    row whose ``valid_from`` is on or before it."""
    on = on or timezone.localdate()
    rule = AdviceLevelRule.objects.filter(kind=kind, valid_from__lte=on).order_by("-valid_from").first()
    return rule.oisc_level if rule is not None else LEVEL_WITHOUT_RULE


def membership_for(user, organisation):
    return Membership.objects.filter(user=user, organisation=organisation).first()


def may_give_advice(membership, required_level):
    """True if the membership is recorded as a regulated adviser whose level covers
    ``required_level``: an OISC level at or above it, or a legal regulator (every level)."""
    if membership is None:
        return False
    if membership.adviser_regulator in LEGAL_REGULATORS:
        return True
    return (
        membership.adviser_regulator == ImmigrationRegulator.OISC
        and membership.adviser_oisc_level is not None
        and membership.adviser_oisc_level >= required_level
    )


def outcomes_allowed(membership, matter):
    """The outcomes ``membership`` may record on ``matter``, as (value, label) choices."""
    allowed = [ImmigrationMatter.Outcome.SIGNPOSTED]
    if may_give_advice(membership, matter.required_level):
        allowed.insert(0, ImmigrationMatter.Outcome.ADVICE_GIVEN)
    return [(outcome.value, outcome.label) for outcome in allowed]


@transaction.atomic
def do_add_matter(case, *, acting_user, kind):
    """Add an immigration matter of ``kind``; the level it needs comes from the rule in force today."""
    _check_not_closed(case, _("add an immigration matter"))
    if kind not in MatterKind.values:
        raise ValidationError({"kind": _("Choose a kind of matter from the list.")}, code="invalid_kind")
    matter = ImmigrationMatter.objects.create(
        case=case, kind=kind, required_level=default_level(kind), created_by=acting_user
    )
    _event(
        "immigration_matter.added",
        acting_user=acting_user,
        case=case,
        obj=matter,
        kind=kind,
        required_level=matter.required_level,
    )
    return matter


@transaction.atomic
def do_change_matter_level(matter, *, acting_user, level, reason):
    """Change the OISC level a matter needs, with the reason (required, kept encrypted)."""
    if level not in (1, 2, 3):
        raise ValidationError({"level": _("OISC levels are 1, 2 and 3.")}, code="invalid_level")
    reason = _text(reason, "reason", _("Say why the matter needs a different level."))
    matter = ImmigrationMatter.objects.select_for_update().select_related("case__organisation").get(pk=matter.pk)
    _check_not_closed(matter.case, _("change the level a matter needs"))
    if level == matter.required_level:
        raise ValidationError({"level": _("The matter already needs this level.")}, code="unchanged")
    previous = matter.required_level
    matter.required_level = level
    matter.level_change_reason = reason
    matter.level_changed_by = acting_user
    matter.save(update_fields=["required_level", "level_change_reason", "level_changed_by", "updated_at"])
    _event(
        "immigration_matter.level_changed",
        acting_user=acting_user,
        case=matter.case,
        obj=matter,
        previous=previous,
        required_level=level,
    )
    return matter


@transaction.atomic
def do_record_matter_outcome(matter, *, acting_user, outcome):
    """Record a matter's outcome. "Immigration advice given" only by a regulated adviser whose
    level covers the matter (the rule above); their regulator and level are kept as evidence."""
    if outcome not in ImmigrationMatter.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome from the list.")}, code="invalid_outcome")
    matter = ImmigrationMatter.objects.select_for_update().select_related("case__organisation").get(pk=matter.pk)
    membership = membership_for(acting_user, matter.case.organisation)
    if outcome == ImmigrationMatter.Outcome.ADVICE_GIVEN and not may_give_advice(membership, matter.required_level):
        raise ValidationError(
            {
                "outcome": _(
                    "Only a regulated immigration adviser whose level covers this matter (OISC level "
                    "%(level)d or above, or a solicitor, barrister or chartered legal executive) can record "
                    "that immigration advice was given. Record that the person was signposted to regulated advice."
                )
                % {"level": matter.required_level}
            },
            code="not_regulated",
        )
    matter.outcome = outcome
    matter.outcome_regulator = membership.adviser_regulator if membership else ""
    matter.outcome_oisc_level = membership.adviser_oisc_level if membership else None
    matter.outcome_recorded_by = acting_user
    matter.outcome_recorded_at = timezone.now()
    matter.save(
        update_fields=[
            "outcome",
            "outcome_regulator",
            "outcome_oisc_level",
            "outcome_recorded_by",
            "outcome_recorded_at",
            "updated_at",
        ]
    )
    _event(
        "immigration_matter.outcome_recorded",
        acting_user=acting_user,
        case=matter.case,
        obj=matter,
        outcome=outcome,
        required_level=matter.required_level,
        regulator=matter.outcome_regulator,
        oisc_level=matter.outcome_oisc_level,
    )
    return matter


# Attachments
#
# The type is told from the content (its first bytes), not from the name or what the browser
# says; the name must then end as that type's names do, so that what is downloaded opens as
# what it is.

PDF, JPEG, PNG, HEIC, TEXT, DOCX = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/heic",
    "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
EXTENSIONS = {
    PDF: (".pdf",),
    JPEG: (".jpg", ".jpeg"),
    PNG: (".png",),
    HEIC: (".heic", ".heif"),
    TEXT: (".txt",),
    DOCX: (".docx",),
}
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
# Control characters that do not appear in plain text.
NOT_TEXT = bytes(set(range(32)) - {9, 10, 12, 13})


def _is_docx(content):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def _is_text(content):
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(character in text for character in NOT_TEXT.decode())


def sniff_content_type(content):
    """The allowed type ``content`` is, by its first bytes (and for text, every byte); else None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content[4:8] == b"ftyp" and content[8:12] in HEIC_BRANDS:
        return HEIC
    if content.startswith(b"PK\x03\x04"):
        return DOCX if _is_docx(content) else None
    if content and _is_text(content):
        return TEXT
    return None


def _read_upload(uploaded_file, limit):
    """The file's bytes, reading no more than one byte past ``limit``."""
    if uploaded_file.size is not None and uploaded_file.size > limit:
        return None
    uploaded_file.seek(0)
    content = uploaded_file.read(limit + 1)
    return None if len(content) > limit else content


def too_big_message():
    return _("The file is too big: the largest allowed is %(size)s.") % {
        "size": filesizeformat(settings.CASEWORK_ATTACHMENT_MAX_BYTES)
    }


def check_upload(uploaded_file):
    """(content, content type) of an upload within the limits; ValidationError otherwise."""
    content = _read_upload(uploaded_file, settings.CASEWORK_ATTACHMENT_MAX_BYTES)
    if content is None:
        raise ValidationError({"file": too_big_message()}, code="too_big")
    if not content:
        raise ValidationError({"file": _("The file is empty.")}, code="empty")
    content_type = sniff_content_type(content)
    if content_type is None:
        raise ValidationError(
            {"file": _("Upload a PDF, a photo (JPEG, PNG or HEIC), a plain text file or a Word document (.docx).")},
            code="type_not_allowed",
        )
    name = (uploaded_file.name or "").lower()
    if not name.endswith(EXTENSIONS[content_type]):
        raise ValidationError(
            {
                "file": _("The file's name does not match what it contains: its name should end in %(endings)s.")
                % {"endings": " / ".join(EXTENSIONS[content_type])}
            },
            code="name_mismatch",
        )
    return content, content_type


def _storage():
    return storages[settings.CASEWORK_ATTACHMENT_STORAGE]


def do_add_attachment(case, *, acting_user, uploaded_file, title=""):
    """Attach a file to the case, encrypted: in the database, or in the storage the
    ``CASEWORK_ATTACHMENT_STORAGE`` setting names, under a random key."""
    _check_not_closed(case, _("attach a file"))
    content, content_type = check_upload(uploaded_file)
    title = _text(title, "title", "", required=False)[:200]
    attachment = Attachment(
        case=case,
        title=title,
        filename=(uploaded_file.name or "").rsplit("/", 1)[-1][:255],
        content_type=content_type,
        size=len(content),
        uploaded_by=acting_user,
    )
    encrypted = encrypt_bytes(content)
    if settings.CASEWORK_ATTACHMENT_STORAGE == DATABASE_STORAGE:
        attachment.data = encrypted
        return _save_attachment(attachment, acting_user=acting_user)
    # A random key: the name in the storage says nothing about the person or the file.
    storage = _storage()
    attachment.storage_key = storage.save(f"casework/attachments/{secrets.token_urlsafe(24)}", ContentFile(encrypted))
    try:
        return _save_attachment(attachment, acting_user=acting_user)
    except BaseException:
        # The row was not saved: do not leave its encrypted object behind.
        storage.delete(attachment.storage_key)
        raise


@transaction.atomic
def _save_attachment(attachment, *, acting_user):
    attachment.save()
    _event(
        "attachment.added",
        acting_user=acting_user,
        case=attachment.case,
        obj=attachment,
        content_type=attachment.content_type,
        size=attachment.size,
    )
    return attachment


def attachment_content(attachment):
    """The decrypted bytes of an attachment, from wherever they are stored."""
    if attachment.storage_key:
        with _storage().open(attachment.storage_key, "rb") as stored:
            encrypted = stored.read()
    else:
        encrypted = attachment.data
    return decrypt_bytes(encrypted)


@transaction.atomic
def do_delete_attachment(attachment, *, acting_user):
    """Delete an attachment and its stored bytes (the object in storage once the deletion is committed)."""
    case = attachment.case
    storage_key, storage_name = attachment.storage_key, settings.CASEWORK_ATTACHMENT_STORAGE
    _event("attachment.deleted", acting_user=acting_user, case=case, obj=attachment, size=attachment.size)
    attachment.delete()
    if storage_key:
        transaction.on_commit(lambda: storages[storage_name].delete(storage_key))
