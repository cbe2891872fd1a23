"""Reading and placing UK postcodes, offline.

People type postcodes every way: "bl11aa", " BL1 1AA ", "Bl1  1aa", on phone keyboards that
give Arabic-Indic or full-width digits. ``normalise_postcode`` turns each into the one written
form ("BL1 1AA") or refuses it; ``locate`` places it on the map from our own tables, so no
third-party geocoder ever sees what someone searched for.

A postcode is placed by its own row when full postcodes have been imported
(``manage.py import_postcodes``), else by the middle of its district (the outcode, "BL1"),
which every install has. Only an outcode we do not know is "unknown"; nothing here raises on
what a person typed.
"""

import re
import unicodedata
from dataclasses import dataclass

from waymark.places.models import OutcodeCentroid, PostcodeCentroid

# The outward code is an area of one or two letters and a district: a digit, then an optional
# digit or letter (M1, BL11, SW1A, W1T). The inward code is a sector digit and a two-letter
# unit. "GIR 0AA" (the old Girobank postcode) is the one valid postcode outside this pattern.
# The finer Royal Mail rules (which letters may stand where) are left out on purpose: a
# well-formed postcode we have no data for is "unknown", which tells the person more.
_OUTCODE = r"(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)"
_INWARD = r"[0-9][A-Z]{2}"
_POSTCODE_RE = re.compile(rf"({_OUTCODE})({_INWARD})")
_OUTCODE_RE = re.compile(_OUTCODE)

# More than the longest postcode with generous spacing; longer input is not a postcode.
_LONGEST_INPUT = 20


class Precision:
    POSTCODE = "postcode"
    OUTCODE = "outcode"


class Reason:
    INVALID = "invalid"  # not a postcode or an outcode at all
    UNKNOWN = "unknown"  # well-formed, but its outcode is not in our data


@dataclass(frozen=True)
class Location:
    """Where a typed postcode is, or why it could not be placed.

    ``found`` is true with ``latitude``, ``longitude`` and ``precision`` ("postcode" when the
    full postcode was in the table, "outcode" when its district's middle was used); false with
    ``reason`` ("invalid" or "unknown"). ``query`` is the normalised postcode or outcode ("" when
    invalid). A Location is truthy only when found, so ``if locate(text):`` reads naturally.
    """

    found: bool
    query: str = ""
    latitude: float | None = None
    longitude: float | None = None
    precision: str | None = None
    reason: str | None = None

    def __bool__(self):
        return self.found


def _squash(text: str) -> str:
    """Upper-case ASCII letters and digits of ``text`` with every space removed.

    Full-width forms and other scripts' digits (٣, ۳, ３) become ASCII. Anything else that is
    not whitespace stays as it is (non-ASCII letters are not upper-cased: "ß" would become
    "SS"), so that stray characters make the input invalid rather than silently different.
    """
    text = unicodedata.normalize("NFKC", text)
    chars = []
    for char in text:
        if char.isspace():
            continue
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            chars.append(str(digit))
        else:
            chars.append(char.upper() if char.isascii() else char)
    return "".join(chars)


def normalise_postcode(text: str) -> str | None:
    """The postcode in ``text`` written the standard way ("BL1 1AA"), or None when ``text`` is
    not a well-formed full postcode. Case and spacing do not matter ("bl11aa", " BL1 1AA ")."""
    if not isinstance(text, str) or len(text) > _LONGEST_INPUT:
        return None
    match = _POSTCODE_RE.fullmatch(_squash(text))
    if match is None:
        return None
    outcode, inward = match.groups()
    if outcode == "GIR" and inward != "0AA":
        return None
    return f"{outcode} {inward}"


def normalise_outcode(text: str) -> str | None:
    """The bare outcode in ``text`` upper-cased ("bl1" → "BL1"), or None when ``text`` is not
    one on its own."""
    if not isinstance(text, str) or len(text) > _LONGEST_INPUT:
        return None
    squashed = _squash(text)
    if squashed == "GIR" or not _OUTCODE_RE.fullmatch(squashed):
        return None
    return squashed


def outcode_of(postcode: str) -> str | None:
    """The outward code of a full postcode ("BL1 1AA" → "BL1"), or None when it is not one."""
    normalised = normalise_postcode(postcode)
    return normalised.split(" ")[0] if normalised else None


def locate(text: str) -> Location:
    """Place a typed full postcode or bare outcode, from our own tables; never raises.

    A full postcode is placed by its own row when imported, else by its outcode's middle. A
    full postcode missing from the imported rows (new, or retired since the import) still gets
    its outcode: only an outcode we do not know is "unknown".
    """
    postcode = normalise_postcode(text) if isinstance(text, str) else None
    if postcode is not None:
        outcode = postcode.split(" ")[0]
        row = PostcodeCentroid.objects.filter(postcode=postcode).values_list("latitude", "longitude").first()
        if row is not None:
            return Location(True, postcode, row[0], row[1], Precision.POSTCODE)
        query = postcode
    else:
        outcode = normalise_outcode(text) if isinstance(text, str) else None
        if outcode is None:
            return Location(False, reason=Reason.INVALID)
        query = outcode

    row = OutcodeCentroid.objects.filter(outcode=outcode).values_list("latitude", "longitude").first()
    if row is None:
        return Location(False, query, reason=Reason.UNKNOWN)
    return Location(True, query, row[0], row[1], Precision.OUTCODE)
