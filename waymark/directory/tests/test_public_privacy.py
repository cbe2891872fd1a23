"""What the public map leaves with a visitor and sends elsewhere: no cookies unless they choose
a language, nothing loaded from anyone else, and pages light enough for a 2G connection."""

import gzip
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from waymark.directory.tests.test_public import PublicMapTestCase, make_listing, make_place
from waymark.ops.tests.test_base_layout import PUBLIC_PAGE_BUDGET_BYTES, Page


class PublicPagesTestCase(PublicMapTestCase):
    def public_pages(self):
        service = f"/services/{self.food_bank.id}/"
        for prefix in ("", "/ar"):
            yield f"{prefix}/"
            yield f"{prefix}/services/"
            yield f"{prefix}/services/?q=food&near=BL3&open_now=1"
            yield f"{prefix}/services/share.txt?q=food"
            yield f"{prefix}/services/qr.svg?q=food"
            yield f"{prefix}{service}"
            yield f"{prefix}{service}share.txt"
            yield f"{prefix}{service}qr.svg"
            yield f"{prefix}/about/"


class NoCookiesTests(PublicPagesTestCase):
    def test_it_sets_no_cookie_on_a_visitor(self):
        for url in self.public_pages():
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(dict(response.cookies), {})

    def test_it_sets_only_the_language_cookie_when_a_visitor_chooses_a_language(self):
        client = Client(enforce_csrf_checks=True)
        page = client.get("/services/?q=food")
        self.assertNotContains(page, "csrfmiddlewaretoken")

        response = client.post(reverse("set_language"), {"language": "ar", "next": "/services/?q=food"})

        self.assertRedirects(response, "/ar/services/?q=food", fetch_redirect_response=False)
        self.assertEqual(list(response.cookies), [settings.LANGUAGE_COOKIE_NAME])
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "ar")

    def test_it_refuses_a_language_change_another_site_sends(self):
        client = Client(enforce_csrf_checks=True)

        for headers in ({"Origin": "https://elsewhere.example"}, {"Sec-Fetch-Site": "cross-site"}):
            with self.subTest(headers):
                response = client.post(reverse("set_language"), {"language": "ar", "next": "/"}, headers=headers)
                self.assertEqual(response.status_code, 403)
                self.assertEqual(dict(response.cookies), {})

    def test_it_still_wants_a_csrf_token_from_a_signed_in_member(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.caseworker)

        response = client.post(reverse("set_language"), {"language": "ar", "next": "/"})

        self.assertEqual(response.status_code, 403)

    def test_it_gives_signed_in_members_the_token_their_forms_need(self):
        self.login(self.caseworker)

        response = self.client.get("/services/")

        self.assertContains(response, "csrfmiddlewaretoken")


class NothingFromElsewhereTests(PublicPagesTestCase):
    def test_it_loads_only_its_own_files_and_no_inline_code(self):
        for url in self.public_pages():
            if url.endswith((".txt", ".svg")) or ".txt?" in url or ".svg?" in url:
                continue
            with self.subTest(url):
                response = self.client.get(url)
                page = Page(response.text)
                loaded = page.stylesheets + page.script_sources
                loaded += [attributes["src"] for attributes, _where in page.find("img")]
                for address in loaded:
                    self.assertTrue(address.startswith("/"), address)
                    self.assertFalse(address.startswith("//"), address)
                self.assertEqual(page.inline_scripts + page.style_blocks + page.style_attributes, [])
                self.assertEqual(page.event_handlers, [])

    def test_it_links_to_openstreetmap_only_as_a_plain_link(self):
        page = Page(self.client.get(f"/services/{self.food_bank.id}/").text)

        links = [attributes["href"] for attributes, _where in page.find("a") if "openstreetmap" in attributes["href"]]
        self.assertEqual(len(links), 1)
        self.assertEqual(page.find("iframe") + page.find("object") + page.find("embed"), [])

    def test_it_rounds_the_position_near_me_sends_to_about_a_kilometre(self):
        script = finders.find("js/near-me.js")
        with open(script) as file:
            source = file.read()

        self.assertIn('latitude.toFixed(2) + "," + position.coords.longitude.toFixed(2)', source)
        # The position is asked for inside the button's click handler, never on load.
        self.assertLess(source.index('addEventListener("click"'), source.index("getCurrentPosition"))


class PageWeightTests(PublicPagesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # A full first page of results.
        for number in range(20):
            place = make_place(cls.organization, area=cls.bolton, street=f"{number + 1} Chorley New Road")
            make_listing(f"Food and advice {number}", organization=cls.organization, location=place)

    def wire_bytes(self, response):
        """The page and what it loads (stylesheets, scripts, images), each compressed with gzip."""
        total = len(gzip.compress(response.content))
        page = Page(response.text)
        images = [attributes["src"] for attributes, _where in page.find("img")]
        for address in page.stylesheets + page.script_sources:
            with open(finders.find(address.removeprefix(settings.STATIC_URL)), "rb") as file:
                total += len(gzip.compress(file.read()))
        for address in images:
            total += len(gzip.compress(self.client.get(address).content))
        return total

    def test_it_keeps_home_results_and_a_service_under_30_kb_compressed(self):
        for url in ("/", "/ar/", "/services/?q=food", "/ar/services/?q=food", f"/ar/services/{self.food_bank.id}/"):
            with self.subTest(url):
                response = self.client.get(url)
                if "services/?" in url:
                    self.assertEqual(len(response.context["results"]), 20)
                weight = self.wire_bytes(response)
                self.assertLess(weight, PUBLIC_PAGE_BUDGET_BYTES, f"{url} weighs {weight} bytes")

    def test_it_prints_a_list_without_the_header_forms_and_buttons(self):
        stylesheet = (settings.BASE_DIR / "static" / "css" / "waymark.css").read_text()
        print_rules = re.search(r"@media print\s*{(.*?)}\s*}", stylesheet, re.DOTALL).group(1)
        hidden = re.search(r"([^{}]*){\s*display:\s*none", print_rules).group(1)

        for selector in (".site-header", ".search-form", ".no-print"):
            self.assertIn(selector, hidden)
        self.assertIn(".print-only { display: block; }", print_rules)
