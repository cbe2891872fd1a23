"""Making other directories' records fit to read: the messy parts of real feeds.

Real Open Referral feeds are written by many systems. Descriptions arrive as HTML, empty
values as "" or null, ids as "123" or "lgasc:service:42" instead of UUIDs. The importer passes
every record through ``clean_record`` before checking it against the ORUK schema:

- HTML in free text becomes plain text (paragraphs and list items on lines of their own);
- strings are trimmed, and empty strings, nulls and empty objects are left out, as HSDS says a
  field with no value should be;
- an id that is not a UUID becomes a stable UUID made from the source, the kind of object and
  the original id (``stable_uuid``), so importing the same feed again finds the same rows; the
  original ids are returned so the importer can keep them.

Nothing here touches the database.
"""

import re
import uuid
from html.parser import HTMLParser

# Every UUID made for a non-UUID id lives under this namespace.
IMPORT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://waymark.invalid/directory/import")

# ISO 3166-1 alpha-2 country codes (from the tz database's iso3166.tab).
_COUNTRY_TABLE = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
    BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
    EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
    HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
    LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
    NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""
COUNTRY_CODES = frozenset(_COUNTRY_TABLE.split())
# What UK feeds write instead of "GB".
_COUNTRY_ALIASES = {
    "UK": "GB",
    "GBR": "GB",
    "UNITED KINGDOM": "GB",
    "GREAT BRITAIN": "GB",
    "ENGLAND": "GB",
    "SCOTLAND": "GB",
    "WALES": "GB",
    "NORTHERN IRELAND": "GB",
}

# Fields holding addresses, codes or structured text, never HTML to flatten.
_NOT_PROSE = frozenset(
    {
        "id",
        "url",
        "website",
        "logo",
        "uri",
        "term_uri",
        "schedule_link",
        "email",
        "assurer_email",
        "extent",
        "number",
        "code",
        "byday",
        "bymonthday",
        "byweekno",
        "byyearday",
    }
)
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);")
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "section",
        "article",
        "table",
        "hr",
    }
)
_SKIP_CONTENT_TAGS = frozenset({"script", "style", "head", "template"})


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, with a line break at each block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_CONTENT_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")

    def handle_endtag(self, tag):
        if tag in _SKIP_CONTENT_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(text):
    """``text`` with its HTML turned into plain text: tags gone, entities decoded, one line per
    paragraph or list item, runs of spaces made one. Text without HTML is only trimmed."""
    if not _LOOKS_LIKE_HTML.search(text):
        return text.strip()
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    # The parser has already decoded entities (convert_charrefs).
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def is_uuid(value):
    """True if ``value`` is a string holding a UUID in its usual written form."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def stable_uuid(source_key, entity, original_id):
    """The UUID Waymark gives a record whose own id is not a UUID: the same for the same
    source, kind of object and original id, every time."""
    return str(uuid.uuid5(IMPORT_NAMESPACE, f"{source_key}\n{entity}\n{original_id}"))


def country_code(value):
    """The ISO 3166-1 alpha-2 code ``value`` names ("GB" for "UK" or "United Kingdom"), or None."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).upper()
    text = _COUNTRY_ALIASES.get(text, text)
    return text if text in COUNTRY_CODES else None


# An address's text fields that HSDS requires but that may truly be empty (a UK address often
# has no county; Waymark keeps a postcode or country it could not accept as empty, and
# publishes them as ""): given empty, they stay, as "", so that such an address (Waymark's
# own export among them) is still taken in.
ADDRESS_TEXT_REQUIRED = ("address_1", "city", "state_province", "postal_code", "country")


def drop_empty(value, key=""):
    """``value`` with strings trimmed (HTML made text in prose fields), and every "", null and
    empty object left out of objects and lists, except an address's required text fields
    (``ADDRESS_TEXT_REQUIRED``), kept as "". Returns None when nothing is left."""
    if isinstance(value, str):
        text = value.strip() if key in _NOT_PROSE else html_to_text(value)
        return text or None
    if isinstance(value, dict):
        cleaned = {}
        for name, item in value.items():
            item = drop_empty(item, name)
            if item is not None:
                cleaned[name] = item
        if key == "addresses" and cleaned:
            for name in ADDRESS_TEXT_REQUIRED:
                if name in value and name not in cleaned and (value[name] is None or isinstance(value[name], str)):
                    cleaned[name] = ""
        return cleaned or None
    if isinstance(value, list):
        items = [drop_empty(item, key) for item in value]
        # An empty list is a real answer ("no schedules"); only its empty members go.
        return [item for item in items if item is not None]
    return value


# Which kind of object each nested key holds, so an id can be namespaced by its kind.
CHILD_ENTITIES = {
    "organization": "organization",
    "program": "program",
    "programs": "program",
    "schedules": "schedule",
    "service_areas": "service_area",
    "service_at_locations": "service_at_location",
    "languages": "language",
    "funding": "funding",
    "cost_options": "cost_option",
    "contacts": "contact",
    "attributes": "attribute",
    "phones": "phone",
    "required_documents": "required_document",
    "capacities": "service_capacity",
    "unit": "unit",
    "metadata": "metadata",
    "location": "location",
    "locations": "location",
    "addresses": "address",
    "accessibility": "accessibility",
    "organization_identifiers": "organization_identifier",
    "taxonomy_term": "taxonomy_term",
    "taxonomy_detail": "taxonomy",
}
# Reference fields and the kind of object they name ("link_id" names its parent's kind).
REFERENCE_ENTITIES = {
    "organization_id": "organization",
    "parent_organization_id": "organization",
    "program_id": "program",
    "service_id": "service",
    "location_id": "location",
    "service_at_location_id": "service_at_location",
    "contact_id": "contact",
    "phone_id": "phone",
    "taxonomy_term_id": "taxonomy_term",
    "taxonomy_id": "taxonomy",
    "unit_id": "unit",
}


class IdMapper:
    """Turns a record's non-UUID ids into stable UUIDs, remembering the originals.

    ``originals`` maps each made UUID to (kind of object, original id).
    """

    def __init__(self, source_key):
        self.source_key = source_key
        self.originals = {}

    def map(self, entity, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or is_uuid(value):
            return value.lower() if isinstance(value, str) else value
        made = stable_uuid(self.source_key, entity, value)
        self.originals[made] = (entity, value)
        return made

    def map_record(self, record, entity="service"):
        """A copy of ``record`` (an object of kind ``entity``) with every id and reference a UUID."""
        if not isinstance(record, dict):
            return record
        mapped = {}
        for key, value in record.items():
            if key == "id":
                mapped[key] = self.map(entity, value)
            elif key in REFERENCE_ENTITIES:
                mapped[key] = self.map(REFERENCE_ENTITIES[key], value)
            elif key == "parent_id" and entity == "taxonomy_term":
                mapped[key] = self.map("taxonomy_term", value)
            elif key == "link_id":
                # An attribute's link_id names the object it hangs under; mapped by the caller.
                mapped[key] = value
            elif key in CHILD_ENTITIES and isinstance(value, dict):
                mapped[key] = self.map_record(value, CHILD_ENTITIES[key])
            elif key in CHILD_ENTITIES and isinstance(value, list):
                mapped[key] = [self.map_record(item, CHILD_ENTITIES[key]) for item in value]
            else:
                mapped[key] = value
        # An attribute's link_id names its parent object; the parent maps it (see below).
        for attribute in mapped.get("attributes", []) if isinstance(mapped.get("attributes"), list) else []:
            if isinstance(attribute, dict) and "link_id" in attribute:
                attribute["link_id"] = self.map(entity, attribute["link_id"])
        return mapped


def clean_record(record, source_key):
    """``record`` (one service, in the ORUK/HSDS 3.0 shape) made fit to check: empty values left
    out, HTML made text, every id a UUID. Returns (record, originals) where ``originals`` maps
    each made UUID to (kind, original id)."""
    cleaned = drop_empty(record) if isinstance(record, dict) else record
    if not isinstance(cleaned, dict):
        return record, {}
    mapper = IdMapper(source_key)
    return mapper.map_record(cleaned), mapper.originals
