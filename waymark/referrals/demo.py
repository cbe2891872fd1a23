"""The demo's referrals: between the demo organisations, in every state, made through the flow.

``seed_referrals`` is a seed_demo step, run after the people, their visits and the
safeguarding concerns. Who refers and who answers:

- the Bolton hub's lead charity (caseworker@ and coordinator@demo.waymark) refers its people
  to the legal-advice charity (partner@demo.waymark, OISC level 2) — two of its
  immigration-advice services take referrals through Waymark, and get enough answered
  referrals over the past weeks (answered after a few hours to a week) for their response
  statistics to show on their pages — and to the Salford hub's lead charity (outsider@);
- the Salford hub's lead charity refers its people to the legal-advice charity too;
- a referral letter goes to an advice service that is only on the map (not on Waymark); the
  Bolton caseworker records what it answered.

Between them: every state of ``Referral.State``, some overdue (sent, the deadline passed, still
waiting: ``expire_referrals`` will return them), several declined for lack of capacity, a
safeguarding referral without consent (about one of the demo's safeguarding concerns), one sent
with eligibility overridden, and some made at visits to the Bolton hub, which the hub's core
minimum offer counts as "referred".

Every move is made by the actions in ``referrals.flow`` (consent, sending, receiving, answers,
withdrawing, expiry), so the history, the audit trail and the consented copies are real; only
the dates are moved back afterwards, so that "overdue" and "days to respond" mean something
whenever the demo is seeded. The e-mails those moves queue are cancelled before they go
(``DEMO_NOT_SENT``): a demo seed would otherwise send a few dozen messages about invented
referrals. ``do_create_referral`` takes no fixed id, so the draft is written here the way it
writes one (the row, its first history step, its audit event) but with a fixed UUID (uuid5 of
the referral's key): a referral already there is left as it is, and re-running adds nothing.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from waymark.accounts import demo as accounts_demo
from waymark.accounts.models import Organisation, User
from waymark.casework.demo_safeguarding import concern_uuid
from waymark.casework.models import SafeguardingConcern
from waymark.directory.demo import demo_id as directory_id
from waymark.directory.models import IMMIGRATION_ADVICE_SLUG, NEED_LINK_TYPE, Attribute, Service
from waymark.hubs.models import Visit
from waymark.notify.models import Notification
from waymark.people.models import Consent, InformationKind, Person
from waymark.referrals import eligibility, flow
from waymark.referrals.actions import SIGNPOSTABLE
from waymark.referrals.models import DeclineReason, Outcome, Referral, ReferralEvent
from waymark.referrals.policy import response_deadline

_NAMESPACE = uuid.UUID("3e8b1c52-6f0d-4a7e-b2c9-5d41a7e0f963")
State = Referral.State
DEMO_NOT_SENT = "Demo data: made by seed_demo, not sent."

BOLTON = accounts_demo.BOLTON_HUB_LEAD
SALFORD = accounts_demo.SALFORD_HUB_LEAD
LEGAL = accounts_demo.LEGAL_ADVICE_CHARITY
# The advice service only on the map: referrals to it are letters.
LETTER_ORGANIZATION = "orrell-migrant-advice-point"
# The safeguarding concern the referral without consent is about (casework/demo_safeguarding.py).
SAFEGUARDING_CONCERN = "bolton-labour-exploitation"

# Who refers for each sender, and who answers for each receiver.
SENDERS = {BOLTON: ("caseworker@demo.waymark", "coordinator@demo.waymark"), SALFORD: ("outsider@demo.waymark",)}
ANSWERERS = {LEGAL: "partner@demo.waymark", SALFORD: "outsider@demo.waymark"}

# What most people agree to share with a service.
USUAL_SCOPE = [InformationKind.CONTACT_DETAILS, InformationKind.PERSONAL_DETAILS, InformationKind.NEEDS]


@dataclass(frozen=True)
class Spec:
    """One demo referral.

    ``to``: "advice" and "advice2" (the legal-advice charity's two immigration-advice services
    that take referrals), "legal_other" (another of its services, the one "advice" is redirected
    to), "salford" (a service of the Salford hub's lead charity), "letter" (the service only on
    the map). ``state``: where it ends. ``ago``: days since it was made. ``answer``: days the
    receiver took to answer (opening it takes half of that). ``finish``: days from accepting to
    completing. ``at_visit``: made at the person's visit to the Bolton hub.
    """

    key: str
    sender: str
    to: str
    state: str
    ago: float
    answer: float = 1.0
    finish: float = 7.0
    decline: str = DeclineReason.NO_CAPACITY
    outcome: str = ""
    at_visit: bool = False
    urgent: bool = False
    extra: dict = field(default_factory=dict)


def _answered(prefix, to, plan):
    """Answered referrals to one service over the past weeks: (days ago, days to answer, state)."""
    specs = []
    for number, (ago, answer, state) in enumerate(plan):
        outcome = {State.COMPLETED: Outcome.SUPPORT_GIVEN, State.NOT_COMPLETED: Outcome.DID_NOT_ATTEND}.get(state, "")
        specs.append(
            Spec(
                f"{prefix}-{number}",
                BOLTON if number % 3 else SALFORD,
                to,
                state,
                ago,
                answer=answer,
                outcome=outcome,
                finish=min(10, max(1, ago / 3)),
                at_visit=number % 3 == 1,
            )
        )
    return specs


SPECS = [
    # Every state, to the legal-advice charity unless said otherwise.
    Spec("draft", BOLTON, "advice", State.DRAFT, 0.2),
    Spec("sent-fresh", BOLTON, "advice", State.SENT, 1),
    Spec("sent-overdue", BOLTON, "advice2", State.SENT, 12),
    Spec("sent-overdue-urgent", SALFORD, "advice", State.SENT, 9, urgent=True),
    Spec("received", BOLTON, "advice2", State.RECEIVED, 2, answer=0.6),
    Spec("received-overdue", BOLTON, "salford", State.RECEIVED, 14, answer=1),
    Spec("accepted", BOLTON, "advice", State.ACCEPTED, 6, answer=2, at_visit=True),
    Spec("declined-capacity", BOLTON, "advice2", State.DECLINED, 10, answer=3),
    Spec("declined-capacity-salford", BOLTON, "salford", State.DECLINED, 20, answer=4),
    Spec(
        "declined-elsewhere", SALFORD, "advice2", State.DECLINED, 16, answer=1, decline=DeclineReason.BETTER_ELSEWHERE
    ),
    Spec("completed", BOLTON, "advice", State.COMPLETED, 30, answer=1, outcome=Outcome.SUPPORT_GIVEN, at_visit=True),
    Spec("not-completed", BOLTON, "salford", State.NOT_COMPLETED, 40, answer=2, outcome=Outcome.DID_NOT_ATTEND),
    Spec("withdrawn", BOLTON, "advice2", State.WITHDRAWN, 8),
    Spec("redirected", BOLTON, "advice", State.REDIRECTED, 3, answer=1),
    Spec("no-response", BOLTON, "salford", State.NO_RESPONSE, 25),
    Spec("no-response-legal", SALFORD, "advice2", State.NO_RESPONSE, 35),
    # A referral letter to a service not on Waymark: one waiting, one whose answer was recorded.
    Spec("letter-waiting", BOLTON, "letter", State.SENT, 2),
    Spec("letter-completed", BOLTON, "letter", State.COMPLETED, 45, answer=5, outcome=Outcome.SUPPORT_GIVEN),
    # Without consent, about a safeguarding concern; and one sent with eligibility overridden.
    Spec("safeguarding", BOLTON, "slavery", State.ACCEPTED, 4, answer=0.2, urgent=True, extra={"safeguarding": 1}),
    Spec("override", BOLTON, "restricted", State.RECEIVED, 1.5, answer=0.4, extra={"override": 1}),
    # Answered referrals over ten weeks, for the two services' response statistics.
    *_answered(
        "advice-history",
        "advice",
        [
            (70, 0.3, State.COMPLETED),
            (66, 2.0, State.COMPLETED),
            (61, 4.5, State.DECLINED),
            (55, 1.0, State.COMPLETED),
            (50, 0.8, State.NOT_COMPLETED),
            (44, 3.0, State.COMPLETED),
            (39, 6.0, State.DECLINED),
            (33, 1.5, State.COMPLETED),
            (27, 0.5, State.ACCEPTED),
            (21, 2.5, State.COMPLETED),
            (15, 1.2, State.ACCEPTED),
            (11, 0.4, State.DECLINED),
        ],
    ),
    *_answered(
        "advice2-history",
        "advice2",
        [
            (68, 5.0, State.DECLINED),
            (62, 3.5, State.COMPLETED),
            (57, 6.5, State.DECLINED),
            (49, 4.0, State.COMPLETED),
            (42, 2.0, State.DECLINED),
            (36, 5.5, State.NOT_COMPLETED),
            (30, 3.0, State.ACCEPTED),
            (24, 7.0, State.DECLINED),
            (18, 4.5, State.COMPLETED),
            (13, 2.5, State.ACCEPTED),
        ],
    ),
]


def referral_uuid(key):
    """The fixed UUID of the demo referral ``key``."""
    return uuid.uuid5(_NAMESPACE, f"referral:{key}")


def seed_referrals(demo=None, stdout=None):
    """Create the demo's referrals that are missing; returns how many were created. Skips
    everything when the demo organisations, users or people are not there."""
    world = _World.load()
    if world is None:
        return 0
    created = 0
    with transaction.atomic():
        first_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for number, spec in enumerate(SPECS):
            created += world.seed(number, spec)
        # Nobody did these things today: the messages they would send are not sent.
        Notification.objects.filter(pk__gt=first_notification, status=Notification.Status.PENDING).filter(
            template__startswith="referral"
        ).update(status=Notification.Status.CANCELLED, last_error=DEMO_NOT_SENT, context={})
    if stdout is not None:
        stdout.write(f"Referrals: {created} created")
    return created


class _World:
    """The demo's organisations, users, people and services the referrals are made between."""

    @classmethod
    def load(cls):
        organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=[BOLTON, SALFORD, LEGAL])}
        emails = {email for emails in SENDERS.values() for email in emails} | set(ANSWERERS.values())
        users = {user.email: user for user in User.objects.filter(email__in=emails)}
        if len(organisations) < 3 or len(users) < len(emails):
            return None
        world = cls()
        world.organisations, world.users = organisations, users
        world.now = timezone.now()
        world.people = {
            slug: list(Person.objects.current().filter(organisation=organisations[slug]).order_by("id"))
            for slug in (BOLTON, SALFORD)
        }
        if not all(world.people.values()):
            return None
        world.needs = {}
        world.services = world._services()
        if world.services is None:
            return None
        return world

    def _services(self):
        """{target: [services, the first one used unless the person is not eligible]}.

        The legal-advice charity's chosen services and the Salford charity's are made to take
        referrals through Waymark: the directory demo draws that at random, and a reshuffled
        map must still give the demo its inbox.
        """
        legal = self._listed(Service.objects.filter(organization__waymark_organisation=self.organisations[LEGAL]))
        advice = [s for s in legal.get(IMMIGRATION_ADVICE_SLUG, []) if s.advice_regulator]
        salford = self._listed(Service.objects.filter(organization__waymark_organisation=self.organisations[SALFORD]))
        salford = [s for need, found in sorted(salford.items()) if need != IMMIGRATION_ADVICE_SLUG for s in found]
        letter = self._listed(Service.objects.filter(organization_id=directory_id("organization", LETTER_ORGANIZATION)))
        letter = letter.get(IMMIGRATION_ADVICE_SLUG) or [s for found in letter.values() for s in found]
        if len(advice) < 3 or not salford or not letter:
            return None
        services = {
            "advice": [advice[0]],
            "advice2": [advice[1]],
            # Where "advice" is redirected to: another regulated advice service of the charity.
            "legal_other": [advice[2]],
            # For the safeguarding referral: its modern slavery support, else its advice.
            "slavery": [*legal.get("trafficking", []), *advice[:3]],
            "salford": [salford[0]],
            "letter": [letter[0]],
            # For the override: its advice services with rules about who they are for first.
            "restricted": sorted(advice, key=lambda s: (s.for_anyone, s.name, str(s.id))),
        }
        targets = ("advice", "advice2", "legal_other", "slavery", "salford", "restricted")
        inbox = {s.id: s for target in targets for s in services[target]}
        Service.objects.filter(id__in=list(inbox)).update(accepts_waymark_referrals=True)
        for service in inbox.values():
            service.accepts_waymark_referrals = True
        return services

    def _listed(self, services):
        """{need slug: [the running ``services`` listed under it]}, those open to anyone first,
        then by name; and each service's need for a referral in ``self.needs``."""
        services = {
            service.id: service for service in services.filter(status__in=SIGNPOSTABLE).select_related("organization")
        }
        found = {}
        links = Attribute.objects.filter(link_type=NEED_LINK_TYPE, link_id__in=list(services)).select_related(
            "taxonomy_term"
        )
        for link in links.order_by("taxonomy_term__slug"):
            service, term = services[link.link_id], link.taxonomy_term
            found.setdefault(term.slug, []).append(service)
            # The need a referral is for: immigration advice for an advice service, else the
            # first need it is listed under.
            if term.slug == IMMIGRATION_ADVICE_SLUG or service.id not in self.needs:
                self.needs[service.id] = term
        for listed in found.values():
            listed.sort(key=lambda s: (not s.for_anyone, s.name, str(s.id)))
        return found

    # --- one referral ----------------------------------------------------------------------

    def seed(self, number, spec):
        public_id = referral_uuid(spec.key)
        if Referral.objects.filter(uuid=public_id).exists():
            return 0
        sender = self.organisations[spec.sender]
        sender_emails = SENDERS[spec.sender]
        by = self.users[sender_emails[number % len(sender_emails)]]
        start = self.now - dt.timedelta(days=spec.ago)
        concern = None
        if "safeguarding" in spec.extra:
            concern = (
                SafeguardingConcern.objects.filter(uuid=concern_uuid(SAFEGUARDING_CONCERN), organisation=sender)
                .select_related("person")
                .first()
            )
            if concern is None or concern.person is None:
                return 0
            person = concern.person
            service = self._service_for(person, self.services[spec.to])
        else:
            person, service = next(
                (found for service in self.services[spec.to] if (found := self._person(number, spec, service))[0]),
                (None, None),
            )
            if person is None:
                return 0
        visit = None
        if spec.at_visit:
            visit = self._visit(person, sender, start)
            if visit is not None:
                start = visit.checked_in_at + dt.timedelta(minutes=25)
        referral = self._draft(public_id, spec, sender, person, service, by, visit)
        self._walk(referral, spec, sender, by, concern)
        self._move_back(referral, spec, start)
        if spec.state == State.NO_RESPONSE:
            flow.do_expire(referral)
            self._move_back(referral, spec, start)
        return 1

    def _eligible(self, person, service):
        return eligibility.check_eligibility(
            eligibility.person_facts(person, today=self.now.date()), service
        ).is_eligible

    def _service_for(self, person, services):
        """The first of ``services`` the person is eligible for, else the first."""
        return next((service for service in services if self._eligible(person, service)), services[0])

    def _person(self, number, spec, service):
        """(person, service): the first of the sender's people, counting on from ``number``, who
        is eligible for ``service`` (for the override: who is not), preferring, for a referral
        made at a visit, someone who came to the hub in the fortnight before."""
        people = self.people[spec.sender]
        want_eligible = "override" not in spec.extra
        start = self.now - dt.timedelta(days=spec.ago)
        order = [people[(number + offset) % len(people)] for offset in range(len(people))]
        found = [person for person in order if self._eligible(person, service) == want_eligible]
        if spec.at_visit:
            came = [person for person in found if self._visit(person, self.organisations[spec.sender], start)]
            found = came or found
        return (found[0] if found else None), service

    def _visit(self, person, sender, start):
        """The person's last visit to a hub of ``sender`` in the fortnight before ``start``."""
        return (
            Visit.objects.filter(
                person=person,
                session__hub__lead_organisation=sender,
                checked_in_at__lte=start,
                checked_in_at__gte=start - dt.timedelta(days=14),
            )
            .order_by("-checked_in_at")
            .first()
        )

    def _draft(self, public_id, spec, sender, person, service, by, visit):
        return flow.do_create_referral(
            organisation=sender,
            person=person,
            service=service,
            acting_user=by,
            need=self.needs.get(service.id),
            visit=visit,
            urgent=spec.urgent,
            notes_excerpt="Would like to be seen with an interpreter if possible.",
            public_id=public_id,
        )

    def _walk(self, referral, spec, sender, by, concern):
        """Make the referral's moves through the flow, up to the state it ends in."""
        if spec.state == State.DRAFT:
            return
        person = referral.person
        common = {"acting_user": by, "organisation": sender}
        if concern is not None:
            referral = flow.do_send_referral(
                referral,
                safeguarding_concern=concern,
                no_consent_reason=(
                    "They may be at risk of labour exploitation and are frightened to agree to anything in writing; "
                    "our safeguarding lead decided to refer without consent to protect them."
                ),
                no_consent_scope=[InformationKind.CONTACT_DETAILS, InformationKind.JOURNEY],
                override_reason=""
                if self._eligible(person, referral.service)
                else "The service takes safeguarding referrals from anyone at risk of exploitation.",
                **common,
            )
        else:
            flow.do_record_consent(
                referral,
                scope=list(USUAL_SCOPE) + ([InformationKind.JOURNEY] if spec.to.startswith("advice") else []),
                how=Consent.How.SPOKEN_WITH_INTERPRETER if person.interpreter_needed else Consent.How.SPOKEN,
                language=(person.languages or ["en"])[0],
                **common,
            )
            override = (
                "The service told us by phone it will see them although they are outside its usual group."
                if "override" in spec.extra
                else ""
            )
            referral = flow.do_send_referral(referral, override_reason=override, **common)
        if spec.state in (State.SENT, State.NO_RESPONSE):
            return
        if spec.state == State.WITHDRAWN:
            flow.do_withdraw(referral, text="They found help nearer home.", **common)
            return
        if referral.delivery == Referral.Delivery.INBOX:
            receiver = referral.receiving_organisation
            answerer = {"acting_user": self.users[ANSWERERS[receiver.slug]], "organisation": receiver}
            referral = flow.do_receive(referral, **answerer)
        else:
            answerer = common
        if spec.state == State.RECEIVED:
            return
        if spec.state == State.REDIRECTED:
            flow.do_redirect(
                referral,
                to_service=self.services["legal_other"][0],
                text="Our other team can see them sooner.",
                **answerer,
            )
            return
        if spec.state == State.DECLINED:
            text = {
                DeclineReason.NO_CAPACITY: "Our caseworkers are full for the next four weeks.",
                DeclineReason.BETTER_ELSEWHERE: "A solicitor with legal aid would be better for an appeal.",
            }.get(spec.decline, "")
            flow.do_decline(referral, reason=spec.decline, text=text, **answerer)
            return
        referral = flow.do_accept(referral, **answerer)
        if spec.state in (State.COMPLETED, State.NOT_COMPLETED):
            flow.do_complete(
                referral,
                completed=spec.state == State.COMPLETED,
                outcome=spec.outcome or Outcome.SUPPORT_GIVEN,
                text="",
                **answerer,
            )

    # --- dates -----------------------------------------------------------------------------

    def _move_back(self, referral, spec, start):
        """Date the referral and its history as if it had been made at ``start`` and answered
        ``spec.answer`` days after sending."""
        events = list(ReferralEvent.objects.filter(referral=referral).order_by("id"))
        sent_at = start + dt.timedelta(minutes=15)
        answered_at = sent_at + dt.timedelta(days=spec.answer)
        times = {
            State.DRAFT: start,
            State.SENT: sent_at,
            State.RECEIVED: sent_at + dt.timedelta(days=spec.answer / 2),
            State.ACCEPTED: answered_at,
            State.DECLINED: answered_at,
            State.REDIRECTED: answered_at,
            State.WITHDRAWN: sent_at + dt.timedelta(days=min(1, spec.ago / 2)),
            State.COMPLETED: answered_at + dt.timedelta(days=spec.finish),
            State.NOT_COMPLETED: answered_at + dt.timedelta(days=spec.finish),
        }
        respond_by = response_deadline(sent_at)
        if any(event.to_state == State.REDIRECTED for event in events):
            respond_by = response_deadline(answered_at)
        times[State.NO_RESPONSE] = respond_by
        found = {}
        for event in events:
            at = min(times[event.to_state], self.now)
            ReferralEvent.objects.filter(pk=event.pk).update(at=at)
            found[event.to_state] = at
        sent = found.get(State.SENT)
        responded = found.get(State.ACCEPTED) or found.get(State.DECLINED)
        closed = next((found[state] for state in Referral.CLOSED_STATES if state in found), None)
        Referral.objects.filter(pk=referral.pk).update(
            created_at=start,
            sent_at=sent,
            respond_by=respond_by if sent else None,
            received_at=found.get(State.RECEIVED) or responded or found.get(State.REDIRECTED),
            responded_at=responded,
            closed_at=closed,
        )
        if referral.consent_id:
            Consent.objects.filter(pk=referral.consent_id).update(given_at=start)
        referral.refresh_from_db()
