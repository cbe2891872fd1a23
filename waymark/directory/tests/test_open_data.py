"""The public open-data page and the whole-map download: open to everyone, the same for all."""

import gzip
import io
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.core.cache import cache
from django.test import override_settings

from waymark.directory.oruk import export, tabular
from waymark.directory.tests.builders import make_organization
from waymark.directory.tests.test_public import make_listing, make_place
from waymark.ops.tests.test_base_layout import PUBLIC_PAGE_BUDGET_BYTES
from waymark.testing import BaseTestCase


def main_part(response):
    """The page's own content, without the header that greets a signed-in member."""
    return re.search(r"<main.*?</main>", response.text, re.DOTALL).group(0)


class OpenDataTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        organization = make_organization("Croal Valley Welcome Project")
        cls.centre = make_place(organization, area=cls.bolton)
        cls.food_bank = make_listing("Food bank", organization=organization, location=cls.centre)
        cls.refuge = make_listing(
            "Women's refuge",
            organization=organization,
            location=make_place(organization, hidden=True, area=cls.bolton, street="7 Secret Lane", postcode="BL1 9ZZ"),
        )

    def setUp(self):
        folder = tempfile.mkdtemp(prefix="waymark-open-data-test-")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        settings_override = override_settings(DIRECTORY_EXPORT_DIR=folder)
        settings_override.enable()
        self.addCleanup(settings_override.disable)


class OpenDataPageTests(OpenDataTestCase):
    def test_it_tells_a_visitor_what_is_published_and_under_which_licence(self):
        response = self.client.get("/open-data/")

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>Open data</h1>", html=True)
        self.assertContains(response, "There are 2 services on the map today.")
        self.assertContains(response, 'href="/open-data/waymark-directory-hsds.zip"')
        self.assertContains(response, 'href="/api/oruk/services?format=ndjson"')
        self.assertContains(response, 'href="/api/oruk/docs/"')
        self.assertContains(response, 'href="https://creativecommons.org/licenses/by/4.0/"')
        self.assertContains(response, "Creative Commons Attribution 4.0")
        self.assertContains(response, "Open Government Licence")  # why this licence
        self.assertContains(response, export.attribution())
        self.assertContains(response, "Open Referral UK 3.0")
        self.assertContains(response, "CC BY-SA 4.0")
        self.assertEqual(dict(response.cookies), {})

    def test_it_shows_signed_in_members_and_outsiders_the_same_page(self):
        anonymous = main_part(self.client.get("/open-data/"))
        for user in (self.caseworker, self.volunteer, self.outsider, self.editor):
            with self.subTest(user=user.email):
                self.login(user)
                response = self.client.get("/open-data/")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(main_part(response), anonymous)
                self.client.logout()

    def test_it_is_translated_and_right_to_left_in_arabic(self):
        response = self.client.get("/ar/open-data/")

        self.assertContains(response, '<html lang="ar" dir="rtl">')
        self.assertContains(response, 'href="/ar/open-data/waymark-directory-hsds.zip"')
        # The credit line is English whatever the page's language, and says so.
        self.assertContains(response, f'<p lang="en" dir="ltr"><code>{export.attribution()}</code></p>', html=True)

    def test_it_is_light_and_needs_no_script(self):
        response = self.client.get("/open-data/")

        self.assertLess(len(gzip.compress(response.content)), PUBLIC_PAGE_BUDGET_BYTES)
        self.assertNotIn("<script>", main_part(response))

    def test_it_answers_only_reading(self):
        self.assertEqual(self.client.post("/open-data/").status_code, 405)
        self.assertEqual(self.client.head("/open-data/").status_code, 200)


class TabularDownloadTests(OpenDataTestCase):
    def download(self):
        response = self.client.get("/open-data/waymark-directory-hsds.zip")
        self.assertEqual(response.status_code, 200)
        return response, io.BytesIO(b"".join(response.streaming_content))

    def test_anyone_downloads_the_public_map_as_a_tabular_package(self):
        response, body = self.download()

        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertIn('attachment; filename="waymark-directory-hsds.zip"', response["Content-Disposition"])
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertEqual(dict(response.cookies), {})
        records, problems = tabular.package_to_records(body)
        self.assertEqual([p for p in problems if p["level"] == "error"], [])
        self.assertEqual({record["name"] for record in records}, {"Food bank", "Women's refuge"})
        with zipfile.ZipFile(body) as archive:
            self.assertEqual(archive.read("datapackage.json").count(b"CC-BY-4.0"), 1)
            self.assertNotIn(b"Secret Lane", archive.read("addresses.csv"))

    def test_members_and_outsiders_download_the_same_package(self):
        _response, anonymous = self.download()
        for user in (self.caseworker, self.outsider):
            with self.subTest(user=user.email):
                self.login(user)
                _response, body = self.download()
                self.assertEqual(body.getvalue(), anonymous.getvalue())
                self.client.logout()

    def test_it_builds_the_package_once_until_the_map_changes(self):
        self.download()
        folder = Path(export.export_directory())
        built = [path.name for path in folder.glob("hsds-*.zip")]

        self.download()
        self.assertEqual([path.name for path in folder.glob("hsds-*.zip")], built)

        self.food_bank.description = "Food parcels on Wednesdays."
        self.food_bank.save()
        _response, body = self.download()
        self.assertNotEqual([path.name for path in folder.glob("hsds-*.zip")], built)
        with zipfile.ZipFile(body) as archive:
            self.assertIn(b"Food parcels on Wednesdays.", archive.read("services.csv"))


@override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}})
class RebuildInTheBackgroundTests(OpenDataTestCase):
    def test_after_a_change_it_serves_the_previous_package_while_one_task_builds_the_new_one(self):
        from django.tasks import default_task_backend

        default_task_backend.clear()
        self.addCleanup(cache.clear)
        self.client.get("/open-data/waymark-directory-hsds.zip")  # the first package: built at once
        self.assertEqual(default_task_backend.results, [])
        self.food_bank.name = "Community food bank"
        self.food_bank.save()

        for _download in range(2):
            response = self.client.get("/open-data/waymark-directory-hsds.zip")
            with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
                self.assertNotIn(b"Community food bank", archive.read("services.csv"))
        self.assertEqual(len(default_task_backend.results), 1)

        export.build_tabular_package.call()
        response = self.client.get("/open-data/waymark-directory-hsds.zip")
        with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
            self.assertIn(b"Community food bank", archive.read("services.csv"))
