from io import StringIO

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from waymark.accounts import demo
from waymark.accounts.models import Membership, NationalBody, Network, Organisation, PlatformRole, User
from waymark.places.models import Area

PASSWORD = "waymark-demo"

# The table in architecture.md ("Demo users"), written out again here on purpose: the test
# checks the seed against the documented table, not against the seed's own data.
# e-mail → ({organisation slug: (roles, regulator, OISC level)}, {(platform role, scope slug)}, administrator)
DEMO_USERS = {
    "volunteer@demo.waymark": ({demo.BOLTON_HUB_LEAD: ({"volunteer"}, "", None)}, set(), False),
    "caseworker@demo.waymark": ({demo.BOLTON_HUB_LEAD: ({"caseworker"}, "", None)}, set(), False),
    "coordinator@demo.waymark": (
        {demo.BOLTON_HUB_LEAD: ({"coordinator", "safeguarding_lead", "organisation_admin"}, "", None)},
        set(),
        False,
    ),
    "partner@demo.waymark": ({demo.LEGAL_ADVICE_CHARITY: ({"caseworker"}, "oisc", 2)}, set(), False),
    "outsider@demo.waymark": ({demo.SALFORD_HUB_LEAD: ({"caseworker", "safeguarding_lead"}, "", None)}, set(), False),
    "editor@demo.waymark": ({}, {("directory_editor", "greater-manchester")}, False),
    "network@demo.waymark": ({}, {("network_lead", "greater-manchester")}, False),
    "council@demo.waymark": ({demo.BOLTON_COUNCIL: (set(), "", None)}, {("council_officer", "bolton")}, False),
    "admin@demo.waymark": ({}, set(), True),
}

# Real organisations working with refugees and people seeking asylum, besides the national
# bodies of the reference data: none of them may lend its name to a demo organisation.
REAL_ORGANISATIONS = [
    "Refugee Action",
    "Refugee Council",
    "British Red Cross",
    "City of Sanctuary",
    "NACCOM",
    "Asylum Matters",
    "Asylum Aid",
    "Boaz Trust",
    "Rainbow Haven",
    "RAPAR",
    "Immigration Aid Unit",
    "Revive",
    "Open Door North East",
    "West End Refugee Service",
    "Action Foundation",
    "North of England Refugee Service",
    "Freedom from Torture",
    "Helen Bamber",
    "Care4Calais",
    "Citizens Advice",
    "Step Change",
    "InterAction",
]


def seed(**kwargs):
    out = StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


def row_counts():
    return {
        "areas": Area.objects.count(),
        "networks": Network.objects.count(),
        "network areas": Network.areas.through.objects.count(),
        "organisations": Organisation.objects.count(),
        "organisation areas": Organisation.areas.through.objects.count(),
        "organisation networks": Organisation.networks.through.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "platform roles": PlatformRole.objects.count(),
    }


@override_settings(WAYMARK_DEMO=True)
class SeedDemoTestCase(TestCase):
    def test_it_gives_the_same_rows_when_run_twice(self):
        seed()
        first = row_counts()
        seed()
        self.assertEqual(row_counts(), first)
        self.assertEqual(first["areas"], 11)
        self.assertEqual(first["networks"], 2)
        self.assertEqual(first["users"], 9)
        self.assertGreaterEqual(first["organisations"], 20)

    def test_it_lets_every_demo_user_log_in_with_the_demo_password(self):
        seed()
        for email in DEMO_USERS:
            with self.subTest(email=email):
                self.assertTrue(self.client.login(email=email, password=PASSWORD))
                self.client.logout()

    def test_it_gives_each_demo_user_exactly_the_roles_of_the_table(self):
        seed()
        for email, (memberships, platform_roles, is_administrator) in DEMO_USERS.items():
            with self.subTest(email=email):
                user = User.objects.get(email=email)
                self.assertTrue(user.name)
                self.assertEqual(user.is_superuser, is_administrator)
                self.assertEqual(user.is_staff, is_administrator)
                found = {
                    m.organisation.slug: (set(m.roles), m.adviser_regulator, m.adviser_oisc_level)
                    for m in user.memberships.select_related("organisation")
                }
                self.assertEqual(found, memberships)
                found_platform = {(r.kind, r.scope.slug) for r in user.platform_roles.all()}
                self.assertEqual(found_platform, platform_roles)

    def test_it_puts_the_demo_users_in_the_organisations_the_table_describes(self):
        seed()
        self.assertEqual(Organisation.objects.get(slug=demo.BOLTON_COUNCIL).name, "Bolton Council")
        self.assertEqual(Organisation.objects.get(slug=demo.BOLTON_COUNCIL).kind, "local_authority")
        self.assertEqual(Organisation.objects.get(slug=demo.LEGAL_ADVICE_CHARITY).kind, "legal_practice")
        for slug, area in [(demo.BOLTON_HUB_LEAD, "bolton"), (demo.SALFORD_HUB_LEAD, "salford")]:
            organisation = Organisation.objects.get(slug=slug)
            self.assertEqual(organisation.kind, "charity")
            self.assertEqual([a.slug for a in organisation.areas.all()], [area])
            self.assertEqual([n.slug for n in organisation.networks.all()], ["greater-manchester"])
        newcastle = Organisation.objects.get(slug=demo.NEWCASTLE_DROP_IN_LEAD)
        self.assertEqual([n.name for n in newcastle.networks.all()], ["North East"])

    def test_it_resets_a_changed_demo_user(self):
        seed()
        coordinator = User.objects.get(email="coordinator@demo.waymark")
        coordinator.set_password("someone-changed-it")
        coordinator.is_superuser = True
        coordinator.save()
        coordinator.groups.add(Group.objects.create(name="Extra"))
        coordinator.memberships.update(roles=["volunteer"])
        Membership.objects.create(
            user=coordinator, organisation=Organisation.objects.get(slug=demo.SALFORD_HUB_LEAD), roles=["caseworker"]
        )
        PlatformRole.objects.create(
            user=coordinator, kind="network_lead", network=Network.objects.get(slug="north-east")
        )
        Authenticator.objects.create(user=coordinator, type=Authenticator.Type.TOTP, data={})

        seed()

        coordinator.refresh_from_db()
        self.assertTrue(coordinator.check_password(PASSWORD))
        self.assertFalse(coordinator.is_superuser)
        self.assertFalse(coordinator.groups.exists())
        self.assertEqual(
            [(m.organisation.slug, sorted(m.roles)) for m in coordinator.memberships.all()],
            [(demo.BOLTON_HUB_LEAD, ["coordinator", "organisation_admin", "safeguarding_lead"])],
        )
        self.assertFalse(coordinator.platform_roles.exists())
        self.assertFalse(Authenticator.objects.filter(user=coordinator).exists())

    def test_it_prints_the_demo_logins_and_the_password(self):
        output = seed()
        for email in DEMO_USERS:
            self.assertIn(email, output)
        self.assertIn(PASSWORD, output)
        self.assertIn("Croal Valley Welcome Project", output)

    def test_it_creates_the_greater_manchester_boroughs_and_newcastle(self):
        seed()
        areas = {a.name: (a.gss_code, a.kind, a.region) for a in Area.objects.all()}
        self.assertEqual(areas["Bolton"], ("E08000001", "metropolitan_borough", "North West"))
        self.assertEqual(areas["Manchester"], ("E08000003", "city", "North West"))
        self.assertEqual(areas["Salford"], ("E08000006", "city", "North West"))
        self.assertEqual(areas["Wigan"], ("E08000010", "metropolitan_borough", "North West"))
        self.assertEqual(areas["Newcastle upon Tyne"], ("E08000021", "city", "North East"))
        greater_manchester = Network.objects.get(name="Greater Manchester")
        self.assertEqual(
            sorted(a.name for a in greater_manchester.areas.all()),
            [
                "Bolton",
                "Bury",
                "Manchester",
                "Oldham",
                "Rochdale",
                "Salford",
                "Stockport",
                "Tameside",
                "Trafford",
                "Wigan",
            ],
        )
        north_east = Network.objects.get(name="North East")
        self.assertEqual([a.name for a in north_east.areas.all()], ["Newcastle upon Tyne"])

    def test_it_creates_organisations_of_every_kind(self):
        seed()
        kinds = set(Organisation.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, set(Organisation.Kind.values))

    def test_it_never_names_a_demo_organisation_after_a_real_one(self):
        seed()
        real_names = list(NationalBody.objects.values_list("name", flat=True)) + REAL_ORGANISATIONS
        self.assertIn("Migrant Help", real_names)
        for organisation in Organisation.objects.all():
            for real in real_names:
                with self.subTest(organisation=organisation.name, real=real):
                    self.assertNotIn(real.lower(), organisation.name.lower())


class SeedDemoRefusalTestCase(TestCase):
    @override_settings(DEBUG=False, WAYMARK_DEMO=False)
    def test_it_refuses_without_debug_or_demo_mode(self):
        with self.assertRaisesMessage(CommandError, "only runs with DEBUG=1 or WAYMARK_DEMO=1"):
            seed()
        self.assertFalse(User.objects.filter(email__endswith="@demo.waymark").exists())
        self.assertFalse(Organisation.objects.exists())

    @override_settings(DEBUG=True, WAYMARK_DEMO=False)
    def test_it_runs_with_debug(self):
        seed()
        self.assertTrue(User.objects.filter(email="admin@demo.waymark", is_superuser=True).exists())
