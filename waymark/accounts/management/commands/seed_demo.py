"""`manage.py seed_demo`: the demo's places, networks, organisations and users.

Safe to run again and again: rows are found by slug or e-mail and brought back to the demo's
content, so re-running also repairs a demo someone has changed (passwords, roles, memberships
and two-factor set-up of the demo users are reset). The content is in waymark/accounts/demo.py.

Later issues add steps (hubs, services, people …): write a `seed_…(demo)` function that reads
and fills the `DemoSeed` it is given, and append it to `STEPS`.
"""

from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from waymark.accounts import demo as content
from waymark.accounts.models import Membership, Network, Organisation, PlatformRole, User
from waymark.casework.demo_assessments import seed_assessments
from waymark.casework.demo_cases import BOLTON_CASES, SALFORD_CASES, case_uuid, seed_cases
from waymark.casework.demo_safeguarding import seed_concerns
from waymark.casework.models import Case
from waymark.casework.part_demo import add_demo_parts
from waymark.directory.demo import seed_directory
from waymark.hubs.demo import seed_hubs
from waymark.hubs.demo_learning import seed_learning
from waymark.hubs.demo_visits import seed_visits
from waymark.people.demo import seed_people
from waymark.places.demo import seed_accommodation_sites
from waymark.places.models import Area
from waymark.referrals.demo import seed_referrals


@dataclass
class DemoSeed:
    """What the steps have seeded so far, by slug (users by e-mail), for the steps after them."""

    areas: dict[str, Area] = field(default_factory=dict)
    networks: dict[str, Network] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def seed_areas(demo):
    for slug, name, kind, gss_code, region in content.AREAS:
        demo.areas[slug], _ = Area.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "gss_code": gss_code, "region": region}
        )


def seed_networks(demo):
    for slug, name, area_slugs in content.NETWORKS:
        network, _ = Network.objects.update_or_create(slug=slug, defaults={"name": name})
        network.areas.set([demo.areas[area] for area in area_slugs])
        demo.networks[slug] = network


def seed_organisations(demo):
    for spec in content.ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                # Every local authority is an NRM First Responder (domain.md).
                "is_nrm_first_responder": spec["kind"] == Organisation.Kind.LOCAL_AUTHORITY,
            },
        )
        organisation.areas.set([demo.areas[area] for area in spec["areas"]])
        organisation.networks.set([demo.networks[network] for network in spec["networks"]])
        demo.organisations[spec["slug"]] = organisation


def seed_users(demo):
    """Each demo user with exactly the memberships and roles of the table, and the demo password."""
    # One hash for all: hashing is slow on purpose, and the password is published anyway.
    password_hash = make_password(content.DEMO_PASSWORD)
    for spec in content.USERS:
        is_administrator = spec.get("is_administrator", False)
        user, _ = User.objects.update_or_create(
            email=spec["email"],
            defaults={
                "name": spec["name"],
                "password": password_hash,
                "is_active": True,
                "is_staff": is_administrator,
                "is_superuser": is_administrator,
            },
        )
        user.groups.clear()
        user.user_permissions.clear()
        # A demo user whose authenticator app was set up on someone else's phone would be
        # locked out of the demo for good; re-seeding gives the login back.
        Authenticator.objects.filter(user=user).delete()
        _reset_memberships(demo, user, spec.get("memberships", []))
        _reset_platform_roles(demo, user, spec.get("platform_roles", []))
        demo.users[user.email] = user


def _reset_memberships(demo, user, specs):
    organisations = []
    for spec in specs:
        organisation = demo.organisations[spec["organisation"]]
        Membership.objects.update_or_create(
            user=user,
            organisation=organisation,
            defaults={
                "roles": list(spec["roles"]),
                "adviser_regulator": spec.get("adviser_regulator", ""),
                "adviser_oisc_level": spec.get("adviser_oisc_level"),
            },
        )
        organisations.append(organisation)
    Membership.objects.filter(user=user).exclude(organisation__in=organisations).delete()


def _reset_platform_roles(demo, user, specs):
    kept = []
    for kind, network_slug, area_slug in specs:
        role, _ = PlatformRole.objects.get_or_create(
            user=user,
            kind=kind,
            network=demo.networks[network_slug] if network_slug else None,
            area=demo.areas[area_slug] if area_slug else None,
        )
        kept.append(role.pk)
    PlatformRole.objects.filter(user=user).exclude(pk__in=kept).delete()


def seed_hub_step(demo):
    # After the users: the Bolton hub's team are the demo volunteer, caseworker and coordinator.
    seed_hubs()


def seed_people_step(demo):
    # The journeys name accommodation sites; the people are registered by the demo users.
    seed_accommodation_sites()
    seed_people()


def seed_visits_step(demo):
    # Six months of check-ins of the demo people at the hubs' past sessions.
    seed_visits()


def seed_learning_step(demo):
    # Debriefs of the hubs' past sessions, and what visitors said.
    seed_learning()


def seed_casework_step(demo):
    # Assessments (one with a suicide-risk answer, which raises a concern), cases with notes and
    # actions, their plans, outcomes, immigration matters and letters, and concerns at each stage.
    seed_assessments()
    seed_cases()
    for index, case in enumerate(Case.objects.filter(uuid__in=_demo_case_ids()).select_related("owner")):
        add_demo_parts(case, caseworker=case.owner, index=index)
    seed_concerns()


def _demo_case_ids():
    return [case_uuid(content.BOLTON_HUB_LEAD, entry[0]) for entry in BOLTON_CASES] + [
        case_uuid(content.SALFORD_HUB_LEAD, entry[0]) for entry in SALFORD_CASES
    ]


def seed_referrals_step(demo):
    # Referrals in every state between the demo organisations, made through the flow: after
    # the people, their visits (some are made at one) and the safeguarding concerns.
    seed_referrals(demo)


STEPS = [
    seed_areas,
    seed_networks,
    seed_organisations,
    seed_users,
    seed_directory,
    seed_hub_step,
    seed_people_step,
    seed_visits_step,
    seed_learning_step,
    seed_casework_step,
    seed_referrals_step,
]


class Command(BaseCommand):
    help = "Create or reset the demo data and demo users (only with DEBUG or WAYMARK_DEMO=1)."

    def handle(self, *args, **options):
        if not content.demo_data_allowed():
            raise CommandError(
                "seed_demo creates users with a published password, so it only runs with DEBUG=1 or "
                "WAYMARK_DEMO=1. Never set either on a site holding real people's data."
            )
        demo = DemoSeed()
        with transaction.atomic():
            for step in STEPS:
                step(demo)
        self.stdout.write(
            f"Seeded {len(demo.areas)} areas, {len(demo.networks)} networks, "
            f"{len(demo.organisations)} organisations and {len(demo.users)} demo users."
        )
        self.print_logins(demo)

    def print_logins(self, demo):
        rows = []
        for spec in content.USERS:
            names = [demo.organisations[m["organisation"]].name for m in spec.get("memberships", [])]
            rows.append((spec["email"], spec["about"] + (f" ({', '.join(names)})" if names else "")))
        width = max(len(email) for email, _ in rows)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {content.DEMO_PASSWORD})"))
        self.stdout.write(f"  {'e-mail'.ljust(width)}  who they are")
        for email, about in rows:
            self.stdout.write(f"  {email.ljust(width)}  {about}")
