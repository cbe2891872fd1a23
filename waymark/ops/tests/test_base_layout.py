"""The base layout: strict Content Security Policy, the landmarks every page has, a print
stylesheet, and public pages light enough for a 2G connection.

The HTML is read with the standard library's parser: enough to find tags and attributes,
without a dependency.
"""

import gzip
import re
from html.parser import HTMLParser

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory, TestCase
from django.urls import reverse

from waymark.testing import BaseTestCase

# What a public page may weigh on the wire: its HTML and the stylesheets and scripts it
# loads, each compressed with gzip (as WhiteNoise and any proxy serve them).
PUBLIC_PAGE_BUDGET_BYTES = 30 * 1024


class Page(HTMLParser):
    """What the tests need to know about one HTML page."""

    LANDMARKS = ("header", "main", "footer", "nav")

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.first_link = None
        self.inline_scripts = []  # <script> without src; each needs a nonce
        self.style_blocks = []  # <style>; each needs a nonce
        self.style_attributes = []  # style="…" is never allowed: a nonce cannot cover it
        self.event_handlers = []  # onclick="…" and friends, likewise
        self.javascript_urls = []
        self.nonces = []
        self.stylesheets = []
        self.script_sources = []
        self.inside = dict.fromkeys(self.LANDMARKS, 0)
        self.seen = []  # (tag, attributes, landmarks it is inside)
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        where = {name for name, depth in self.inside.items() if depth}
        self.seen.append((tag, attributes, where))
        if tag == "a" and self.first_link is None:
            self.first_link = attributes
        if tag == "script":
            if "src" in attributes:
                self.script_sources.append(attributes["src"])
            elif "nonce" not in attributes:
                self.inline_scripts.append(attributes)
        if tag == "style" and "nonce" not in attributes:
            self.style_blocks.append(attributes)
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes["href"])
        if "nonce" in attributes:
            self.nonces.append(attributes["nonce"])
        if "style" in attributes:
            self.style_attributes.append((tag, attributes["style"]))
        for name, value in attributes.items():
            if name.startswith("on"):
                self.event_handlers.append((tag, name))
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.javascript_urls.append((tag, value))
        if tag in self.LANDMARKS:
            self.inside[tag] += 1

    def handle_endtag(self, tag):
        if tag in self.LANDMARKS and self.inside[tag]:
            self.inside[tag] -= 1

    def find(self, tag, **wanted):
        """Every (attributes, landmarks around it) of ``tag`` whose attributes include ``wanted``."""
        wanted = {name.rstrip("_"): value for name, value in wanted.items()}
        return [
            (attributes, where)
            for seen_tag, attributes, where in self.seen
            if seen_tag == tag and all(attributes.get(name) == value for name, value in wanted.items())
        ]


def stylesheet_text():
    return (settings.BASE_DIR / "static" / "css" / "waymark.css").read_text()


class PagesToCheck(BaseTestCase):
    """The pages of the base layout, as visitors and a signed-in member see them."""

    def pages(self):
        yield "login", self.client.get("/accounts/login/")
        yield "login in Arabic", self.client.get("/ar/accounts/login/")
        yield "login with errors", self.client.post("/accounts/login/", {"login": "", "password": ""})
        yield "start page", self.client.get("/")
        yield "missing page", self.client.get("/no-such-page/")
        self.login(self.caseworker)
        yield "start page signed in", self.client.get("/")
        self.client.logout()


class ContentSecurityPolicyTests(PagesToCheck):
    def test_it_sends_a_strict_policy_with_the_login_page(self):
        response = self.client.get("/accounts/login/")

        policy = response["Content-Security-Policy"]
        directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
        self.assertNotIn("'unsafe-inline'", policy)
        self.assertNotIn("'unsafe-eval'", policy)
        self.assertEqual(directives["default-src"], ["'self'"])
        self.assertIn("'self'", directives["script-src"])
        self.assertEqual(directives["object-src"], ["'none'"])
        self.assertEqual(directives["frame-ancestors"], ["'none'"])
        self.assertEqual(directives["base-uri"], ["'none'"])

    def test_it_has_no_inline_script_or_style_without_a_nonce(self):
        for name, response in self.pages():
            with self.subTest(name):
                self.assertTrue(response.has_header("Content-Security-Policy"))
                page = Page(response.text)
                self.assertEqual(page.inline_scripts, [])
                self.assertEqual(page.style_blocks, [])
                self.assertEqual(page.style_attributes, [])
                self.assertEqual(page.event_handlers, [])
                self.assertEqual(page.javascript_urls, [])
                for nonce in page.nonces:
                    self.assertIn(f"'nonce-{nonce}'", response["Content-Security-Policy"])

    def test_it_keeps_the_error_page_free_of_inline_code(self):
        # The 500 page is rendered apart from base.html, so it is checked on its own.
        request = RequestFactory().get("/")
        page = Page(render_to_string("500.html", request=request))

        self.assertEqual(page.inline_scripts + page.style_blocks + page.style_attributes, [])
        self.assertEqual(page.event_handlers, [])


class LayoutTests(PagesToCheck):
    def test_it_starts_every_page_with_a_skip_link_to_main(self):
        for name, response in self.pages():
            with self.subTest(name):
                page = Page(response.text)
                self.assertEqual(page.first_link.get("href"), "#main")
                self.assertIn("skip-link", page.first_link.get("class", ""))
                self.assertEqual(len(page.find("main", id="main")), 1)

    def test_it_has_a_header_with_the_language_switcher_then_main_and_footer(self):
        for name, response in self.pages():
            with self.subTest(name):
                page = Page(response.text)
                self.assertEqual(len(page.find("header")), 1)
                self.assertEqual(len(page.find("footer")), 1)
                switchers = page.find("form", action=reverse("set_language"))
                self.assertEqual(len(switchers), 1)
                self.assertIn("header", switchers[0][1])
                select = page.find("select", name="language")[0][0]
                self.assertEqual(len(page.find("label", for_=select["id"])), 1)

    def test_it_offers_every_language_in_its_own_name(self):
        page = Page(self.client.get("/accounts/login/").text)

        options = page.find("option")
        offered = [attributes["value"] for attributes, where in options if "header" in where]
        self.assertEqual(offered, [code for code, _name in settings.LANGUAGES])
        self.assertEqual(page.find("option", value="ar")[0][0].get("lang"), "ar")

    def test_it_shows_the_account_menu_to_a_signed_in_member(self):
        self.login(self.caseworker)

        page = Page(self.client.get("/").text)

        logout_forms = page.find("form", action=reverse("account_logout"))
        self.assertEqual(len(logout_forms), 1)
        self.assertIn("header", logout_forms[0][1])

    def test_it_has_a_print_stylesheet_that_leaves_out_the_header_and_footer(self):
        print_rules = re.search(r"@media print\s*{(.*?)}\s*}", stylesheet_text(), re.DOTALL)

        self.assertIsNotNone(print_rules)
        hidden = re.search(r"([^{}]*){\s*display:\s*none", print_rules.group(1)).group(1)
        self.assertIn(".site-header", hidden)
        self.assertIn(".site-footer", hidden)

    def test_it_writes_the_stylesheet_with_logical_properties(self):
        # Physical sides (left/right) would not mirror for right-to-left languages.
        physical = re.findall(r"(?:margin|padding|border)-(?:left|right)\b|\b(?:left|right)\s*:", stylesheet_text())

        self.assertEqual(physical, [])


class PageWeightTests(TestCase):
    def wire_bytes(self, response):
        """Bytes on the wire for the page and what it loads, each gzip-compressed."""
        page = Page(response.text)
        total = len(gzip.compress(response.content))
        for url in page.stylesheets + page.script_sources:
            self.assertTrue(url.startswith(settings.STATIC_URL), f"{url} is not one of our static files")
            path = finders.find(url.removeprefix(settings.STATIC_URL))
            self.assertIsNotNone(path, f"{url} is linked but not found")
            with open(path, "rb") as file:
                total += len(gzip.compress(file.read()))
        return total

    def test_it_keeps_public_pages_under_30_kb_compressed(self):
        for path in ("/accounts/login/", "/ar/accounts/login/", "/", "/fa/", "/no-such-page/"):
            with self.subTest(path):
                response = self.client.get(path)
                weight = self.wire_bytes(response)
                self.assertLess(weight, PUBLIC_PAGE_BUDGET_BYTES, f"{path} weighs {weight} bytes")

    def test_it_counts_the_stylesheet_in_the_weight(self):
        response = self.client.get("/accounts/login/")

        self.assertEqual(Page(response.text).stylesheets, [settings.STATIC_URL + "css/waymark.css"])
        self.assertGreater(self.wire_bytes(response), len(gzip.compress(response.content)))
