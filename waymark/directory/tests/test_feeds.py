"""Feeds: ``manage.py pull_directory_feeds`` pulls every active feed, a failing feed does not
stop the others, and editors see each feed's last pull; a change a feed queued is shown as
coming from that feed's import.

Feeds are served from a local http.server thread: tests never use the internet.
"""

import contextlib
import io
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from waymark.accounts.models import PlatformRole
from waymark.audit.models import Event
from waymark.directory.actions.changes import do_propose_change
from waymark.directory.listing_data import apply_service_data
from waymark.directory.models import ChangeRequest, Feed, ImportedRecord, ImportRun, NeedMapping, Service, TaxonomyTerm
from waymark.directory.tests.builders import make_need, make_organization
from waymark.testing import BaseTestCase, make_area, make_network, make_user

MOCKS = Path(__file__).resolve().parents[1] / "standards" / "oruk-3.0" / "validator" / "mocks"
DEFAULT = MOCKS / "V3.0-UK-Default"
FAIL = MOCKS / "V3.0-UK-Fail"
# The service of the validator's fixtures, and its name.
FIXTURE_SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
FIXTURE_SERVICE_NAME = "Community Counselling"


def feed_routes(folder, prefix=""):
    """A feed at ``{prefix}/services`` serving the fixtures of ``folder`` (a list, and each
    service's full record)."""
    full = (folder / "service_full.json").read_bytes()
    return {
        f"{prefix}/services": (folder / "service_list.json").read_bytes(),
        f"{prefix}/services/{FIXTURE_SERVICE_ID}": full,
    }


@contextlib.contextmanager
def serve(routes):
    """Serve ``routes`` ({path: JSON bytes}, the query string ignored) on a local port; yield
    the server's base address, e.g. ``http://127.0.0.1:51234``. Anything else is 404."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = routes.get(urlsplit(self.path).path.rstrip("/"))
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass  # keep the test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def pull(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("pull_directory_feeds", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class PullFeedsTests(BaseTestCase):
    def test_it_pulls_each_active_feed_and_publishes_what_a_publishing_feed_brings(self):
        with serve(feed_routes(DEFAULT)) as base:
            feed = Feed.objects.create(
                name="Bolton Council directory", url=f"{base}/services", area=self.bolton, mode=Feed.Mode.PUBLISH
            )
            out, err = pull()

        run = ImportRun.objects.get(feed=feed)
        self.assertEqual(run.status, ImportRun.Status.FINISHED, run.error)
        self.assertTrue(run.publish)
        self.assertIsNone(run.started_by)
        self.assertEqual(run.source_name, "Bolton Council directory")
        self.assertEqual(run.created, 1)
        service = Service.objects.get(name=FIXTURE_SERVICE_NAME)
        record = ImportedRecord.objects.get(entity="service", object_id=service.id)
        self.assertEqual(record.feed, feed)
        self.assertEqual(record.source_name, "Bolton Council directory")
        self.assertIn("Bolton Council directory: 1 added", out)
        self.assertIn("Pulled 1 feed(s); 0 failed.", out)
        self.assertEqual(err, "")

    def test_pulling_again_changes_nothing(self):
        with serve(feed_routes(DEFAULT)) as base:
            feed = Feed.objects.create(name="Bolton", url=f"{base}/services", area=self.bolton, mode=Feed.Mode.PUBLISH)
            pull()
            pull()

        first, second = ImportRun.objects.filter(feed=feed).order_by("started_at", "id")
        self.assertEqual((first.created, second.created, second.updated, second.unchanged), (1, 0, 0, 1))
        self.assertEqual(Service.objects.filter(name=FIXTURE_SERVICE_NAME).count(), 1)

    def test_a_reviewed_feed_imports_without_publishing(self):
        with serve(feed_routes(DEFAULT)) as base:
            feed = Feed.objects.create(name="Salford", url=f"{base}/services", area=self.salford, mode=Feed.Mode.REVIEW)
            pull()

        run = ImportRun.objects.get(feed=feed)
        self.assertFalse(run.publish)
        self.assertEqual(run.status, ImportRun.Status.FINISHED, run.error)

    def test_a_failing_feed_is_recorded_and_the_others_are_still_pulled(self):
        with serve({**feed_routes(DEFAULT, "/good"), "/broken/services": b"<html>Server error</html>"}) as base:
            broken = Feed.objects.create(
                name="A broken feed", url=f"{base}/broken/services", area=self.bolton, mode=Feed.Mode.PUBLISH
            )
            missing = Feed.objects.create(
                name="B missing feed", url=f"{base}/gone/services", area=self.bolton, mode=Feed.Mode.PUBLISH
            )
            good = Feed.objects.create(
                name="C good feed", url=f"{base}/good/services", area=self.bolton, mode=Feed.Mode.PUBLISH
            )
            out, err = pull()

        for feed in (broken, missing):
            with self.subTest(feed=feed.name):
                run = ImportRun.objects.get(feed=feed)
                self.assertEqual(run.status, ImportRun.Status.FAILED)
                self.assertNotEqual(run.error, "")
                self.assertIn(f"{feed.name}: failed:", err)
        self.assertIn("404", ImportRun.objects.get(feed=missing).error)
        self.assertEqual(ImportRun.objects.get(feed=good).status, ImportRun.Status.FINISHED)
        self.assertTrue(Service.objects.filter(name=FIXTURE_SERVICE_NAME).exists())
        self.assertIn("Pulled 3 feed(s); 2 failed.", out)

    def test_it_skips_feeds_switched_off_and_can_pull_one_by_name(self):
        with serve(feed_routes(DEFAULT)) as base:
            off = Feed.objects.create(name="Off", url=f"{base}/services", area=self.bolton, active=False)
            one = Feed.objects.create(name="One", url=f"{base}/services", area=self.bolton)
            other = Feed.objects.create(name="Other", url=f"{base}/services", area=self.bolton)
            pull("--feed", "One")

        self.assertFalse(ImportRun.objects.filter(feed__in=[off, other]).exists())
        self.assertTrue(ImportRun.objects.filter(feed=one).exists())

    def test_the_schedule_pulls_the_feeds_every_day(self):
        from datetime import timedelta

        from django.conf import settings

        from waymark.ops.schedule import registered_jobs

        self.assertEqual(settings.PERIODIC_JOBS["pull_directory_feeds"], timedelta(days=1))
        self.assertIn("pull_directory_feeds", [job.name for job in registered_jobs()])


class FeedsPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tyneside_area = make_area("Newcastle")
        make_network("Tyneside", [cls.tyneside_area])
        cls.bolton_feed = Feed.objects.create(
            name="Bolton Council directory", url="https://bolton.example.org/api/services", area=cls.bolton
        )
        cls.newcastle_feed = Feed.objects.create(
            name="Newcastle directory", url="https://newcastle.example.org/api/services", area=cls.tyneside_area
        )
        cls.import_run = ImportRun.objects.create(
            source=cls.bolton_feed.url,
            source_name=cls.bolton_feed.name,
            feed=cls.bolton_feed,
            status=ImportRun.Status.FINISHED,
            created=12,
            updated=3,
            unchanged=40,
            queued=2,
            rejected=1,
        )
        cls.url = reverse("directory:import_feeds")

    def test_an_editor_sees_their_networks_feeds_with_the_last_pull(self):
        self.login(self.editor)
        response = self.client.get(self.url)

        self.assertContains(response, "Bolton Council directory")
        self.assertContains(response, "12 added, 3 updated, 40 unchanged, 2 queued for review, 1 rejected", html=False)
        self.assertContains(response, reverse("directory:import_report", args=[self.import_run.uuid]))
        self.assertNotContains(response, "Newcastle directory")

    def test_a_failed_pull_shows_its_error(self):
        ImportRun.objects.create(
            source=self.bolton_feed.url,
            feed=self.bolton_feed,
            status=ImportRun.Status.FAILED,
            error="https://bolton.example.org/api/services answered with HTTP status 503.",
        )
        self.login(self.editor)

        response = self.client.get(self.url)

        self.assertContains(response, "Failed: https://bolton.example.org/api/services answered with HTTP status 503.")
        self.assertNotContains(response, "12 added")

    def test_an_administrator_sees_every_feed(self):
        self.login(self.admin)
        response = self.client.get(self.url)

        self.assertContains(response, "Bolton Council directory")
        self.assertContains(response, "Newcastle directory")
        self.assertContains(response, "Not pulled yet")

    def test_nobody_else_gets_in(self):
        for user in (self.coordinator, self.outsider, self.network_lead):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)

    def test_the_page_asks_the_database_as_often_for_more_feeds(self):
        self.login(self.admin)
        self.client.get(self.url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.url)
        for number in range(5):
            feed = Feed.objects.create(name=f"Feed {number}", url="https://example.org/services", area=self.bolton)
            ImportRun.objects.create(source=feed.url, feed=feed, status=ImportRun.Status.FINISHED)
        with self.assertNumQueries(len(few.captured_queries)):
            response = self.client.get(self.url)
        self.assertContains(response, "Feed 4")


class ImportedChangeTests(BaseTestCase):
    """A change a feed queued for review names the feed's import, not a person."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_need("food", name="Food")
        cls.organization = make_organization(waymark_organisation=cls.hub_org, network=cls.network)
        cls.service = apply_service_data(
            Service(organization=cls.organization),
            {"name": "Food bank", "needs": ["food"], "languages": ["en"]},
            organization=cls.organization,
        )

    def test_the_review_page_and_history_say_which_import_a_change_came_from(self):
        feed = Feed.objects.create(
            name="Bolton Council directory", url="https://example.org/services", area=self.bolton
        )
        run = ImportRun.objects.create(
            source=feed.url, source_name=feed.name, feed=feed, publish=False, status=ImportRun.Status.FINISHED
        )
        change = do_propose_change(
            organization=self.organization,
            target_type="service",
            kind="update",
            target=self.service,
            data={"name": "Community food bank"},
            acting_user=self.coordinator,
        )
        ChangeRequest.objects.filter(pk=change.pk).update(submitted_by=None, import_run=run)
        self.login(self.editor)

        review = self.client.get(reverse("directory:review_change", args=[change.uuid]))
        history = self.client.get(reverse("directory:service_history", args=[self.service.id]))

        for response in (review, history):
            self.assertContains(response, "from Bolton Council directory import")
            self.assertNotContains(response, "coordinator@example.org")

    def test_a_change_a_person_proposed_still_names_them(self):
        change = do_propose_change(
            organization=self.organization,
            target_type="service",
            kind="update",
            target=self.service,
            data={"name": "Community food bank"},
            acting_user=self.coordinator,
        )
        self.login(self.editor)

        response = self.client.get(reverse("directory:review_change", args=[change.uuid]))

        self.assertContains(response, "coordinator@example.org")


class EditorElsewhereTests(BaseTestCase):
    def test_an_editor_of_another_network_does_not_see_this_networks_feed_runs(self):
        feed = Feed.objects.create(name="Bolton", url="https://example.org/services", area=self.bolton)
        run = ImportRun.objects.create(source=feed.url, feed=feed, status=ImportRun.Status.FINISHED)
        elsewhere = make_user("tyneside.editor@example.org")
        PlatformRole.objects.create(
            user=elsewhere, kind=PlatformRole.Kind.DIRECTORY_EDITOR, network=make_network("Tyneside")
        )
        self.login(elsewhere)

        self.assertNotContains(self.client.get(reverse("directory:import_feeds")), "Bolton")
        self.assertEqual(self.client.get(reverse("directory:import_report", args=[run.uuid])).status_code, 404)


class FeedAdminTests(BaseTestCase):
    """Administrators set feeds up in the admin (audited); runs and imported records are read-only there."""

    def setUp(self):
        self.login(self.admin)

    def test_an_administrator_adds_a_feed_and_it_is_audited(self):
        response = self.client.post(
            "/admin/directory/feed/add/",
            {
                "name": "Bolton Council directory",
                "url": "https://bolton.example.org/api/services",
                "area": str(self.bolton.pk),
                "mode": Feed.Mode.PUBLISH,
                "active": "on",
            },
        )

        self.assertEqual(response.status_code, 302)
        feed = Feed.objects.get()
        self.assertEqual((feed.area, feed.mode, feed.active), (self.bolton, Feed.Mode.PUBLISH, True))
        self.assertTrue(Event.objects.filter(action="admin.added", object_id=str(feed.uuid)).exists())

    def test_runs_and_imported_records_can_be_looked_up_but_not_changed(self):
        run = ImportRun.objects.create(source="bolton.json", source_name="Bolton", status=ImportRun.Status.FINISHED)
        record = ImportedRecord.objects.create(
            entity="service", object_id=uuid.uuid4(), source_key="bolton.json", original_id="svc-1", last_run=run
        )
        for model, obj in (("importrun", run), ("importedrecord", record)):
            with self.subTest(model=model):
                listing = self.client.get(f"/admin/directory/{model}/")
                self.assertContains(listing, "bolton.json" if model == "importrun" else "svc-1")
                self.assertEqual(self.client.get(f"/admin/directory/{model}/add/").status_code, 403)
                change_url = f"/admin/directory/{model}/{obj.pk}/change/"
                self.assertEqual(self.client.get(change_url).status_code, 200)
                self.assertEqual(self.client.post(change_url, {}).status_code, 403)
                self.assertEqual(self.client.post(f"/admin/directory/{model}/{obj.pk}/delete/").status_code, 403)

    def test_need_mappings_are_listed(self):
        food = make_need("food", name="Food")
        outside = TaxonomyTerm.objects.create(name="Foodbanks", description="Food.")
        NeedMapping.objects.create(term=outside, need=food, mapped_by=self.editor)

        response = self.client.get("/admin/directory/needmapping/")

        self.assertContains(response, "Foodbanks")
