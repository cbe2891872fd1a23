"""The official Open Referral UK 3.0 JSON Schemas, read from the copies in the repository.

The ORUK schemas point at each other with absolute addresses
(``https://openreferraluk.org/specifications/3.0/schema/location.json``). ``validator(name)``
answers those from ``waymark/directory/standards/oruk-3.0/schema/`` instead, so validating a
record never touches the network. The importer checks incoming records with it; the tests check
every API response with it.

    errors = list(validator("service").iter_errors(record))
"""

import functools
import json
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

STANDARDS_DIR = Path(__file__).resolve().parent.parent / "standards"
ORUK_DIR = STANDARDS_DIR / "oruk-3.0"
ORUK_SCHEMA_DIR = ORUK_DIR / "schema"
# Where ORUK publishes its schemas; their cross-references use this prefix.
ORUK_SCHEMA_BASE = "https://openreferraluk.org/specifications/3.0/schema/"


@functools.cache
def schema(name):
    """The ORUK schema ``name`` (``service``, ``service_list``, ``api_details`` …) as a dict."""
    return json.loads((ORUK_SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


@functools.cache
def _registry():
    resources = []
    for path in sorted(ORUK_SCHEMA_DIR.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((ORUK_SCHEMA_BASE + path.name, Resource(contents, specification=DRAFT202012)))
    return Registry().with_resources(resources)


@functools.cache
def validator(name):
    """A validator for the ORUK schema ``name``, checking formats (uuid, email, uri, date)."""
    root = dict(schema(name))
    root.setdefault("$id", ORUK_SCHEMA_BASE + f"{name}.json")
    return Draft202012Validator(root, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def error_path(error):
    """A readable path to the field a validation error is about, e.g. ``locations[0].latitude``."""
    text = ""
    for part in error.absolute_path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(record)"
