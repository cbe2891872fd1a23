"""`manage.py generate_scale_data`: a network's worth of rows, or many times that, quickly.

For measuring Waymark at size (bench/ and by hand), never for a site with real people's data:
it refuses unless DEBUG or WAYMARK_DEMO is set. Every row is named as generated ("Scale Org
000123", scale-000123-2@scale.waymark) under a prefix; a second run needs a new `--prefix`.

Rows go in with `bulk_create` in batches of at most `--batch-size`, so the number of queries
grows with the number of batches, not of rows; all users share one password hash, because
hashing is slow on purpose. Everything happens in one transaction: a failed run leaves nothing.

Later issues add steps (hubs, people, cases …): write a `generate_…(run)` function that uses
and extends the `ScaleRun` it is given, and append it to `STEPS`.
"""

import re
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from waymark.accounts.demo import DEMO_PASSWORD, demo_data_allowed
from waymark.accounts.models import Membership, Network, Organisation, Role, User
from waymark.directory.scale import generate_services, services_prefix_in_use
from waymark.places.models import Area

EMAIL_DOMAIN = "scale.waymark"
# Numbers are zero-padded to fixed widths, so that names sort and a prefix plus a number
# always spells a different slug from another prefix plus a number.
AREA_DIGITS, NETWORK_DIGITS, ORGANISATION_DIGITS = 4, 3, 6
PREFIX_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

# What the n-th member of each generated organisation does: a realistic mix, heavy on staff
# roles because those are what the access functions work hardest for.
MEMBER_ROLES = [
    [Role.SAFEGUARDING_LEAD, Role.COORDINATOR, Role.ORGANISATION_ADMIN],
    [Role.CASEWORKER],
    [Role.CASEWORKER, Role.SAFEGUARDING_LEAD],
    [Role.VOLUNTEER],
]


@dataclass
class ScaleRun:
    """The options of one run and the ids of the rows made so far, for the steps after them."""

    prefix: str
    organisations: int
    users_per_organisation: int
    networks: int
    areas: int
    batch_size: int
    password_hash: str
    # Service-map services (waymark/directory/scale.py), spread over the outcode centroids.
    services: int = 0
    # People registered at one generated hub (waymark/people/scale.py), and their visits there
    # (waymark/hubs/scale.py).
    people: int = 0
    visits: int = 0
    # Cases of those people, with notes and actions (waymark/casework/scale.py).
    cases: int = 0
    # Referrals of those people by the hub's lead organisation (generate_referrals).
    referrals: int = 0
    area_ids: list[int] = field(default_factory=list)
    network_ids: list[int] = field(default_factory=list)
    organisation_ids: list[int] = field(default_factory=list)
    # What was made, in the order it was made: plural noun → rows.
    counts: dict[str, int] = field(default_factory=dict)

    def name(self, noun, number, digits):
        return f"{self.prefix.replace('-', ' ').title()} {noun} {number:0{digits}d}"

    def slug(self, noun, number, digits):
        return f"{self.prefix}-{noun}-{number:0{digits}d}"

    def email(self, organisation_number, member_number):
        return f"{self.prefix}-{organisation_number:0{ORGANISATION_DIGITS}d}-{member_number}@{EMAIL_DOMAIN}"

    def count(self, noun, rows):
        self.counts[noun] = self.counts.get(noun, 0) + rows


def chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def generate_areas(run):
    areas = [
        Area(
            name=run.name("Area", number, AREA_DIGITS),
            slug=run.slug("area", number, AREA_DIGITS),
            kind=Area.Kind.OTHER,
            region="Generated",
        )
        for number in range(1, run.areas + 1)
    ]
    run.area_ids = [area.pk for area in Area.objects.bulk_create(areas, batch_size=run.batch_size)]
    run.count("areas", len(areas))


def generate_networks(run):
    networks = [
        Network(name=run.name("Network", number, NETWORK_DIGITS), slug=run.slug("network", number, NETWORK_DIGITS))
        for number in range(1, run.networks + 1)
    ]
    run.network_ids = [network.pk for network in Network.objects.bulk_create(networks, batch_size=run.batch_size)]
    run.count("networks", len(networks))
    if run.network_ids:
        # Areas are dealt out to the networks in turn.
        NetworkArea = Network.areas.through
        links = [
            NetworkArea(network_id=run.network_ids[index % len(run.network_ids)], area_id=area_id)
            for index, area_id in enumerate(run.area_ids)
        ]
        NetworkArea.objects.bulk_create(links, batch_size=run.batch_size)


def generate_organisations(run):
    """Organisations, each working in one area and belonging to one network, dealt out in turn."""
    numbers = list(range(1, run.organisations + 1))
    OrganisationArea = Organisation.areas.through
    OrganisationNetwork = Organisation.networks.through
    for batch in chunks(numbers, run.batch_size):
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=run.name("Org", number, ORGANISATION_DIGITS),
                    slug=run.slug("org", number, ORGANISATION_DIGITS),
                    kind=Organisation.Kind.CHARITY,
                )
                for number in batch
            ]
        )
        ids = [organisation.pk for organisation in organisations]
        run.organisation_ids.extend(ids)
        if run.area_ids:
            OrganisationArea.objects.bulk_create(
                [
                    OrganisationArea(organisation_id=pk, area_id=run.area_ids[(number - 1) % len(run.area_ids)])
                    for number, pk in zip(batch, ids, strict=True)
                ]
            )
        if run.network_ids:
            OrganisationNetwork.objects.bulk_create(
                [
                    OrganisationNetwork(
                        organisation_id=pk, network_id=run.network_ids[(number - 1) % len(run.network_ids)]
                    )
                    for number, pk in zip(batch, ids, strict=True)
                ]
            )
    run.count("organisations", run.organisations)


def generate_members(run):
    """`users_per_organisation` users for each organisation, each with one membership."""
    per_organisation = run.users_per_organisation
    if not per_organisation:
        return
    # As many organisations at a time as keep each insert within the batch size.
    organisations_per_batch = max(1, run.batch_size // per_organisation)
    numbered = list(enumerate(run.organisation_ids, start=1))
    for batch in chunks(numbered, organisations_per_batch):
        users = [
            User(
                email=run.email(number, member),
                name=f"{run.name('User', number, ORGANISATION_DIGITS)}-{member}",
                password=run.password_hash,
            )
            for number, _ in batch
            for member in range(1, per_organisation + 1)
        ]
        User.objects.bulk_create(users)
        user_ids = iter(user.pk for user in users)
        memberships = [
            Membership(
                user_id=next(user_ids),
                organisation_id=organisation_id,
                roles=[str(role) for role in MEMBER_ROLES[(member - 1) % len(MEMBER_ROLES)]],
            )
            for _, organisation_id in batch
            for member in range(1, per_organisation + 1)
        ]
        Membership.objects.bulk_create(memberships)
    run.count("users", run.organisations * per_organisation)
    run.count("memberships", run.organisations * per_organisation)


def generate_hub_people(run):
    """One hub, run by the first generated organisation at a site in its area, with ``people``
    people registered there and ``visits`` check-ins spread over two years of its sessions."""
    if not (run.people or run.visits):
        return
    from waymark.directory.models import Location
    from waymark.hubs.actions import do_create_hub
    from waymark.hubs.models import Hub
    from waymark.hubs.scale import bulk_create_visits
    from waymark.people.scale import bulk_create_people

    lead = Organisation.objects.get(pk=run.organisation_ids[0])
    area = lead.areas.first() or Area.objects.order_by("pk").first()
    lead_user = User.objects.filter(memberships__organisation=lead).order_by("pk").first()
    if lead_user is None:
        lead_user = User.objects.create(email=f"{run.prefix}-hub-lead@{EMAIL_DOMAIN}", password=run.password_hash)
        Membership.objects.create(user=lead_user, organisation=lead, roles=[Role.COORDINATOR])
    site = Location.objects.create(
        name=run.name("Hub site", 1, ORGANISATION_DIGITS), area=area, location_type="physical"
    )
    hub = do_create_hub(
        name=run.name("Hub", 1, ORGANISATION_DIGITS),
        area=area,
        lead_organisation=lead,
        model=Hub.Model.WEEKLY_DROP_IN,
        acting_user=lead_user,
        sites=[site],
    )
    run.count("hubs", 1)
    run.count("people", bulk_create_people(lead, run.people, recorded_by=lead_user, batch_size=run.batch_size))
    if run.visits:
        run.count("visits", bulk_create_visits([hub], run.visits, batch_size=max(run.batch_size, 1000)))
    if run.cases:
        generate_cases(run, lead)


def generate_cases(run, lead):
    """``cases`` cases of the hub's people, owned in turn by the lead organisation's members
    with a case role, each with about three notes and a few actions."""
    from waymark.casework.access import CASE_ROLES
    from waymark.casework.scale import bulk_create_cases
    from waymark.people.models import Person

    owners = [
        membership.user
        for membership in Membership.objects.filter(organisation=lead).select_related("user").order_by("pk")
        if membership.has_role(*CASE_ROLES)
    ]
    people_ids = list(Person.objects.filter(organisation=lead).order_by("pk").values_list("pk", flat=True))
    made = bulk_create_cases(lead, run.cases, people_ids=people_ids, owners=owners, batch_size=run.batch_size)
    for noun, rows in made.items():
        run.count(noun, rows)


# The paths a generated referral takes (its states in order) and how often, roughly as a busy
# network would see them: most answered, some still waiting, a few expired or withdrawn.
REFERRAL_PATHS = [
    (("draft",), 3),
    (("draft", "sent"), 6),
    (("draft", "sent", "received"), 6),
    (("draft", "sent", "received", "accepted"), 10),
    (("draft", "sent", "received", "declined"), 10),
    (("draft", "sent", "received", "accepted", "completed"), 30),
    (("draft", "sent", "received", "accepted", "not_completed"), 8),
    (("draft", "sent", "withdrawn"), 4),
    (("draft", "sent", "received", "redirected"), 3),
    (("draft", "sent", "no_response"), 6),
]


def generate_referrals(run):
    """``referrals`` referrals of the hub's people by its lead organisation, over the past year,
    with their history: to the map's services that take referrals through Waymark (two in
    three, into the inbox of the service's organisation) and to the others (letters); in every
    state, as ``REFERRAL_PATHS`` mixes them. Written with ``bulk_create`` in batches (the
    referrals, then their history), without consent rows or audit events: nobody did these. The
    history carries the dates; ``created_at`` is the time of the run (bulk_create sets it)."""
    if not run.referrals:
        return
    import datetime as dt
    import random

    from django.utils import timezone

    from waymark.directory.models import Service
    from waymark.people.models import Person
    from waymark.referrals.access import REFERRAL_ROLES
    from waymark.referrals.actions import SIGNPOSTABLE
    from waymark.referrals.models import DeclineReason, Outcome, Referral, ReferralEvent

    lead = Organisation.objects.get(pk=run.organisation_ids[0])
    people_ids = list(Person.objects.filter(organisation=lead).order_by("pk").values_list("pk", flat=True))
    senders = [
        membership.user_id
        for membership in Membership.objects.filter(organisation=lead).order_by("pk")
        if membership.has_role(*REFERRAL_ROLES)
    ] or list(Membership.objects.filter(organisation=lead).values_list("user_id", flat=True)[:1])
    running = Service.objects.filter(status__in=SIGNPOSTABLE).order_by("pk")
    inbox = list(
        running.filter(accepts_waymark_referrals=True, organization__waymark_organisation__isnull=False)
        .exclude(organization__waymark_organisation=lead)
        .values_list("pk", "organization__waymark_organisation_id")[:500]
    )
    letters = list(running.filter(organization__waymark_organisation__isnull=True).values_list("pk", flat=True)[:500])
    if not people_ids or not senders or not (inbox or letters):
        raise CommandError("--referrals needs people, a member to refer them and services on the map (--services).")

    rng = random.Random(f"{run.prefix}:referrals")
    paths = [path for path, _weight in REFERRAL_PATHS]
    weights = [weight for _path, weight in REFERRAL_PATHS]
    now = timezone.now()
    made = events = 0
    while made < run.referrals:
        size = min(run.batch_size, run.referrals - made)
        referrals, histories = [], []
        for _ in range(size):
            path = rng.choices(paths, weights)[0]
            state = path[-1]
            to_inbox = bool(inbox) and (not letters or rng.random() < 2 / 3)
            if to_inbox:
                service_id, receiver_id = inbox[rng.randrange(len(inbox))]
            else:
                service_id, receiver_id = letters[rng.randrange(len(letters))], None
            if not to_inbox and state == "redirected":
                path, state = path[:-1] + ("declined",), "declined"
            created = now - dt.timedelta(days=rng.uniform(0.5, 365))
            answer = dt.timedelta(days=rng.uniform(0.1, 8))
            sent = created + dt.timedelta(minutes=rng.randrange(5, 120))
            times = {
                "draft": created,
                "sent": sent,
                "received": sent + answer / 2,
                "accepted": sent + answer,
                "declined": sent + answer,
                "redirected": sent + answer,
                "withdrawn": sent + answer / 3,
                "no_response": sent + dt.timedelta(days=7),
                "completed": sent + answer * 3,
                "not_completed": sent + answer * 3,
            }
            times = {name: min(at, now) for name, at in times.items()}
            closed = state in Referral.CLOSED_STATES
            referrals.append(
                Referral(
                    person_id=people_ids[rng.randrange(len(people_ids))],
                    organisation=lead,
                    created_by_id=senders[rng.randrange(len(senders))],
                    service_id=service_id,
                    receiving_organisation_id=receiver_id,
                    delivery="" if state == "draft" else ("inbox" if to_inbox else "letter"),
                    state=state,
                    sent_at=times["sent"] if len(path) > 1 else None,
                    respond_by=times["sent"] + dt.timedelta(days=7) if len(path) > 1 else None,
                    received_at=times["received"] if "received" in path else None,
                    responded_at=times[path[3]] if len(path) > 3 and path[3] in ("accepted", "declined") else None,
                    decline_reason=rng.choice(DeclineReason.values) if state == "declined" else "",
                    outcome=(Outcome.SUPPORT_GIVEN if state == "completed" else Outcome.DID_NOT_ATTEND)
                    if state in ("completed", "not_completed")
                    else "",
                    closed_at=times[state] if closed else None,
                )
            )
            histories.append([(name, times[name]) for name in path])
        Referral.objects.bulk_create(referrals, batch_size=run.batch_size)
        history = [
            ReferralEvent(
                referral_id=referral.pk,
                from_state=path[index - 1][0] if index else "",
                to_state=name,
                at=at,
                by_id=referral.created_by_id if name in ("draft", "sent", "withdrawn") else None,
                by_organisation_id=referral.organisation_id
                if name in ("draft", "sent", "withdrawn") or referral.delivery == "letter"
                else referral.receiving_organisation_id,
                reason=referral.decline_reason if name == "declined" else "",
            )
            for referral, path in zip(referrals, histories, strict=True)
            for index, (name, at) in enumerate(path)
        ]
        ReferralEvent.objects.bulk_create(history, batch_size=run.batch_size)
        made += size
        events += len(history)
    run.count("referrals", made)
    run.count("referral events", events)


STEPS = [
    generate_areas,
    generate_networks,
    generate_organisations,
    generate_members,
    generate_services,
    generate_hub_people,
    generate_referrals,
]


def prefix_in_use(prefix):
    """True if an earlier run made rows with this prefix (users are only made with organisations).

    The prefix has been checked against PREFIX_PATTERN, so it needs no escaping in a pattern.
    """
    number = r"[0-9]+"
    return (
        Area.objects.filter(slug__regex=rf"^{prefix}-area-{number}$").exists()
        or Network.objects.filter(slug__regex=rf"^{prefix}-network-{number}$").exists()
        or Organisation.objects.filter(slug__regex=rf"^{prefix}-org-{number}$").exists()
        or services_prefix_in_use(prefix)
    )


class Command(BaseCommand):
    help = "Create many generated organisations, users and memberships (only with DEBUG or WAYMARK_DEMO=1)."

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=1000, help="organisations to create (default 1000)")
        parser.add_argument(
            "--users-per-organisation", type=int, default=5, help="members of each organisation (default 5)"
        )
        parser.add_argument("--networks", type=int, default=10, help="networks to create (default 10)")
        parser.add_argument("--areas", type=int, default=50, help="areas to create (default 50)")
        parser.add_argument(
            "--services", type=int, default=0, help="service-map services over the outcode centroids (default 0)"
        )
        parser.add_argument("--people", type=int, default=0, help="people registered at one generated hub (default 0)")
        parser.add_argument(
            "--visits", type=int, default=0, help="check-ins of those people at the hub's sessions (default 0)"
        )
        parser.add_argument(
            "--cases", type=int, default=0, help="cases of those people, with notes and actions (default 0)"
        )
        parser.add_argument(
            "--referrals", type=int, default=0, help="referrals of those people, with their history (default 0)"
        )
        parser.add_argument("--batch-size", type=int, default=1000, help="most rows per insert (default 1000)")
        parser.add_argument(
            "--prefix", default="scale", help="marks every generated row; use a new one for each run (default scale)"
        )
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help=f"password of every generated user (default {DEMO_PASSWORD})",
        )

    def handle(self, *args, **options):
        if not demo_data_allowed():
            raise CommandError(
                "generate_scale_data creates users with a known password, so it only runs with DEBUG=1 or "
                "WAYMARK_DEMO=1. Never set either on a site holding real people's data."
            )
        self.check_options(options)
        prefix = options["prefix"]
        if prefix_in_use(prefix):
            raise CommandError(f"Rows with the prefix {prefix!r} exist already: run again with a new --prefix.")

        started = time.perf_counter()
        run = ScaleRun(
            prefix=prefix,
            organisations=options["organisations"],
            users_per_organisation=options["users_per_organisation"],
            networks=options["networks"],
            areas=options["areas"],
            services=options["services"],
            people=options["people"],
            visits=options["visits"],
            cases=options["cases"],
            referrals=options["referrals"],
            batch_size=options["batch_size"],
            password_hash=make_password(options["password"]),
        )
        with transaction.atomic():
            for step in STEPS:
                step(run)
        seconds = time.perf_counter() - started

        made = ", ".join(f"{rows} {noun}" for noun, rows in run.counts.items())
        self.stdout.write(f"Created {made} with the prefix {prefix!r} in {seconds:.1f} s.")
        if run.users_per_organisation and run.organisations:
            self.stdout.write(
                f"Users sign in as {run.email(1, 1)} … {run.email(run.organisations, run.users_per_organisation)}."
            )

    def check_options(self, options):
        limits = {
            "organisations": (0, 10**ORGANISATION_DIGITS - 1),
            "users_per_organisation": (0, 1000),
            "networks": (0, 10**NETWORK_DIGITS - 1),
            "areas": (0, 10**AREA_DIGITS - 1),
            "services": (0, 9_999_999),
            "people": (0, 9_999_999),
            "visits": (0, 99_999_999),
            "cases": (0, 9_999_999),
            "referrals": (0, 9_999_999),
            "batch_size": (1, 100_000),
        }
        for option, (low, high) in limits.items():
            if not low <= options[option] <= high:
                flag = "--" + option.replace("_", "-")
                raise CommandError(f"{flag} must be between {low} and {high}.")
        if (options["people"] or options["visits"]) and not options["organisations"]:
            raise CommandError("--people and --visits need at least one organisation to run the hub.")
        if options["cases"] and not options["people"]:
            raise CommandError("--cases needs --people: cases are of the generated people.")
        if options["referrals"] and not options["people"]:
            raise CommandError("--referrals needs --people: referrals are of the generated people.")
        if options["visits"] and not options["people"]:
            raise CommandError("--visits needs --people: visits are check-ins of the generated people.")
        if not PREFIX_PATTERN.match(options["prefix"]) or len(options["prefix"]) > 40:
            raise CommandError(
                "--prefix must be lower-case letters and digits, optionally joined by hyphens (e.g. scale-2), "
                "at most 40 characters."
            )
