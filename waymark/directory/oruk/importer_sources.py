"""Reading an import's source: a file, an upload or an address, in any of the shapes feeds use.

``read_source`` gives back the records (one dict per service, in the ORUK/HSDS 3.0 shape or the
older ORUK 1.0 one), the format, and problems found while reading (for the run's report). It
raises ``SourceError`` with a translated message when the source as a whole cannot be read:
unreachable, too big, not JSON, not a package, or JSON of no shape we know.

Addresses are fetched with urllib (http and https only, a timeout, a size cap). A paged list is
followed page by page; when its items are not full records (ORUK list items hold only a
service's own fields), each service is fetched from ``/services/{id}``.
"""

import io
import json
import os
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

from waymark.directory.models import ImportRun

# Limits on what one import reads.
MAX_BYTES = 100 * 1024 * 1024
TIMEOUT_SECONDS = 30
MAX_PAGES = 2000
USER_AGENT = "Waymark directory import (Open Referral UK)"

# A service holding none of these is a list item, not a full record.
NESTED_KEYS = (
    "service_at_locations",
    "schedules",
    "contacts",
    "languages",
    "attributes",
    "cost_options",
    "service_areas",
    "phones",
    "funding",
    # ORUK 1.0
    "regular_schedules",
    "eligibilitys",
    "service_taxonomys",
    "fundings",
)
# Keys only ORUK 1.0 records have.
ORUK_1_KEYS = frozenset(
    {
        "eligibilitys",
        "regular_schedules",
        "holiday_schedules",
        "service_taxonomys",
        "fundings",
        "reviews",
        "deliverable_type",
        "attending_type",
        "attending_access",
    }
)


class SourceError(Exception):
    """The source as a whole cannot be read; ``message`` says why, for the person importing."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def is_url(source):
    return isinstance(source, str) and source.strip().lower().startswith(("http://", "https://"))


def fetch_bytes(url):
    """The body at ``url`` (http or https only), at most MAX_BYTES, or SourceError."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceError(_("Only http:// and https:// addresses can be imported."))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - scheme checked above
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise SourceError(
            _("%(url)s answered with HTTP status %(status)s.") % {"url": url, "status": error.code}
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise SourceError(_("%(url)s could not be reached: %(reason)s.") % {"url": url, "reason": reason}) from None
    if len(body) > MAX_BYTES:
        raise SourceError(_("The source is bigger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    return body


def parse_json(body, where):
    """The JSON value of ``body``; newline-delimited JSON (one service per line, as the API's
    ``format=ndjson`` and ``export_directory --format ndjson`` give) is read as a list."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(_("%(where)s is not UTF-8 text.") % {"where": where}) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        records = _ndjson_records(text)
        if records is not None:
            return records
        raise SourceError(
            _("%(where)s is not JSON (line %(line)d, column %(column)d: %(reason)s).")
            % {"where": where, "line": error.lineno, "column": error.colno, "reason": error.msg}
        ) from None


def _ndjson_records(text):
    """The objects of newline-delimited JSON, or None if ``text`` is not that."""
    records = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            return None
        if not isinstance(value, dict):
            return None
        records.append(value)
    return records if len(records) > 1 else None


def _read_local(source):
    """The bytes of a path or an uploaded file, at most MAX_BYTES."""
    if isinstance(source, (bytes, bytearray)):
        body = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise SourceError(_("There is no file at %(path)s.") % {"path": str(source)})
        try:
            with path.open("rb") as handle:
                body = handle.read(MAX_BYTES + 1)
        except OSError as error:
            raise SourceError(
                _("%(path)s could not be read: %(reason)s.") % {"path": str(source), "reason": error}
            ) from None
    elif hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        body = source.read(MAX_BYTES + 1)
        if isinstance(body, str):
            body = body.encode()
    else:
        raise SourceError(_("Give a file or an http(s) address to import."))
    if len(body) > MAX_BYTES:
        raise SourceError(_("The source is bigger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    return body


def _with_page(url, page):
    """``url`` asking for page ``page`` (its other parameters kept)."""
    parts = urllib.parse.urlsplit(url)
    query = [
        (key, value) for key, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if key != "page"
    ]
    query.append(("page", str(page)))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _services_base(url):
    """The API's base address for ``url`` (its part before ``/services``), or None."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path.rstrip("/")
    if path.endswith("/services"):
        return urllib.parse.urlunsplit(parts._replace(path=path[: -len("/services")], query="", fragment=""))
    return None


def _is_oruk_1(records):
    return any(isinstance(record, dict) and ORUK_1_KEYS & set(record) for record in records[:50])


class SourceReader:
    """Reads one source into records. ``problems`` collects report lines met on the way."""

    def __init__(self):
        self.problems = []
        self.format = ""
        self.fetched_details = 0

    def read(self, source):
        """Return (records, format). Raise SourceError when the source cannot be read at all."""
        if is_url(source):
            url = source.strip()
            return self._from_url(url), self.format
        body = _read_local(source)
        if body[:4] == b"PK\x03\x04":
            return self._from_package(body), self.format
        data = parse_json(body, _("The file"))
        return self._from_json(data, url=None), self.format

    def _from_package(self, body):
        """Records from an HSDS tabular package (zip of CSV files with datapackage.json)."""
        try:
            archive = zipfile.ZipFile(io.BytesIO(body))
            names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            raise SourceError(_("The file is not a readable zip package.")) from None
        if not any(name.rsplit("/", 1)[-1] == "datapackage.json" for name in names):
            raise SourceError(_("The zip file has no datapackage.json: it is not an HSDS tabular package."))
        try:
            from waymark.directory.oruk.tabular import package_to_records
        except ImportError:
            raise SourceError(_("Tabular packages cannot be imported yet.")) from None
        self.format = ImportRun.Format.TABULAR
        records, problems = package_to_records(io.BytesIO(body))
        self.problems.extend(problems)
        return list(records)

    def _from_url(self, url):
        data = parse_json(fetch_bytes(url), url)
        # The API's root ("/"): its services are at /services.
        if isinstance(data, dict) and "version" in data and not {"contents", "content", "id"} & set(data):
            url = url.rstrip("/") + "/services"
            data = parse_json(fetch_bytes(url), url)
        return self._from_json(data, url=url)

    def _from_json(self, data, *, url):
        if isinstance(data, list):
            records = data
            self.format = ImportRun.Format.ORUK_1 if _is_oruk_1(records) else ImportRun.Format.HSDS_JSON
        elif isinstance(data, dict) and isinstance(data.get("contents"), list):
            self.format = ImportRun.Format.HSDS_JSON
            records = self._hsds_pages(data, url)
            if _is_oruk_1(records):
                self.format = ImportRun.Format.ORUK_1
        elif isinstance(data, dict) and isinstance(data.get("content"), list):
            self.format = ImportRun.Format.ORUK_1
            records = self._oruk_1_pages(data, url)
        elif isinstance(data, dict) and "id" in data and ("name" in data or "status" in data):
            records = [data]
            self.format = ImportRun.Format.ORUK_1 if _is_oruk_1(records) else ImportRun.Format.HSDS_JSON
        else:
            raise SourceError(
                _(
                    "This JSON is not a service, a list of services or a page of an Open Referral feed "
                    '(no "contents", "content" or service "id" found).'
                )
            )
        if url is not None:
            records = self._full_records(records, url)
        return records

    def _hsds_pages(self, first, url):
        """Every service of an HSDS/ORUK 3.0 paged list, following ``page`` while there are more."""
        records = list(first["contents"])
        if url is None:
            return records
        total_pages = first.get("total_pages")
        page = first.get("page_number") if isinstance(first.get("page_number"), int) else 1
        last = first.get("last_page") is True
        while not last and isinstance(total_pages, int) and page < min(total_pages, MAX_PAGES):
            page += 1
            data = parse_json(fetch_bytes(_with_page(url, page)), url)
            if not isinstance(data, dict) or not isinstance(data.get("contents"), list):
                raise SourceError(_("Page %(page)d of the feed is not a list page.") % {"page": page})
            if not data["contents"]:
                break
            records.extend(data["contents"])
            last = data.get("last_page") is True
        return records

    def _oruk_1_pages(self, first, url):
        """Every service of an ORUK 1.0 paged list (``content``, ``totalElements``, ``last``)."""
        records = list(first["content"])
        if url is None:
            return records
        page = first.get("number", first.get("page"))
        page = page if isinstance(page, int) else 1
        total_pages = first.get("totalPages")
        last = first.get("last") is True
        seen_first = {str(item.get("id")) for item in first["content"] if isinstance(item, dict)}
        pages = 1
        while not last and first["content"] and pages < MAX_PAGES:
            if isinstance(total_pages, int) and pages >= total_pages:
                break
            page += 1
            pages += 1
            data = parse_json(fetch_bytes(_with_page(url, page)), url)
            if not isinstance(data, dict) or not isinstance(data.get("content"), list):
                raise SourceError(_("Page %(page)d of the feed is not a list page.") % {"page": page})
            ids = {str(item.get("id")) for item in data["content"] if isinstance(item, dict)}
            # A feed that ignores ``page`` answers the first page again: stop rather than loop.
            if not data["content"] or ids == seen_first:
                break
            records.extend(data["content"])
            last = data.get("last") is True
        return records

    def _full_records(self, records, url):
        """The records, each list item replaced by its full record from ``/services/{id}``."""
        base = _services_base(url)
        if base is None:
            return records
        full = []
        for record in records:
            if isinstance(record, dict) and "id" in record and not any(key in record for key in NESTED_KEYS):
                detail_url = f"{base}/services/{urllib.parse.quote(str(record['id']), safe='')}"
                try:
                    detail = parse_json(fetch_bytes(detail_url), detail_url)
                except SourceError as error:
                    self.problems.append(
                        {"level": "warning", "record": str(record["id"]), "field": "", "reason": error.message}
                    )
                    detail = None
                if isinstance(detail, dict) and str(detail.get("id")) == str(record["id"]):
                    self.fetched_details += 1
                    record = detail
            full.append(record)
        return full
