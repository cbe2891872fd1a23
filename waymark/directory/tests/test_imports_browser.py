"""A directory editor imports a file, reads the report, maps a term and looks at the feeds, in
English and Arabic (right-to-left), without JavaScript; every page passes axe."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from waymark.accounts.models import PlatformRole
from waymark.directory.models import Feed, ImportRun, Service
from waymark.directory.tests.builders import make_need
from waymark.directory.tests.test_feeds import DEFAULT, FAIL, FIXTURE_SERVICE_NAME
from waymark.testing import make_area, make_network, make_user

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "ar"]


def url(live_server, code, path):
    return live_server.url + (path if code == "en" else f"/{code}{path}")


@pytest.fixture
def editor(db):
    bolton = make_area("Bolton")
    network = make_network("Greater Manchester", [bolton])
    user = make_user("editor@example.org")
    PlatformRole.objects.create(user=user, kind=PlatformRole.Kind.DIRECTORY_EDITOR, network=network)
    Feed.objects.create(name="Bolton Council directory", url="https://bolton.example.org/api/services", area=bolton)
    make_need("mental-health", name="Mental health")
    return user


@pytest.mark.parametrize("code", LANGUAGES)
def test_an_editor_imports_a_file_without_javascript(live_server, browser, sign_in, assert_accessible, editor, code):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(context, editor)
    page.goto(url(live_server, code, reverse("directory:imports")))
    expect(page.locator("html")).to_have_attribute("lang", code)

    # Nothing chosen: the error summary, linked to the file field.
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".error-summary a[href='#id_file']")).to_have_count(1)

    # A check of the validator's failing fixture: rejected records listed, nothing written.
    page.locator("#id_file").set_input_files(str(FAIL / "service_list.json"))
    page.locator("#id_source_name").fill("Validator")
    page.locator("#id_dry_run").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#rejected + p + table tbody tr").first).to_be_visible()
    assert ImportRun.objects.get().dry_run
    assert not Service.objects.exists()

    # The clean fixture, for real: it is on the map.
    page.goto(url(live_server, code, reverse("directory:imports")))
    page.locator("#id_file").set_input_files(str(DEFAULT / "service_full.json"))
    page.locator("#id_source_name").fill("Validator")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()
    assert Service.objects.filter(name=FIXTURE_SERVICE_NAME).exists()
    context.close()


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_import_pages_are_accessible(live_server, page, sign_in, assert_accessible, editor, code):
    sign_in(page.context, editor)
    imports = url(live_server, code, reverse("directory:imports"))

    page.goto(imports)
    assert_accessible(page)
    page.locator("#id_url").fill("ftp://example.org/services")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)

    # A report with rejected records and warnings, and the list of runs.
    page.goto(imports)
    page.locator("#id_file").set_input_files(str(FAIL / "service_list.json"))
    page.locator("#id_source_name").fill("Validator")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#rejected")).to_be_visible()
    assert_accessible(page)
    page.goto(imports)
    expect(page.locator("main table")).to_be_visible()
    assert_accessible(page)

    # The terms of the imported services (if the failing fixture left any), and the feeds.
    page.goto(imports)
    page.locator("#id_file").set_input_files(str(DEFAULT / "service_full.json"))
    page.locator("#id_source_name").fill("Validator")
    page.locator("main form button[type=submit]").click()
    page.goto(url(live_server, code, reverse("directory:import_terms")))
    expect(page.locator("main form select").first).to_be_visible()
    assert_accessible(page)
    page.goto(url(live_server, code, reverse("directory:import_feeds")))
    expect(page.locator("main table")).to_contain_text("Bolton Council directory")
    assert_accessible(page)


def test_the_public_page_of_an_imported_service_says_who_listed_it(
    live_server, page, sign_in, assert_accessible, editor
):
    sign_in(page.context, editor)
    page.goto(live_server.url + reverse("directory:imports"))
    page.locator("#id_file").set_input_files(str(DEFAULT / "service_full.json"))
    page.locator("#id_source_name").fill("Bolton Council directory")
    page.locator("main form button[type=submit]").click()
    service = Service.objects.get(name=FIXTURE_SERVICE_NAME)
    # The fixture was last checked years ago, which would keep it off the public map.
    Service.objects.filter(id=service.id).update(verified_at=timezone.now())

    page.goto(live_server.url + reverse("directory:service", args=[service.id]))

    expect(page.locator(".provenance")).to_contain_text("Listed by Bolton Council directory, imported")
    assert_accessible(page)
