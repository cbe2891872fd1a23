"""Bytes on the wire of the public map's pages: home, results and a service page.

    .venv/bin/python bench/page_weight.py

Each page is weighed as a first visit on a slow phone would fetch it: its HTML and every
stylesheet, script and image it loads, each compressed with gzip at level 9 (as WhiteNoise
serves static files; a proxy compresses the HTML likewise), nothing cached. The target is
30 KB per page (issue 3), with no JavaScript required. Targets are reported, not enforced.

The map is ``seed_demo``'s (352 services) in a new temporary database, unless
``BENCH_DATABASE_URL`` names a database that already holds one.
"""

import gzip
import io
import os
from html.parser import HTMLParser

from harness import Bench

TARGET_BYTES = 30 * 1024


class Loads(HTMLParser):
    """The stylesheets, scripts and images (the icon among them) a page loads."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.css, self.js, self.images, self.icons = [], [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.css.append(attributes["href"])
        elif tag == "link" and attributes.get("rel") == "icon":
            self.icons.append(attributes["href"])
        elif tag == "script" and attributes.get("src"):
            self.js.append(attributes["src"])
        elif tag == "img" and attributes.get("src"):
            self.images.append(attributes["src"])


def compressed(content):
    return len(gzip.compress(content, compresslevel=9))


def static_file(address):
    """A static file's bytes, from where collectstatic would take it (the bench runs without it)."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    with open(finders.find(address.removeprefix(settings.STATIC_URL)), "rb") as file:
        return file.read()


def fetch(client, address):
    response = client.get(address)
    if response.status_code != 200:
        raise SystemExit(f"GET {address} answered {response.status_code}")
    return b"".join(response.streaming_content) if response.streaming else response.content


def weigh(client, label, address):
    """One row of the table: compressed bytes of the HTML, CSS, JS and images of a page."""
    html = fetch(client, address)
    loads = Loads(html.decode())
    row = {
        "label": label,
        "address": address,
        "html_raw": len(html),
        "html": compressed(html),
        "css": sum(compressed(static_file(href)) for href in loads.css),
        "js": sum(compressed(static_file(src)) for src in loads.js),
        "images": sum(compressed(fetch(client, src)) for src in loads.images)
        + sum(compressed(static_file(href)) for href in loads.icons),
    }
    row["total"] = row["html"] + row["css"] + row["js"] + row["images"]
    return row


def pages():
    """The pages to weigh, from the map in the database: the busiest first page of results
    and the service with the most to say."""
    from waymark.directory.models import Service

    services = list(Service.objects.public().prefetch_related("schedules", "languages", "required_documents"))
    if not services:
        raise SystemExit("The database has no public services: run seed_demo first.")
    fullest = max(services, key=lambda s: (len(s.description) + len(s.application_process), s.schedules.count()))
    adviser = next((s for s in services if s.advice_regulator), fullest)
    return [
        ("home", "/"),
        ("home, Arabic", "/ar/"),
        ("results: everything, page 1", "/services/"),
        ("results: food", "/services/?need=food"),
        ("results: food, Arabic", "/ar/services/?need=food"),
        ("results: advice near M14, open now", "/services/?q=advice&near=M14&open_now=1"),
        ("service: the fullest", f"/services/{fullest.id}/"),
        ("service: the fullest, Arabic", f"/ar/services/{fullest.id}/"),
        ("service: immigration advice", f"/services/{adviser.id}/"),
    ]


def main():
    # seed_demo refuses to run without it (its users have a published password); the
    # database is a throwaway one unless BENCH_DATABASE_URL says otherwise.
    os.environ.setdefault("WAYMARK_DEMO", "1")
    bench = Bench("Waymark: page weight of the public map", argv=[])
    from django.core.management import call_command
    from django.test import Client

    from waymark.directory.models import Service

    if not Service.objects.exists():
        print("Seeding the demo map (seed_demo)…")
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    client = Client()
    rows = [weigh(client, label, address) for label, address in pages()]

    print(f"\nPage weight of the public map, gzip -9, nothing cached (target {TARGET_BYTES // 1024} KB each)\n")
    header = f"{'page':38} {'HTML raw':>9} {'HTML':>7} {'CSS':>6} {'JS':>5} {'images':>7} {'total':>7}  target"
    print(header)
    print("-" * len(header))
    for row in rows:
        verdict = "met" if row["total"] <= TARGET_BYTES else "MISSED"
        print(
            f"{row['label']:38} {row['html_raw']:>9,} {row['html']:>7,} {row['css']:>6,} {row['js']:>5,}"
            f" {row['images']:>7,} {row['total']:>7,}  {verdict}"
        )
    print("\nEvery page works without JavaScript; the one script (near-me.js) only adds the 'Near me' button.")
    bench._close()


if __name__ == "__main__":
    main()
