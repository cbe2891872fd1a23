from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from waymark.accounts.models import Membership, Network, Organisation, User
from waymark.places.models import Area


def generate(**options):
    out = StringIO()
    call_command("generate_scale_data", stdout=out, **options)
    return out.getvalue()


def queries_to_generate(**options):
    with CaptureQueriesContext(connection) as queries:
        generate(**options)
    return len(queries)


@override_settings(WAYMARK_DEMO=True)
class GenerateScaleDataTestCase(TestCase):
    def test_it_creates_the_sizes_asked_for(self):
        generate(organisations=3, users_per_organisation=2, networks=2, areas=4)

        organisations = Organisation.objects.filter(slug__startswith="scale-org-")
        self.assertEqual(organisations.count(), 3)
        self.assertEqual(Network.objects.filter(slug__startswith="scale-network-").count(), 2)
        self.assertEqual(Area.objects.filter(slug__startswith="scale-area-").count(), 4)
        self.assertEqual(User.objects.filter(email__endswith="@scale.waymark").count(), 6)
        self.assertEqual(Membership.objects.filter(organisation__in=organisations).count(), 6)
        for organisation in organisations:
            with self.subTest(organisation=organisation.name):
                self.assertEqual(organisation.memberships.count(), 2)
                self.assertEqual(organisation.areas.count(), 1)
                self.assertEqual(organisation.networks.count(), 1)
        self.assertEqual(sum(network.areas.count() for network in Network.objects.all()), 4)

    def test_it_names_every_row_as_generated(self):
        generate(organisations=2, users_per_organisation=2, networks=1, areas=1)

        self.assertEqual(
            list(Organisation.objects.values_list("name", flat=True)), ["Scale Org 000001", "Scale Org 000002"]
        )
        self.assertEqual(
            list(User.objects.order_by("email").values_list("email", flat=True)),
            [
                "scale-000001-1@scale.waymark",
                "scale-000001-2@scale.waymark",
                "scale-000002-1@scale.waymark",
                "scale-000002-2@scale.waymark",
            ],
        )
        self.assertEqual(Network.objects.get().name, "Scale Network 001")
        self.assertEqual(Area.objects.get().name, "Scale Area 0001")

    def test_it_gives_members_valid_roles_and_a_working_password(self):
        generate(organisations=1, users_per_organisation=4, networks=1, areas=1, password="scale-password")

        memberships = Membership.objects.order_by("user__email")
        self.assertEqual(
            [sorted(m.roles) for m in memberships],
            [
                ["coordinator", "organisation_admin", "safeguarding_lead"],
                ["caseworker"],
                ["caseworker", "safeguarding_lead"],
                ["volunteer"],
            ],
        )
        for membership in memberships:
            membership.full_clean()
        self.assertTrue(self.client.login(email="scale-000001-3@scale.waymark", password="scale-password"))

    def test_it_inserts_in_batches_whatever_the_number_of_organisations(self):
        sizes = {"users_per_organisation": 3, "networks": 2, "areas": 3, "batch_size": 500}
        queries_for_20 = queries_to_generate(organisations=20, prefix="small", **sizes)
        queries_for_40 = queries_to_generate(organisations=40, prefix="large", **sizes)

        self.assertEqual(queries_for_20, queries_for_40)
        self.assertEqual(Organisation.objects.count(), 60)
        self.assertEqual(User.objects.count(), 180)

    def test_it_splits_inserts_at_the_batch_size(self):
        generate(organisations=7, users_per_organisation=3, networks=2, areas=3, batch_size=2)

        self.assertEqual(Organisation.objects.count(), 7)
        self.assertEqual(User.objects.count(), 21)
        self.assertEqual(Membership.objects.count(), 21)
        self.assertEqual(Organisation.networks.through.objects.count(), 7)

    def test_it_reports_what_it_created(self):
        output = generate(organisations=2, users_per_organisation=3, networks=1, areas=1)

        self.assertIn("2 organisations", output)
        self.assertIn("6 users", output)
        self.assertIn("6 memberships", output)
        self.assertIn("scale-000001-1@scale.waymark", output)

    def test_it_refuses_a_prefix_used_before_and_accepts_a_new_one(self):
        generate(organisations=1, users_per_organisation=1, networks=1, areas=1)

        with self.assertRaisesMessage(CommandError, "new --prefix"):
            generate(organisations=1, users_per_organisation=1, networks=1, areas=1)
        generate(organisations=1, users_per_organisation=1, networks=1, areas=1, prefix="scale-2")

        self.assertEqual(Organisation.objects.count(), 2)
        self.assertTrue(Organisation.objects.filter(name="Scale 2 Org 000001").exists())
        self.assertTrue(User.objects.filter(email="scale-2-000001-1@scale.waymark").exists())

    def test_it_refuses_a_prefix_that_is_not_a_slug(self):
        with self.assertRaisesMessage(CommandError, "--prefix must be"):
            generate(organisations=1, prefix="Scale Data")
        self.assertFalse(Organisation.objects.exists())

    def test_it_refuses_sizes_out_of_range(self):
        with self.assertRaisesMessage(CommandError, "--batch-size must be between"):
            generate(organisations=1, batch_size=0)
        with self.assertRaisesMessage(CommandError, "--organisations must be between"):
            generate(organisations=-1)


class GenerateScaleDataRefusalTestCase(TestCase):
    @override_settings(DEBUG=False, WAYMARK_DEMO=False)
    def test_it_refuses_without_debug_or_demo_mode(self):
        with self.assertRaisesMessage(CommandError, "only runs with DEBUG=1 or WAYMARK_DEMO=1"):
            generate(organisations=2)
        self.assertFalse(Organisation.objects.exists())
        self.assertFalse(User.objects.exists())


@override_settings(WAYMARK_DEMO=True)
class GeneratePeopleAndVisitsTestCase(TestCase):
    def test_it_registers_people_at_a_hub_and_checks_them_in_at_its_sessions(self):
        from waymark.hubs.models import Hub, Visit
        from waymark.people.models import Person

        output = generate(organisations=2, users_per_organisation=1, networks=1, areas=1, people=60, visits=300)

        hub = Hub.objects.get()
        self.assertEqual(hub.lead_organisation.slug, "scale-org-000001")
        self.assertTrue(hub.service.name.startswith("Scale Hub"))
        people = Person.objects.filter(organisation=hub.lead_organisation)
        self.assertEqual(people.count(), 60)
        visits = Visit.objects.filter(session__hub=hub)
        self.assertAlmostEqual(visits.count(), 300, delta=60)
        # Nobody is checked in twice at one session; most come back.
        self.assertEqual(
            visits.filter(person__isnull=False).count(),
            len(set(visits.filter(person__isnull=False).values_list("session_id", "person_id"))),
        )
        self.assertIn("60 people", output)

    def test_it_refuses_visits_without_people_or_people_without_an_organisation(self):
        with self.assertRaisesMessage(CommandError, "--visits needs --people"):
            generate(organisations=1, visits=10)
        with self.assertRaisesMessage(CommandError, "need at least one organisation"):
            generate(organisations=0, people=10)
