"""Helpers for tests: small `make_…` builders and a base test case with the demo personas.

Every view is tested as the allowed user, a member of the same organisation whose roles do
not allow the action, and an outsider from another organisation. The personas mirror the
demo users in docs (architecture.md): a hub lead charity with a volunteer, a caseworker and a
coordinator; a partner legal-advice charity; an outsider charity; platform roles.
"""

import threading

from django.db import connection
from django.test import TestCase
from django.utils.text import slugify

from waymark.accounts.models import Membership, Network, Organisation, PlatformRole, Role, User
from waymark.places.models import Area

PASSWORD = "test-password-1234"  # noqa: S105 - the test users' password, not a secret


def make_area(name="Bolton", **fields):
    return Area.objects.get_or_create(slug=slugify(name), defaults={"name": name, **fields})[0]


def make_network(name="Greater Manchester", areas=()):
    network = Network.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
    network.areas.add(*areas)
    return network


def make_organisation(name, kind=Organisation.Kind.CHARITY, **fields):
    return Organisation.objects.create(name=name, slug=slugify(name), kind=kind, **fields)


def make_user(email, *, name="", **fields):
    return User.objects.create_user(email=email, password=PASSWORD, name=name, **fields)


def make_member(email, organisation, roles=(), **fields):
    user = make_user(email)
    Membership.objects.create(user=user, organisation=organisation, roles=[str(role) for role in roles], **fields)
    return user


def run_at_once(*functions, timeout=10):
    """Call each function in a thread of its own, all let go at the same moment; return, in
    order, what each returned or the exception it raised.

    Each thread talks to the database over a connection of its own and closes it when done,
    so use it from a TransactionTestCase (a TestCase's data is invisible to other connections).
    """
    barrier = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait(timeout)
            outcomes[index] = function()
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, function)) for index, function in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError(f"A thread was still running after {timeout} s.")
    return outcomes


class BaseTestCase(TestCase):
    """Personas:

    - ``volunteer``, ``caseworker``, ``coordinator`` of ``hub_org`` (the Bolton hub's lead charity);
      the coordinator is also safeguarding lead and organisation admin;
    - ``partner``: caseworker at ``partner_org``, a legal-advice charity (OISC level 2 adviser);
    - ``outsider``: caseworker and safeguarding lead at ``other_org`` (the Salford hub's lead);
    - ``editor`` and ``network_lead`` of ``network``; ``council`` officer for ``bolton``;
    - ``admin``: an administrator.
    """

    @classmethod
    def setUpTestData(cls):
        cls.bolton = make_area("Bolton")
        cls.salford = make_area("Salford")
        cls.network = make_network("Greater Manchester", [cls.bolton, cls.salford])
        cls.hub_org = make_organisation("Croal Valley Welcome Project")
        cls.partner_org = make_organisation("Medlock Immigration Advice Centre", kind=Organisation.Kind.LEGAL_PRACTICE)
        cls.other_org = make_organisation("Kersal Moor Welcome Centre")
        cls.council_org = make_organisation("Bolton Council", kind=Organisation.Kind.LOCAL_AUTHORITY)
        for org in (cls.hub_org, cls.partner_org, cls.other_org, cls.council_org):
            org.networks.add(cls.network)

        cls.volunteer = make_member("volunteer@example.org", cls.hub_org, [Role.VOLUNTEER])
        cls.caseworker = make_member("caseworker@example.org", cls.hub_org, [Role.CASEWORKER])
        cls.coordinator = make_member(
            "coordinator@example.org",
            cls.hub_org,
            [Role.COORDINATOR, Role.SAFEGUARDING_LEAD, Role.ORGANISATION_ADMIN],
        )
        cls.partner = make_member(
            "partner@example.org",
            cls.partner_org,
            [Role.CASEWORKER],
            adviser_regulator=Membership.Regulator.OISC,
            adviser_oisc_level=2,
        )
        cls.outsider = make_member("outsider@example.org", cls.other_org, [Role.CASEWORKER, Role.SAFEGUARDING_LEAD])
        cls.council = make_member("council@example.org", cls.council_org, [])
        PlatformRole.objects.create(user=cls.council, kind=PlatformRole.Kind.COUNCIL_OFFICER, area=cls.bolton)
        cls.editor = make_user("editor@example.org")
        PlatformRole.objects.create(user=cls.editor, kind=PlatformRole.Kind.DIRECTORY_EDITOR, network=cls.network)
        cls.network_lead = make_user("network@example.org")
        PlatformRole.objects.create(user=cls.network_lead, kind=PlatformRole.Kind.NETWORK_LEAD, network=cls.network)
        cls.admin = User.objects.create_superuser(email="admin@example.org", password=PASSWORD)

    def login(self, user):
        """Sign in as ``user`` with MFA treated as done, so tests reach the page itself."""
        self.client.force_login(user)
        session = self.client.session
        session["mfa_set_up"] = True
        session.save()
