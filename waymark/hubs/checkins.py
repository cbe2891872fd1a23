"""Check-in at a session: the actions that record visits, and what the desk shows about the
people it finds.

``do_check_in`` is the one way to check someone in, from the session page, the API (and so
the offline queue) and the demo. It is idempotent by ``client_id``: the key the volunteer's
browser made for that check-in (or the server, for the plain form). Sending the same check-in
again gives back the first visit; the same key with a different request, or a second check-in
of a person already checked in at the session, is a ``CheckInConflict`` shown to the
volunteer, never a second row.

Like the other actions (``hubs.actions``), these are atomic, take ``acting_user``
keyword-only, write one audit event and leave "who may" to ``access.py``.
"""

import datetime as dt
import hashlib
import json
import uuid
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waymark.audit.events import record_event
from waymark.directory.models import NEEDS_TAXONOMY_NAME, TaxonomyTerm
from waymark.directory.needs_data import IMMIGRATION_ADVICE
from waymark.hubs.actions import OFFER_NEEDS
from waymark.hubs.models import LONDON, MOST_GIVEN, Given, Offer, RotaInvitation, Visit
from waymark.people.actions import register_merge_handler
from waymark.people.models import Person
from waymark.referrals.actions import do_signpost

# The needs a rota organisation can meet, from what it brings to the session. Unlike the
# hub's own listing on the map (OFFER_NEEDS), a partner's immigration advice counts: the rota
# invites regulated advisers for exactly that.
ROTA_OFFER_NEEDS = {**OFFER_NEEDS, Offer.IMMIGRATION_ADVICE: IMMIGRATION_ADVICE}

# A need raised at a visit in this many days is still open for "who is here today for them";
# older ones have been dealt with, or will be raised again.
OPEN_NEED_DAYS = 90


class CheckInConflict(Exception):
    """A check-in that cannot be recorded as asked, and the visit it clashes with.

    ``reason`` is ``"key_reused"`` (this check-in key was used for a different check-in) or
    ``"already_checked_in"`` (the person is already checked in at this session).
    """

    def __init__(self, reason, visit):
        self.reason = reason
        self.visit = visit
        if reason == "key_reused":
            self.message = _("This check-in was already sent with different details. Nothing was changed.")
        else:
            self.message = _("%(name)s is already checked in at this session (at %(time)s).") % {
                "name": visit.person.display_name if visit.person_id else _("This person"),
                "time": timezone.localtime(visit.checked_in_at, LONDON).strftime("%H:%M"),
            }
        super().__init__(self.message)


def needs_terms():
    """The terms of the needs taxonomy, broader needs first (what the needs checkboxes list)."""
    return TaxonomyTerm.objects.filter(taxonomy__name=NEEDS_TAXONOMY_NAME).select_related("parent")


def _clean_given(given):
    given = dict(given or {})
    unknown = set(given) - set(Given.values)
    if unknown:
        raise ValidationError(_("Choose what was given from the list."), code="invalid_given")
    cleaned = {}
    for name, count in given.items():
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MOST_GIVEN:
            raise ValidationError(
                _("Give a count from 0 to %(most)d for each thing given.") % {"most": MOST_GIVEN}, code="invalid_count"
            )
        if count:
            cleaned[name] = count
    return cleaned


def _clean_needs(needs):
    needs = list(dict.fromkeys(needs or ()))
    for term in needs:
        if term.taxonomy_id is None or term.taxonomy.name != NEEDS_TAXONOMY_NAME:
            raise ValidationError(_("Choose needs from the list."), code="invalid_needs")
    return needs


def request_digest(person, *, needs=(), given=None, notes=""):
    """A fingerprint of what a check-in asked for, to tell a resend from a different check-in."""
    body = {
        "person": str(person.uuid) if person is not None else None,
        "needs": sorted(term.slug or str(term.id) for term in needs),
        "given": {name: count for name, count in sorted((given or {}).items()) if count},
        "notes": (notes or "").strip(),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _check_can_check_in(session, person):
    if session.is_cancelled:
        raise ValidationError(_("This session was cancelled: nobody can be checked in to it."), code="cancelled")
    if session.date > timezone.localdate(timezone=LONDON):
        raise ValidationError(_("This session has not started yet: check people in on the day."), code="not_yet")
    if person is not None:
        if person.organisation_id != session.hub.lead_organisation_id:
            raise ValidationError(_("This person is not registered with this hub's organisation."), code="other_org")
        if person.is_merged:
            raise ValidationError(
                _("This record was merged into another one. Check in that one instead."), code="merged"
            )


def _replayed(client_id, digest, session):
    """The visit already made with ``client_id``, if any; a conflict if it was for something else."""
    visit = Visit.objects.filter(client_id=client_id).select_related("person", "session").first()
    if visit is None:
        return None
    if visit.request_digest != digest or visit.session_id != session.pk:
        raise CheckInConflict("key_reused", visit)
    return visit


def is_first_visit(person, session):
    """True if ``person`` (or a record merged into them) has no visit on or before the
    session's date, other than at the session itself."""
    # The person's own ids as a subquery (theirs and their merged records'), so that the
    # lookup stays on the visits' person index however many visits there are.
    records = Person.objects.filter(Q(pk=person.pk) | Q(merged_into=person)).values("pk")
    earlier = Visit.objects.filter(person__in=records, session__date__lte=session.date)
    return not earlier.exclude(session=session).exists()


@transaction.atomic
def do_check_in(session, person=None, *, acting_user, client_id=None, needs=(), given=None, notes=""):
    """Check ``person`` in at ``session`` (None: an anonymous headcount); returns
    ``(visit, created)``.

    ``client_id`` is the idempotency key (a new one is made if none is given); ``needs``
    (terms of the needs taxonomy), ``given`` ({Given value: count}) and ``notes`` may be
    recorded at once. Raises CheckInConflict (see above), or ValidationError when the session
    is cancelled or not yet on, or the person is not the hub's organisation's.
    """
    client_id = uuid.UUID(str(client_id)) if client_id else uuid.uuid4()
    needs = _clean_needs(needs)
    given = _clean_given(given)
    notes = (notes or "").strip()
    digest = request_digest(person, needs=needs, given=given, notes=notes)

    visit = _replayed(client_id, digest, session)
    if visit is not None:
        return visit, False
    _check_can_check_in(session, person)
    if person is not None:
        visit = Visit.objects.filter(session=session, person=person).select_related("person").first()
        if visit is not None:
            # The same check-in, committed from elsewhere since we looked for its key.
            if visit.client_id == client_id:
                return _replayed(client_id, digest, session), False
            raise CheckInConflict("already_checked_in", visit)

    try:
        # A savepoint, so that losing a race on the unique keys leaves the transaction usable.
        with transaction.atomic():
            visit = Visit.objects.create(
                session=session,
                person=person,
                anonymous=person is None,
                client_id=client_id,
                request_digest=digest,
                checked_in_by=acting_user,
                checked_in_at=timezone.now(),
                first_visit=person is not None and is_first_visit(person, session),
                notes=notes,
                **given,
            )
    except IntegrityError:
        # The same check-in (or the same person) arrived at the same moment from elsewhere and
        # was committed first: answer as if it had been here when we looked.
        visit = _replayed(client_id, digest, session)
        if visit is not None:
            return visit, False
        visit = Visit.objects.filter(session=session, person=person).select_related("person").first()
        if visit is None:
            raise
        raise CheckInConflict("already_checked_in", visit) from None
    if needs:
        visit.needs.set(needs)
    record_event(
        "visit.checked_in",
        actor=acting_user,
        organisation=session.hub.lead_organisation,
        obj=visit,
        details={
            "session": str(session.uuid),
            "person": str(person.uuid) if person is not None else None,
            "first_visit": visit.first_visit,
            "needs": sorted(term.slug for term in needs),
            "given": given,
        },
    )
    return visit, True


@transaction.atomic
def do_record_visit_details(
    visit, *, acting_user, needs=None, given=None, notes=None, signpost_to=(), signpost_note=""
):
    """Record what happened at a visit: the needs raised (replacing those recorded), what was
    given ({Given value: count}; those left out are nought), notes, and signposting to
    services on the map (each a ``referrals.Signposting``). None leaves a part as it was.
    Returns the names of what changed."""
    visit = Visit.objects.select_for_update(of=("self",)).select_related("session__hub", "person").get(pk=visit.pk)
    changed = []
    if needs is not None:
        needs = _clean_needs(needs)
        before = set(visit.needs.values_list("pk", flat=True))
        if before != {term.pk for term in needs}:
            visit.needs.set(needs)
            changed.append("needs")
    fields = []
    if given is not None:
        given = _clean_given(given)
        for name in Given.values:
            if getattr(visit, name) != given.get(name, 0):
                setattr(visit, name, given.get(name, 0))
                fields.append(name)
        if fields:
            changed.append("given")
    if notes is not None and visit.notes != notes.strip():
        visit.notes = notes.strip()
        fields.append("notes")
        changed.append("notes")
    if fields:
        visit.save(update_fields=[*fields, "updated_at"])
    organisation = visit.session.hub.lead_organisation
    signposted = []
    for service in signpost_to:
        signposting = do_signpost(
            organisation=organisation,
            service=service,
            person=visit.person,
            visit=visit,
            note=signpost_note,
            acting_user=acting_user,
        )
        signposted.append(str(signposting.service_id))
    if signposted:
        changed.append("signposting")
    if changed:
        record_event(
            "visit.details_recorded",
            actor=acting_user,
            organisation=organisation,
            obj=visit,
            details={"changed": changed, "signposted": signposted},
        )
    return changed


# --- what the desk shows ---------------------------------------------------------------------


class DeskRow:
    """A person found at the desk, with what the volunteer needs to see before checking them
    in: first visit or returning, their visit here today, and who on today's rota can help
    with a need they raised recently."""

    def __init__(self, person):
        self.person = person
        self.visit_count = 0
        self.last_visit = None
        self.visit_here = None
        self.open_needs = []
        self.here_for_them = []
        # The check-in key the plain form sends; a resend of the form sends the same key.
        self.client_id = uuid.uuid4()

    @property
    def is_returning(self):
        return self.visit_count > 0


def rota_needs(rota):
    """{need slug: [organisation names]} for the confirmed organisations of a session's rota."""
    by_need = defaultdict(list)
    for invitation in rota:
        if invitation.status != RotaInvitation.Status.CONFIRMED:
            continue
        for offer in invitation.offers:
            slug = ROTA_OFFER_NEEDS.get(offer)
            if slug and invitation.organisation.name not in by_need[slug]:
                by_need[slug].append(invitation.organisation.name)
    return by_need


def desk_rows(session, people, rota, visits_here):
    """DeskRows for ``people`` (a list, already found through access) at ``session``, with
    ``rota`` the session's rota invitations (with their organisations) and ``visits_here`` its
    visits. Two queries, however many people."""
    rows = [DeskRow(person) for person in people]
    if not rows:
        return rows
    by_person = {row.person.pk: row for row in rows}
    for visit in visits_here:
        if visit.person_id in by_person:
            by_person[visit.person_id].visit_here = visit
    visits = (
        Visit.objects.filter(person__in=by_person)
        .values("person_id")
        .annotate(
            count=Count("id", filter=~Q(session=session)),
            last=Max("session__date", filter=~Q(session=session)),
        )
        .order_by()
    )
    for summary in visits:
        row = by_person[summary["person_id"]]
        row.visit_count, row.last_visit = summary["count"], summary["last"]

    since = session.date - dt.timedelta(days=OPEN_NEED_DAYS)
    raised = (
        Visit.needs.through.objects.filter(
            visit__person__in=by_person, visit__session__date__gte=since, visit__session__date__lte=session.date
        )
        .exclude(visit__session=session)
        .select_related("taxonomyterm__parent")
        .annotate(visitor_id=F("visit__person_id"))
        .order_by("-visit__session__date", "taxonomyterm__position")
    )
    by_need = rota_needs(rota)
    for link in raised:
        row, term = by_person[link.visitor_id], link.taxonomyterm
        if term not in row.open_needs:
            row.open_needs.append(term)
        parent_slug = term.parent.slug if term.parent_id else None
        for organisation in by_need.get(term.slug, []) + by_need.get(parent_slug, []):
            if (organisation, term) not in row.here_for_them:
                row.here_for_them.append((organisation, term))
    return rows


@register_merge_handler(Visit)
def _merge_visits(kept, merged):
    """Merging two records of one person moves the merged record's visits to the kept one,
    except a visit to a session the kept record was also checked in at (one person is checked
    in once per session): that one stays with the merged record, so no history is lost."""
    both = Visit.objects.filter(person=kept).values("session_id")
    return Visit.objects.filter(person=merged).exclude(session_id__in=both).update(person=kept)
